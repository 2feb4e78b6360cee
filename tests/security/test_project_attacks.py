"""Attacks on the funded project's routes (stages 4–5) that the authorisation matrix does not ask: an approval of
something changed after it was read, hostile input that ended in a 500 or in stored nonsense, and irreversible
steps taken without the box ticked. Each test failed before its fix; a refusal leaves nothing changed.
"""

import json
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from avustus.accounts import tokens as api_tokens
from avustus.actors import SYSTEM
from avustus.audit.models import AuditEntry
from avustus.errors import Conflict, NotAllowed
from avustus.payments import services as payments
from avustus.payments.models import BankAccount, PaymentFile
from avustus.reports import attachments as report_attachments
from avustus.reports import final
from avustus.reports import services as reports
from avustus.reports.models import FinalReport, FinalReportAttachment, InterimReport
from avustus.reports.services import CostInput
from avustus.settlement.recovery import case_version
from tests.applications.test_attachments import make_pdf
from tests.payments.conftest import approved_on
from tests.projects.conftest import cast, person, room_for_an_extension  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

ANOTHER_PDF = b"%PDF-1.4\n% toinen\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _with_token(user, lang="en") -> Client:
    _token, value = api_tokens.create_token(user, actor=SYSTEM)
    return Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {value}", HTTP_ACCEPT_LANGUAGE=lang)


def _first_report(cast) -> InterimReport:
    return reports.submit_report(cast.project, 1, actor=cast.lead, period_start=date(2020, 2, 26),
                                 period_end=date(2020, 6, 26), progress="Etenee.", objectives_stage="Alussa.",
                                 costs=[CostInput("cost-1", 0, "10000.00")])


def _final_report(cast) -> FinalReport:
    return final.submit_final_report(cast.project, actor=cast.lead, effects="Nopeampaa.", ways_of_working="Yhdessä.",
                                     work_and_results="Rajapinta.", reuse="Avoin lähdekoodi.", outputs=[],
                                     costs=[CostInput("cost-1", 0, "15000.00")])


# --- Stale approvals: a document attached after the official read the report (severity: medium) ---


def test_a_report_accepted_as_read_is_refused_once_the_lead_attached_a_document_meanwhile(cast, storage):  # noqa: F811
    report = _first_report(cast)
    read = reports.report_version(report)  # the official opens the report: no documents
    report_attachments.add_report_attachment(report, SimpleUploadedFile("tosite.pdf", make_pdf()), actor=cast.lead)
    with pytest.raises(Conflict):
        reports.accept_report(report, actor=cast.official, version=read)
    report.refresh_from_db()
    assert report.status == InterimReport.Status.SUBMITTED
    assert not AuditEntry.objects.filter(action="report.accepted").exists()
    # Read again, with the document, it is accepted.
    assert reports.accept_report(report, actor=cast.official,
                                 version=reports.report_version(report)).status == InterimReport.Status.ACCEPTED


def test_the_finances_accepted_as_read_are_refused_once_another_auditors_statement_came(cast, storage):  # noqa: F811
    report = _final_report(cast)
    final.add_final_attachment(report, SimpleUploadedFile("lausunto.pdf", make_pdf()), actor=cast.lead,
                               kind=FinalReportAttachment.Kind.AUDITOR_STATEMENT)
    read = final.final_report_version(report)  # the official reads the statement
    # ... and the lead slips in another "statement" before the official clicks accept.
    final.add_final_attachment(report, SimpleUploadedFile("uusi.pdf", ANOTHER_PDF), actor=cast.lead,
                               kind=FinalReportAttachment.Kind.AUDITOR_STATEMENT)
    with pytest.raises(Conflict):
        final.accept_final_report(report, final.FINANCES, actor=cast.official, version=read)
    report.refresh_from_db()
    assert report.finance_review == FinalReport.Review.PENDING


# --- The NUL character in the API's JSON (severity: medium; a 500 on PostgreSQL, stored on SQLite) ---


