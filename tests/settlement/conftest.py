"""The funded project and the people around it (tests/projects/conftest.py); refusals read in English."""

import pytest
from django.utils import translation

from tests.projects.conftest import cast, person, small_round  # noqa: F401 (fixtures)


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield
