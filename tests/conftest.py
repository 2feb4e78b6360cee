"""Fixtures shared by the whole suite: the seed decision and the 2020 round loaded through the real import."""

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEED = SHARED / "seeds" / "000_db4183b925909120.txt"


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture
def round_2020(db):
    """The 2020 round as the demo loads it: the bundled facts through ``import_parsed``."""
    from avustus.decisions.bundled import bundled_decision
    from avustus.decisions.services import import_parsed

    return import_parsed(bundled_decision(), actor=None, source_name="bundled 2020 round").call