def test_a_nul_character_in_a_json_body_is_refused_naming_the_field_and_nothing_is_filed(cast):
    body = {"period_start": "2020-02-26", "period_end": "2020-06-26", "progress": "Etenee.\x00",
            "objectives_stage": "Alussa.", "costs": [{"category": "cost-1", "member": 0, "amount_vat_free": "1.00"}]}
    response = _with_token(cast.lead, lang="fi").post(f"/api/v1/projects/{cast.project.reference}/reports/1",
                                                      json.dumps(body), content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"path": "progress", "message": "Tekstissä on ohjausmerkki (NUL), jota ei voi tallentaa; poista se."}]
    assert not InterimReport.objects.filter(project=cast.project).exists()
    # Deep in a list too, and in a key.
    moves = {"kind": "budget", "reasons": "Siirto.", "moves": [{"source_category": "cost-1", "source_member": 0,
                                                                "target_category": "cost-\x002", "target_member": 0,
                                                                "amount": "1.00"}]}
    response = _with_token(cast.lead).post(f"/api/v1/projects/{cast.project.reference}/changes", json.dumps(moves),
                                           content_type="application/json")
    assert response.status_code == 422 and response.json()["errors"][0]["path"] == "moves.0.target_category"
    response = _with_token(cast.lead).post(f"/api/v1/projects/{cast.project.reference}/account",
                                           json.dumps({"iban": "FI21 1234 5600 0007 85", "holder": "K", "\x00": 1}),
                                           content_type="application/json")
    assert response.status_code == 422 and response.json()["errors"][0]["path"] == ""
    assert not cast.project.change_requests.exists() and not BankAccount.objects.filter(project=cast.project).exists()


# --- Numbers typed as other scripts' digits: a 500 (severity: low; str.isdigit takes '²', int refuses it) ---

SUPERSCRIPT = "\u00b2"  # '²': a digit to str.isdigit, not a number to int


def test_digits_that_are_not_numbers_are_refused_on_the_forms_not_a_500(cast):
    from avustus.changes import services as changes

    ref = cast.project.reference
    lead, official = Client(raise_request_exception=False), Client(raise_request_exception=False)
    lead.force_login(cast.lead)
    official.force_login(cast.official)
    for body in ({"kind": "budget", "reasons": "Siirto.", "source": f"cost-1:{SUPERSCRIPT}", "target": "cost-2:0",
                  "amount": "1,00"},
                 {"kind": "partners", "reasons": "Uusi kumppani.", "add_partners": SUPERSCRIPT},
                 {"kind": "partners", "reasons": "Pois.", "remove_partners": "9" * 5000}):
        response = lead.post(reverse("project-changes", args=[ref]), body)
        assert response.status_code == 422, body
    assert not cast.project.change_requests.exists()
    room_for_an_extension(cast.project.call)  # an extension to 15.12.2021 allowed
    change = changes.submit_request(cast.project, actor=cast.lead, kind="extension", reasons="Viivästys.",
                                    new_end=date(2021, 12, 15))
    response = lead.post(reverse("decide-change", args=[ref, change.pk]), {"action": "withdraw",
                                                                            "version": SUPERSCRIPT})
    assert response.status_code == 302
    change.refresh_from_db()
    assert change.status == "submitted"
    response = official.post(reverse("project-schedule", args=[ref]), {
        "action": "due", "entry": f"interim:{SUPERSCRIPT}", "due_on": "2021-03-01", "reason": "Sovittu."})
    assert response.status_code == 302
    response = official.post(reverse("start-recovery", args=[ref]), {
        "ground": f"{SUPERSCRIPT}:1", "amount": "1,00", "reasons": "Peruste.", "known_on": "2021-01-04",
        "deadline": "2099-01-01"})
    assert response.status_code == 422
    assert not cast.project.recoveries.exists()
    page = official.get(reverse("officials-projects", args=[cast.project.call.slug]), {"n": SUPERSCRIPT})
    assert page.status_code == 200
    history = official.get(reverse("application-history", args=[ref]), {"upto": SUPERSCRIPT})
    assert history.status_code == 200
    assert not AuditEntry.objects.filter(action__in=("project.due_date_set", "changes.withdrawn")).exists()


# --- Dates out of any grant's years (severity: low; a 500 for a payment file's day, stored nonsense elsewhere) ---


