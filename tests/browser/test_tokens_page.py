"""The API tokens page in a browser: reached from the header, a token made and shown once, revoked after
confirming; every state checked with axe (WCAG 2.1 A/AA)."""

import re

import pytest
from playwright.sync_api import expect

from avustus.accounts.models import ApiToken

pytestmark = pytest.mark.django_db(transaction=True)


def test_make_and_revoke_a_token(page, axe_check, live_server, django_user_model):
    django_user_model.objects.create_user(username="kehittaja", password="pitkä-salasana-2020")
    page.goto(live_server.url + "/login/")
    page.fill("#id_username", "kehittaja")
    page.fill("#id_password", "pitkä-salasana-2020")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.locator("header.site .account a", has_text="API").click()
    expect(page.locator("h1")).to_have_text("API-avaimet")
    axe_check(page)
    page.fill("#token-name", "Raportointi")
    page.select_option("#token-expires", "30")
    page.locator("form.stacked button[type=submit]").click()
    value = page.locator("#token-value").input_value()
    assert re.fullmatch(r"avustus_[A-Za-z0-9_-]{43}", value)
    axe_check(page)
    page.locator("td a", has_text="Peru").click()
    expect(page.locator("h1")).to_have_text("Peru avain")
    axe_check(page)
    page.locator("main form button[type=submit]", has_text="Peru avain").click()
    expect(page.locator("[role=status]")).to_contain_text("peruttiin")
    assert ApiToken.objects.get().revoked_at is not None
    assert value not in page.content()
