"""The funded project in the JSON API: a 2020 grant through three interim reports and two payments, the lead's
side by the API with a personal token, the officials' steps by the services, to the cent."""

import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from avustus.accounts import tokens
from avustus.actors import SYSTEM
from avustus.payments import services as payments
from avustus.payments.models import BankAccount, PaymentApplication
from avustus.reports import services as reports
from avustus.reports.models import InterimReport
from tests.payments.conftest import approved_on
from tests.projects.conftest import cast, person  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

BASE = "/api/v1"
MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def storage(tmp_path, settings):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path / "files"}}}


def _client(user) -> Client:
    _token, value = tokens.create_token(user, actor=SYSTEM)
    return Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {value}")


def _json(response):
    return json.loads(response.content)


def _report(client, reference, number, costs, start, end, key=""):
    body = {"period_start": start, "period_end": end, "progress": f"Raportti {number}: työ etenee.",
            "objectives_stage": "Tavoitteet puolivälissä.",
            "costs": [{"category": c, "member": m, "amount_vat_free": v, "vat": t} for (c, m), (v, t) in costs.items()]}
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(f"{BASE}/projects/{reference}/reports/{number}", body, content_type="application/json",
                       **headers)


def _accept(cast, number, rejections=()):
    report = InterimReport.objects.get(project=cast.project, schedule_entry__number=number,
                                       schedule_entry__kind="interim")
    return reports.accept_report(report, actor=cast.official, version=reports.report_version(report),
                                 rejections=rejections)


