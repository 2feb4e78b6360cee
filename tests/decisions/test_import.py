"""Importing the collective decision of 26.2.2020, and damaged copies of it."""

import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from avustus.actors import SYSTEM
from avustus.applications.models import Application, ConsortiumMember
from avustus.audit.chain import verify
from avustus.audit.models import AuditEntry
from avustus.calls.models import Call
from avustus.decisions.bundled import bundled_decision
from avustus.decisions.importing.parser import parse_decision
from avustus.decisions.importing.result import DecisionFormatError
from avustus.decisions.models import Decision, Finding, Outcome
from avustus.decisions.round_import import RoundConflict, content_hash, import_decision
from avustus.decisions.selectors import round_report
from tests.conftest import SEED

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(seed_text):
    return import_decision(seed_text.encode(), actor=SYSTEM, source_name=SEED.name)


def test_seed_gives_the_round_of_the_decision(imported):
    report = round_report(imported.call)
    r = report["round"]
    assert r["id"] == "kuntadigi-2020-02-26"
    assert r["decision_date"] == "2020-02-26"
    assert (r["received"], r["withdrawn"]) == (52, 1)
    assert (r["applications"], r["granted"], r["deferred"], r["rejected"]) == (51, 27, 6, 18)
    assert report["totals"] == {"applied": "24574065.00", "granted": "8268000.00"}
    assert [(g["grants"], g["granted"]) for g in r["groups"]] == [(13, "4105700.00"), (14, "4162300.00")]
    assert r["groups"][0]["heading"] == "Sähköisen asioinnin, viestinnän ja osallisuuden hankkeet"
    assert r["appropriation"] == "30000000.00" and r["budget_item"] == "28.90.32"
    assert r["rounding"] == {"unit": "100.00", "mode": "down"}
    assert r["deadline"] == "2019-12-19"


def test_the_deadline_is_the_day_in_finland(imported):
    # Ten past midnight in Helsinki on 20.12. is still 19.12. in UTC: the round's deadline is the Finnish day.
    from datetime import datetime
    from zoneinfo import ZoneInfo

    call = imported.call
    call.closes_at = datetime(2019, 12, 20, 0, 10, tzinfo=ZoneInfo("Europe/Helsinki"))
    call.save(update_fields=["closes_at"])
    call.refresh_from_db()  # as stored: in UTC, 19.12. 22:10
    assert round_report(call)["round"]["deadline"] == "2019-12-20"


def test_first_application_as_the_issue_describes_it(imported):
    apps = {a["title"]: a for a in round_report(imported.call)["applications"]}
    app = apps["Kaupunki taskussa"]
    assert app["lead"] == {"name": "Hämeenlinnan kaupunki", "kind": "municipality", "code": "109",
                           "resolved_name": "Hämeenlinna"}
    assert [p["resolved_name"] for p in app["partners"]] == ["Salo"]
    assert (app["applied"], app["outcome"], app["granted"]) == ("112200.00", "granted", "112200.00")
    assert app["group"] == "Sähköisen asioinnin, viestinnän ja osallisuuden hankkeet"


