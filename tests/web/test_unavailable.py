"""When the database does not answer: the API's 503 in its JSON shape, a styled 503 page for the screens, both
with Retry-After, and nothing half-written. The database is taken away by making the connection refuse to
connect or run anything, the two ways a restart shows: ``OperationalError`` (the server is gone) and
``InterfaceError`` (the connection was closed under us)."""

import json

import pytest
from django.db import connection
from django.db.utils import InterfaceError, OperationalError
from django.test import Client

from avustus.accounts import tokens
from avustus.actors import SYSTEM

pytestmark = pytest.mark.django_db

LAYOUT = ('<link rel="stylesheet" href="/static/avustus/avustus.css">', '<header class="site">', '<main id="main"')


@pytest.fixture(params=[OperationalError, InterfaceError], ids=["operational", "interface"])
def database_gone(request, monkeypatch):
    """Call the returned function to take the database away: every new cursor fails as after a restart."""
    kind = request.param

    def gone():
        def refuse(*args, **kwargs):
            raise kind("server closed the connection unexpectedly")

        monkeypatch.setattr(connection, "ensure_connection", refuse)
        monkeypatch.setattr(connection, "_cursor", refuse)

    return gone


@pytest.fixture
def token(open_call, applicant_of):
    return tokens.create_token(applicant_of("109"), actor=SYSTEM)[1]


def test_the_api_answers_503_in_its_json_shape_with_retry_after(token, database_gone, monkeypatch):
    from avustus.applications.models import Application

    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    database_gone()
    response = client.post("/api/v1/applications", {"call": "kuntadigi-2026", "lead": "109", "title": "Katko"},
                           content_type="application/json")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert int(response["Retry-After"]) > 0
    body = json.loads(response.content)
    assert list(body) == ["errors"] and body["errors"][0]["path"] == ""
    assert "Mitään ei tallennettu" in body["errors"][0]["message"]  # Finnish by default, like the API's other errors
    monkeypatch.undo()  # the database is back
    assert not Application.objects.exists()


def test_a_public_api_route_answers_503_too(open_call, database_gone):
    client = Client()
    database_gone()
    response = client.get("/api/v1/calls", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503 and response["Retry-After"]
    assert json.loads(response.content)["errors"][0]["message"].startswith("The service is briefly unavailable")


@pytest.mark.parametrize(("lang", "heading"), [("fi", "Tilapäisesti poissa käytöstä"), ("sv", "Tillfälligt ur bruk"),
                                               ("en", "Temporarily unavailable")])
def test_a_page_answers_the_styled_503_in_the_users_language(open_call, database_gone, lang, heading):
    client = Client(raise_request_exception=False)
    client.cookies["django_language"] = lang
    database_gone()
    response = client.get("/calls/")
    assert response.status_code == 503 and response["Retry-After"]
    html = response.content.decode()
    for part in LAYOUT:
        assert part in html
    assert f'<html lang="{lang}">' in html and f"<h1>{heading}</h1>" in html


def test_a_signed_in_users_page_answers_503_without_asking_the_database_who_they_are(applicant_of, open_call,
                                                                                      database_gone):
    client = Client(raise_request_exception=False)
    client.force_login(applicant_of("109"))
    database_gone()  # the session and the user are read from the database after this
    response = client.get("/my/applications/")
    assert response.status_code == 503
    assert "<h1>Tilapäisesti poissa käytöstä</h1>" in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"


def test_another_error_is_still_the_500_page(db, monkeypatch):
    from avustus import urls

    def boom(request):
        raise RuntimeError("broken")

    for pattern in urls.urlpatterns:
        if getattr(pattern, "name", None) == "organisations":
            monkeypatch.setattr(pattern, "callback", boom)
    response = Client(raise_request_exception=False).get("/organisations/")
    assert response.status_code == 500 and "Retry-After" not in response
