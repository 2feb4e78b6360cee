"""The authorisation matrix of the funded project's routes (screens and API), asked by every kind of user.

Its own table beside ``test_matrix.py`` because its columns differ: a project has partners, who read but do
not act, and two kinds of official (the programme's officials act on reports, accounts and payments; a
decision-maker sees the project and approves payments as the second person, nothing else). ``test_matrix``
counts these rows as listed, so a route is in one table or the other.

The answers mean what they mean there: 404 for what the user may not know exists, ``LOGIN`` for an
anonymous user on a screen (401 in the API), 403 for a step on a project the user sees but may not take,
``GO`` a redirect elsewhere than to a login page. Every request runs in a savepoint rolled back after it.
"""

import hashlib
import json
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client

from avustus.accounts import tokens as api_tokens
from avustus.accounts.models import Role
from avustus.accounts.services import grant_role
from avustus.actors import SYSTEM
from avustus.changes import services as changes
from avustus.payments import services as payments
from avustus.payments.models import PaymentFile
from avustus.reports import attachments as report_attachments
from avustus.reports import final
from avustus.reports import services as reports
from avustus.reports.outputs import add_output
from avustus.reports.services import CostInput
from avustus.settlement.models import RecoveryWaiver
from avustus.settlement.recovery import case_version, cases_version, hearing_version
from avustus.settlement.waivers import waiver_version
from tests.changes.conftest import previewed
from tests.projects.conftest import cast, person, room_for_an_extension  # noqa: F401 (fixtures)
from tests.security.test_matrix import GO, LOGIN, _answer, _close, _matches, _patterns, _send

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("storage")]

OK, CREATED, GONE, BAD, NO, NF, CONFLICT, UNPROCESSABLE = 200, 201, 204, 401, 403, 404, 409, 422
ACTORS = ("anonymous", "other", "partner", "lead", "reviewer", "official", "decider")

