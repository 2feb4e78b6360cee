"""The importer reads names on the decision's date and turns a name it cannot place into a finding, never a guess."""

import dataclasses
from datetime import date

from avustus.decisions.importing.linking import link
from avustus.decisions.importing.parser import parse_decision
from avustus.registry.resolver import load_registry
from tests.conftest import SEED

PARSED = parse_decision(SEED.read_text(encoding="utf-8"))


def _with_first_recipient(name: str, on: date | None = None):
    first = dataclasses.replace(PARSED.grants[0], recipient=name)
    parsed = dataclasses.replace(PARSED, grants=(first, *PARSED.grants[1:]))
    if on is not None:
        parsed = dataclasses.replace(parsed, decision_date=on)
    return link(parsed, load_registry())


def test_the_seed_body_names_every_recipient_the_registry_knows():
    findings = link(PARSED, load_registry()).findings
    assert not [f for f in findings if f.kind == "unresolved_name" and f.row is None]


def test_an_unknown_recipient_is_a_finding_with_candidates_not_a_guess():
    linked = _with_first_recipient("Valtamon kunnalle")
    found = [f for f in linked.findings if f.kind == "unresolved_name" and "Valtamon kunnalle" in f.message]
    assert len(found) == 1 and found[0].severity == "warning"
    # Valtimo had merged into Nurmes before 26.2.2020, so it is not offered for this decision.
    assert "Paltamo" in found[0].details["candidates"] and "Valtimo" not in found[0].details["candidates"]
    granted = [a for a in linked.applications if a.grant is not None and a.grant.number == 1]
    assert granted == [] or granted[0].recipient.body is None


def test_a_recipient_gone_by_the_decisions_date_is_read_and_flagged():
    linked = _with_first_recipient("Valtimon kunnalle", on=date(2021, 2, 26))
    (first,) = [a for a in linked.applications if a.grant is not None and a.grant.number == 1]
    assert first.recipient.body.code == "911" and first.recipient.corrected
    assert "no longer existed on 2021-02-26" in first.recipient.note