def test_a_payment_file_for_a_day_out_of_range_or_to_come_is_refused_not_a_500(cast):
    official = Client(raise_request_exception=False)
    official.force_login(cast.official)
    for kind in ("payments", "receivables"):
        for day in ("0001-01-01", "9999-12-31", "2099-12-31"):
            response = official.post(reverse("officials-payment-files"), {"kind": kind, "day": day, "confirm": "yes"})
            assert response.status_code == 422, (kind, day)
    assert not PaymentFile.objects.exists()


def test_a_reports_period_a_due_date_and_a_new_end_out_of_range_are_refused(cast):
    ref = cast.project.reference
    report = {"period_start": "0001-01-01", "period_end": "9999-12-31", "progress": "Etenee.",
              "objectives_stage": "Alussa.", "costs": [{"category": "cost-1", "member": 0, "amount_vat_free": "1.00"}]}
    response = _with_token(cast.lead).post(f"/api/v1/projects/{ref}/reports/1", json.dumps(report),
                                           content_type="application/json")
    assert response.status_code == 422
    assert {e["path"] for e in response.json()["errors"]} == {"period_start", "period_end"}
    assert not InterimReport.objects.filter(project=cast.project).exists()
    # A call that sets no end to the appropriation's use: nothing else stops the year 9999.
    cast.project.call.appropriation_usable_until = None
    cast.project.call.save(update_fields=["appropriation_usable_until"])
    extension = {"kind": "extension", "reasons": "Viivästys.", "new_end": "9999-12-31"}
    response = _with_token(cast.lead).post(f"/api/v1/projects/{ref}/changes", json.dumps(extension),
                                           content_type="application/json")
    assert response.status_code == 422 and response.json()["errors"][0]["path"] == "new_end"
    assert not cast.project.change_requests.exists()
    official = _signed_in(cast.official)
    entry = cast.project.schedule.get(kind="interim", number=1)
    official.post(reverse("project-schedule", args=[ref]), {"action": "due", "entry": "interim:1",
                                                            "due_on": "9999-12-31", "reason": "Sovittu."})
    assert cast.project.schedule.get(pk=entry.pk).due_on == entry.due_on


# --- An account holder longer than its column (severity: low; a 500 on PostgreSQL, which refuses it) ---


