"""The funded project and the people around it (tests/projects/conftest.py); refusals read in English."""

import pytest

from tests.projects.conftest import cast, person, small_round  # noqa: F401 (fixtures)


@pytest.fixture(autouse=True)
def _in_english(english):
    """The tests match refusals' English words; the site's default language is Finnish."""
