"""Applying in a real browser with the keyboard only, in Finnish and in Swedish, with axe on every page."""

import pytest
from playwright.sync_api import expect

from avustus.applications.models import Application

pytestmark = pytest.mark.django_db(transaction=True)

WORDS = {
    "fi": {"start": "Aloita hakemus", "search": "Hae", "add": "Lisää Turku", "submit": "Lähetä hakemus",
           "received": "Hakemus vastaanotettiin"},
    "sv": {"start": "Påbörja en ansökan", "search": "Sök", "add": "Lägg till Turku", "submit": "Skicka ansökan",
           "received": "Ansökan har tagits emot"},
}


def _tab_to(page, locator, limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if locator.evaluate("el => el === document.activeElement"):
            return
    pytest.fail(f"{locator} not reached with {limit} presses of Tab")


def _type_into(page, locator, text: str) -> None:
    _tab_to(page, locator)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_a_two_municipality_application_with_the_keyboard_only(page, axe_check, live_server, open_call,
                                                                applicant_of, lang):
    from django.contrib.auth import get_user_model

    user = applicant_of("109")
    user.set_password("salasana-1234")
    user.save()
    page.context.add_cookies([{"name": "django_language", "value": lang, "url": live_server.url}])
    words = WORDS[lang]

    page.goto(f"{live_server.url}/login/?next=/calls/{open_call.slug}/")
    axe_check(page)
    _type_into(page, page.locator("#id_username"), user.get_username())
    _type_into(page, page.locator("#id_password"), "salasana-1234")
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator("main h1")).to_have_text(open_call.title_fi)
    axe_check(page)

    _tab_to(page, page.get_by_role("button", name=words["start"]))
    page.keyboard.press("Enter")
    expect(page.locator("#title")).to_be_visible()
    axe_check(page)

    _type_into(page, page.locator("#title"), "Yhteinen asiointi")
    _type_into(page, page.locator("#partner_query"), "Turk")
    _tab_to(page, page.get_by_role("button", name=words["search"], exact=True))
    page.keyboard.press("Enter")
    add = page.get_by_role("button", name=words["add"])
    expect(add).to_be_visible()
    axe_check(page)
    _tab_to(page, add)
    page.keyboard.press("Enter")
    expect(page.locator("input[name=partner][value='853']")).to_have_count(1)

    _type_into(page, page.locator("#plan-objectives"), "Asiointi sujuvaksi kahdessa kunnassa.")
    _type_into(page, page.locator("input[name='budget.staff.vat_free']"), "100000")
    expect(page.locator("#maximum")).to_contain_text("85\u00a0000,00")  # shown while typing
    _type_into(page, page.locator("#amount_applied"), "85000")
    _tab_to(page, page.get_by_role("button", name=words["submit"]))
    page.keyboard.press("Enter")

    expect(page.locator("main h1")).to_have_text(words["received"])
    axe_check(page)
    application = Application.objects.get()
    assert application.status == "submitted" and application.amount_applied == 85000
    assert {m.organisation.code for m in application.members.all()} == {"109", "853"}
    expect(page.locator("main")).to_contain_text(application.reference)
    assert get_user_model().objects.count() == 1