def test_an_account_holder_longer_than_the_column_is_refused_naming_the_field(cast):
    body = {"iban": "FI21 1234 5600 0007 85", "holder": "K" * 201}
    response = _with_token(cast.lead).post(f"/api/v1/projects/{cast.project.reference}/account", json.dumps(body),
                                           content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"] == [{"path": "holder", "message": "At most 200 characters."}]
    assert not BankAccount.objects.filter(project=cast.project).exists()


# --- An official's API token naming the account a grant is paid to (severity: medium) ---


def test_an_officials_token_does_not_register_the_account_the_grant_is_paid_to(cast):
    body = json.dumps({"iban": "FI21 1234 5600 0007 85", "holder": "Kankaanpää"})
    url = f"/api/v1/projects/{cast.project.reference}/account"
    response = _with_token(cast.official).post(url, body, content_type="application/json")
    assert response.status_code == 403
    assert not BankAccount.objects.filter(project=cast.project).exists()
    # The lead's script registers it; the official confirms it in person (a token would be refused there too).
    assert _with_token(cast.lead).post(url, body, content_type="application/json").status_code == 201
    account = BankAccount.objects.get(project=cast.project)
    _token, value = api_tokens.create_token(cast.official, actor=SYSTEM)
    through_token = api_tokens.authenticate(value).user
    with pytest.raises(NotAllowed):
        payments.confirm_account(account, actor=through_token, note="Soitettu.")
    assert payments.confirm_account(account, actor=cast.official, note="Soitettu.").status == BankAccount.Status.ACTIVE


# --- Irreversible steps without the box ticked (severity: low) ---


def test_recording_a_payment_or_a_recoverys_return_needs_the_box_ticked(cast):
    from tests.security.test_project_matrix import _recoveries

    project, ref = cast.project, cast.project.reference
    account = payments.register_account(project, "FI21 1234 5600 0007 85", "Kankaanpää", actor=cast.lead)
    payments.confirm_account(account, actor=cast.official, note="Soitettu.")
    report = _first_report(cast)
    reports.accept_report(report, actor=cast.official, version=reports.report_version(report))
    application = payments.accept_payment_application(payments.apply_for_payment(project, actor=cast.lead),
                                                      actor=cast.official)
    application = payments.approve_payment(application, actor=cast.second_official,
                                           version=payments.payment_version(application))
    approved_on(application, date(2020, 7, 15))
    official = _signed_in(cast.official)
    url = reverse("handle-payment", args=[ref, application.pk])
    official.post(url, {"action": "paid", "paid_on": "2020-07-15"})
    application.refresh_from_db()
    assert application.status == "approved" and application.paid_on is None
    official.post(url, {"action": "paid", "paid_on": "2020-07-15", "confirm": "yes"})
    application.refresh_from_db()
    assert application.status == "paid"

    _hearing, decided = _recoveries(project, cast.official, cast.second_official)
    url = reverse("recovery-return", args=[ref, decided.pk])
    version = case_version(decided)
    official.post(url, {"returned_on": "2021-06-01", "amount": "1,00", "version": version})
    assert not decided.returns.exists()
    official.post(url, {"returned_on": "2021-06-01", "amount": "1,00", "confirm": "yes", "version": version})
    assert decided.returns.count() == 1


# --- Pinned (no finding): a session's API writes need the CSRF token; a lead whose role ended acts no more ---


def test_the_project_apis_writes_by_session_need_the_csrf_token(cast):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(cast.lead)
    ref = cast.project.reference
    for path, body in ((f"/api/v1/projects/{ref}/account", {"iban": "FI21 1234 5600 0007 85", "holder": "K"}),
                       (f"/api/v1/projects/{ref}/changes", {"kind": "extension", "reasons": "R.",
                                                            "new_end": "2021-12-15"}),
                       (f"/api/v1/projects/{ref}/outputs", {"kind": "document", "title": "Ohje"})):
        assert browser.post(path, json.dumps(body), content_type="application/json").status_code == 403, path
    assert not BankAccount.objects.filter(project=cast.project).exists()
    assert not cast.project.change_requests.exists() and not cast.project.outputs.exists()


def test_a_lead_whose_role_ended_acts_no_more_by_session_or_token(cast):
    from avustus.accounts.models import RoleGrant
    from avustus.accounts.services import revoke_role

    browser = _signed_in(cast.lead)
    script = _with_token(cast.lead)
    revoke_role(RoleGrant.objects.get(user=cast.lead, role="applicant"), actor=SYSTEM)
    ref = cast.project.reference
    body = {"iban": "FI21 1234 5600 0007 85", "holder": "Kankaanpää"}
    assert browser.post(reverse("project-account", args=[ref]), body).status_code == 404
    assert script.post(f"/api/v1/projects/{ref}/account", json.dumps(body),
                       content_type="application/json").status_code == 404
    assert not BankAccount.objects.filter(project=cast.project).exists()


# --- Disqualification (Administrative Procedure Act section 28): an official who also acts for the recipient ---


def test_an_official_who_acts_for_the_lead_does_not_accept_the_leads_report(cast):
    from avustus.accounts.models import Role
    from avustus.accounts.services import grant_role

    lead_org = next(m.organisation for m in cast.project.application.members.all() if m.role == "lead")
    grant_role(cast.official, Role.APPLICANT, actor=SYSTEM, organisation=lead_org)
    report = reports.submit_report(cast.project, 1, actor=cast.official, period_start=date(2020, 2, 26),
                                   period_end=date(2020, 6, 26), progress="Etenee.", objectives_stage="Alussa.",
                                   costs=[CostInput("cost-1", 0, "10000.00")])
    assert not reports.can_review_report(cast.official, report)
    with translation.override("en"), pytest.raises(NotAllowed, match="disqualified"):
        reports.accept_report(report, actor=cast.official, version=reports.report_version(report))
    with translation.override("en"), pytest.raises(NotAllowed, match="disqualified"):
        reports.return_report(report, actor=cast.official, version=reports.report_version(report), reasons="Ei.")
    # Another official of the programme reviews it.
    assert reports.can_review_report(cast.second_official, report)
    reports.accept_report(report, actor=cast.second_official, version=reports.report_version(report))
