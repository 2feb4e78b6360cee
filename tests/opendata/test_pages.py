"""The public open-data pages: no login, fi and sv, the search's filters, a body's page, a programme's, a fixed
number of queries, and the round's download buttons."""

from decimal import Decimal
from xml.etree import ElementTree

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SLUG = "kuntadigi-2020-02-26"
# Every 2020 application Hämeenlinna (109) led or joined, by row of Appendix 1: it led 010, 011 and 012 and
# joined 014 (Kurob) and 039 (taiteen perusopetus).
HAMEENLINNA_2020 = {"010", "011", "012", "014", "039"}


def _get(client, url, lang="fi", **params):
    response = client.get(url, params, HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200, response.content[:500]
    return response


@pytest.mark.parametrize(("lang", "name", "lead"), [("fi", "Hämeenlinna", "hankehallinnoija"),
                                                    ("sv", "Tavastehus", "projektadministratör")])
def test_hameenlinna_page_lists_every_2020_application_it_led_or_joined(client, round_2020, lang, name, lead):
    from avustus.applications.models import Application

    response = _get(client, reverse("open-organisation", args=["109"]), lang)
    record = response.context["record"]
    rows = {r.application.reference.rsplit("-", 1)[1]: r for r in record.rows}
    assert set(rows) == HAMEENLINNA_2020
    expected = set(Application.objects.filter(call=round_2020, members__organisation__code="109")
                   .values_list("reference", flat=True).distinct())
    assert {r.application.reference for r in record.rows} == expected
    assert rows["010"].role == "lead" and rows["014"].role == "partner"
    assert record.led == 3 and record.joined == 2
    assert record.granted_led == Decimal("112200.00") + Decimal("246500.00")
    assert record.granted_joined == Decimal("507300.00") + Decimal("155800.00")
    # Kurob's 507 300 € shared by its 11 distinct bodies (Jyväskylä leads and is listed as a partner too).
    assert rows["014"].share == Decimal("46118.18")
    html = response.content.decode()
    assert f'lang="{lang}"' in html and "Kaupunki taskussa" in html and "46\u00a0118,18" in html
    assert f"<h1>{name}</h1>" in html and html.count(f"<td>{lead}</td>") == 3


def test_the_search_filters_and_its_queries_do_not_grow(client, round_2020, django_assert_max_num_queries):
    url = reverse("open-grants")
    everything = _get(client, url).context
    assert everything["totals"].applications == round_2020.applications.exclude(status="draft").count()
    assert everything["totals"].granted == Decimal("8268000.00")
    granted = _get(client, url, outcome="granted", call=SLUG, year="2020").context
    assert granted["totals"].granted_count == 27 and len(granted["page"].rows) == 27
    group = _get(client, url, group="group-1").context["totals"]
    assert group.granted_count == 13
    big = _get(client, url, min="500000").context["page"].rows
    assert sorted(a.amount_granted for a in big) == [Decimal("507300.00"), Decimal("544000.00"),
                                                     Decimal("722500.00"), Decimal("892500.00"),
                                                     Decimal("1200000.00")]
    body = _get(client, url, organisation="109").context["totals"]
    assert body.applications == 5
    # Kanta-Häme: Hämeenlinna in 010, 012, 014 and 039; Riihimäki in 014 and 038; Janakkala in 014; Loppi in 019.
    region = _get(client, url, region="05", outcome="granted").context["page"].rows
    assert {a.reference.rsplit("-", 1)[1] for a in region} == {"010", "012", "014", "019", "038", "039"}
    cache.clear()  # the totals and the choices are cached per rewrite of the published table: count them all
    with CaptureQueriesContext(connection) as few:
        _get(client, url, outcome="rejected")
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        _get(client, url)
    assert len(many) == len(few) <= 8
    with CaptureQueriesContext(connection) as again:
        _get(client, url)
    assert len(again) == len(many) - 4  # the totals and the three queries of the choices, from the cache


def test_the_search_pages_by_a_key(client, round_2020):
    from avustus.opendata import selectors

    found = selectors.published_applications()
    seen, url, pages = [], reverse("open-grants"), 0
    while url:
        page = _get(client, url).context["page"]
        seen += [a.pk for a in page.rows]
        url, pages = page.links.get("next"), pages + 1
        url = reverse("open-grants") + url if url else None
    assert pages == 2 and len(seen) == len(set(seen)) == found.count() == 51
    last = _get(client, reverse("open-grants"), last="1").context["page"]
    assert [a.pk for a in last.rows] == seen[50:] and last.number == 2
    response = _get(client, reverse("open-grants"), after="garbage")
    assert response.context["page"].number == 1 and [a.pk for a in response.context["page"].rows] == seen[:50]


def test_a_wrong_amount_is_said_in_the_users_language_and_the_search_still_shows(client, round_2020):
    assert _get(client, reverse("open-grants"), year="²⁰²⁰", max="NaN").context["errors"].keys() == {"year", "max"}
    response = _get(client, reverse("open-grants"), "sv", min="paljon", year="20x")
    html = response.content.decode()
    assert response.context["errors"].keys() == {"min", "year"}
    assert 'aria-invalid="true"' in html and 'href="#f-min"' in html


def test_the_round_page_has_its_charts_with_tables_and_downloads(client, round_2020):
    response = _get(client, reverse("open-round", args=[SLUG]))
    charts = response.context["charts"]
    assert [c.ident.split("-")[0] for c in charts] == ["funnel", "groups", "regions", "map"]
    funnel = dict(charts[0].rows)
    assert list(funnel.values()) == ["52", "1", "51", "27", "6", "18"]
    html = response.content.decode()
    assert html.count('role="img"') == 4 and html.count("<table") == 4
    assert "style=" not in html and "<script" not in html
    for fmt in ("360giving", "csv", "xlsx"):
        assert reverse("open-round-export", args=[SLUG, fmt]) in html
    download = client.get(reverse("open-round-export", args=[SLUG, "csv"]))
    assert download.status_code == 200 and download["Content-Disposition"].endswith(f'{SLUG}-grants.csv"')
    assert client.get(reverse("open-round-export", args=[SLUG, "pdf"])).status_code == 404
    assert client.get(reverse("open-round-export", args=["nothing", "csv"])).status_code == 404
    round_page = _get(client, reverse("round", args=[SLUG])).content.decode()
    assert reverse("open-round-export", args=[SLUG, "360giving"]) in round_page


def test_the_map_shades_the_2020_participants(client, round_2020):
    from avustus.opendata.charts import participation_map

    chart = participation_map(round_2020, "fi")
    root = ElementTree.fromstring(chart.svg)  # noqa: S314 - the SVG the code under test built
    ns = {"s": "http://www.w3.org/2000/svg"}
    on = {p.find("s:title", ns).text for p in root.findall("s:path", ns) if "chart-area-on" in p.get("class")}
    assert {"Hämeenlinna", "Salo", "Kiuruvesi", "Honkajoki", "Halsua"} <= on
    assert "Helsinki" in on and "Utsjoki" not in on  # Helsinki joins Vantaa's granted project 050
    assert {row[0] for row in chart.rows} >= {"109", "734"} and len(chart.rows) == len(on)


def test_the_programme_page_totals_its_rounds(client, round_2020):
    response = _get(client, reverse("open-programme", args=["kuntadigi"]), "sv")
    assert response.context["granted"] == Decimal("8268000.00") and response.context["granted_count"] == 27
    assert response.context["chart"].rows[0][-1].replace("\u00a0", " ").startswith("8 268 000,00")


def test_drafts_are_not_published(client, round_2020):
    round_2020.status = "draft"
    round_2020.save()
    assert client.get(reverse("open-round", args=[SLUG])).status_code == 404
    assert _get(client, reverse("open-grants")).context["totals"].applications == 0


def test_pages_query_the_database_a_fixed_number_of_times(client, round_2020):
    """Fewer queries than the round has applications (51) or Hämeenlinna rows: nothing is asked row by row."""
    def queries(url):
        cache.clear()
        with CaptureQueriesContext(connection) as seen:
            response = _get(client, url)
        return len(seen), response.context

    _get(client, reverse("open-grants"))  # the first reader after a signing writes the published table
    five, hml = queries(reverse("open-organisation", args=["109"]))
    one, sauvo = queries(reverse("open-organisation", args=["738"]))
    assert (len(hml["record"].rows), len(sauvo["record"].rows)) == (5, 1)
    assert five == one
    assert queries(reverse("open-round", args=[SLUG]))[0] < 25
    assert queries(reverse("open-programme", args=["kuntadigi"]))[0] <= 8
    assert queries(reverse("open-grants"))[0] <= 8


def test_a_municipality_merged_since_2017_is_shaded_with_its_successor():
    from avustus.opendata.charts import _finland, shaded_areas, successors

    later = successors()
    # Valtimo merged into Nurmes in 2020, Honkajoki into Kankaanpää in 2021.
    assert later["911"] == ("541", 2020) and later["099"] == ("214", 2021)
    areas, _height = _finland()
    assert shaded_areas(areas, {"541"}, later, 2020) == {"541", "911"}
    assert shaded_areas(areas, {"214"}, later, 2020) == {"214"}  # in 2020 Honkajoki was still on its own
    assert shaded_areas(areas, {"214"}, later, 2021) == {"214", "099"}
    assert shaded_areas(areas, {"099"}, later, 2020) == {"099"}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(["programme", "call", "year", "group", "outcome", "organisation", "region",
                                        "min", "max", "after"]),
                       st.text(alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"),
                               max_size=40), max_size=6))
