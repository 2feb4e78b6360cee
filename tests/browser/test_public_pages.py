"""The public screens in a real browser: WCAG 2.1 A/AA by axe-core, and the keyboard-only paths."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import check_pages

pytestmark = pytest.mark.django_db(transaction=True)

PUBLIC_PAGES = [
    "/",
    "/rounds/kuntadigi-2020-02-26/",
    "/rounds/kuntadigi-2020-02-26/applications/?outcome=granted&sort=applied",
    "/applications/kuntadigi-2020-02-26-041/",
    "/organisations/109/",
    "/organisations/",
    "/login/",
    "/calls/",
    "/calls/kuntadigi-2026/",
    "/applications/find/",
    # A mistyped tracking number: the styled page, with the number back in the lookup form.
    ("/applications/kuntadigi-2020-02-26-41/", 404),
    ("/applications/find/?reference=kuntadigi-2020-02-26-41", 404),
]


def test_public_pages_at_a_phones_and_a_desktops_width_in_finnish_and_swedish(browser, live_server, round_2020,
                                                                               open_call):
    check_pages(browser, live_server, PUBLIC_PAGES)


def _tab_to(page, locator, limit: int = 40) -> None:
    """Press Tab until ``locator`` has the focus, failing after ``limit`` presses."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if locator.evaluate("el => el === document.activeElement"):
            return
    pytest.fail(f"{locator} not reached with {limit} presses of Tab")


def test_keyboard_skip_link_and_language_choice(page, live_server, round_2020):
    page.goto(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "fi")

    # The skip link is the first stop, visible when focused, and moves the focus to the main content.
    page.keyboard.press("Tab")
    skip = page.locator("a.skip")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()

    # The language form in the header: back to the top, Tab to the select, arrows pick Svenska.
    page.locator("a.skip").focus()
    select = page.locator("#language-select")
    _tab_to(page, select)
    expect(select).to_have_value("fi")
    for _ in range(3):
        if select.input_value() == "sv":
            break
        page.keyboard.press("ArrowDown")
    expect(select).to_have_value("sv")
    # Enter on a select opens its list in Chromium; the form is sent from its button, the next Tab stop.
    page.keyboard.press("Tab")
    expect(page.locator("form.language button[type=submit]")).to_be_focused()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page).to_have_url(live_server.url + "/")

    # The choice is remembered: the next page, reached by a link, is Swedish too.
    link = page.locator("header.site nav a[href='/organisations/']")
    link.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/organisations/$"))
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.locator("#language-select")).to_have_value("sv")


def test_keyboard_login(page, live_server, django_user_model):
    django_user_model.objects.create_user(username="kirjaaja", password="pitkä-salasana-2020")
    page.goto(live_server.url + "/login/")
    username = page.locator("#id_username")
    _tab_to(page, username)
    page.keyboard.type("kirjaaja")
    page.keyboard.press("Tab")
    expect(page.locator("#id_password")).to_be_focused()
    page.keyboard.type("pitkä-salasana-2020")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(live_server.url + "/")
    expect(page.locator("header.site .account")).to_contain_text("kirjaaja")
