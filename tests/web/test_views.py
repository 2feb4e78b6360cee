"""The first screens: round summary, applications list, application and organisation pages."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from avustus.actors import SYSTEM
from avustus.applications.models import Application
from avustus.registry.models import Organisation

pytestmark = pytest.mark.django_db


def test_home_lists_the_round(client, round_2020):
    page = client.get("/")
    assert page.status_code == 200
    assert round_2020.title_fi in page.content.decode()


def test_round_summary_shows_the_figures(client, round_2020):
    html = client.get(reverse("round", args=[round_2020.slug])).content.decode()
    for figure in ("24\u00a0574\u00a0065,00\u00a0€", "8\u00a0268\u00a0000,00\u00a0€", "4\u00a0105\u00a0700,00\u00a0€",
                   "4\u00a0162\u00a0300,00\u00a0€", "<dd>52</dd>", "<dd>18</dd>"):
        assert figure in html, figure


def test_applications_list_filters_and_sorts(client, round_2020):
    url = reverse("round-applications", args=[round_2020.slug])
    assert client.get(url).context["page"].paginator.count == 51
    assert client.get(url, {"outcome": "granted"}).context["page"].paginator.count == 27
    assert client.get(url, {"outcome": "deferred"}).context["page"].paginator.count == 6
    assert client.get(url, {"group": "group-2"}).context["page"].paginator.count == 14
    turku = Organisation.objects.get(code="853")
    listed = {a.reference for a in client.get(url, {"municipality": turku.key}).context["page"].object_list}
    expected = {a.reference for a in Application.objects.filter(call=round_2020)
                if any(m.organisation == turku for m in a.members.all())}
    assert listed == expected and len(expected) >= 7  # Turku leads four applications and joins others
    by_applied = [a.amount_applied for a in client.get(url, {"sort": "applied"}).context["page"]]
    assert by_applied == sorted(by_applied, reverse=True)


def test_unknown_filter_values_are_ignored_not_errors(client, round_2020):
    url = reverse("round-applications", args=[round_2020.slug])
    response = client.get(url, {"outcome": "bogus", "sort": "'; drop table", "page": "x", "group": "nope"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 51


def test_list_query_count_does_not_grow_with_rows(client, round_2020):
    url = reverse("round-applications", args=[round_2020.slug])
    counts = []
    for params in ({"outcome": "deferred"}, {}):  # 6 rows, then 50 on the first page
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, params).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_application_page_shows_consortium_outcome_and_findings(client, round_2020):
    app = Application.objects.get(call=round_2020, title="Talousarvioprosessin automatisointi ja talousarvioesityksen "
                                                         "jako moderneilla työkaluilla")
    html = client.get(reverse("application", args=[app.reference])).content.decode()
    assert "Tuusula" in html and "127\u00a0500,00\u00a0€" in html
    assert reverse("organisation", args=["858"]) in html
    assert "names no lead applicant" in html


def test_organisation_page_lists_what_it_leads_and_joins(client, round_2020):
    html = client.get(reverse("organisation", args=["109"])).content.decode()
    assert "Hämeenlinna" in html
    assert "Kaupunki taskussa" in html and "ICT-osaamisen tuen ja kehittämisen ekosysteemi" in html
    assert "Kurob-hanke" in html  # Hämeenlinna is a partner there


def test_unknown_things_are_404(client, round_2020):
    assert client.get(reverse("application", args=["nope"])).status_code == 404
    assert client.get(reverse("organisation", args=["999"])).status_code == 404
    assert client.get(reverse("round", args=["nope"])).status_code == 404


@pytest.mark.parametrize(("lang", "word"), [("fi", "Hakemukset"), ("sv", "Ansökningar"), ("en", "Applications")])
def test_screens_speak_the_chosen_language(client, round_2020, lang, word):
    client.post(reverse("set_language"), {"language": lang, "next": "/"})
    html = client.get(reverse("round-applications", args=[round_2020.slug])).content.decode()
    assert f'<html lang="{lang}">' in html
    assert f"<h1>{word}</h1>" in html


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_dates_are_written_day_first_in_every_language(client, round_2020, lang):
    client.post(reverse("set_language"), {"language": lang, "next": "/"})
    html = client.get(reverse("round", args=[round_2020.slug])).content.decode()
    assert ">26.2.2020</time>" in html


def test_round_page_links_the_decision_documents(client, round_2020):
    from avustus.decisions.models import Decision

    decision = Decision.objects.get(call=round_2020)
    html = client.get(reverse("round", args=[round_2020.slug])).content.decode()
    url = reverse("decision-document", args=[decision.pk, "sv", "txt"])
    assert url in html
    response = client.get(url)
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert "**Till Tavastehus stad" in response.content.decode()
    html_doc = client.get(reverse("decision-document", args=[decision.pk, "fi", "html"]))
    assert html_doc["Content-Type"].startswith("text/html") and b'<html lang="fi">' in html_doc.content
    assert client.get(reverse("decision-document", args=[decision.pk, "de", "txt"])).status_code == 404


def test_draft_decisions_are_for_officials_only(client, round_2020):
    from avustus.accounts.models import Role
    from avustus.accounts.services import grant_role
    from avustus.decisions.amending import start_amending_decision
    from avustus.decisions.models import Decision

    draft = start_amending_decision(Decision.objects.get(call=round_2020), actor=SYSTEM)
    url = reverse("decision-document", args=[draft.pk, "fi", "json"])
    assert client.get(url).status_code == 404
    official = get_user_model().objects.create(username="virkailija")
    grant_role(official, Role.OFFICIAL, actor=SYSTEM, programme=round_2020.programme)
    client.force_login(official)
    assert client.get(url).status_code == 200


def test_application_page_offers_the_letter(client, round_2020):
    app = Application.objects.get(call=round_2020, title="Kaupunki taskussa")
    url = reverse("letter", args=[app.reference, "sv", "pdf"])
    assert url in client.get(reverse("application", args=[app.reference])).content.decode()
    response = client.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    html = client.get(reverse("letter", args=[app.reference, "fi", "html"])).content.decode()
    assert "Hämeenlinnan kaupungille" in html
    assert client.get(reverse("letter", args=[app.reference, "fi", "docx"])).status_code == 404


def test_swedish_pages_show_swedish_group_condition_and_region_names(client, round_2020):
    """A Swedish reader sees the groups, their conditions and the regions by their Swedish names."""
    from avustus.calls.models import GrantGroup
    from avustus.decisions.models import Outcome

    group = GrantGroup.objects.get(call=round_2020, code="group-2")
    assert group.name_sv and group.name_sv != group.name_fi
    group.condition_sv = "Villkoret på svenska."
    group.save()
    client.post(reverse("set_language"), {"language": "sv", "next": "/"})
    html = client.get(reverse("round", args=[round_2020.slug])).content.decode()
    assert group.name_sv in html and f">{group.name_fi}<" not in html
    listing = client.get(reverse("round-applications", args=[round_2020.slug])).content.decode()
    assert f">{group.name_sv}</option>" in listing
    outcome = Outcome.objects.filter(group=group).select_related("application").first()
    page = client.get(reverse("application", args=[outcome.application.reference])).content.decode()
    assert "Villkoret på svenska." in page and group.condition_fi not in page
    espoo = Organisation.objects.get(code="049")
    assert espoo.region_name_sv == "Nyland"
    assert "Nyland" in client.get(reverse("organisation", args=[espoo.key])).content.decode()
    registry = client.get(reverse("organisations")).content.decode()
    assert "<td>Nyland</td>" in registry and "<td>Uusimaa</td>" not in registry

    client.post(reverse("set_language"), {"language": "fi", "next": "/"})
    assert f">{group.name_fi}<" in client.get(reverse("round", args=[round_2020.slug])).content.decode()