def test_any_search_is_answered_never_a_server_error(client, round_2020, params):
    response = client.get(reverse("open-grants"), params)
    assert response.status_code == 200
    assert set(response.context["errors"]) <= {"year", "min", "max"}
    exported = client.get(reverse("open-grants-export", args=["csv"]), params)
    assert exported.status_code in {200, 302}


def test_the_pages_found_in_the_published_grants_are_the_lists_rows_back_and_forth(client, round_2020):
    """The page's keys are read from ``PublishedGrant`` alone (``keys_from``): forward, from the last page back,
    and with a key of the wrong type, the rows are the list's own in its order."""
    from avustus.web.paging import _encode

    rows = [a.pk for a in _get(client, reverse("open-grants"), outcome="granted").context["page"].rows]
    assert rows == [a.pk for a in selectors_listed(outcome="granted")]
    last = _get(client, reverse("open-grants"), last="1").context["page"]
    back = _get(client, reverse("open-grants") + last.links["previous"]).context["page"]
    first = _get(client, reverse("open-grants")).context["page"]
    assert [a.pk for a in back.rows] == [a.pk for a in first.rows] and back.number == 1
    forged = _get(client, reverse("open-grants"), after=_encode(["not a number"])).context["page"]
    assert [a.pk for a in forged.rows] == [a.pk for a in first.rows]


def selectors_listed(**search):
    from avustus.opendata.selectors import ORDER, GrantSearch, published_applications

    return GrantSearch(**search).apply(published_applications()).order_by(*(name for name, _d, _n in ORDER))
