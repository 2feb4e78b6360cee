"""The contact details page in a browser: reached from the header, at a phone's and a desktop's width in
Finnish and Swedish, and a refusal (consent without an address) announced and checked with axe."""

import pytest
from playwright.sync_api import expect

from avustus.accounts.models import ContactDetails
from tests.browser.conftest import check_pages

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_contact_page_at_both_widths_in_finnish_and_swedish(browser, live_server, django_user_model):
    user = django_user_model.objects.create_user(username="hakija", password="pitkä-salasana-2020")
    check_pages(browser, live_server, ["/my/contact/"], user=user)


def test_consent_without_an_address_is_refused_and_then_saved(page, axe_check, live_server, django_user_model):
    django_user_model.objects.create_user(username="hakija", password="pitkä-salasana-2020")
    page.goto(live_server.url + "/login/")
    page.fill("#id_username", "hakija")
    page.fill("#id_password", "pitkä-salasana-2020")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.locator("header.site .account a", has_text="Yhteystiedot").click()
    expect(page.locator("h1")).to_have_text("Yhteystiedot")
    page.check("#contact-consent-yes")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#errors")).to_contain_text("Anna sähköpostiosoite")
    axe_check(page)
    assert not ContactDetails.objects.exists()
    page.fill("#contact-email", "hakija@kunta.example.fi")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("[role=status]")).to_contain_text("tallennettiin")
    axe_check(page)
    assert ContactDetails.objects.get().electronic_consent
