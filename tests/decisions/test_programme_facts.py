"""The programme's facts are data: what an imported round's call requires comes from the programme's file."""

from decimal import Decimal

import pytest

from avustus.actors import SYSTEM
from avustus.decisions import round_import
from avustus.decisions.approval import combinable_sentences
from avustus.decisions.bundled import bundled_decision

pytestmark = pytest.mark.django_db


def test_the_imported_call_requires_what_the_programme_file_says(round_2020):
    facts = round_import.programme_facts()
    assert round_2020.programme.name_sv == facts["programme"]["name_sv"]
    assert round_2020.min_municipalities == facts["call"]["min_municipalities"] == 2
    assert round_2020.lead_kinds == round_2020.partner_kinds == ["municipality", "joint_authority"]
    assert round_2020.aid_rate == Decimal("0.85")  # as the 2020 decision states it


def test_changing_the_file_changes_the_call_not_the_code(monkeypatch):
    facts = round_import.programme_facts()
    changed = {**facts, "call": {**facts["call"], "min_municipalities": 3, "lead_kinds": ["municipality"]}}
    monkeypatch.setattr(round_import, "programme_facts", lambda: changed)
    call = round_import.import_parsed(bundled_decision(), actor=SYSTEM, source_name="bundled").call
    assert call.min_municipalities == 3
    assert call.lead_kinds == ["municipality"]


def test_a_combinable_grant_is_described_in_both_languages_from_the_language_files():
    assert combinable_sentences(2) == ("Hanke on mahdollista yhdistää avustuksen 2 hankkeeseen.",
                                       "Projektet kan slås samman med projektet i punkt 2.")
