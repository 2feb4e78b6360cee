"""Change requests in the API: the lead submits and withdraws with a token; refusals say why, nothing stored."""

import json

import pytest
from django.test import Client

from avustus.accounts import tokens as api_tokens
from avustus.actors import SYSTEM
from avustus.changes.models import ChangeRequest
from tests.projects.conftest import cast, person, room_for_an_extension  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    _token, value = api_tokens.create_token(user, actor=SYSTEM)
    return Client(HTTP_AUTHORIZATION=f"Bearer {value}", HTTP_ACCEPT_LANGUAGE="en")


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_the_lead_submits_an_extension_and_withdraws_it(cast):
    room_for_an_extension(cast.project.call)  # an extension to 31.12.2021 allowed
    client = _client(cast.lead)
    url = f"/api/v1/projects/{cast.project.reference}/changes"
    response = _post(client, url, {"kind": "extension", "reasons": "Viivästys.", "new_end": "2021-12-31"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["new_end"], body["version"]) == ("submitted", "2021-12-31", 1)
    listed = client.get(url).json()
    assert [r["id"] for r in listed] == [body["id"]]
    stale = _post(client, f"{url}/{body['id']}/withdraw", {"version": 2})
    assert stale.status_code == 409
    done = _post(client, f"{url}/{body['id']}/withdraw", {"version": 1})
    assert done.json()["status"] == "withdrawn"


def test_an_extension_beyond_the_period_of_use_is_refused_saying_why(cast):
    response = _post(_client(cast.lead), f"/api/v1/projects/{cast.project.reference}/changes",
                     {"kind": "extension", "reasons": "Viivästys.", "new_end": "2022-03-31"})
    assert response.status_code == 422
    assert "period of use" in json.dumps(response.json())
    assert not ChangeRequest.objects.exists()


def test_a_partner_reads_but_does_not_ask(cast):
    client = _client(cast.partner)
    url = f"/api/v1/projects/{cast.project.reference}/changes"
    assert client.get(url).status_code == 200
    assert _post(client, url, {"kind": "extension", "reasons": "x", "new_end": "2021-12-31"}).status_code == 403
    assert _client(cast.outsider).get(url).status_code == 404


@pytest.mark.parametrize("organisation", [99999999999999999999999, 2**63, -1, 0])
def test_a_partner_id_no_column_holds_is_refused_as_no_such_body(cast, organisation):
    """The security test sent a 23-digit id and got the HTML 500 page (an overflow in the database driver)."""
    response = _post(_client(cast.lead), f"/api/v1/projects/{cast.project.reference}/changes",
                     {"kind": "partners", "reasons": "Uusi kumppani.", "add_partners": [organisation]})
    assert response.status_code == 422 and response["Content-Type"].startswith("application/json")
    assert [e["path"] for e in response.json()["errors"]] == ["add_partners"]
    assert not ChangeRequest.objects.exists()
