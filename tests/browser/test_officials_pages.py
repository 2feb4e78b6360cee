"""The officials', reviewers' and decision-makers' screens in a real browser, checked by axe (WCAG 2.1 A/AA)."""

import pytest
from playwright.sync_api import expect

from avustus.accounts.models import Role
from avustus.accounts.services import grant_role

pytestmark = pytest.mark.django_db(transaction=True)

OFFICIAL_PAGES = [
    "/officials/",
    "/rounds/kuntadigi-2020-02-26/setup/",
    "/rounds/kuntadigi-2020-02-26/screening/",
    "/applications/kuntadigi-2020-02-26-013/screening/",
    "/rounds/kuntadigi-2020-02-26/evaluation/",
    "/rounds/kuntadigi-2020-02-26/proposal/",
    "/rounds/kuntadigi-2020-02-26/proposal/kuntadigi-2020-02-26-013/",
    "/rounds/kuntadigi-2020-02-26/rectifications/",
    "/rounds/kuntadigi-2020-02-26/later/",
    "/reviews/",
]


def _log_in(page, live_server, username, password):
    page.goto(live_server.url + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.press("#id_password", "Enter")


def test_officials_pages_meet_wcag_21_aa(page, axe_check, live_server, round_2020, django_user_model):
    official = django_user_model.objects.create_user(username="virkailija", password="pitkä-salasana-2020")
    grant_role(official, Role.OFFICIAL, actor=None, programme=round_2020.programme)
    _log_in(page, live_server, "virkailija", "pitkä-salasana-2020")
    decision = round_2020.decisions.get()
    for path in [*OFFICIAL_PAGES, f"/decisions/{decision.pk}/notifications/"]:
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == 200, f"{path}: HTTP {response and response.status}"
        expect(page.locator("html")).to_have_attribute("lang", "fi")
        expect(page.locator("main h1")).to_have_count(1)
        axe_check(page)


def test_presenting_and_approving_in_the_browser_ask_for_a_tick_and_meet_wcag(page, axe_check, live_server):
    """The demo's closed call: the official presents and the decision-maker approves, each only once confirmed."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from avustus.calls.models import Call
    from avustus.decisions.models import Decision
    from avustus.evaluation import services as evaluation
    from avustus.evaluation.models import Proposal

    call_command("demo", "--no-serve")
    call = Call.objects.get(slug="kuntadigi-demo-closed")
    official = get_user_model().objects.get(username="virkailija")
    for application in call.applications.all():
        evaluation.screen(application, {code: (True, "") for code in evaluation.checklist(call)}, actor=official)
    url = f"{live_server.url}/rounds/{call.slug}/proposal/"

    _log_in(page, live_server, "virkailija", "demo-virkailija")
    page.goto(url)
    axe_check(page)
    page.fill("#p-date", "2030-01-15")
    page.fill("#p-title", "Neuvotteleva virkamies")
    page.click("form:has(input[value='present']) button[type=submit]")  # the box not ticked: the browser stops
    expect(page.locator("form:has(input[value='present']) input[name=confirm]:invalid")).to_have_count(1)
    assert not Proposal.objects.filter(call=call, status=Proposal.Status.PRESENTED).exists()
    page.check("form:has(input[value='present']) input[name=confirm]")
    with page.expect_navigation():
        page.click("form:has(input[value='present']) button[type=submit]")
    assert Proposal.objects.get(call=call).status == Proposal.Status.PRESENTED

    page.context.clear_cookies()
    _log_in(page, live_server, "paattaja", "demo-paattaja")
    page.goto(url)
    axe_check(page)
    page.click("form:has(input[value='approve']) button[type=submit]")  # not ticked
    expect(page.locator("form:has(input[value='approve']) input[name=confirm]:invalid")).to_have_count(1)
    assert not Decision.objects.filter(call=call).exists()
    page.check("form:has(input[value='approve']) input[name=confirm]")
    with page.expect_navigation():
        page.click("form:has(input[value='approve']) button[type=submit]")
    assert Decision.objects.get(call=call).status == Decision.Status.SIGNED
