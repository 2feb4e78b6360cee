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