def _pay(cast, client, key, paid_on, amount=None, reasons=""):
    reference = cast.project.reference
    response = client.post(f"{BASE}/projects/{reference}/payments", HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code == 201, response.content
    again = client.post(f"{BASE}/projects/{reference}/payments", HTTP_IDEMPOTENCY_KEY=key)
    assert _json(again)["id"] == _json(response)["id"]
    application = PaymentApplication.objects.get(pk=_json(response)["id"])
    application = payments.accept_payment_application(application, actor=cast.official, amount=amount,
                                                      reasons=reasons)
    application = payments.approve_payment(application, actor=cast.decision_maker,
                                           version=payments.payment_version(application))
    payments.record_payment(approved_on(application, paid_on), actor=cast.official, paid_on=paid_on)
    return _json(response)


def test_three_interim_reports_and_two_payments_through_the_api(cast):
    from datetime import date

    project, reference = cast.project, cast.project.reference
    lead = _client(cast.lead)
    listed = _json(lead.get(f"{BASE}/projects"))
    assert [p["reference"] for p in listed] == [reference] and listed[0]["grant"] == "131700.00"
    shown = _json(lead.get(f"{BASE}/projects/{reference}"))
    assert shown["instalments"] == 3 and shown["payable"] == "0.00"
    assert [e["kind"] for e in shown["schedule"]][-1] == "final"

    bad = lead.post(f"{BASE}/projects/{reference}/account", {"iban": "FI21 1234 5600 0007 86", "holder": "K"},
                    content_type="application/json")
    assert bad.status_code == 422 and _json(bad)["errors"][0]["path"] == "iban"
    response = lead.post(f"{BASE}/projects/{reference}/account",
                         {"iban": "FI21 1234 5600 0007 85", "holder": "Kankaanpään kaupunki"},
                         content_type="application/json")
    assert response.status_code == 201 and _json(response)["status"] == "pending"
    payments.confirm_account(BankAccount.objects.get(project=project), actor=cast.official, note="Soitettu.")

    costs = {("cost-1", 0): ("40 000,00", "0"), ("cost-4", 1): ("12345,67", "2962,96")}
    response = _report(lead, reference, 1, costs, "2020-02-26", "2020-06-26", key="r1")
    assert response.status_code == 200, response.content
    filed = _json(response)
    assert filed["late"] and {(c["category"], c["amount_vat_free"], c["vat"]) for c in filed["costs"]} == {
        ("cost-1", "40000.00", "0.00"), ("cost-4", "12345.67", "2962.96")}
    # The answer was lost: the same report again with the key is the report filed, not a second one.
    retry = _report(lead, reference, 1, costs, "2020-02-26", "2020-06-26", key="r1")
    assert retry.status_code == 200 and _json(retry)["version"] == filed["version"]
    assert _report(lead, reference, 1, costs, "2020-02-26", "2020-06-26").status_code == 409
    upload = lead.post(f"{BASE}/projects/{reference}/reports/1/attachments",
                       {"file": SimpleUploadedFile("kirjanpito.pdf", MINIMAL_PDF)})
    assert upload.status_code == 201, upload.content
    assert [a["name"] for a in _json(lead.get(f"{BASE}/projects/{reference}/reports/1/attachments"))] == [
        "kirjanpito.pdf"]
    download = _client(cast.partner).get(
        f"{BASE}/projects/{reference}/reports/1/attachments/{_json(upload)['id']}")
    assert download.status_code == 200 and b"".join(download.streaming_content) == MINIMAL_PDF
    # One attached by mistake is taken off by the lead, not by a partner; the report no longer lists it.
    wrong = lead.post(f"{BASE}/projects/{reference}/reports/1/attachments",
                      {"file": SimpleUploadedFile("vaara.pdf", MINIMAL_PDF + b"% toinen\n")})
    wrong_url = f"{BASE}/projects/{reference}/reports/1/attachments/{_json(wrong)['id']}"
    assert _client(cast.partner).delete(wrong_url).status_code == 403
    assert lead.delete(wrong_url).status_code == 204
    assert lead.delete(wrong_url).status_code == 409  # already removed
    assert [a["name"] for a in _json(lead.get(f"{BASE}/projects/{reference}/reports/1/attachments"))] == [
        "kirjanpito.pdf"]

    first = InterimReport.objects.get(project=project, schedule_entry__number=1)
    licence = first.costs.get(category__code="cost-4")
    _accept(cast, 1, [reports.Rejection(licence.pk, "1000.00", "Ohjelmistolisenssi, ei kehittämiseen.")])
    kept_url = f"{BASE}/projects/{reference}/reports/1/attachments/{_json(upload)['id']}"
    assert lead.delete(kept_url).status_code == 409  # an accepted report's documents no longer change
    assert _json(lead.get(f"{BASE}/projects/{reference}"))["payable"] == "43643.81"
    paid = _pay(cast, lead, "p1", date(2020, 7, 15))
    assert paid["amount_claimed"] == "43643.81"

    assert _report(lead, reference, 2, {("cost-1", 0): ("30000.00", "0"), ("cost-2", 1): ("5000.01", "0")},
                   "2020-06-27", "2020-10-26").status_code == 200
    _accept(cast, 2)
    paid = _pay(cast, lead, "p2", date(2020, 11, 20), amount="29 000,00", reasons="Tositteet puuttuvat.")
    assert paid["amount_claimed"] == "29750.01"

    assert _report(lead, reference, 3, {("cost-1", 0): ("80000.00", "0")}, "2020-10-27",
                   "2021-02-26").status_code == 200
    _accept(cast, 3)
    refused = lead.post(f"{BASE}/projects/{reference}/payments", HTTP_IDEMPOTENCY_KEY="p3")
    message = _json(refused)["errors"][0]["message"]
    assert refused.status_code == 409 and ("loppuraportti" in message or "final report" in message)

    listed = _json(lead.get(f"{BASE}/projects/{reference}/payments"))
    assert [(p["number"], p["status"], p["amount_paid"]) for p in listed] == [
        (1, "paid", "43643.81"), (2, "paid", "29000.00")]
    shown = _json(lead.get(f"{BASE}/projects/{reference}"))
    assert (shown["paid"], shown["accepted_costs"], shown["payable"]) == ("72643.81", "166345.68", "59056.19")
    assert payments.paid_total(project) == Decimal("72643.81")


def test_a_partner_reads_but_does_not_act_and_an_outsider_sees_nothing(cast):
    reference = cast.project.reference
    partner, outsider = _client(cast.partner), _client(cast.outsider)
    assert partner.get(f"{BASE}/projects/{reference}").status_code == 200
    refused = _report(partner, reference, 1, {("cost-1", 0): ("1.00", "0")}, "2020-02-26", "2020-06-26")
    assert refused.status_code == 403 and _json(refused)["errors"]
    assert partner.post(f"{BASE}/projects/{reference}/payments").status_code == 403
    assert partner.post(f"{BASE}/projects/{reference}/account", {"iban": "FI21 1234 5600 0007 85", "holder": "x"},
                        content_type="application/json").status_code == 403
    for response in (outsider.get(f"{BASE}/projects/{reference}"),
                     outsider.get(f"{BASE}/projects/{reference}/payments"),
                     outsider.post(f"{BASE}/projects/{reference}/payments")):
        assert response.status_code == 404
    assert reference not in [p["reference"] for p in _json(outsider.get(f"{BASE}/projects"))]
    assert Client().get(f"{BASE}/projects").status_code == 401
    assert not InterimReport.objects.exists() and not PaymentApplication.objects.exists()


def test_a_period_overlapping_another_report_or_not_yet_ended_is_refused_by_field_and_nothing_stored(cast):
    from avustus.audit.models import AuditEntry

    client = _client(cast.lead)
    reference = cast.project.reference
    costs = {("cost-1", 0): ("1000.00", "0.00")}
    assert _report(client, reference, 1, costs, "2020-02-26", "2020-06-26").status_code == 200
    refused = _report(client, reference, 2, costs, "2020-06-26", "2099-10-26", key="k2")
    assert refused.status_code == 422
    errors = {(e["path"], e["message"]) for e in _json(refused)["errors"]}
    assert {path for path, _message in errors} == {"period_start", "period_end"}
    assert any("väliraportin 1 kauden 26.2.2020–26.6.2020" in message for path, message in errors
               if path == "period_start")
    assert any("päättyy viimeistään" in message for path, message in errors if path == "period_end")
    assert not InterimReport.objects.filter(project=cast.project, schedule_entry__number=2).exists()
    assert AuditEntry.objects.filter(action="report.submitted").count() == 1
    assert _report(client, reference, 2, costs, "2020-06-27", "2020-10-26", key="k2").status_code == 200
