"""Decision documents: rendered from the round's data, in Finnish and Swedish, and readable back."""

from decimal import Decimal

import pytest

from avustus.decisions.documents.render import render_decision
from avustus.decisions.importing.linking import link
from avustus.decisions.importing.parser import parse_decision
from avustus.decisions.models import Decision
from avustus.decisions.selectors import round_report
from avustus.registry.resolver import load_registry

pytestmark = pytest.mark.django_db


def _name(member: dict | None) -> str | None:
    if member is None:
        return None
    return member["resolved_name"] or member["name"]


def _from_report(report: dict) -> list[tuple]:
    return [
        (_name(a["lead"]), tuple(sorted(_name(p) for p in a["partners"])), a["title"], a["applied"], a["outcome"],
         a["granted"])
        for a in report["applications"]
    ]


def _from_linked(linked) -> list[tuple]:
    def name(member):
        if member is None:
            return None
        return member.resolution.body.name_fi if member.resolution.body else member.name_as_written

    return [
        (name(a.lead), tuple(sorted(name(p) for p in a.partners)), a.row.project, f"{a.row.amount:.2f}", a.outcome,
         f"{a.grant.amount:.2f}" if a.grant else None)
        for a in linked.applications
    ]


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_rendered_text_imports_back_as_the_same_round(round_2020, lang):
    decision = Decision.objects.get(call=round_2020)
    text = render_decision(decision, lang, "txt").decode()
    parsed = parse_decision(text)
    linked = link(parsed, load_registry())
    report = round_report(round_2020)

    assert parsed.language == lang
    assert (parsed.received, parsed.withdrawn) == (52, 1)
    assert parsed.decision_date.isoformat() == "2020-02-26"
    assert parsed.applied_total == parsed.appendix_total == Decimal("24574065.00")
    assert parsed.granted_total == Decimal("8268000.00")
    assert len(parsed.grants) == 27 and len(parsed.deferred) == 6 and len(parsed.appendix) == 51
    assert _from_linked(linked) == _from_report(report)
    groups = {g.heading for g in parsed.groups}
    original_groups = {g["heading"] for g in report["round"]["groups"]}
    if lang == "fi":
        assert groups == original_groups
    assert [len([g for g in parsed.grants if g.group_heading == h.heading]) for h in parsed.groups] == [13, 14]


@pytest.mark.parametrize("fmt", ["txt", "html"])
@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_every_figure_of_the_round_is_in_the_document(round_2020, lang, fmt):
    from avustus.applications.models import Application
    from avustus.rules.money import format_amount

    decision = Decision.objects.get(call=round_2020)
    document = render_decision(decision, lang, fmt).decode()
    euro = "euroa" if lang == "fi" else "euro"
    for outcome in decision.outcomes.filter(kind="granted"):
        assert f"{format_amount(outcome.amount_granted, cents=False)} {euro}" in document
    for application in Application.objects.filter(call=round_2020):
        assert format_amount(application.amount_applied) in document
    assert format_amount(Decimal("24574065.00")) in document  # the appendix total row
    assert f"{format_amount(Decimal('8268000'), cents=False)} {euro}" in document
    assert "26.2.2020" in document and "19.12.2019" in document and "30.11.2021" in document


def test_recipients_in_the_finnish_allative_and_in_swedish(round_2020):
    decision = Decision.objects.get(call=round_2020)
    fi = render_decision(decision, "fi", "txt").decode()
    sv = render_decision(decision, "sv", "txt").decode()
    for words in ("**Hämeenlinnan kaupungille ja muille", "**Lestijärven kunnalle ja muille",
                  "**Paraisten kaupungille ja muille", "**Espoon kaupunki**"):
        assert words in fi
    for words in ("**Till Pargas stad och övriga kommuner", "**Till Tavastehus stad och", "**Esbo stad**",
                  "högst 112\u00a0200 euro**"):
        assert words in sv


def test_text_from_the_data_is_escaped_in_html(round_2020):
    from avustus.applications.models import Application

    Application.objects.filter(call=round_2020, source_row=1).update(title='<script>alert("x")</script> & co')
    html = render_decision(Decision.objects.get(call=round_2020), "fi", "html").decode()
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co" in html
    assert '<html lang="fi">' in html


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_import_decision_of_the_rendered_text_stores_the_same_round(round_2020, lang, tmp_path):
    from django.core.management import call_command

    before = round_report(round_2020)
    path = tmp_path / f"decision-{lang}.txt"
    call_command("render_decision", round_2020.slug, "--lang", lang, "--format", "txt", "-o", str(path))
    call_command("import_decision", str(path), "--replace")
    after = round_report(Decision.objects.get().call)
    assert after["round"]["id"] == before["round"]["id"]
    for key in ("received", "withdrawn", "applications", "granted", "deferred", "rejected", "decision_date"):
        assert after["round"][key] == before["round"][key], key
    assert [(g["grants"], g["granted"]) for g in after["round"]["groups"]] == [(13, "4105700.00"), (14, "4162300.00")]
    assert after["totals"] == before["totals"] == {"applied": "24574065.00", "granted": "8268000.00"}
    assert _from_report(after) == _from_report(before)


def test_a_swedish_decision_keeps_finnish_and_swedish_group_names_apart(round_2020, tmp_path):
    from django.core.management import call_command

    from avustus.calls.models import GrantGroup

    path = tmp_path / "sv.txt"
    call_command("render_decision", round_2020.slug, "--lang", "sv", "--format", "txt", "-o", str(path))
    call_command("import_decision", str(path), "--replace")
    group = GrantGroup.objects.get(code="group-2")
    assert group.name_fi == "Muut hankkeet" and group.name_sv and group.name_sv != group.name_fi


def test_swedish_decision_uses_the_decree_terms_swedish_titles_and_genitive_names(round_2020):
    """Decree 893/2019 calls the lead "projektadministratör"; signatures carry Swedish titles; names take the
    genitive."""
    decision = Decision.objects.get(call=round_2020)
    sv = render_decision(decision, "sv", "txt").decode()
    assert "Sökande kommun / projektadministratör" in sv
    assert "projektförvaltare" not in sv
    assert "**Till Villmanstrands stad och övriga kommuner" in sv
    assert "Villmanstrand stad" not in sv
    assert "Kommunminister" in sv and "Finansråd" in sv
    assert "Kuntaministeri" not in sv and "Finanssineuvos" not in sv
    fi = render_decision(decision, "fi", "txt").decode()
    assert "Kuntaministeri" in fi and "Finanssineuvos" in fi


def test_a_swedish_decision_written_with_the_old_lead_term_still_imports(round_2020):
    """Texts rendered before the change (and by hand) say "projektförvaltare": they import as the same round."""
    decision = Decision.objects.get(call=round_2020)
    text = render_decision(decision, "sv", "txt").decode().replace("projektadministratör", "projektförvaltare")
    text = text.replace("Villmanstrands stad", "Villmanstrand stad")
    parsed = parse_decision(text)
    linked = link(parsed, load_registry())
    assert parsed.language == "sv" and len(parsed.appendix) == 51
    assert _from_linked(linked) == _from_report(round_report(round_2020))
