"""The funded project and the people around it (tests/projects/conftest.py)."""

import pytest

from tests.projects.conftest import cast, person  # noqa: F401 (fixtures)


@pytest.fixture(autouse=True)
def _in_english():
    """The tests match the services' English messages; the site's default language is Finnish, whose
    translations of these messages are now compiled."""
    from django.utils import translation

    with translation.override("en"):
        yield
