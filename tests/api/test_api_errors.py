"""The API answers each kind of domain error (``avustus.errors``) once, in its JSON shape and the user's language."""

import json

import pytest
from django.test import Client

from avustus import errors
from avustus.registry import selectors

pytestmark = pytest.mark.django_db


def _refusing(monkeypatch, error):
    def refuse(*args, **kwargs):
        raise error
    monkeypatch.setattr(selectors, "search_organisations", refuse)


@pytest.mark.parametrize(("error", "status", "body"), [
    (errors.NotFound("Hakemusta 2026-0001 ei ole."), 404, [{"path": "", "message": "hittades inte"}]),
    (errors.NotAllowed("Endast föredraganden får göra det."), 403,
     [{"path": "", "message": "Endast föredraganden får göra det."}]),
    (errors.Conflict("Ansökan har ändrats under tiden."), 409,
     [{"path": "", "message": "Ansökan har ändrats under tiden."}]),
    (errors.Invalid({"amount": ["Ange ett belopp."], "__all__": ["Kontrollera ansökan."]}), 422,
     [{"path": "amount", "message": "Ange ett belopp."}, {"path": "", "message": "Kontrollera ansökan."}]),
])
def test_each_domain_error_has_its_status_and_the_api_shape(monkeypatch, error, status, body):
    _refusing(monkeypatch, error)
    response = Client().get("/api/v1/organisations", {"q": "Tavast"}, HTTP_ACCEPT_LANGUAGE="sv")
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert json.loads(response.content) == {"errors": body}


def test_not_found_says_nothing_of_what_was_looked_for_in_finnish(monkeypatch):
    # Whether the thing exists or the user may not know it does, the answer is the same.
    _refusing(monkeypatch, errors.NotFound("Hakemus 2026-0001 kuuluu toiselle kunnalle."))
    response = Client().get("/api/v1/organisations", HTTP_ACCEPT_LANGUAGE="fi")
    assert response.status_code == 404
    assert json.loads(response.content) == {"errors": [{"path": "", "message": "ei löytynyt"}]}


def test_a_registry_search_on_a_day_that_is_not_one_is_refused_in_the_users_language():
    # pydantic's lax dates would read "0" as 1.1.1970; a search on that day would quietly list bodies of 1970.
    response = Client().get("/api/v1/organisations", {"q": "Valtimo", "on": "0"}, HTTP_ACCEPT_LANGUAGE="fi")
    assert response.status_code == 422
    message = "Anna päivämäärä muodossa VVVV-KK-PP."
    assert json.loads(response.content) == {"errors": [{"path": "on", "message": message}]}
    assert Client().get("/api/v1/organisations", {"q": "Valtimo", "on": "2019-06-01"}).status_code == 200
