"""The authorisation matrix of the funded project's routes (screens and API), asked by every kind of user.

Its own table beside ``test_matrix.py`` because its columns differ: a project has partners, who read but do
not act, and two kinds of official (the programme's officials act on reports, accounts and payments; a
decision-maker sees the project and approves payments as the second person, nothing else). ``test_matrix``
counts these rows as listed, so a route is in one table or the other.

The answers mean what they mean there: 404 for what the user may not know exists, ``LOGIN`` for an
anonymous user on a screen (401 in the API), 403 for a step on a project the user sees but may not take,
``GO`` a redirect elsewhere than to a login page. Every request runs in a savepoint rolled back after it.
"""

import json
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client

from avustus.accounts import tokens as api_tokens
from avustus.accounts.models import Role
from avustus.accounts.services import grant_role
from avustus.actors import SYSTEM
from avustus.payments import services as payments
from avustus.reports import attachments as report_attachments
from avustus.reports import services as reports
from avustus.reports.outputs import add_output
from avustus.reports.services import CostInput
from tests.projects.conftest import cast, person  # noqa: F401 (fixtures)
from tests.security.test_matrix import GO, LOGIN, _answer, _close, _matches, _patterns, _send

pytestmark = pytest.mark.django_db

OK, CREATED, GONE, BAD, NO, NF, CONFLICT = 200, 201, 204, 401, 403, 404, 409
ACTORS = ("anonymous", "other", "partner", "lead", "reviewer", "official", "decider")

# Objects: project (Kankaanpää's 2020 grant: report 1 accepted, an account in use and a change of it pending,
# instalment 1 applied for), report (report 2, filed, with a document), report-due (report 3, not filed),
# report-attachment (report 2's document), account (the pending change), payment (instalment 1), call (the round),
# output (an output for reuse the lead entered, not yet checked).
# The lead's posts that meet a state moved on (an account pending already, a payment being handled) answer
# 409 in the API and a message on the screen: the permission was granted before the state was looked at.
PROJECT_MATRIX = [
    ("my-projects",                 "GET",  "none",        LOGIN, OK,  OK,  OK,  OK,  OK,  OK),
    ("project",                     "GET",  "project",     LOGIN, NF,  OK,  OK,  NF,  OK,  OK),
    ("project-report",              "GET",  "report",      LOGIN, NF,  OK,  OK,  NF,  OK,  OK),
    ("project-report",              "POST", "report-due",  LOGIN, NF,  NO,  GO,  NF,  NO,  NO),
    ("add-report-attachment",       "POST", "report",      LOGIN, NF,  NO,  GO,  NF,  NO,  NO),
    ("report-attachment",           "GET",  "report-attachment", LOGIN, NF, OK, OK, NF, OK, OK),
    ("review-report",               "POST", "report",      LOGIN, NF,  NO,  NO,  NF,  GO,  NO),
    ("project-account",             "GET",  "project",     LOGIN, NF,  NO,  OK,  NF,  OK,  NO),
    ("project-account",             "POST", "project",     LOGIN, NF,  NO,  OK,  NF,  OK,  NO),
    ("handle-account",              "POST", "account",     LOGIN, NF,  NO,  NO,  NF,  GO,  NO),
    ("project-schedule",            "POST", "project",     LOGIN, NF,  NO,  NO,  NF,  GO,  NO),
    ("apply-payment",               "GET",  "project",     LOGIN, NF,  NO,  OK,  NF,  NO,  NO),
    ("apply-payment",               "POST", "project",     LOGIN, NF,  NO,  GO,  NF,  NO,  NO),
    ("handle-payment",              "POST", "payment",     LOGIN, NF,  NO,  NO,  NF,  GO,  NO),
    ("project-outputs",             "GET",  "project",     LOGIN, NF,  OK,  OK,  NF,  OK,  OK),
    ("project-outputs",             "POST", "project",     LOGIN, NF,  NO,  GO,  NF,  NO,  NO),
    ("remove-project-output",       "POST", "output",      LOGIN, NF,  NO,  GO,  NF,  NO,  NO),
    ("check-project-output",        "POST", "output",      LOGIN, NF,  NO,  NO,  NF,  GO,  NO),
    ("officials-project-calls",     "GET",  "none",        LOGIN, NF,  NF,  NF,  NF,  OK,  OK),
    ("officials-projects",          "GET",  "call",        LOGIN, NF,  NF,  NF,  NF,  OK,  OK),
    ("api-v1:list_projects",        "GET",  "none",        BAD,   OK,  OK,  OK,  OK,  OK,  OK),
    ("api-v1:get_project",          "GET",  "project",     BAD,   NF,  OK,  OK,  NF,  OK,  OK),
    ("api-v1:submit_report",        "POST", "report-due",  BAD,   NF,  NO,  OK,  NF,  NO,  NO),
    ("api-v1:get_report",           "GET",  "report",      BAD,   NF,  OK,  OK,  NF,  OK,  OK),
    ("api-v1:add_report_attachment", "POST", "report",     BAD,   NF,  NO,  CREATED, NF, NO, NO),
    ("api-v1:list_report_attachments", "GET", "report",    BAD,   NF,  OK,  OK,  NF,  OK,  OK),
    ("api-v1:download_report_attachment", "GET", "report-attachment", BAD, NF, OK, OK, NF, OK, OK),
    ("api-v1:register_account",     "POST", "project",     BAD,   NF,  NO,  CONFLICT, NF, CONFLICT, NO),
    ("api-v1:apply_for_payment",    "POST", "project",     BAD,   NF,  NO,  CONFLICT, NF, NO, NO),
    ("api-v1:list_payments",        "GET",  "project",     BAD,   NF,  OK,  OK,  NF,  OK,  OK),
    ("api-v1:list_outputs",         "GET",  "project",     BAD,   NF,  OK,  OK,  NF,  OK,  OK),
    ("api-v1:add_output",           "POST", "project",     BAD,   NF,  NO,  CREATED, NF, NO, NO),
    ("api-v1:remove_output",        "DELETE", "output",    BAD,   NF,  NO,  GONE, NF, NO,  NO),
]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ANOTHER_PDF = b"%PDF-1.4\n% toinen\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def storage(tmp_path, settings):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path / "files"}}}


