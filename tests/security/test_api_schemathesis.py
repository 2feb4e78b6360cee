"""Schemathesis over the API's OpenAPI document: no 5xx, and every answer as the document describes it.

The schema is the one the API serves at /api/v1/openapi.json, read through the same WSGI application
that answers the generated requests. The requests are made as an applicant (a session cookie and the
CSRF token django-ninja asks of a session), against a database with an open call and the applicant's
own draft: half of the generated application references are replaced by that draft's, so that the
routes behind the permission check are exercised too and not only their 404s.

Derandomised, so a failure found in CI is found again on a laptop.
"""

import secrets

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client

from avustus.applications import services
from avustus.applications.models import Application
from avustus.registry.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def keep_test_connection():
    """Requests go through the real WSGI handler, whose request signals would close the test's connection
    inside its transaction (PostgreSQL then fails every later query); the test client disconnects them too."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


# The session the auth provider below hands to schemathesis; set per test by the ``applicant`` fixture.
CURRENT_SESSION: dict[str, str] = {}


@pytest.fixture
def applicant(open_call, applicant_of, keep_test_connection):
    """A logged-in applicant of Hämeenlinna with a draft of the open call."""
    user = applicant_of("109")
    client = Client()
    client.force_login(user)
    draft = services.create_draft(open_call, actor=user, organisation=Organisation.objects.get(code="109"))
    # A 32-character CSRF secret, sent as cookie and header alike, as a browser's script would.
    CURRENT_SESSION.update(session=client.cookies["sessionid"].value, csrf=secrets.token_hex(16))
    yield draft.reference
    CURRENT_SESSION.clear()


# Read when the module is collected (the document needs no database). Not through a fixture:
# schemathesis.pytest.from_fixture does not work with pytest 9 (it reads a node attribute pytest removed).
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@schema.auth(refresh_interval=None)  # never cached: each test has its own database and so its own session
class AsApplicant:
    """The session cookie the API's security scheme names, plus the CSRF pair ninja asks of a session.

    Given to schemathesis as auth rather than as fixed cookies, so that its checks for ignored
    authentication can take it away again and expect a 401.
    """

    def get(self, case, context):
        return dict(CURRENT_SESSION) or None  # None while collecting, before any test has a session

    def set(self, case, data, context):
        if not data:
            return
        case.cookies = {**(case.cookies or {}), "sessionid": data["session"], "csrftoken": data["csrf"]}
        case.headers = {**(case.headers or {}), "X-CSRFToken": data["csrf"]}


def _is_positive(case) -> bool:
    generation = getattr(getattr(case, "meta", None), "generation", None)
    return getattr(getattr(generation, "mode", None), "value", "") == "positive"


def _drops_the_session(case) -> bool:
    """Whether the case was made to go without the session (schemathesis testing the security scheme)."""
    phase = getattr(getattr(case, "meta", None), "phase", None)
    return getattr(getattr(phase, "data", None), "parameter", None) == "sessionid"


def _steer(case, draft: str) -> None:
    """Point part of the valid requests at real objects, so that the code behind the 404s runs too.

    Only valid (positive) cases are changed: a request made invalid on purpose must stay invalid.
    """
    reference = (case.path_parameters or {}).get("reference")
    if isinstance(reference, str) and len(reference) % 2 == 0:
        case.path_parameters["reference"] = draft
        body = case.body if isinstance(case.body, dict) else {}
        if _is_positive(case) and isinstance(body.get("version"), int) and body["version"] % 2:
            body["version"] = Application.objects.get(reference=draft).version
    if (case.method == "POST" and case.path.endswith("/applications") and _is_positive(case)
            and isinstance(case.body, dict) and len(str(case.body.get("call"))) % 2 == 0):
        case.body.update(call="kuntadigi-2026", lead="109")


@schema.parametrize()
@hypothesis.settings(max_examples=100, derandomize=True, deadline=None, database=None,
                     suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture,
                                            hypothesis.HealthCheck.too_slow,
                                            hypothesis.HealthCheck.filter_too_much])
def test_the_api_answers_as_its_schema_says(case, applicant):
    _steer(case, applicant)
    if any("\x00" in str(value) for value in (case.query or {}).values()):
        # A NUL in a query string is refused before the API by the middleware for every route, with the
        # API's error shape (tests/security/test_fuzz_forms.py); a JSON schema string may hold it, so the schema
        # cannot say so per parameter.
        response = case.call()
        assert response.status_code == 400
        assert response.json()["errors"][0]["message"] == "The request contains a NUL character."
        return
    # Cases schemathesis builds outside its fuzzing phase (its coverage phase, and the examples phase the
    # document's field examples bring) do not go through the auth provider; all but those made to test a
    # missing session get it here, marked as given (as the provider's would be) so that schemathesis does
    # not take the valid session for one it generated and expect it refused.
    if (case.cookies or {}).get("sessionid") != CURRENT_SESSION["session"] and not _drops_the_session(case):
        AsApplicant().set(case, CURRENT_SESSION, None)
        case._has_explicit_auth = True  # what schemathesis.auths sets for auth it was given
    case.call_and_validate()
