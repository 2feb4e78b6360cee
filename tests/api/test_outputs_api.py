"""A project's outputs for reuse in the JSON API: the lead enters, lists and removes them with a personal token;
bad input gets the field's message and stores nothing; a checked output stays."""

import json

import pytest
from django.test import Client

from avustus.accounts import tokens
from avustus.actors import SYSTEM
from avustus.audit.models import AuditEntry
from avustus.reports.models import ProjectOutput
from avustus.reports.outputs import check_output
from tests.projects.conftest import cast, person  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

BASE = "/api/v1"


def _client(user, lang="fi") -> Client:
    _token, value = tokens.create_token(user, actor=SYSTEM)
    return Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {value}", HTTP_ACCEPT_LANGUAGE=lang)


def _post(client, reference, body):
    return client.post(f"{BASE}/projects/{reference}/outputs", json.dumps(body), content_type="application/json")


def test_the_lead_enters_lists_and_removes_outputs(cast):
    lead, ref = _client(cast.lead), cast.project.reference
    made = _post(lead, ref, {"kind": "software", "title": "Ajanvarauksen rajapinta",
                             "address": "https://github.com/example/ajanvaraus", "licence": "eupl-1.2"})
    assert made.status_code == 201, made.content
    body = json.loads(made.content)
    assert (body["kind"], body["licence"], body["open_licence"], body["checked_at"]) == (
        "software", "EUPL-1.2", True, None)
    document = json.loads(_post(lead, ref, {"kind": "document", "title": "Käyttöohje",
                                            "address": "https://example.org/ohje", "licence": "LicenseRef-own"}
                                ).content)
    assert document["open_licence"] is False  # allowed, and flagged
    listed = json.loads(_client(cast.partner).get(f"{BASE}/projects/{ref}/outputs").content)
    assert [o["title"] for o in listed] == ["Käyttöohje", "Ajanvarauksen rajapinta"]
    gone = lead.delete(f"{BASE}/projects/{ref}/outputs/{document['id']}")
    assert gone.status_code == 204
    assert list(cast.project.outputs.values_list("title", flat=True)) == ["Ajanvarauksen rajapinta"]
    assert AuditEntry.objects.filter(action="output.removed").count() == 1
    check_output(ProjectOutput.objects.get(pk=body["id"]), actor=cast.official)
    kept = lead.delete(f"{BASE}/projects/{ref}/outputs/{body['id']}")
    assert kept.status_code == 409 and cast.project.outputs.count() == 1
    assert lead.delete(f"{BASE}/projects/{ref}/outputs/{body['id'] + 1000}").status_code == 404


def test_bad_input_gets_the_fields_message_in_the_users_language_and_stores_nothing(cast):
    wrong = _post(_client(cast.lead, "sv"), cast.project.reference,
                  {"kind": "software", "title": "Koodi", "address": "ftp://example.org/x", "licence": ""})
    assert wrong.status_code == 422
    errors = {e["path"]: e["message"] for e in json.loads(wrong.content)["errors"]}
    assert errors == {"address": "Ange adressen som en webbadress som börjar med https://.",
                      "licence": "Ange programvarans licens, till exempel EUPL-1.2 eller MIT."}
    assert not ProjectOutput.objects.exists()


def test_a_partner_and_an_official_do_not_enter_outputs(cast):
    body = {"kind": "document", "title": "Ohje", "address": "https://example.org/ohje"}
    assert _post(_client(cast.partner), cast.project.reference, body).status_code == 403
    assert _post(_client(cast.official), cast.project.reference, body).status_code == 403
    assert _post(_client(cast.outsider), cast.project.reference, body).status_code == 404
    assert not ProjectOutput.objects.exists()
