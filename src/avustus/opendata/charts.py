"""The open-data pages' charts: each an SVG picture, a text alternative and a table of the same figures.

Figures come from the selectors (a fixed number of queries per chart); the drawing is ``svg``'s; the words
are translated here, in the active language.
"""

import csv
import json
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from avustus.applications.models import ConsortiumMember
from avustus.calls.models import Call, Programme
from avustus.decisions.models import Outcome
from avustus.decisions.selectors import round_summary
from avustus.opendata import svg, topo
from avustus.opendata.selectors import ZERO, RoundFigures, programme_rounds, published_applications, regions

MAP_WIDTH = 600  # drawn at twice the width shown, in whole units (see topo.path_data)


def euros(value: Decimal | int) -> str:
    return number_format(value, 2, force_grouping=True) + " €"


def count(value: Decimal | int) -> str:
    return number_format(value, 0, force_grouping=True)


@dataclass(frozen=True)
class Chart:
    ident: str
    title: str
    summary: str  # the text alternative: what the picture shows, in a sentence or two
    svg: str
    headers: list[str]
    rows: list[list[str]]


def _pairs_chart(ident, title, categories, applied, granted) -> Chart:
    series = [svg.Series(_("Applied"), "chart-applied"), svg.Series(_("Granted"), "chart-granted")]
    parts = [_("%(name)s: applied %(applied)s, granted %(granted)s") % {
        "name": c, "applied": euros(a), "granted": euros(g)} for c, a, g in zip(categories, applied, granted,
                                                                               strict=True)]
    summary = "; ".join(parts) + "." if parts else _("Nothing to show.")
    picture = svg.bar_chart(ident, title, summary, categories, series,
                            [[a, g] for a, g in zip(applied, granted, strict=True)], euros)
    rows = [[c, euros(a), euros(g)] for c, a, g in zip(categories, applied, granted, strict=True)]
    return Chart(ident, title, summary, picture, [_("Name"), _("Applied"), _("Granted")], rows)


def _round_rows(call: Call) -> list[dict]:
    return [dict(row) for row in published_applications().filter(call=call).order_by().values(
        "amount_applied", "outcome_kind", "amount_granted", "group_code", "group_name_fi", "group_name_sv",
        "group_name_en", "lead_region", "outcome_number")]


def by_group(call: Call, lang: str, rows: list[dict] | None = None) -> Chart:
    """Applied and granted of the round's grants, by the decision's group heading."""
    rows = _round_rows(call) if rows is None else rows
    granted = [r for r in rows if r["outcome_kind"] == Outcome.Kind.GRANTED]
    names: dict[str, str] = {}
    for r in sorted(granted, key=lambda r: r["outcome_number"] or 0):
        code = r["group_code"] or ""
        names.setdefault(code, r[f"group_name_{lang}"] or r["group_name_fi"] or _("Without a group"))
    applied = [sum((r["amount_applied"] for r in granted if (r["group_code"] or "") == c), ZERO) for c in names]
    given = [sum((r["amount_granted"] for r in granted if (r["group_code"] or "") == c), ZERO) for c in names]
    return _pairs_chart(f"groups-{call.pk}", _("Granted projects by group: applied and granted"),
                        list(names.values()), applied, given)


def by_region(call: Call, lang: str, rows: list[dict] | None = None) -> Chart:
    """Applied (every decided application) and granted, by the region of the consortium's lead."""
    rows = _round_rows(call) if rows is None else rows
    known = {code: (fi, sv) for code, fi, sv in regions()}
    codes = sorted({r["lead_region"] or "" for r in rows}, key=lambda c: (c == "", c))

    def name(code: str) -> str:
        if code not in known:
            return _("Region not recorded")
        fi, sv = known[code]
        return sv if lang == "sv" and sv else fi

    applied = [sum((r["amount_applied"] for r in rows if (r["lead_region"] or "") == c), ZERO) for c in codes]
    given = [sum((r["amount_granted"] or ZERO for r in rows if (r["lead_region"] or "") == c
                  and r["outcome_kind"] == Outcome.Kind.GRANTED), ZERO) for c in codes]
    return _pairs_chart(f"regions-{call.pk}", _("Applications by the lead's region: applied and granted"),
                        [name(c) for c in codes], applied, given)


def funnel(call: Call) -> Chart:
    """From applications received to the decision's outcomes."""
    summary = round_summary(call)
    received = summary.received if summary.received is not None else summary.applications
    withdrawn = summary.withdrawn if summary.withdrawn is not None else summary.withdrawn_in_list
    steps = [
        (_("Received"), received),
        (_("Withdrawn"), withdrawn),
        (_("Considered (received less withdrawn)"), max(received - withdrawn, 0)),
        (_("Granted"), summary.granted_count),
        (_("Deferred"), summary.deferred),
        (_("Rejected"), summary.rejected),
    ]
    title = _("The round from applications to decisions")
    text = "; ".join(f"{label}: {count(n)}" for label, n in steps) + "."
    picture = svg.bar_chart(f"funnel-{call.pk}", title, text, [s[0] for s in steps],
                            [svg.Series(_("Applications"), "chart-count")], [[n] for _label, n in steps], count)
    return Chart(f"funnel-{call.pk}", title, text, picture, [_("Stage"), _("Applications")],
                 [[label, count(n)] for label, n in steps])


