"""The officials', reviewers' and decision-makers' screens in a real browser, at 375 and 1280 px, in fi and sv."""

import pytest
from playwright.sync_api import expect

from avustus.accounts.models import Role, RoleGrant
from tests.browser.conftest import check_pages

pytestmark = pytest.mark.django_db(transaction=True)

OFFICIAL_PAGES = [
    "/officials/",
    "/rounds/kuntadigi-2020-02-26/setup/",
    "/rounds/kuntadigi-2020-02-26/texts/",
    "/rounds/kuntadigi-2020-02-26/screening/",
    "/applications/kuntadigi-2020-02-26-013/screening/",
    "/rounds/kuntadigi-2020-02-26/evaluation/",
    "/rounds/kuntadigi-2020-02-26/proposal/",
    "/rounds/kuntadigi-2020-02-26/proposal/kuntadigi-2020-02-26-013/",
    "/rounds/kuntadigi-2020-02-26/rectifications/",
    "/rounds/kuntadigi-2020-02-26/later/",
    "/reviews/",
]


def test_officials_pages_at_a_phones_and_a_desktops_width_in_finnish_and_swedish(browser, live_server, round_2020,
                                                                                 django_user_model):
    import datetime

    from avustus.decisions import rectification

    official = django_user_model.objects.create_user(username="virkailija")
    RoleGrant.objects.create(user=official, role=Role.OFFICIAL, programme=round_2020.programme)
    decision = round_2020.decisions.get()
    rejected = decision.outcomes.filter(kind="rejected").first().application
    request = rectification.register_request(decision, rejected, received_on=datetime.date(2020, 3, 20),
                                             requester="Kunta", grounds="Hakemusta ei arvioitu oikein",
                                             actor=official)
    check_pages(browser, live_server, [
        *OFFICIAL_PAGES, f"/decisions/{decision.pk}/notifications/", f"/rectifications/{request.pk}/",
        "/applications/kuntadigi-2020-02-26-013/history/",
    ], user=official)


def test_a_reviewers_pages(browser, live_server, round_2020, django_user_model):
    from avustus.evaluation.models import Assignment

    reviewer = django_user_model.objects.create_user(username="arvioija")
    RoleGrant.objects.create(user=reviewer, role=Role.REVIEWER, programme=round_2020.programme)
    application = round_2020.applications.get(reference="kuntadigi-2020-02-26-013")
    assignment = Assignment.objects.create(application=application, reviewer=reviewer)
    check_pages(browser, live_server, ["/reviews/", f"/reviews/{assignment.pk}/"], user=reviewer)


def test_the_decision_makers_controls_on_a_presented_proposal(browser, live_server, open_call, django_user_model):
    from avustus.evaluation import proposals

    official = django_user_model.objects.create_user(username="esittelija")
    decider = django_user_model.objects.create_user(username="paattaja")
    RoleGrant.objects.create(user=official, role=Role.OFFICIAL, programme=open_call.programme)
    RoleGrant.objects.create(user=decider, role=Role.DECISION_MAKER, programme=open_call.programme)
    from datetime import timedelta

    from django.utils import timezone

    from avustus.calls.models import Call

    Call.objects.filter(pk=open_call.pk).update(closes_at=timezone.now() - timedelta(hours=1))
    proposals.present(open_call, actor=official,
                      version=proposals.presentable_version(proposals.compute_proposal(open_call)),
                      decided_on=timezone.localdate(),
                     presenting_official_title="Neuvotteleva virkamies")
    check_pages(browser, live_server, [f"/rounds/{open_call.slug}/proposal/"], user=decider)

    # Approving and returning are two forms, each on a row of its own at either width: they no longer crowd one line.
    from tests.browser.conftest import session_cookie

    context = browser.new_context(viewport={"width": 375, "height": 800})
    context.add_cookies([session_cookie(live_server, decider)])
    page = context.new_page()
    page.goto(f"{live_server.url}/rounds/{open_call.slug}/proposal/")
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        approve = page.locator("form:has(input[name=action][value=approve])").bounding_box()
        give_back = page.locator("form:has(input[name=action][value=return])").bounding_box()
        assert approve["y"] + approve["height"] <= give_back["y"], f"the forms share a line at {width}px"
    context.close()


def _log_in(page, live_server, username, password):
    page.goto(live_server.url + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.press("#id_password", "Enter")


def test_presenting_and_approving_in_the_browser_ask_for_a_tick_and_meet_wcag(page, axe_check, live_server):
    """The demo's closed call: the official presents and the decision-maker approves, each only once confirmed."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone

    from avustus.calls.models import Call
    from avustus.decisions.models import Decision
    from avustus.evaluation import screening
    from avustus.evaluation.models import Proposal

    call_command("demo", "--no-serve")
    call = Call.objects.get(slug="kuntadigi-demo-closed")
    official = get_user_model().objects.get(username="virkailija")
    for application in call.applications.all():
        screening.screen(application, {code: (True, "") for code in screening.checklist(call)}, actor=official)
    url = f"{live_server.url}/rounds/{call.slug}/proposal/"

    _log_in(page, live_server, "virkailija", "demo-virkailija")
    page.goto(url)
    axe_check(page)
    page.fill("#p-date", timezone.localdate().isoformat())
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
    page.fill("#d-title", "Kuntaministeri")
    with page.expect_navigation():  # to the decision as its documents will say it, which is what is signed
        page.click("form:has(input[value='approve']) button[type=submit]")
    expect(page.locator(".preview")).to_contain_text("Kuntaministeri")
    axe_check(page)
    page.click("form:has(input[value='approve']) button[type=submit]")  # not ticked
    expect(page.locator("form:has(input[value='approve']) input[name=confirm]:invalid")).to_have_count(1)
    assert not Decision.objects.filter(call=call).exists()
    page.check("form:has(input[value='approve']) input[name=confirm]")
    with page.expect_navigation():
        page.click("form:has(input[value='approve']) button[type=submit]")
    assert Decision.objects.get(call=call).status == Decision.Status.SIGNED