# Objects: project (Kankaanpää's 2020 grant: report 1 accepted, an account in use and a change of it pending,
# instalment 1 applied for), report (report 2, filed, with a document), report-due (report 3, not filed),
# report-attachment (report 2's document), account (the pending change), payment (instalment 1), call (the round),
# final-attachment (the filed final report's auditor's statement), payment-file (a payments file produced earlier).
# The settlement and the payment files are the officials' alone: to anyone else their pages do not exist.
# change (an extension to 31.12.2021 asked for) and change-decision (the amending decision of an earlier one).
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
    ("remove-report-attachment",    "POST", "report-attachment", LOGIN, NF, NO, GO, NF, NO, NO),
    ("review-report",               "POST", "report",      LOGIN, NF,  NO,  NO,  NF,  GO,  NO),
    ("project-account",             "GET",  "project",     LOGIN, NF,  NO,  OK,  NF,  OK,  NO),
    ("project-account",             "POST", "project",     LOGIN, NF,  NO,  OK,  NF,  OK,  NO),
    ("handle-account",              "POST", "account",     LOGIN, NF,  NO,  NO,  NF,  GO,  NO),
    ("project-schedule",            "POST", "project",     LOGIN, NF,  NO,  NO,  NF,  GO,  NO),
    ("apply-payment",               "GET",  "project",     LOGIN, NF,  NO,  OK,  NF,  NO,  NO),
    ("apply-payment",               "POST", "project",     LOGIN, NF,  NO,  GO,  NF,  NO,  NO),
    ("handle-payment",              "POST", "payment",     LOGIN, NF,  NO,  NO,  NF,  GO,  NO),
    # Not settled yet: the document does not exist for those who may read one; a partner may not read it at all.
    ("settlement-document",         "GET",  "settlement",  LOGIN, NF,  NO,  NF,  NF,  NF,  NF),
    ("project-final-report",        "GET",  "project",     LOGIN, NF,  OK,  OK,  NF,  OK,  OK),
    ("project-final-report",        "POST", "project",     LOGIN, NF,  NO,  GO,  NF,  NO,  NO),
    ("add-final-attachment",        "POST", "project",     LOGIN, NF,  NO,  GO,  NF,  NO,  NO),
    ("final-attachment",            "GET",  "final-attachment", LOGIN, NF, OK, OK, NF, OK, OK),
    ("remove-final-attachment",     "POST", "final-attachment", LOGIN, NF, NO, GO, NF, NO, NO),
    ("review-final-report",         "POST", "project",     LOGIN, NF,  NO,  NO,  NF,  GO,  NO),
    ("final-closer-audit",          "POST", "project",     LOGIN, NF,  NO,  NO,  NF,  GO,  NO),
    ("project-settlement",          "GET",  "project",     LOGIN, NF,  NF,  NF,  NF,  OK,  OK),
    ("project-settlement",          "POST", "project",     LOGIN, NF,  NF,  NF,  NF,  GO,  NO),
    ("officials-payment-files",     "GET",  "none",        LOGIN, NF,  NF,  NF,  NF,  OK,  OK),
    ("officials-payment-files",     "POST", "none",        LOGIN, NF,  NF,  NF,  NF,  GO,  GO),
    ("payment-file",                "GET",  "payment-file", LOGIN, NF, NF,  NF,  NF,  OK,  OK),
    ("project-changes",             "GET",  "project",     LOGIN, NF,  OK,  OK,  NF,  OK,  OK),
    ("project-changes",             "POST", "project",     LOGIN, NF,  NO,  GO,  NF,  NO,  NO),
    ("project-change",              "GET",  "change",      LOGIN, NF,  OK,  OK,  NF,  OK,  OK),
    ("decide-change",               "POST", "change",      LOGIN, NF,  NO,  NO,  NF,  GO,  NO),
    ("project-change-decision",     "GET",  "change-decision", LOGIN, NF, OK, OK, NF, OK, OK),
    ("project-outputs",             "GET",  "project",     LOGIN, NF,  OK,  OK,  NF,  OK,  OK),
    ("project-outputs",             "POST", "project",     LOGIN, NF,  NO,  GO,  NF,  NO,  NO),
    ("remove-project-output",       "POST", "output",      LOGIN, NF,  NO,  GO,  NF,  NO,  NO),
    ("check-project-output",        "POST", "output",      LOGIN, NF,  NO,  NO,  NF,  GO,  NO),
    ("officials-project-calls",     "GET",  "none",        LOGIN, NF,  NF,  NF,  NF,  OK,  OK),
    ("officials-projects",          "GET",  "call",        LOGIN, NF,  NF,  NF,  NF,  OK,  OK),
    ("officials-audit-samples",     "GET",  "call",        LOGIN, NF,  NF,  NF,  NF,  OK,  OK),
    ("officials-audit-samples",     "POST", "call",        LOGIN, NF,  NF,  NF,  NF,  GO,  NO),  # a draw
    # Recovery: "recovery" a case in its hearing (the lead may answer), "recovery-doc" a decided case's document.
    # Nothing has been paid on this project, so an official's start of a case is refused as input (422).
    ("start-recovery",              "GET",  "project",     LOGIN, NF,  NO,  NO,  NF,  OK,  NO),
    ("start-recovery",              "POST", "project",     LOGIN, NF,  NO,  NO,  NF,  UNPROCESSABLE, NO),
    ("project-recovery",            "GET",  "recovery",    LOGIN, NF,  OK,  OK,  NF,  OK,  OK),
    ("project-recovery",            "POST", "recovery",    LOGIN, NF,  NO,  GO,  NF,  NO,  NO),
    ("prepare-recovery",            "POST", "recovery",    LOGIN, NF,  NO,  NO,  NF,  GO,  NO),
    ("sign-recovery",               "POST", "recovery",    LOGIN, NF,  NO,  NO,  NF,  GO,  GO),
    # A case in its hearing has no prepared decision to send back: the signers are sent back to the page.
    ("withdraw-recovery",           "POST", "recovery",    LOGIN, NF,  NO,  NO,  NF,  GO,  GO),
    ("recovery-return",             "POST", "recovery",    LOGIN, NF,  NO,  NO,  NF,  GO,  NO),
    ("waive-recovery",              "POST", "recovery",    LOGIN, NF,  NO,  NO,  NF,  GO,  NO),
    # "waiver" a decided case whose waiver the official proposed: a signer who did not propose it confirms it; the
    # proposer may withdraw it and a signer decline it, never confirm their own.
    ("confirm-waiver",              "POST", "waiver",      LOGIN, NF,  NO,  NO,  NF,  NO,  GO),
    ("decline-waiver",              "POST", "waiver",      LOGIN, NF,  NO,  NO,  NF,  GO,  GO),
    ("recovery-document",           "GET",  "recovery-doc", LOGIN, NF, OK,  OK,  NF,  OK,  OK),
    ("api-v1:list_projects",        "GET",  "none",        BAD,   OK,  OK,  OK,  OK,  OK,  OK),
    ("api-v1:get_project",          "GET",  "project",     BAD,   NF,  OK,  OK,  NF,  OK,  OK),
    ("api-v1:submit_report",        "POST", "report-due",  BAD,   NF,  NO,  OK,  NF,  NO,  NO),
    ("api-v1:get_report",           "GET",  "report",      BAD,   NF,  OK,  OK,  NF,  OK,  OK),
    ("api-v1:add_report_attachment", "POST", "report",     BAD,   NF,  NO,  CREATED, NF, NO, NO),
    ("api-v1:list_report_attachments", "GET", "report",    BAD,   NF,  OK,  OK,  NF,  OK,  OK),
    ("api-v1:download_report_attachment", "GET", "report-attachment", BAD, NF, OK, OK, NF, OK, OK),
    ("api-v1:remove_report_attachment", "DELETE", "report-attachment", BAD, NF, NO, GONE, NF, NO, NO),
    ("api-v1:register_account",     "POST", "project",     BAD,   NF,  NO,  CONFLICT, NF, CONFLICT, NO),
    ("api-v1:apply_for_payment",    "POST", "project",     BAD,   NF,  NO,  CONFLICT, NF, NO, NO),
    ("api-v1:list_payments",        "GET",  "project",     BAD,   NF,  OK,  OK,  NF,  OK,  OK),
    ("api-v1:submit_final_report",  "POST", "project",     BAD,   NF,  NO,  CONFLICT, NF, NO, NO),
    ("api-v1:get_final_report",     "GET",  "project",     BAD,   NF,  OK,  OK,  NF,  OK,  OK),
    ("api-v1:add_final_report_attachment", "POST", "project", BAD, NF, NO, CREATED, NF, NO, NO),
    ("api-v1:list_final_report_attachments", "GET", "project", BAD, NF, OK, OK, NF, OK, OK),
    ("api-v1:download_final_report_attachment", "GET", "final-attachment", BAD, NF, OK, OK, NF, OK, OK),
    ("api-v1:remove_final_report_attachment", "DELETE", "final-attachment", BAD, NF, NO, GONE, NF, NO, NO),
    ("api-v1:list_change_requests", "GET",  "project",     BAD,   NF,  OK,  OK,  NF,  OK,  OK),
    ("api-v1:submit_change_request", "POST", "project",    BAD,   NF,  NO,  CONFLICT, NF, NO, NO),
    ("api-v1:withdraw_change_request", "POST", "change",   BAD,   NF,  NO,  OK,  NF,  NO,  NO),
    ("api-v1:list_outputs",         "GET",  "project",     BAD,   NF,  OK,  OK,  NF,  OK,  OK),
    ("api-v1:add_output",           "POST", "project",     BAD,   NF,  NO,  CREATED, NF, NO, NO),
    ("api-v1:remove_output",        "DELETE", "output",    BAD,   NF,  NO,  GONE, NF, NO,  NO),
    ("api-v1:list_amending_decisions", "GET", "project",   BAD,   NF,  OK,  OK,  NF,  OK,  OK),
    ("api-v1:get_amending_decision", "GET", "change-decision", BAD, NF, OK, OK, NF, OK, OK),
    # Not settled: nothing to read for anyone (``SETTLED_MATRIX`` below asks once it is).
    ("api-v1:get_settlement",       "GET",  "project",     BAD,   NF,  NF,  NF,  NF,  NF,  NF),
    ("api-v1:list_recoveries",      "GET",  "project",     BAD,   NF,  OK,  OK,  NF,  OK,  OK),
    ("api-v1:get_recovery",         "GET",  "recovery",    BAD,   NF,  OK,  OK,  NF,  OK,  OK),
    ("api-v1:get_recovery",         "GET",  "recovery-doc", BAD,  NF,  OK,  OK,  NF,  OK,  OK),
    # The lead answers; the officials hear, they do not answer.
    ("api-v1:respond_to_recovery_hearing", "POST", "recovery", BAD, NF, NO, OK, NF, NO, NO),
]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ANOTHER_PDF = b"%PDF-1.4\n% toinen\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
THIRD_PDF = b"%PDF-1.4\n% kolmas\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def project_world(cast):
    room_for_an_extension(cast.project.call)  # an extension to 31.12.2021 allowed
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
    # The final report filed with the auditor's statement, and a payment file produced earlier.
    final_report = final.submit_final_report(project, actor=cast.lead, effects="Nopeampaa.", ways_of_working="Yhdessä.",
                                             work_and_results="Rajapinta.", reuse="Avoin lähdekoodi.", outputs=[],
                                             costs=[CostInput("cost-1", 0, "15000.00")])
    statement = final.add_final_attachment(final_report, SimpleUploadedFile("l.pdf", THIRD_PDF), actor=cast.lead,
                                           kind="auditor")
    content = "business_id;name\r\n"
    produced = PaymentFile.objects.create(kind="payments", day=date(2020, 7, 15), content=content,
                                          sha256=hashlib.sha256(content.encode()).hexdigest())
    earlier = changes.submit_request(project, actor=cast.lead, kind="extension", reasons="Viivästys.",
                                     new_end=date(2021, 12, 15))
    earlier = changes.approve_request(earlier, actor=cast.official, version=earlier.version)
    amending = changes.confirm_request(earlier, actor=cast.second_official, version=earlier.version, confirmed=True,
                                       shown=previewed(earlier, cast.second_official))
    change = changes.submit_request(project, actor=cast.lead, kind="extension", reasons="Lisää aikaa.",
                                    new_end=date(2021, 12, 31))
    output = add_output(project, actor=cast.lead, kind="software", title="Ajanvaraus",
                        address="https://example.org/ajanvaraus", licence="EUPL-1.2")
    ref = project.reference
    hearing, decided = _recoveries(project, cast.official, cast.second_official)
    proposed = RecoveryWaiver.objects.create(recovery=decided, principal=Decimal("1.00"), reasons="Kohtuus.",
                                             proposed_by=cast.official)
    objects = {
        "none": {}, "project": {"reference": ref}, "call": {"slug": project.call.slug},
        "report": {"reference": ref, "number": 2}, "report-due": {"reference": ref, "number": 3},
        "report-attachment": {"reference": ref, "number": 2, "attachment_id": attachment.pk},
        "account": {"reference": ref, "pk": pending.pk}, "payment": {"reference": ref, "pk": payment.pk},
        "settlement": {"reference": ref, "lang": "fi", "format": "pdf"},
        "final-attachment": {"reference": ref, "attachment_id": statement.pk}, "payment-file": {"pk": produced.pk},
        "change": {"reference": ref, "pk": change.pk},
        "change-decision": {"reference": ref, "pk": amending.pk, "lang": "sv"},
        "recovery": {"reference": ref, "pk": hearing.pk},
        "recovery-doc": {"reference": ref, "pk": decided.pk, "lang": "fi", "fmt": "html"},
        "waiver": {"reference": ref, "pk": decided.pk},
        "output": {"reference": ref, "pk": output.pk, "output_id": output.pk},
    }
    actors = {"anonymous": None, "other": cast.outsider, "partner": cast.partner, "lead": cast.lead,
              "reviewer": reviewer, "official": cast.official, "decider": cast.decision_maker}
    return {"objects": objects, "actors": actors, "report": second, "payment": payment, "final": final_report,
            "hearing_version": hearing_version(hearing), "cases_version": cases_version(cast.project),
            "case_version": case_version(decided), "waiver_version": waiver_version(proposed)}


