"""The funded project and the people around it (tests/projects/conftest.py); refusals read in English."""

import pytest

from avustus.changes.decision import preview_snapshot, snapshot_sha256
from tests.projects.conftest import cast, person, room_for_an_extension, small_round  # noqa: F401 (fixtures)


@pytest.fixture(autouse=True)
def _in_english(english):
    """The tests match refusals' English words; the site's default language is Finnish."""


@pytest.fixture(autouse=True)
def _room_for_an_extension(request):
    """These tests are of how a change works; the 2020 round's limit itself is tested with its own period of use set
    back (``test_an_extension_beyond_the_period_of_use_is_refused_saying_why``)."""
    if "cast" in request.fixturenames:
        room_for_an_extension(request.getfixturevalue("cast").project.call)


def previewed(request, actor, decided_on=None) -> str:
    """The hash of the amending decision as ``actor`` reads it before confirming: what the page sends as ``shown``."""
    return snapshot_sha256(preview_snapshot(request, actor=actor, decided_on=decided_on))