@pytest.fixture
def project_world(cast):
    project = cast.project
    reviewer = get_user_model().objects.create(username="matrix-project-reviewer")
    grant_role(reviewer, Role.REVIEWER, actor=SYSTEM, programme=project.call.programme)
    account = payments.register_account(project, "FI21 1234 5600 0007 85", "Kankaanpää", actor=cast.lead)
    payments.confirm_account(account, actor=cast.second_official, note="Soitettu.")
    first = reports.submit_report(project, 1, actor=cast.lead, period_start=date(2020, 2, 26),
                                  period_end=date(2020, 6, 26), progress="Etenee.", objectives_stage="Alussa.",
                                  costs=[CostInput("cost-1", 0, "10000.00")])
    reports.accept_report(first, actor=cast.second_official, version=reports.report_version(first))
    payment = payments.apply_for_payment(project, actor=cast.lead)
    second = reports.submit_report(project, 2, actor=cast.lead, period_start=date(2020, 6, 27),
                                   period_end=date(2020, 10, 26), progress="Etenee.", objectives_stage="Puolivälissä.",
                                   costs=[CostInput("cost-1", 0, "5000.00")])
    attachment = report_attachments.add_report_attachment(second, SimpleUploadedFile("a.pdf", PDF), actor=cast.lead)
    pending = payments.register_account(project, "FI14 1009 3000 1234 58", "Kankaanpää", actor=cast.lead)
    output = add_output(project, actor=cast.lead, kind="software", title="Ajanvaraus",
                        address="https://example.org/ajanvaraus", licence="EUPL-1.2")
    ref = project.reference
    objects = {
        "none": {}, "project": {"reference": ref}, "call": {"slug": project.call.slug},
        "report": {"reference": ref, "number": 2}, "report-due": {"reference": ref, "number": 3},
        "report-attachment": {"reference": ref, "number": 2, "attachment_id": attachment.pk},
        "account": {"reference": ref, "pk": pending.pk}, "payment": {"reference": ref, "pk": payment.pk},
        "output": {"reference": ref, "pk": output.pk, "output_id": output.pk},
    }
    actors = {"anonymous": None, "other": cast.outsider, "partner": cast.partner, "lead": cast.lead,
              "reviewer": reviewer, "official": cast.official, "decider": cast.decision_maker}
    return {"objects": objects, "actors": actors, "report": second, "payment": payment}