def _recoveries(project, official, second):
    """A case in its hearing, and a decided one, written as rows: nothing is paid on this project, and the
    recovery services refuse a case with nothing to recover (``tests/settlement/test_recovery.py`` tells the
    whole story through them)."""
    from avustus.rules.interest import compute_interest
    from avustus.settlement.interest import computation_as_dict
    from avustus.settlement.models import Recovery
    from avustus.settlement.rates import rate_table

    common = {"project": project, "ground_section": 22, "ground_subsection": 1, "amount": "1000.00",
              "reasons": "Matriisin peruste.", "ground_known_on": date(2021, 1, 4), "started_by": official,
              "hearing_sent_on": date(2021, 1, 5), "hearing_deadline": date(2099, 1, 1)}
    hearing = Recovery.objects.create(**common)
    computation = computation_as_dict(compute_interest(Decimal("1000.00"), date(2020, 7, 15), date(2021, 3, 31),
                                                       rate_table()))
    snapshot = {"project": project.reference, "title": project.application.title, "grant": str(project.grant),
                "recipient": {"fi": "Kankaanpää", "sv": "Kankaanpää"}, "ground": {"section": 22, "subsection": 1},
                "amount": "1000.00", "reasons": "Matriisin peruste.", "known_on": "2021-01-04",
                "last_day": "2022-01-04", "hearing": {"sent_on": "2021-01-05", "deadline": "2021-01-20",
                                                      "response": "", "responded_on": None},
                "payments": [{"paid_on": "2020-07-15", "amount": "1000.00"}], "computation": computation,
                "total": str(Decimal("1000.00") + Decimal(computation["interest"])), "due_on": "2021-03-31",
                "prepared_on": "2021-02-01", "texts": {}}
    decided = Recovery.objects.create(**{**common, "hearing_deadline": date(2021, 1, 20)}, snapshot=snapshot,
                                      sha256="0" * 64, due_on=date(2021, 3, 31), decided_on=date(2021, 2, 2),
                                      status=Recovery.Status.DECIDED, prepared_by=official, signed_by=second)
    return hearing, decided


