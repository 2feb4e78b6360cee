"""The JSON API: the same permissions and validation as the screens, errors as JSON with a field path."""

import json
from decimal import Decimal

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

BASE = "/api/v1"


def _json(response):
    return json.loads(response.content)


@pytest.fixture
def lead_client(open_call, applicant_of):
    client = Client()
    client.force_login(applicant_of("109"))
    return client


@pytest.fixture
def created(lead_client):
    response = lead_client.post(f"{BASE}/applications", {"call": "kuntadigi-2026", "lead": "109", "title": "Testi"},
                                content_type="application/json")
    assert response.status_code == 201, response.content
    return _json(response)


def _complete(client, reference, version):
    return client.patch(
        f"{BASE}/applications/{reference}",
        {"version": version, "plan": {"objectives": "Asiointi sujuvaksi."}, "partners": ["853"],
         "budget": [{"category": "staff", "amount_vat_free": "100000.00", "vat": "0.00"}],
         "amount_applied": "85000.00"},
        content_type="application/json",
    )


def test_calls_and_registry_are_public(open_call):
    client = Client()
    calls = _json(client.get(f"{BASE}/calls"))
    assert [c["id"] for c in calls] == ["kuntadigi-2026"]
    assert {c["code"] for c in calls[0]["cost_categories"]} >= {"staff", "travel"}
    assert Decimal(_json(client.get(f"{BASE}/calls/kuntadigi-2026"))["aid_rate"]) == Decimal("0.85")
    missing = client.get(f"{BASE}/calls/nope")
    assert missing.status_code == 404 and _json(missing)["errors"][0]["message"] == "ei löytynyt"  # Finnish by default
    found = _json(client.get(f"{BASE}/organisations", {"q": "Tavast"}))
    assert "109" in [o["code"] for o in found] and all(o["name_sv"].startswith("Tavast") for o in found)


def test_a_draft_is_saved_and_submitted_once_with_an_idempotency_key(lead_client, created):
    reference = created["reference"]
    assert created["status"] == "draft" and created["version"] == 1
    saved = _complete(lead_client, reference, 1)
    assert saved.status_code == 200 and _json(saved)["version"] == 2
    first = lead_client.post(f"{BASE}/applications/{reference}/submit", HTTP_IDEMPOTENCY_KEY="abc")
    second = lead_client.post(f"{BASE}/applications/{reference}/submit", HTTP_IDEMPOTENCY_KEY="abc")
    assert first.status_code == second.status_code == 200
    assert _json(first) == _json(second) and _json(first)["status"] == "submitted"
    withdrawn = lead_client.post(f"{BASE}/applications/{reference}/withdraw")
    assert _json(withdrawn)["status"] == "withdrawn"


def test_errors_name_the_field(lead_client, created):
    response = lead_client.patch(f"{BASE}/applications/{created['reference']}",
                                 {"version": 1, "amount_applied": "12,345", "budget": [{"category": "x",
                                                                                       "amount_vat_free": "1"}]},
                                 content_type="application/json")
    assert response.status_code == 422
    assert {e["path"] for e in _json(response)["errors"]} == {"amount_applied", "budget.0.category"}
    _complete(lead_client, created["reference"], 1)
    lead_client.patch(f"{BASE}/applications/{created['reference']}", {"version": 2, "amount_applied": "85000.01"},
                      content_type="application/json")
    refused = lead_client.post(f"{BASE}/applications/{created['reference']}/submit")
    assert refused.status_code == 422 and _json(refused)["errors"][0]["path"] == "amount_applied"
    malformed = lead_client.patch(f"{BASE}/applications/{created['reference']}", "{not json",
                                  content_type="application/json")
    # A body that is not JSON cannot be read at all: 400, where a readable but wrong one above is 422.
    assert malformed.status_code == 400 and [e["path"] for e in _json(malformed)["errors"]] == [""]


def test_a_stale_version_is_a_conflict(lead_client, created):
    assert _complete(lead_client, created["reference"], 1).status_code == 200
    stale = lead_client.patch(f"{BASE}/applications/{created['reference']}", {"version": 1, "title": "Vanha"},
                              content_type="application/json")
    assert stale.status_code == 409 and _json(stale)["errors"][0]["path"] == "version"


def test_another_organisation_gets_404_and_anonymous_401(created, applicant_of):
    stranger = Client()
    stranger.force_login(applicant_of("091"))
    reference = created["reference"]
    for response in (stranger.get(f"{BASE}/applications/{reference}"),
                     stranger.patch(f"{BASE}/applications/{reference}", {"version": 1, "title": "x"},
                                    content_type="application/json"),
                     stranger.post(f"{BASE}/applications/{reference}/submit"),
                     stranger.post(f"{BASE}/applications/{reference}/withdraw"),
                     stranger.get(f"{BASE}/applications/does-not-exist")):
        assert response.status_code == 404 and _json(response)["errors"]
    assert Client().get(f"{BASE}/applications/{reference}").status_code == 401
    foreign_lead = stranger.post(f"{BASE}/applications", {"call": "kuntadigi-2026", "lead": "109"},
                                 content_type="application/json")
    assert foreign_lead.status_code == 403


def test_every_route_of_the_openapi_document_is_exercised():
    from openapi_spec_validator import validate

    spec = _json(Client().get(f"{BASE}/openapi.json"))
    validate(spec)  # raises on any violation of the OpenAPI 3 schema
    exercised = {"/api/v1/calls", "/api/v1/calls/{call_id}", "/api/v1/organisations", "/api/v1/applications",
                 "/api/v1/applications/{reference}", "/api/v1/applications/{reference}/submit",
                 "/api/v1/applications/{reference}/withdraw", "/api/v1/applications/{reference}/attachments",
                 "/api/v1/applications/{reference}/attachments/{attachment_id}",
                 "/api/v1/decisions/{pk}"}  # tests/api/test_decisions_api.py
    # The funded project's routes, exercised in tests/api/test_projects_api.py.
    exercised |= {"/api/v1/projects", "/api/v1/projects/{reference}", "/api/v1/projects/{reference}/reports/{number}",
                  "/api/v1/projects/{reference}/reports/{number}/attachments",
                  "/api/v1/projects/{reference}/reports/{number}/attachments/{attachment_id}",
                  "/api/v1/projects/{reference}/account", "/api/v1/projects/{reference}/payments"}
    # The final report's, exercised in tests/api/test_final_report_api.py.
    exercised |= {"/api/v1/projects/{reference}/final-report", "/api/v1/projects/{reference}/final-report/attachments",
                  "/api/v1/projects/{reference}/final-report/attachments/{attachment_id}"}
    # Change requests, exercised in tests/api/test_changes_api.py.
    exercised |= {"/api/v1/projects/{reference}/changes", "/api/v1/projects/{reference}/changes/{pk}/withdraw"}
    # A project's outputs for reuse, exercised in tests/api/test_outputs_api.py.
    exercised |= {"/api/v1/projects/{reference}/outputs", "/api/v1/projects/{reference}/outputs/{output_id}"}
    # The settlement, recoveries and amending decisions, exercised in tests/api/test_closing_api.py.
    exercised |= {"/api/v1/projects/{reference}/settlement", "/api/v1/projects/{reference}/recoveries",
                  "/api/v1/projects/{reference}/recoveries/{pk}",
                  "/api/v1/projects/{reference}/recoveries/{pk}/response",
                  "/api/v1/projects/{reference}/amending-decisions",
                  "/api/v1/projects/{reference}/amending-decisions/{pk}"}
    assert set(spec["paths"]) == exercised