def _url(name: str, objects: dict) -> str:
    import re

    from django.urls import reverse

    params = re.findall(r"<(?:\w+:)?(\w+)>", dict(_patterns())[name])
    return reverse(name, kwargs={p: objects[p] for p in params})


REPORT = {"period_start": "2020-10-27", "period_end": "2021-02-26", "progress": "Etenee.",
          "objectives_stage": "Loppusuoralla."}


def _body(name: str, world: dict):
    if name == "project-report":
        return {**REPORT, "cost.cost-1.0.vat_free": "100.00"}, None
    if name in ("add-report-attachment", "api-v1:add_report_attachment"):
        return {"file": SimpleUploadedFile("b.pdf", ANOTHER_PDF)}, None
    if name == "review-report":
        return {"action": "accept", "version": reports.report_version(world["report"])}, None
    if name == "project-account":
        return {"iban": "FI21 1234 5600 0007 85", "holder": "Kankaanpää"}, None
    if name == "handle-account":
        return {"action": "confirm", "note": "Soitettu kirjaamoon."}, None
    if name == "project-schedule":
        return {"action": "due", "entry": "interim:3", "due_on": "2021-03-01", "reason": "Sovittu puhelimessa."}, None
    if name == "apply-payment":
        return {"key": "matrix"}, None
    if name == "handle-payment":
        return {"action": "accept"}, None
    if name == "api-v1:submit_report":
        return json.dumps({**REPORT, "costs": [{"category": "cost-1", "member": 0, "amount_vat_free": "100.00"}]}), \
            "application/json"
    if name == "project-outputs":
        return {"kind": "document", "title": "Ohje", "address": "https://example.org/ohje"}, None
    if name in ("remove-project-output", "check-project-output"):
        return {"confirm": "yes"}, None
    if name == "api-v1:add_output":
        return json.dumps({"kind": "document", "title": "Ohje", "address": "https://example.org/ohje"}), \
            "application/json"
    if name == "api-v1:register_account":
        return json.dumps({"iban": "FI21 1234 5600 0007 85", "holder": "Kankaanpää"}), "application/json"
    return {}, None


def _ask(world, token: bool) -> list[str]:
    wrong = []
    for name, method, obj, *answers in PROJECT_MATRIX:
        if token and not name.startswith("api-v1:"):
            continue
        url = _url(name, world["objects"][obj])
        for actor, expected in zip(ACTORS, answers, strict=True):
            user = world["actors"][actor]
            if token and user is None:
                continue
            with transaction.atomic():
                if token:
                    _token, value = api_tokens.create_token(user, actor=SYSTEM)
                    client = Client(raise_request_exception=False, enforce_csrf_checks=True,
                                    HTTP_AUTHORIZATION=f"Bearer {value}")
                else:
                    client = Client(raise_request_exception=False)
                    if user is not None:
                        client.force_login(user)
                body, content_type = _body(name, world)
                response = _send(client, method, url, body, content_type)
                _close(response)
                transaction.set_rollback(True)
            if not _matches(expected, response):
                wrong.append(f"{method} {url} ({name}) as {actor}{' with a token' if token else ''}: "
                             f"expected {expected!r}, got {_answer(response)}")
            if "no-store" not in response.get("Cache-Control", ""):
                wrong.append(f"{method} {url} ({name}) as {actor}: cacheable")
    return wrong


def test_every_actor_gets_what_the_project_matrix_says(project_world):
    wrong = _ask(project_world, token=False)
    assert not wrong, f"{len(wrong)} answers differ from the matrix:\n" + "\n".join(wrong)


def test_a_bearer_token_gets_what_a_session_gets_from_the_project_api(project_world):
    wrong = _ask(project_world, token=True)
    assert not wrong, f"{len(wrong)} answers differ from the matrix:\n" + "\n".join(wrong)