def _url(name: str, objects: dict) -> str:
    import re

    from django.urls import reverse

    params = re.findall(r"<(?:\w+:)?(\w+)>", dict(_patterns())[name])
    return reverse(name, kwargs={p: objects[p] for p in params})


REPORT = {"period_start": "2020-10-27", "period_end": "2021-02-26", "progress": "Etenee.",
          "objectives_stage": "Loppusuoralla."}


def _body(name: str, world: dict):
    if name == "project-final-report":
        return {"effects": "a", "ways_of_working": "b", "work_and_results": "c", "reuse": "d",
                "cost.cost-1.0.vat_free": "100.00", "confirm": "yes"}, None
    if name in ("add-final-attachment", "api-v1:add_final_report_attachment"):
        return {"file": SimpleUploadedFile("b.pdf", ANOTHER_PDF), "kind": "other"}, None
    if name == "review-final-report":
        return {"part": "content", "action": "accept", "version": final.final_report_version(world["final"]),
                "confirm": "yes"}, None
    if name == "final-closer-audit":
        return {"action": "mark", "reason": "Suuret laitekulut."}, None
    if name == "project-settlement":
        return {"action": "settle", "version": "0" * 64, "confirm": "yes"}, None
    if name == "officials-payment-files":
        return {"kind": "payments", "day": "2020-01-01", "confirm": "yes"}, None
    if name == "api-v1:submit_final_report":
        return json.dumps({"effects": "a", "ways_of_working": "b", "work_and_results": "c", "reuse": "d",
                           "costs": [{"category": "cost-1", "member": 0, "amount_vat_free": "100.00"}]}), \
            "application/json"
    if name == "project-report":
        return {**REPORT, "cost.cost-1.0.vat_free": "100.00", "confirm": "yes"}, None
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
    if name in ("project-changes", "api-v1:submit_change_request"):
        body = {"kind": "extension", "reasons": "Vielä lisää aikaa.", "new_end": "2021-12-31"}
        return (json.dumps(body), "application/json") if name.startswith("api") else (body, None)
    if name == "decide-change":
        return {"action": "approve", "version": "1"}, None
    if name == "api-v1:withdraw_change_request":
        return json.dumps({"version": 1}), "application/json"
    if name == "apply-payment":
        return {"key": "matrix"}, None
    if name == "handle-payment":
        return {"action": "accept"}, None
    if name == "officials-audit-samples":
        return {"size": "2", "seed": "7", "confirm": "yes"}, None
    if name == "start-recovery":
        return {"ground": "22:1", "amount": "1 000,00", "reasons": "Peruste.", "known_on": "2021-01-04",
                "deadline": "2099-01-01", "version": world.get("cases_version", ""), "confirm": "yes"}, None
    if name == "project-recovery":
        return {"response": "Vastaus.", "confirm": "yes"}, None
    if name == "api-v1:respond_to_recovery_hearing":
        return json.dumps({"response": "Vastaus.", "version": world["hearing_version"]}), "application/json"
    if name in ("prepare-recovery", "sign-recovery"):
        return {"version": "0" * 64, "due_on": "2099-02-01", "confirm": "yes"}, None
    if name == "withdraw-recovery":
        return {"version": "0" * 64, "reasons": "Eräpäivä on liian aikainen."}, None
    if name == "recovery-return":
        return {"returned_on": "2021-01-01", "amount": "1,00", "version": world.get("case_version", "")}, None
    if name == "waive-recovery":
        return {"principal": "1,00", "reasons": "Kohtuus.", "confirm": "yes",
                "version": world.get("case_version", "")}, None
    if name == "confirm-waiver":
        return {"version": world.get("waiver_version", ""), "confirm": "yes"}, None
    if name == "decline-waiver":
        return {"version": world.get("waiver_version", ""), "reasons": "Ei perusteita."}, None
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