def test_every_grant_is_the_amount_applied_rounded_down_to_hundreds(imported):
    for outcome in Outcome.objects.filter(kind="granted").select_related("application"):
        applied = outcome.application.amount_applied
        assert outcome.amount_granted == (applied // 100) * 100


def test_every_name_is_resolved_or_reported(imported):
    unresolved = ConsortiumMember.objects.filter(application__call=imported.call, organisation__isnull=True)
    assert unresolved.exists()  # the seed has group names such as "seurantajäsenet"
    for member in unresolved:
        assert Finding.objects.filter(
            application=member.application, kind="unresolved_name", message__contains=member.name_as_written
        ).exists(), member.name_as_written


def test_disagreements_between_body_and_appendix_are_findings(imported):
    findings = list(Finding.objects.filter(call=imported.call).select_related("application"))
    kinds = {(f.kind, f.application.source_row if f.application else None) for f in findings}
    by_title = {a.title: a.source_row for a in Application.objects.filter(call=imported.call)}
    # Grant 11 names Seinäjoki; its appendix row names Tampere as the lead.
    tampere_row = by_title[
        "Saavutettavien asiointiprosessien kehittäminen ja Suomi.fi palveluiden tehokas ja helppo käyttöönotto"
    ]
    assert ("recipient_mismatch", tampere_row) in kinds
    # Deferred 6 names Tampere; its appendix row names Toivakka.
    toivakka_row = next(row for title, row in by_title.items() if title.startswith("Edistynyt analytiikka"))
    assert ("recipient_mismatch", toivakka_row) in kinds
    # The appendix row of grant 26 names no lead; the body names Tuusula.
    tuusula_row = by_title["Talousarvioprosessin automatisointi ja talousarvioesityksen jako moderneilla työkaluilla"]
    assert ("lead_missing", tuusula_row) in kinds
    lead = ConsortiumMember.objects.get(application__source_row=tuusula_row, role="lead")
    assert lead.organisation.name_fi == "Tuusula"
    for f in findings:
        if f.kind in {"recipient_mismatch", "lead_missing"}:
            assert f.details["body"] and f.details["appendix"], "a finding quotes both sources"


def test_second_import_of_the_same_file_changes_nothing(imported, seed_text):
    before = _snapshot()
    again = import_decision(seed_text.encode(), actor=SYSTEM, source_name=SEED.name)
    assert not again.changed and again.decision == imported.decision
    assert _snapshot() == before
    assert verify().ok


def test_bundled_round_is_the_seed(seed_text, round_2020):
    # The demo's data file must say exactly what the seed says, or the demo shows something else.
    assert content_hash(bundled_decision()) == content_hash(parse_decision(seed_text))
    again = import_decision(seed_text.encode(), actor=SYSTEM, source_name=SEED.name)
    assert not again.changed


def test_a_different_text_for_the_same_round_needs_replace(imported, seed_text):
    changed = seed_text.replace("Kaupunki taskussa\t112 200,00", "Kaupunki taskussa\t112 300,00")
    assert changed != seed_text
    with pytest.raises(RoundConflict):
        import_decision(changed.encode(), actor=SYSTEM, source_name="changed.txt")
    assert Application.objects.get(call=imported.call, title="Kaupunki taskussa").amount_applied == Decimal("112200.00")
    result = import_decision(changed.encode(), actor=SYSTEM, source_name="changed.txt", replace=True)
    assert result.changed
    assert Application.objects.get(title="Kaupunki taskussa").amount_applied == Decimal("112300.00")
    assert Application.objects.count() == 51 and Decision.objects.count() == 1
    assert AuditEntry.objects.filter(action="decision.reimported").count() == 1


@pytest.mark.parametrize(
    "damage",
    [
        lambda t: "",
        lambda t: t[: len(t) // 2],
        lambda t: t.split("Hakijakunta / hankehallinnoija")[0],
        lambda t: t.replace("\t\t24 574 065,00", ""),
        lambda t: t.replace("Kaupunki taskussa\t112 200,00", "Kaupunki taskussa\t112 2x0,00"),
        lambda t: "Lorem ipsum dolor sit amet.\n" * 40,
    ],
    ids=["empty", "cut-in-half", "no-appendix", "no-total-row", "bad-amount", "other-document"],
)
def test_damaged_copies_are_refused_and_store_nothing(seed_text, damage):
    with pytest.raises(DecisionFormatError):
        import_decision(damage(seed_text).encode(), actor=SYSTEM, source_name="damaged.txt")
    assert _snapshot() == (0, 0, 0, 0, 0, 0)


def test_binary_file_is_refused():
    with pytest.raises(DecisionFormatError):
        import_decision(bytes(range(256)) * 10, actor=SYSTEM, source_name="image.png")
    assert Call.objects.count() == 0


def test_command_prints_the_round_as_json(capsys):
    call_command("import_decision", str(SEED), "--json")
    report = json.loads(capsys.readouterr().out)
    assert report["totals"]["granted"] == "8268000.00"
    assert len(report["applications"]) == 51
    assert all(f["message"] for f in report["findings"])


def test_command_refuses_a_damaged_file_with_a_clear_error(tmp_path):
    path = tmp_path / "cut.txt"
    path.write_text(SEED.read_text(encoding="utf-8")[:5000], encoding="utf-8")
    from django.utils import translation

    with translation.override("en"):  # the command's messages are in the user's language (see tests/test_cli.py)
        with pytest.raises(CommandError, match="not a collective decision"):
            call_command("import_decision", str(path))
        with pytest.raises(CommandError, match="cannot read"):
            call_command("import_decision", str(tmp_path / "missing.txt"))
    with translation.override("sv"), pytest.raises(CommandError, match="är inte ett samlat beslut"):
        call_command("import_decision", str(path))
    assert Call.objects.count() == 0


def _snapshot():
    return (
        Call.objects.count(),
        Application.objects.count(),
        ConsortiumMember.objects.count(),
        Decision.objects.count(),
        Outcome.objects.count(),
        AuditEntry.objects.count(),
    )
