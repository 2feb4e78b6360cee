"""Error pages: in the site's layout and the user's language, and a mistyped number kept to be corrected."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

LAYOUT = ('<link rel="stylesheet" href="/static/avustus/avustus.css">', '<header class="site">', '<main id="main"')


def _in_layout(html: str) -> None:
    for part in LAYOUT:
        assert part in html


@pytest.mark.parametrize(("lang", "heading"), [("fi", "Sivua ei löytynyt"), ("sv", "Sidan hittades inte")])
def test_a_mistyped_application_number_gets_a_styled_translated_404_that_keeps_what_was_typed(
        client, round_2020, lang, heading):
    client.cookies["django_language"] = lang
    response = client.get("/applications/kuntadigi-2020-02-26-41/")
    assert response.status_code == 404
    html = response.content.decode()
    _in_layout(html)
    assert f'<html lang="{lang}">' in html and f"<h1>{heading}</h1>" in html and "Not Found" not in html
    assert 'name="reference" value="kuntadigi-2020-02-26-41"' in html


def test_the_lookup_form_finds_an_application_or_shows_what_was_typed_again(client, round_2020):
    url = reverse("find-application")
    assert client.get(url, {"reference": " KUNTADIGI-2020-02-26-041 "}).url == reverse(
        "application", args=["kuntadigi-2020-02-26-041"])
    missed = client.get(url, {"reference": "kuntadigi-2020-02-26-41<b>"})
    assert missed.status_code == 404
    html = missed.content.decode()
    assert 'value="kuntadigi-2020-02-26-41&lt;b&gt;"' in html
    assert "asianumero on ”kuntadigi-2020-02-26-41&lt;b&gt;”" in html
    assert client.get(url).status_code == 200


def test_a_draft_is_not_found_by_the_lookup(client, open_call, applicant_of):
    from avustus.applications.services import create_draft
    from avustus.registry.models import Organisation

    user = applicant_of("109")
    draft = create_draft(open_call, actor=user, organisation=Organisation.objects.get(code="109"))
    response = client.get(reverse("find-application"), {"reference": draft.reference})
    assert response.status_code == 404


def test_an_unknown_address_gets_the_styled_404(client, db):
    response = client.get("/ei-tällaista/")
    assert response.status_code == 404
    _in_layout(response.content.decode())


def test_a_forbidden_action_and_a_bad_request_are_styled_and_translated(rf, db, settings):
    from django.contrib.auth.models import AnonymousUser

    from avustus.web import views

    for handler, status, heading in ((views.permission_denied, 403, "Ei sallittu"),
                                     (views.bad_request, 400, "Pyyntöä ei voitu käsitellä"),
                                     (views.server_error, 500, "Jokin meni vikaan")):
        request = rf.get("/")
        request.user = AnonymousUser()
        request.LANGUAGE_CODE = "fi"
        from django.utils import translation

        with translation.override("fi"):
            response = handler(request) if handler is views.server_error else handler(request, None)
        assert response.status_code == status
        html = response.content.decode()
        _in_layout(html)
        assert f"<h1>{heading}</h1>" in html


def test_a_server_error_is_styled_and_translated(db, settings, monkeypatch):
    from avustus.web import views

    def boom(request):
        raise RuntimeError("broken")

    monkeypatch.setattr(views, "organisations", boom)
    # The URL map holds the view itself; patch what it calls instead.
    from avustus import urls

    for pattern in urls.urlpatterns:
        if getattr(pattern, "name", None) == "organisations":
            monkeypatch.setattr(pattern, "callback", boom)
    client = Client(raise_request_exception=False)
    client.cookies["django_language"] = "sv"
    response = client.get(reverse("organisations"))
    assert response.status_code == 500
    html = response.content.decode()
    _in_layout(html)
    assert "<h1>Något gick fel</h1>" in html and '<html lang="sv">' in html


def test_an_expired_form_is_styled_and_translated(db):
    client = Client(enforce_csrf_checks=True)
    client.cookies["django_language"] = "fi"
    response = client.post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    html = response.content.decode()
    _in_layout(html)
    assert "<h1>Lomake on vanhentunut</h1>" in html


def test_when_the_layout_itself_fails_a_plain_translated_page_is_sent(rf, db, monkeypatch):
    from django.contrib.auth.models import AnonymousUser
    from django.db import DatabaseError
    from django.utils import translation

    from avustus.web import views

    def broken(*args, **kwargs):
        raise DatabaseError("the database is down")

    monkeypatch.setattr(views, "render", broken)
    request = rf.get("/")
    request.user = AnonymousUser()
    with translation.override("sv"):
        response = views.server_error(request)
    html = response.content.decode()
    assert response.status_code == 500 and '<html lang="sv">' in html and "<h1>Något gick fel</h1>" in html



@pytest.mark.parametrize(("kind", "status", "heading"), [
    ("Conflict", 409, "Muuttunut välillä"), ("NotFound", 404, "Sivua ei löytynyt"), ("NotAllowed", 403, "Ei sallittu")])
def test_a_refusal_no_view_handles_is_the_styled_page_for_its_kind(db, monkeypatch, kind, status, heading):
    """A service's domain error that its view does not show on a form ends in the page for its kind, not a 500."""
    from avustus import errors, urls

    def refuse(request):
        raise getattr(errors, kind)("Hakemus muuttui välillä.")

    for pattern in urls.urlpatterns:
        if getattr(pattern, "name", None) == "organisations":
            monkeypatch.setattr(pattern, "callback", refuse)
    client = Client(raise_request_exception=False)
    client.cookies["django_language"] = "fi"
    response = client.get(reverse("organisations"))
    html = response.content.decode()
    assert response.status_code == status
    _in_layout(html)
    assert f"<h1>{heading}</h1>" in html
    if kind == "Conflict":  # what changed, and what to do about it
        assert "Hakemus muuttui välillä." in html and "Mitään ei tallennettu" in html