# Where a token gets another answer than a session: an official registers an account (where the grant is paid) in
# person only (``tokens.require_in_person``), so the token is refused before the pending account is looked at.
TOKEN_ANSWERS = {("api-v1:register_account", "official"): NO}


def _ask(world, token: bool, matrix=PROJECT_MATRIX) -> list[str]:
    wrong = []
    for name, method, obj, *answers in matrix:
        if token and not name.startswith("api-v1:"):
            continue
        url = _url(name, world["objects"][obj])
        for actor, expected in zip(ACTORS, answers, strict=True):
            if token:
                expected = TOKEN_ANSWERS.get((name, actor), expected)
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


# A settled project (its settlement approved and its documents stored): the lead's people and the officials read
# the document in both languages and formats; a partner sees the project but not this; anyone else finds nothing.
SETTLED_MATRIX = [
    ("settlement-document", "GET", fmt, LOGIN, NF, NO, OK, NF, OK, OK) for fmt in ("fi.pdf", "sv.html")
] + [
    # Everyone who sees the project reads the figures (a partner without the returns and the documents' links).
    ("api-v1:get_settlement", "GET", "project", BAD, NF, OK, OK, NF, OK, OK),
]


def test_the_settlement_document_once_settled(cast, storage):
    from tests.settlement.test_documents import run_settlement_tasks
    from tests.settlement.test_end_to_end import _final_accepted, _settled, _through_two_payments

    _through_two_payments(cast)
    _final_accepted(cast, "20 000,00")
    _settled(cast)
    assert run_settlement_tasks() == 1
    reviewer = get_user_model().objects.create(username="matrix-settled-reviewer")
    grant_role(reviewer, Role.REVIEWER, actor=SYSTEM, programme=cast.project.call.programme)
    ref = cast.project.reference
    world = {
        "objects": {**{form: {"reference": ref, "lang": form[:2], "format": form[3:]}
                       for form in ("fi.pdf", "sv.html")}, "project": {"reference": ref}},
        "actors": {"anonymous": None, "other": cast.outsider, "partner": cast.partner, "lead": cast.lead,
                   "reviewer": reviewer, "official": cast.official, "decider": cast.decision_maker},
    }
    wrong = _ask(world, token=False, matrix=SETTLED_MATRIX) + _ask(world, token=True, matrix=SETTLED_MATRIX)
    assert not wrong, f"{len(wrong)} answers differ from the matrix:\n" + "\n".join(wrong)
