"""The final report in the JSON API, the lead's side with a personal token: filed (a retry with its key returns
it), refused with the field named and nothing stored, the auditor's statement attached, returned and read with
the reasons, filed again, and read accepted with the rejected costs; the officials' steps by the services."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from avustus.accounts import tokens
from avustus.actors import SYSTEM
from avustus.reports import final
from avustus.reports.models import FinalReport
from avustus.reports.services import Rejection
from tests.projects.conftest import cast, person  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

BASE = "/api/v1"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
BODY = {"effects": "Asiointi nopeutui.", "ways_of_working": "Yhteinen palvelupiste.",
        "work_and_results": "Rajapinta ja ohjeet.", "reuse": "Muut kunnat voivat ottaa rajapinnan käyttöön.",
        "outputs": [{"kind": "software", "title": "Rajapinta", "url": "https://example.org/api",
                     "licence": "EUPL-1.2"}],
        "costs": [{"category": "cost-1", "member": 0, "amount_vat_free": "20000.00", "vat": "0"},
                  {"category": "cost-4", "member": 1, "amount_vat_free": "2000.00", "vat": "480.00"}]}


def _client(user) -> Client:
    _token, value = tokens.create_token(user, actor=SYSTEM)
    return Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {value}")


def _post(client, reference, body, key=""):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(f"{BASE}/projects/{reference}/final-report", body, content_type="application/json", **headers)


def test_the_lead_files_attaches_refiles_and_reads_the_reviews(cast, storage):  # noqa: F811
    lead, ref = _client(cast.lead), cast.project.reference
    assert lead.get(f"{BASE}/projects/{ref}/final-report").status_code == 404
    refused = _post(lead, ref, {**BODY, "effects": " ", "costs": [{"category": "cost-1", "member": 9,
                                                                    "amount_vat_free": "1"}]})
    assert refused.status_code == 422
    paths = {e["path"] for e in json.loads(refused.content)["errors"]}
    assert {"effects", "costs.0"} <= paths
    assert not FinalReport.objects.exists()

    filed = _post(lead, ref, BODY, key="final-1")
    assert filed.status_code == 200
    body = json.loads(filed.content)
    assert (body["status"], body["content_review"], body["auditor_statement"]) == ("submitted", "pending", False)
    assert body["outputs"][0]["licence"] == "EUPL-1.2"
    # A retry with its key returns the report filed; without one it is a conflict.
    assert json.loads(_post(lead, ref, BODY, key="final-1").content)["version"] == 1
    assert _post(lead, ref, BODY).status_code == 409

    attached = lead.post(f"{BASE}/projects/{ref}/final-report/attachments",
                         {"file": SimpleUploadedFile("lausunto.pdf", PDF), "kind": "auditor"})
    assert attached.status_code == 201 and json.loads(attached.content)["kind"] == "auditor"
    bad_kind = lead.post(f"{BASE}/projects/{ref}/final-report/attachments",
                         {"file": SimpleUploadedFile("muu.pdf", PDF + b"\n"), "kind": "kuitti"})
    assert bad_kind.status_code == 422
    listed = json.loads(lead.get(f"{BASE}/projects/{ref}/final-report/attachments").content)
    assert [a["name"] for a in listed] == ["lausunto.pdf"]
    download = lead.get(f"{BASE}/projects/{ref}/final-report/attachments/{listed[0]['id']}")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF

    report = FinalReport.objects.get()
    final.return_final_report(report, final.CONTENT, actor=cast.official,
                              version=final.final_report_version(report), reasons="Kuvatkaa vaikutukset.")
    read = json.loads(lead.get(f"{BASE}/projects/{ref}/final-report").content)
    assert (read["status"], read["content_review"], read["review_reasons"]) == (
        "returned", "returned", "Kuvatkaa vaikutukset.")
    assert _post(lead, ref, {**BODY, "effects": "Asiointi nopeutui puolella."}).status_code == 200

    report.refresh_from_db()
    report = final.accept_final_report(report, final.CONTENT, actor=cast.official,
                                       version=final.final_report_version(report))
    licence = report.costs.get(category__code="cost-4")
    final.accept_final_report(report, final.FINANCES, actor=cast.second_official,
                              version=final.final_report_version(report),
                              rejections=[Rejection(licence.pk, "500.00", "Lisenssi ei kehittämiseen.")])
    read = json.loads(_client(cast.partner).get(f"{BASE}/projects/{ref}/final-report").content)
    assert read["status"] == "accepted" and read["accepted_on"] is not None
    rejected = next(c for c in read["costs"] if c["category"] == "cost-4")
    assert (rejected["rejected_amount"], rejected["rejection_reason"]) == ("500.00", "Lisenssi ei kehittämiseen.")
    # A partner reads but neither files nor attaches.
    assert _post(_client(cast.partner), ref, BODY).status_code == 403