@pytest.mark.parametrize(("lang", "says"), [("fi", "näkymättömän ohjausmerkin (NUL)"),
                                            ("sv", "ett osynligt styrtecken (NUL)")])
def test_a_nul_character_in_a_form_gets_the_styled_400_page_in_the_readers_language(client, lang, says):
    """Pasted from another program, the character is invisible: the page says what it is and that nothing was
    saved, in the layout and language of the rest of the screens (not a plain English line)."""
    client.cookies["django_language"] = lang
    response = client.post(reverse("login"), {"username": "virkailija\x00", "password": "x"})
    assert response.status_code == 400
    html = response.content.decode()
    _in_layout(html)
    assert f'<html lang="{lang}">' in html and says in html and "Nothing was saved" not in html
    _headers_kept(response)


def _headers_kept(response) -> None:
    """A page a middleware answers with passes out through the headers every page has."""
    assert "no-store" in response["Cache-Control"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_a_cookie_with_a_nul_character_is_ignored_not_a_crash(client, round_2020):
    """A forged session cookie with NUL would reach the database, which refuses it: it is as if not sent."""
    client.cookies["sessionid"] = "abcdefgh\x00ijklmnop"
    response = client.get(reverse("home"))
    assert response.status_code == 200 and "Kirjaudu" in response.content.decode()


@pytest.mark.parametrize(("lang", "heading"), [("fi", "Tähän osoitteeseen lähetetään lomake"),
                                               ("sv", "Till den här adressen skickas ett formulär")])
def test_opening_a_forms_address_gets_a_page_that_says_nothing_was_sent(client, lang, heading):
    """After logging in, the login page sends people back to the address of the button they pressed, which
    takes only a form's post: Django's answer is an empty 405, the screens' is a page saying what happened."""
    client.cookies["django_language"] = lang
    response = client.get(reverse("logout"))
    assert response.status_code == 405 and response["Allow"] == "POST, OPTIONS"
    html = response.content.decode()
    _in_layout(html)
    assert f"<h1>{heading}</h1>" in html
    _headers_kept(response)
