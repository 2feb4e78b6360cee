"""Input the API must refuse in its own JSON shape: text that is not valid Unicode, bodies over the size
limit, an idempotency key reused for another organisation, a consortium that names a body twice."""

import json

import pytest
from django.test import Client

from avustus.accounts.models import Role, RoleGrant
from avustus.applications.models import Application
from avustus.registry.models import Organisation

pytestmark = pytest.mark.django_db

BASE = "/api/v1"


def _json(response):
    return json.loads(response.content)


@pytest.fixture
def client(open_call, applicant_of):
    client = Client(raise_request_exception=False)
    client.force_login(applicant_of("109"))
    return client


@pytest.fixture
def reference(client):
    response = client.post(f"{BASE}/applications", {"call": "kuntadigi-2026", "lead": "109", "title": "Ennallaan"},
                           content_type="application/json")
    return _json(response)["reference"]


def _raw(client, method, url, text):
    return getattr(client, method)(url, text, content_type="application/json")


@pytest.mark.parametrize(("body", "path"), [
    ('{"version": 1, "title": "a\\ud800b"}', "title"),
    ('{"version": 1, "plan": {"objectives": "\\udc00"}}', "plan.objectives"),
    ('{"version": 1, "partners": ["853", "\\ud800"]}', "partners.1"),
    ('{"version": 1, "budget": [{"category": "staff", "amount_vat_free": "1", "description": "x\\udfff"}]}',
     "budget.0.description"),
    ('{"version": 1, "amount_applied": "1\\ud800"}', "amount_applied"),
    ('{"version": 1, "plan": {"\\ud800": "x"}}', "plan"),
])
def test_a_lone_surrogate_is_refused_with_the_field_named(client, reference, body, path):
    response = _raw(client, "patch", f"{BASE}/applications/{reference}", body)
    assert response.status_code == 422, response.content
    assert [e["path"] for e in _json(response)["errors"]] == [path]
    assert "surrogate" in _json(response)["errors"][0]["message"]
    assert Application.objects.get(reference=reference).version == 1  # nothing stored


def test_a_lone_surrogate_in_a_new_application_is_refused(client):
    response = _raw(client, "post", f"{BASE}/applications",
                    '{"call": "kuntadigi-2026", "lead": "109", "title": "\\ud800"}')
    assert response.status_code == 422 and _json(response)["errors"][0]["path"] == "title"
    assert not Application.objects.exists()


def test_an_over_large_body_is_a_json_413(client, reference, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = client.patch(f"{BASE}/applications/{reference}", {"version": 1, "title": "x" * 20_000},
                            content_type="application/json")
    assert response.status_code == 413 and response["Content-Type"].startswith("application/json")
    assert _json(response)["errors"][0]["message"]


def test_too_many_form_fields_is_a_json_400(client, reference, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    from django.core.files.uploadedfile import SimpleUploadedFile

    body = {f"f{i}": "x" for i in range(10)} | {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n")}
    response = client.post(f"{BASE}/applications/{reference}/attachments", body)
    assert response.status_code == 400 and response["Content-Type"].startswith("application/json")
    assert _json(response)["errors"][0]["path"] == ""


def test_an_idempotency_key_is_scoped_to_the_user_and_the_organisation(open_call, applicant_of):
    user = applicant_of("109")
    RoleGrant.objects.create(user=user, role=Role.APPLICANT, organisation=Organisation.objects.get(code="091"))
    client = Client()
    client.force_login(user)

    def create(lead):
        return client.post(f"{BASE}/applications", {"call": "kuntadigi-2026", "lead": lead},
                           content_type="application/json", HTTP_IDEMPOTENCY_KEY="same")

    first, other_org, retry = _json(create("109")), _json(create("091")), _json(create("109"))
    assert other_org["reference"] != first["reference"]
    assert [m["key"] for m in other_org["members"]] == ["091"]
    assert retry["reference"] == first["reference"]
    # Another user with the same key gets their own draft too.
    someone = Client()
    someone.force_login(applicant_of("109", username="toinen"))
    again = someone.post(f"{BASE}/applications", {"call": "kuntadigi-2026", "lead": "109"},
                         content_type="application/json", HTTP_IDEMPOTENCY_KEY="same")
    assert _json(again)["reference"] not in (first["reference"], other_org["reference"])


@pytest.mark.parametrize(("partners", "path", "words"), [
    (["853", "853"], "members.2", "already a partner"),
    (["853", "109"], "members.2", "lead applicant"),
])
def test_a_body_named_twice_is_refused_on_save(client, reference, partners, path, words, settings):
    settings.LANGUAGE_CODE = "en"
    response = client.patch(f"{BASE}/applications/{reference}", {"version": 1, "partners": partners},
                            content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422, response.content
    errors = _json(response)["errors"]
    assert [e["path"] for e in errors] == [path] and words in errors[0]["message"]
    assert Application.objects.get(reference=reference).members.count() == 1


def test_a_surrogate_encoded_directly_in_the_body_is_refused(client, reference):
    """Python's JSON reader decodes bytes with surrogatepass: the surrogate encoded as UTF-8 arrives too."""
    response = client.patch(f"{BASE}/applications/{reference}", b'{"version": 1, "title": "\xed\xa0\x80"}',
                            content_type="application/json")
    assert response.status_code == 422 and _json(response)["errors"][0]["path"] == "title"
