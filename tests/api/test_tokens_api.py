"""Personal API tokens in the API: a client with only ``Authorization: Bearer`` does what an applicant does
in the e-service, with no cookie and no CSRF token; without credentials the answer is 401 and says how."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from avustus.accounts import tokens
from avustus.accounts.models import ApiToken
from avustus.actors import SYSTEM
from avustus.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

BASE = "/api/v1"


def _json(response):
    return json.loads(response.content)


@pytest.fixture
def token(open_call, applicant_of):
    _token, value = tokens.create_token(applicant_of("109"), actor=SYSTEM)
    return value


def _bearer(value):
    # enforce_csrf_checks: the client is refused exactly as a script outside a browser would be.
    return Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {value}")


def test_a_bearer_token_client_creates_edits_submits_and_withdraws_with_no_cookie(token):
    client = _bearer(token)
    created = client.post(f"{BASE}/applications", {"call": "kuntadigi-2026", "lead": "109", "title": "Token"},
                          content_type="application/json")
    assert created.status_code == 201, created.content
    reference = _json(created)["reference"]
    saved = client.patch(
        f"{BASE}/applications/{reference}",
        {"version": 1, "plan": {"objectives": "Asiointi sujuvaksi."}, "partners": ["853"],
         "budget": [{"category": "staff", "amount_vat_free": "100000.00", "vat": "0.00"}],
         "amount_applied": "85000.00"},
        content_type="application/json",
    )
    assert saved.status_code == 200, saved.content
    assert _json(saved)["version"] == 2 and [m["key"] for m in _json(saved)["members"]] == ["109", "853"]
    submitted = client.post(f"{BASE}/applications/{reference}/submit", HTTP_IDEMPOTENCY_KEY="k1")
    assert submitted.status_code == 200 and _json(submitted)["status"] == "submitted"
    withdrawn = client.post(f"{BASE}/applications/{reference}/withdraw")
    assert withdrawn.status_code == 200 and _json(withdrawn)["status"] == "withdrawn"
    assert not client.cookies, "the API set a cookie for a bearer client"
    actions = list(AuditEntry.objects.filter(application_reference=reference).values_list("action", "actor_label"))
    assert [a for a, _who in actions] == ["application.created", "application.saved", "application.submitted",
                                          "application.withdrawn"]
    assert {who for _a, who in actions} == {"hakija-109"}


def test_without_credentials_a_private_route_is_401_with_www_authenticate(open_call):
    client = Client(enforce_csrf_checks=True)
    for response in (client.get(f"{BASE}/applications/kuntadigi-2026-0001"),
                     client.post(f"{BASE}/applications", {"call": "kuntadigi-2026", "lead": "109"},
                                 content_type="application/json"),
                     client.get(f"{BASE}/applications/kuntadigi-2026-0001/attachments")):
        assert response.status_code == 401, response.content
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert "Bearer" in _json(response)["errors"][0]["message"]
    # The public routes stay public.
    assert client.get(f"{BASE}/calls").status_code == 200
    assert client.get(f"{BASE}/organisations", {"q": "Häme"}).status_code == 200


def test_an_unknown_expired_or_revoked_token_is_refused(token, applicant_of):
    client = _bearer(token)
    assert client.get(f"{BASE}/applications/nope").status_code == 404  # known token: past authentication
    stored = ApiToken.objects.get(digest=tokens.digest_of(token))
    for value in ("avustus_" + "x" * 43, "not-a-token", "avustus_" + "y" * 500):
        response = _bearer(value).get(f"{BASE}/applications/nope")
        assert response.status_code == 401 and 'error="invalid_token"' in response["WWW-Authenticate"]
    ApiToken.objects.filter(pk=stored.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(f"{BASE}/applications/nope").status_code == 401
    ApiToken.objects.filter(pk=stored.pk).update(expires_at=timezone.now() + timedelta(days=1))
    tokens.revoke_token(stored, actor=SYSTEM)
    assert client.get(f"{BASE}/applications/nope").status_code == 401


CSRF_REFUSALS = {
    "fi": "CSRF-tunniste puuttuu tai on väärä. Lähetä asiointipalvelun CSRF-tunniste otsakkeessa X-CSRFToken tai "
          "käytä istunnon sijaan henkilökohtaista API-avainta (Authorization: Bearer AVAIN).",
    "sv": "CSRF-token saknas eller är fel. Skicka e-tjänstens CSRF-token i huvudet X-CSRFToken, eller använd en "
          "personlig API-nyckel (Authorization: Bearer NYCKEL) i stället för sessionen.",
    "en": "The CSRF token is missing or wrong. Send the e-service's CSRF token in the header X-CSRFToken, or use a "
          "personal API token (Authorization: Bearer TOKEN) instead of the session.",
}


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_a_session_still_needs_its_csrf_token_and_is_told_so_in_its_language(open_call, applicant_of, lang):
    from avustus.applications.models import Application

    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE=lang)
    client.force_login(applicant_of("109"))
    body = {"call": "kuntadigi-2026", "lead": "109"}
    refused = client.post(f"{BASE}/applications", body, content_type="application/json")
    assert refused.status_code == 403
    assert _json(refused) == {"errors": [{"path": "", "message": CSRF_REFUSALS[lang]}]}
    assert not Application.objects.exists()
    # A wrong token is refused alike; the right one (cookie and header the same secret) passes.
    secret = "a" * 32
    client.cookies["csrftoken"] = secret
    wrong = client.post(f"{BASE}/applications", body, content_type="application/json", HTTP_X_CSRFTOKEN="b" * 32)
    assert wrong.status_code == 403 and _json(wrong)["errors"][0]["message"] == CSRF_REFUSALS[lang]
    created = client.post(f"{BASE}/applications", body, content_type="application/json", HTTP_X_CSRFTOKEN=secret)
    assert created.status_code == 201 and Application.objects.count() == 1


def test_use_of_a_token_is_audited_once_a_day(token):
    client = _bearer(token)
    client.get(f"{BASE}/applications/nope")
    client.get(f"{BASE}/applications/nope")
    used = AuditEntry.objects.filter(action="api_token.used")
    assert used.count() == 1 and used.get().actor_label == "hakija-109"
    ApiToken.objects.update(last_used_at=timezone.now() - timedelta(days=1))
    client.get(f"{BASE}/applications/nope")
    assert used.count() == 2
    assert AuditEntry.objects.filter(action="api_token.created").count() == 1


def test_the_openapi_document_says_how_to_authenticate_and_gives_examples():
    spec = _json(Client().get(f"{BASE}/openapi.json"))
    schemes = spec["components"]["securitySchemes"]
    assert {"type": "http", "scheme": "bearer"}.items() <= schemes["TokenAuth"].items()
    assert {"type": "apiKey", "in": "cookie", "name": "sessionid"}.items() <= schemes["SessionAuth"].items()
    assert "CSRF" in schemes["SessionAuth"]["description"] and "api-token" in schemes["TokenAuth"]["description"]
    assert "Authorization: Bearer" in spec["info"]["description"]
    create = spec["paths"]["/api/v1/applications"]["post"]
    assert {"TokenAuth": []} in create["security"] and {"SessionAuth": []} in create["security"]
    assert "security" not in spec["paths"]["/api/v1/calls"]["get"]  # public
    fields = spec["components"]["schemas"]
    assert fields["ApplicationIn"]["properties"]["lead"]["examples"] == ["109"]
    assert fields["DraftIn"]["properties"]["partners"]["examples"] == [["853", "091"]]
    assert fields["DraftIn"]["properties"]["amount_applied"]["examples"] == ["85000.00"]
    assert fields["DraftIn"]["properties"]["plan"]["examples"] == [{"objectives": "Asiointi sujuvaksi."}]
    # Every property of every input and output schema has an example or is a nested schema that has them.
    missing = [f"{name}.{prop}" for name, schema in fields.items()
               for prop, body in schema.get("properties", {}).items()
               if "examples" not in body and "$ref" not in body and "$ref" not in json.dumps(body.get("items", {}))
               and not any("$ref" in json.dumps(a) for a in body.get("anyOf", []))]
    assert not missing, f"fields without an example: {missing}"
