"""A body or parameter the API's schemas refuse (a missing field, text for a number, a day that is not one, text
too long, a list or object of the wrong kind) gets a message in the user's language, not pydantic's English, with
the field named as before, and nothing is stored."""

import json

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.testing import TestClient
from pydantic import field_validator

from avustus.accounts import tokens
from avustus.actors import SYSTEM
from avustus.api import errors as api_errors
from avustus.api.schemas import invalid_value
from avustus.applications.models import Application
from avustus.changes.models import ChangeRequest
from avustus.reports.models import InterimReport, ProjectOutput
from tests.projects.conftest import cast, person  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

BASE = "/api/v1"


def _errors(response) -> list[tuple[str, str]]:
    return [(e["path"], e["message"]) for e in json.loads(response.content)["errors"]]


def _send(client, method, url, body, lang):
    text = body if isinstance(body, str) else json.dumps(body)
    return getattr(client, method)(url, text, content_type="application/json", HTTP_ACCEPT_LANGUAGE=lang)


@pytest.fixture
def applicant(open_call, applicant_of):
    client = Client()
    client.force_login(applicant_of("109"))
    return client


@pytest.fixture
def reference(applicant):
    response = _send(applicant, "post", f"{BASE}/applications", {"call": "kuntadigi-2026", "lead": "109"}, "fi")
    return json.loads(response.content)["reference"]


def _token_client(user) -> Client:
    _token, value = tokens.create_token(user, actor=SYSTEM)
    return Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {value}")


@pytest.mark.parametrize(("lang", "expected"), [
    ("fi", [("version", "Anna kokonaisluku."), ("title", "Anna teksti (JSON-merkkijono)."),
            ("plan", "Anna JSON-objekti."),
            ("budget.0.amount_vat_free", "Tämä kenttä on pakollinen. Täytä se.")]),
    ("sv", [("version", "Ange ett heltal."), ("title", "Ange text (en JSON-sträng)."),
            ("plan", "Ange ett JSON-objekt."),
            ("budget.0.amount_vat_free", "Detta fält är obligatoriskt. Fyll i det.")]),
])
def test_a_draft_change_of_the_wrong_types_is_refused_field_by_field(applicant, reference, lang, expected):
    body = {"version": "yksi", "title": 5, "plan": ["Tavoitteet"], "budget": [{"category": "staff"}]}
    response = _send(applicant, "patch", f"{BASE}/applications/{reference}", body, lang)
    assert response.status_code == 422, response.content
    assert _errors(response) == expected
    application = Application.objects.get(reference=reference)
    assert (application.version, application.title, application.budget_lines.count()) == (1, "", 0)


@pytest.mark.parametrize(("lang", "message"), [("fi", "Tämä kenttä on pakollinen. Täytä se."),
                                               ("sv", "Detta fält är obligatoriskt. Fyll i det.")])
def test_a_new_application_without_its_lead_is_refused(applicant, lang, message):
    response = _send(applicant, "post", f"{BASE}/applications", {"call": "kuntadigi-2026"}, lang)
    assert response.status_code == 422
    assert _errors(response) == [("lead", message)]
    assert not Application.objects.exists()


@pytest.mark.parametrize(("body", "lang", "expected"), [
    ("[]", "fi", [("", "Anna JSON-objekti.")]),
    ('"kuntadigi-2026"', "sv", [("", "Ange ett JSON-objekt.")]),
    ("", "fi", [("", "Pyynnöstä puuttuu runko: lähetä tiedot JSON-objektina.")]),
    ("", "sv", [("", "Begäran saknar innehåll: skicka uppgifterna som ett JSON-objekt.")]),
])
def test_a_body_that_is_not_an_object_is_refused_as_a_whole(applicant, body, lang, expected):
    response = _send(applicant, "post", f"{BASE}/applications", body, lang)
    assert response.status_code == 422, response.content
    assert _errors(response) == expected
    assert not Application.objects.exists()


@pytest.mark.parametrize(("lang", "message"), [("fi", "Pyynnön runko ei ole kelvollista JSONia."),
                                               ("sv", "Begärans innehåll är inte giltig JSON.")])
def test_a_body_that_is_not_json_is_a_400_in_the_users_language(applicant, lang, message):
    response = _send(applicant, "post", f"{BASE}/applications", '{"call": "kuntadigi-2026", "lead": ', lang)
    assert response.status_code == 400
    assert _errors(response) == [("", message)]
    assert not Application.objects.exists()


@pytest.mark.parametrize(("lang", "message"), [("fi", "Kirjoita enintään 300 merkkiä."),
                                               ("sv", "Skriv högst 300 tecken.")])
def test_an_outputs_title_too_long_names_the_limit(cast, lang, message):
    body = {"kind": "document", "title": "x" * 301, "address": "https://example.org/ohje"}
    response = _send(_token_client(cast.lead), "post", f"{BASE}/projects/{cast.project.reference}/outputs", body,
                     lang)
    assert response.status_code == 422
    assert _errors(response) == [("title", message)]
    assert not ProjectOutput.objects.exists()


