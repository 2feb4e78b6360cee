"""The officials' screens: who sees them, and a fixed number of queries per page whatever the round's size."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from avustus.accounts.models import Role
from avustus.accounts.services import grant_role
from avustus.actors import SYSTEM
from avustus.applications.models import Application, ConsortiumMember
from avustus.audit.models import AuditEntry
from avustus.decisions.models import Decision
from avustus.evaluation.models import Assignment, Proposal
from avustus.registry.models import Organisation

pytestmark = pytest.mark.django_db


def pages(call):
    decision = Decision.objects.get(call=call)
    app = call.applications.first()
    return [
        reverse("officials"), reverse("officials-setup", args=[call.slug]),
        reverse("officials-screening", args=[call.slug]), reverse("officials-evaluation", args=[call.slug]),
        reverse("officials-proposal", args=[call.slug]), reverse("officials-rectifications", args=[call.slug]),
        reverse("officials-screen", args=[app.reference]), reverse("officials-notifications", args=[decision.pk]),
        reverse("officials-proposal-line", args=[call.slug, app.reference]),
        reverse("officials-later", args=[call.slug]),
    ]


def test_officials_see_their_screens_in_finnish(client, round_2020, official):
    client.force_login(official)
    for url in pages(round_2020):
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'lang="fi"' in response.content.decode()


def test_applicants_and_strangers_get_not_found_and_anonymous_users_the_login(client, round_2020, applicant_of):
    urls = pages(round_2020)
    for url in urls:
        assert client.get(url).status_code == 302, url
    client.force_login(applicant_of("109"))
    for url in urls:
        assert client.get(url).status_code == 404, url


def test_the_proposal_of_2020_shows_the_totals_and_the_rounding(client, round_2020, official):
    client.force_login(official)
    body = client.get(reverse("officials-proposal", args=[round_2020.slug])).content.decode()
    assert "8\u00a0268\u00a0000,00\u00a0€" in body and "30\u00a0000\u00a0000,00\u00a0€" in body
    assert "82\u00a0400,00\u00a0€" in body


def _grow(call, n: int):
    """Add ``n`` submitted applications with a consortium and two assignments each, in bulk."""
    reviewer = get_user_model().objects.get_or_create(username="arvioija")[0]
    lead = Organisation.objects.get(code="109")
    start = call.applications.count()
    apps = Application.objects.bulk_create(
        Application(call=call, reference=f"grow-{start + i}", title=f"Hanke {i}", status="submitted",
                    amount_applied=Decimal("1000.00") + i)
        for i in range(n)
    )
    ConsortiumMember.objects.bulk_create(
        ConsortiumMember(application=a, organisation=lead, name_as_written="Hämeenlinna", role="lead", position=0)
        for a in apps)
    Assignment.objects.bulk_create(Assignment(application=a, reviewer=reviewer, conflict="none",
                                              weighted_score=Decimal("50.00")) for a in apps)


@pytest.mark.parametrize("name", ["officials-screening", "officials-evaluation", "officials-proposal",
                                  "officials-rectifications"])
def test_a_page_costs_the_same_queries_for_a_round_ten_times_larger(client, round_2020, official, name):
    client.force_login(official)
    url = reverse(name, args=[round_2020.slug])
    _grow(round_2020, 10)
    client.get(url)  # warm caches of the session and translations
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _grow(round_2020, 200)
    client.get(url)  # the first view after applications came in re-ranks the round once (evaluation.ranking)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small), [q["sql"][:120] for q in large.captured_queries]


def test_notifications_page_costs_the_same_queries_on_any_page(client, round_2020, official):
    client.force_login(official)
    decision = Decision.objects.get(call=round_2020)
    url = reverse("officials-notifications", args=[decision.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    with CaptureQueriesContext(connection) as second:
        client.get(url + "?page=2")
    assert len(first) == len(second)


@pytest.mark.parametrize(("name", "data", "status"), [
    ("officials-rectifications", {"decision": "abc", "application": "x"}, 404),
    ("officials-later", {"sign": "1 OR 1=1"}, 404),
    ("officials-later", {"application": "\x00", "outcome": "granted"}, 400),  # NUL refused by the middleware
    ("officials-evaluation", {"application": "nope", "reviewer": "x"}, 404),
])
def test_forged_form_values_find_nothing_instead_of_failing(client, round_2020, official, name, data, status):
    client.force_login(official)
    entries = AuditEntry.objects.count()
    assert client.post(reverse(name, args=[round_2020.slug]), data).status_code == status
    assert AuditEntry.objects.count() == entries


def test_a_forged_date_is_refused_with_a_message_and_nothing_is_presented(client, round_2020, official):
    client.force_login(official)
    url = reverse("officials-proposal", args=[round_2020.slug])
    writes = AuditEntry.objects.exclude(action="list.read")  # following the redirect reads the list, logged
    entries = writes.count()
    response = client.post(url, {"action": "present", "decided_on": "31.2.2020", "confirm": "yes"}, follow=True)
    assert response.redirect_chain == [(url, 302)]
    assert [str(m) for m in response.context["messages"]] == ["Anna päivämäärä muodossa VVVV-KK-PP."]
    assert not Proposal.objects.filter(call=round_2020).exclude(status=Proposal.Status.DRAFT).exists()
    assert writes.count() == entries


def test_a_count_of_one_is_told_in_the_singular(client, round_2020, official, monkeypatch):
    from avustus.evaluation import screening

    monkeypatch.setattr(screening, "recompute_flags", lambda call, actor: 1)
    client.force_login(official)
    client.post(reverse("set_language"), {"language": "sv", "next": "/"})
    response = client.post(reverse("officials-screening", args=[round_2020.slug]), follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Anmärkningarna beräknades; uppgifterna för 1 ansökan ändrades."]


def test_a_recorded_notification_tells_its_dates_in_the_finnish_way(client, round_2020, official):
    client.force_login(official)
    decision = Decision.objects.get(call=round_2020)
    application = decision.outcomes.first().application
    response = client.post(reverse("officials-notifications", args=[decision.pk]),
                           {"application": application.reference, "channel": "letter", "sent_on": "2020-02-28"},
                           follow=True)
    # Sent by letter on Friday 28.2.2020: deemed received on the seventh day, 6.3; thirty days later is
    # Sunday 5.4, so the time runs to Monday 6.4 (the same dates as tests/evaluation/test_rectification.py).
    assert [str(m) for m in response.context["messages"]] == [
        "Kirjattu: katsotaan saaduksi tiedoksi 6.3.2020; oikaisuvaatimukset viimeistään 6.4.2020."]


def test_the_menu_shows_each_role_its_own_pages(client, round_2020, official, django_user_model):
    reviewer = django_user_model.objects.create(username="arvioija")
    grant_role(reviewer, Role.REVIEWER, actor=SYSTEM, programme=round_2020.programme)
    officials_link, reviews_link = f'href="{reverse("officials")}"', f'href="{reverse("reviews")}"'
    client.force_login(official)
    menu = client.get("/").content.decode()
    assert officials_link in menu and reviews_link not in menu
    client.force_login(reviewer)
    menu = client.get("/").content.decode()
    assert officials_link not in menu and reviews_link in menu


def test_a_step_refused_as_changed_meanwhile_is_shown_on_the_proposal_page(client, round_2020, official, monkeypatch):
    # A Conflict (avustus.errors) from the service is the form's message, not the 409 page.
    from avustus.errors import Conflict
    from avustus.evaluation import proposals

    def stale(*args, **kwargs):
        raise Conflict("Ehdotus on muuttunut sillä välin.")

    monkeypatch.setattr(proposals, "set_pass_mark", stale)
    client.force_login(official)
    url = reverse("officials-proposal", args=[round_2020.slug])
    response = client.post(url, {"action": "pass_mark", "pass_mark": "3"}, follow=True)
    assert response.redirect_chain == [(url, 302)] and response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == ["Ehdotus on muuttunut sillä välin."]