@cache
def _finland() -> tuple[list[svg.Area], float]:
    data = json.loads(resources.files("avustus.opendata").joinpath("data", "municipalities-2017.topo.json")
                      .read_text(encoding="utf-8"))
    return topo.areas(data, "kuntarajat", MAP_WIDTH)


@cache
def successors() -> dict[str, tuple[str, int]]:
    """Municipality codes of the 2017 map that merged since: the code that continued each, and from which year."""
    text = resources.files("avustus.opendata").joinpath("data", "municipality-successors.csv").read_text("utf-8")
    return {row["code"]: (row["successor_code"], int(row["from_year"])) for row in csv.DictReader(text.splitlines())}


def participants(call: Call) -> list[tuple[str, str, str]]:
    """(code, Finnish name, Swedish name) of each municipality that leads or joins a granted project of the
    round; a joint authority or sub-region stands for its recorded members."""
    from avustus.registry.models import Organisation

    granted = published_applications().filter(call=call, outcome_kind=Outcome.Kind.GRANTED).values("pk")
    members = ConsortiumMember.objects.filter(application__in=granted, organisation__isnull=False).values_list(
        "organisation__code", "organisation__member_codes")
    codes = set()
    for code, member_codes in members:
        codes.update([code] if code else list(member_codes or []))
    return [(code or "", fi, sv) for code, fi, sv in Organisation.objects.filter(code__in=codes).order_by("name_fi")
            .values_list("code", "name_fi", "name_sv")]


def shaded_areas(areas: list[svg.Area], codes: set[str], later: dict[str, tuple[str, int]], year: int) -> set[str]:
    """The map's areas to shade: a participant's own, and the area of a municipality that had merged by ``year``
    (the round's) into one that takes part."""
    def merged_into(code: str) -> str | None:
        successor, since = later.get(code, ("", 0))
        return successor if successor and since <= year else None

    return {a.code for a in areas if a.code in codes or merged_into(a.code) in codes}


def participation_map(call: Call, lang: str) -> Chart:
    found = participants(call)
    areas, height = _finland()
    year = call.closes_at.year + 1 if call.closes_at else 9999  # decided after the call closed, in the next year
    # at the latest (the 2019 call's decision of 2020 already knew Nurmes with Valtimo)
    on = shaded_areas(areas, {code for code, _fi, _sv in found}, successors(), year)
    names = [sv if lang == "sv" and sv else fi for _code, fi, sv in found]
    title = _("Municipalities that lead or join a granted project")
    text = _("%(count)s municipalities lead or join a granted project of the round: %(names)s.") % {
        "count": len(found), "names": ", ".join(names)}
    picture = svg.map_chart(f"map-{call.pk}", title, text, areas, on, MAP_WIDTH, height,
                            legend=[("chart-area chart-area-on", _("Takes part")), ("chart-area", _("Does not"))])
    return Chart(f"map-{call.pk}", title, text, picture, [_("Code"), _("Municipality")],
                 [[code, name] for (code, _fi, _sv), name in zip(found, names, strict=True)])


def _round_label(call: Call) -> str:
    return f"{call.closes_at.month}/{call.closes_at.year}" if call.closes_at else call.slug


def over_time(programme: Programme, lang: str, figures: list[RoundFigures] | None = None) -> Chart:
    """Applied and granted in each of the programme's rounds, oldest first (``figures``: already counted)."""
    figures = programme_rounds(programme) if figures is None else figures
    labels = [_round_label(f.call) for f in figures]
    series = [svg.Series(_("Applied"), "chart-applied"), svg.Series(_("Granted"), "chart-granted")]
    title = _("Money applied for and granted, round by round")
    text = "; ".join(_("%(name)s: applied %(applied)s, granted %(granted)s") % {
        "name": f.call.title(lang), "applied": euros(f.applied), "granted": euros(f.granted)} for f in figures) + "."
    picture = svg.column_chart(f"time-{programme.pk}", title, text, labels, series,
                               [[f.applied, f.granted] for f in figures], lambda v: count(Decimal(v) / 1000) + " k€")
    rows = [[f.call.title(lang), euros(f.applied), count(f.granted_count), euros(f.granted)] for f in figures]
    return Chart(f"time-{programme.pk}", title, text, picture,
                 [_("Round"), _("Applied"), _("Grants"), _("Granted")], rows)


def round_charts(call: Call, lang: str) -> list[Chart]:
    rows = _round_rows(call)
    return [funnel(call), by_group(call, lang, rows), by_region(call, lang, rows), participation_map(call, lang)]