@pytest.mark.parametrize(("lang", "expected"), [
    ("fi", [("period_start", "Anna päivämäärä muodossa VVVV-KK-PP."),
            ("period_end", "Anna päivämäärä muodossa VVVV-KK-PP."), ("costs", "Anna luettelo (JSON-taulukko).")]),
    ("sv", [("period_start", "Ange datumet i formatet ÅÅÅÅ-MM-DD."),
            ("period_end", "Ange datumet i formatet ÅÅÅÅ-MM-DD."), ("costs", "Ange en lista (en JSON-array).")]),
])
def test_an_interim_report_with_days_that_are_not_days_is_refused(cast, lang, expected):
    # A month 13, and a time of day where a date belongs.
    body = {"period_start": "2020-13-01", "period_end": "2020-06-26T12:00:00", "progress": "Etenee.",
            "objectives_stage": "Alussa.", "costs": "40000.00"}
    response = _send(_token_client(cast.lead), "post", f"{BASE}/projects/{cast.project.reference}/reports/1", body,
                     lang)
    assert response.status_code == 422
    assert _errors(response) == expected
    assert not InterimReport.objects.filter(project=cast.project).exists()


@pytest.mark.parametrize(("lang", "expected"), [
    ("fi", [("moves.0.source_member", "Anna kokonaisluku."), ("moves.1", "Anna JSON-objekti."),
            ("add_partners.0", "Anna kokonaisluku.")]),
    ("sv", [("moves.0.source_member", "Ange ett heltal."), ("moves.1", "Ange ett JSON-objekt."),
            ("add_partners.0", "Ange ett heltal.")]),
])
def test_a_change_request_with_text_for_numbers_is_refused(cast, lang, expected):
    body = {"kind": "budget", "reasons": "Siirto.", "add_partners": ["Pori"],
            "moves": [{"source_category": "cost-1", "source_member": 0.5, "target_category": "cost-3",
                       "target_member": 1, "amount": "100.00"}, "cost-1 -> cost-3"]}
    response = _send(_token_client(cast.lead), "post", f"{BASE}/projects/{cast.project.reference}/changes", body,
                     lang)
    assert response.status_code == 422
    assert _errors(response) == expected
    assert not ChangeRequest.objects.filter(project=cast.project).exists()


def test_a_query_parameter_of_the_wrong_type_is_refused_in_the_users_language(db):
    response = Client().get(f"{BASE}/organisations", {"q": "Valtimo", "limit": "kaikki"}, HTTP_ACCEPT_LANGUAGE="sv")
    assert response.status_code == 422
    assert _errors(response) == [("limit", "Ange ett heltal.")]


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_every_mapped_error_type_has_a_finnish_and_a_swedish_text(lang):
    texts = {**api_errors.SCHEMA_MESSAGES, "(any other)": api_errors._INVALID}
    with translation.override("en"):
        english = {kind: str(text) for kind, text in texts.items()}
    with translation.override(lang):
        untranslated = [kind for kind, text in texts.items() if str(text) == english[kind]]
    assert untranslated == []


def test_a_value_not_mapped_gets_the_general_message_and_ctx_is_interpolated():
    with translation.override("sv"):
        assert api_errors.schema_message({"type": "uuid_parsing", "msg": "Input should be a valid UUID"},
                                         "id") == "Värdet är ogiltigt."
        assert api_errors.schema_message({"type": "string_too_long", "ctx": {"max_length": 64}},
                                         "licence") == "Skriv högst 64 tecken."
    with translation.override("fi"):
        assert api_errors.schema_message({"type": "string_too_long"}, "licence") == "Arvo ei kelpaa."


class _Checked(Schema):
    iban: str

    @field_validator("iban")
    @classmethod
    def _check(cls, value):
        if value == "own":
            raise invalid_value(_("Give the date as YYYY-MM-DD."))  # any text already in the user's language
        raise ValueError("English from a library")


def test_a_schemas_own_validator_keeps_its_message_and_a_plain_value_error_does_not():
    # Through ninja itself, which turns a ValueError's exception into its text on the way to the handler.
    api = NinjaAPI(urls_namespace="schema-errors-test")
    api_errors.register(api)

    @api.post("/check")
    def check(request, payload: _Checked):
        return {}

    client = TestClient(api)  # no middleware: the language is the thread's
    with translation.override("sv"):
        own, plain = client.post("/check", json={"iban": "own"}), client.post("/check", json={"iban": "other"})
    assert _errors(own) == [("iban", "Ange datumet i formatet ÅÅÅÅ-MM-DD.")]
    assert _errors(plain) == [("iban", "Värdet är ogiltigt.")]
