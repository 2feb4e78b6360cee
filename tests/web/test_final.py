"""The end of a 2020 grant told through the screens: the lead files the final report and its auditor's statement,
officials return it, accept its content and its finances, mark a closer audit, settle, approve (a second official,
ticking the box and naming the hash shown) and record a return whose interest the page shows line by line."""

import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from avustus.accounts import contacts
from avustus.actors import SYSTEM
from avustus.audit.models import AuditEntry
from avustus.messaging.models import OutboundMessage
from avustus.reports import final
from avustus.reports.models import FinalReport
from avustus.settlement.models import Return, Settlement
from tests.applications.test_attachments import make_pdf
from tests.projects.conftest import cast, person  # noqa: F401 (fixtures)
from tests.settlement.test_end_to_end import _through_two_payments

pytestmark = pytest.mark.django_db

TEXTS = {"effects": "Asiointi nopeutui.", "ways_of_working": "Yhteinen palvelupiste.",
         "work_and_results": "Rajapinta ja ohjeet.", "reuse": "Muut kunnat voivat ottaa rajapinnan käyttöön."}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _file(client, project, vat_free="20 000,00", **texts):
    data = {**TEXTS, **texts, "cost.cost-1.0.vat_free": vat_free, "cost.cost-1.0.vat": "0", "confirm": "yes"}
    return client.post(reverse("project-final-report", args=[project.reference]), data)


def _review(client, project, part, action="accept", reasons="", **extra):
    report = FinalReport.objects.get(project=project)
    data = {"part": part, "action": action, "reasons": reasons, "version": final.final_report_version(report),
            "confirm": "yes", **extra}
    response = client.post(reverse("review-final-report", args=[project.reference]), data)
    assert response.status_code == 302
    report.refresh_from_db()
    return report


def _attach_statement(client, project):
    response = client.post(reverse("add-final-attachment", args=[project.reference]),
                           {"kind": "auditor", "file": SimpleUploadedFile("lausunto.pdf", make_pdf())})
    assert response.status_code == 302


def test_the_lead_files_the_final_report_and_a_bad_one_is_refused_with_linked_errors(cast, storage):  # noqa: F811
    lead = _client(cast.lead)
    page = lead.get(reverse("project-final-report", args=[cast.project.reference]))
    assert page.status_code == 200 and b'name="effects"' in page.content
    assert "Hankkeen toteutusaika jatkuu" not in page.content.decode()  # it ended long ago
    # Before the implementation ends, the lead is told what filing the final report now means.
    from datetime import timedelta

    from django.utils import timezone

    ends = timezone.localdate() + timedelta(days=30)
    type(cast.project).objects.filter(pk=cast.project.pk).update(implementation_end=ends)
    early = lead.get(reverse("project-final-report", args=[cast.project.reference])).content.decode()
    assert f"Hankkeen toteutusaika jatkuu {ends:%-d.%-m.%Y} asti." in early and 'name="effects"' in early
    refused = _file(lead, cast.project, vat_free="paljon", effects="  ")
    assert refused.status_code == 422
    html = refused.content.decode()
    assert 'href="#effects"' in html and 'href="#cost-cost-1-0"' in html
    assert not FinalReport.objects.filter(project=cast.project).exists()
    # What was typed stays on the form.
    assert "Yhteinen palvelupiste." in html
    assert _file(lead, cast.project).status_code == 302
    report = FinalReport.objects.get(project=cast.project)
    assert report.status == "submitted" and report.effects == TEXTS["effects"]
    # A partner reads the report but may not file or attach.
    partner = _client(cast.partner)
    assert partner.get(reverse("project-final-report", args=[cast.project.reference])).status_code == 200
    assert _file(partner, cast.project).status_code == 403


def test_returned_refiled_reviewed_settled_approved_and_returned_with_interest(cast, storage):  # noqa: F811
    _through_two_payments(cast)
    project, ref = cast.project, cast.project.reference
    contacts.add_organisation_address(project.application.lead.organisation, "kirjaamo@kankaanpaa.example.fi",
                                      actor=SYSTEM)
    lead, official, second = _client(cast.lead), _client(cast.official), _client(cast.second_official)
    assert _file(lead, project).status_code == 302
    _attach_statement(lead, project)

    # The content review returns it with reasons; the lead reads them and files again.
    report = _review(official, project, "content", "return", reasons="Vaikutuksia ei ole kuvattu.")
    assert report.status == "returned"
    assert OutboundMessage.objects.filter(event="final_report_returned").exists()
    page = lead.get(reverse("project-final-report", args=[ref])).content.decode()
    assert "Vaikutuksia ei ole kuvattu." in page and 'name="effects"' in page
    assert _file(lead, project, effects="Asiointi nopeutui puolella.").status_code == 302
    report.refresh_from_db()
    assert report.status == "submitted" and report.version == 3

    # A stale version is refused and changes nothing.
    stale = official.post(reverse("review-final-report", args=[ref]),
                          {"part": "content", "action": "accept", "version": "1:1:submitted:pending:pending",
                           "confirm": "yes"})
    assert stale.status_code == 302
    report.refresh_from_db()
    assert report.content_review == "pending"
    # Only the form's own actions are taken: one no form posts (or none, as a form posted by Enter from
    # elsewhere might) is not taken for an acceptance.
    for action in ("", "hyväksy"):
        assert official.post(reverse("review-final-report", args=[ref]), {
            "part": "content", "action": action, "version": final.final_report_version(report),
            "confirm": "yes"}).status_code == 404
    report.refresh_from_db()
    assert report.content_review == "pending"
    # Accepting needs the box ticked.
    report = _review(official, project, "content", confirm="")
    assert report.content_review == "pending"
    report = _review(official, project, "content")
    assert report.content_review == "accepted" and report.status == "submitted"
    cost = report.costs.get()
    report = _review(second, project, "finances", **{f"reject.{cost.pk}.amount": "1 000,00",
                                                     f"reject.{cost.pk}.reason": "Laitehankinta."})
    assert report.status == "accepted"
    assert OutboundMessage.objects.filter(event="final_report_accepted").exists()
    # Accepted: the lead's page offers neither the form nor an attachment (``reports.final`` refuses both).
    page = lead.get(reverse("project-final-report", args=[ref])).content.decode()
    assert 'name="effects"' not in page and f'action="{reverse("add-final-attachment", args=[ref])}"' not in page

    # The mark for a closer audit needs its reason, and an action the form posts.
    assert official.post(reverse("final-closer-audit", args=[ref]), {"reason": "Suuret laitekulut."}
                         ).status_code == 404
    official.post(reverse("final-closer-audit", args=[ref]), {"action": "mark", "reason": " "})
    report.refresh_from_db()
    assert not report.closer_audit
    official.post(reverse("final-closer-audit", args=[ref]), {"action": "mark", "reason": "Suuret laitekulut."})
    report.refresh_from_db()
    assert report.closer_audit and report.closer_audit_by == cast.official
    assert AuditEntry.objects.filter(action="final_report.closer_audit_marked").count() == 1

    # Settlement: 19 000,00 accepted, 85 % = 16 150,00; 72 643,81 paid, so 56 493,81 to return.
    url = reverse("project-settlement", args=[ref])
    page = official.get(url).content.decode()
    digest = re.search(r'name="version" value="([0-9a-f]{64})"', page).group(1)
    assert "56\u00a0493,81\u00a0€" in page
    official.post(url, {"action": "settle", "version": digest})  # the box not ticked
    assert not Settlement.objects.filter(project=project).exists()
    official.post(url, {"action": "settle", "version": "0" * 64, "confirm": "yes"})
    assert not Settlement.objects.filter(project=project).exists()
    assert official.post(url, {"action": "settle", "version": digest, "confirm": "yes"}).status_code == 302
    made = Settlement.objects.get(project=project)
    assert (made.final_grant, made.to_return) == (Decimal("16150.00"), Decimal("56493.81"))
    # Four eyes: the official who settled is not offered the approval and cannot approve.
    approve = 'name="action" value="approve"'
    assert approve not in official.get(url).content.decode() and approve in second.get(url).content.decode()
    assert official.post(url, {"action": "approve", "version": made.sha256, "confirm": "yes"}).status_code == 403
    second.post(url, {"action": "approve", "version": made.sha256})
    made.refresh_from_db()
    assert made.status == "prepared"
    second.post(url, {"action": "approve", "version": made.sha256, "confirm": "yes"})
    made.refresh_from_db()
    assert made.status == "approved" and made.approved_by == cast.second_official
    assert OutboundMessage.objects.filter(event="settlement_approved").exists()

    # A return: a bad amount is refused on the form with its field linked, and nothing is stored.
    refused = official.post(url, {"action": "return", "returned_on": "2021-12-31", "amount": "kaikki",
                                  "confirm": "yes"})
    assert refused.status_code == 422 and 'href="#return-amount"' in refused.content.decode()
    assert not Return.objects.exists()
    version = re.search(r'name="version" value="([0-9a-f]{64})"', refused.content.decode()).group(1)
    form = {"action": "return", "returned_on": "2021-12-31", "amount": "30 000,00", "confirm": "yes",
            "version": version}
    official.post(url, form)
    # Posted twice (a double click, a page resent), the return is recorded once.
    twice = official.post(url, form, follow=True).content.decode()
    assert "Palautus kirjattiin sen jälkeen, kun avasit loppuselvityksen" in twice
    returned = Return.objects.get()
    assert returned.interest == Decimal("1011.62")
    page = official.get(url).content.decode()
    assert "1\u00a0011,62\u00a0€" in page and "<td>20.11.2020</td>" in page and "29\u00a0000,00\u00a0€" in page
    assert "26\u00a0493,81\u00a0€" in page  # left to return (``settlement.services.left_to_return``)
    # The lead reads the figures on the project's page, not the officials' settlement page.
    lead_page = lead.get(reverse("project", args=[ref])).content.decode()
    assert "56\u00a0493,81\u00a0€" in lead_page
    assert lead.get(url).status_code == 404
    # The signed settlement decision is linked in both languages for the lead and the officials, not for partners.
    sv_pdf = reverse("settlement-document", args=[ref, "sv", "pdf"])
    assert sv_pdf in lead_page and sv_pdf in page
    assert sv_pdf not in _client(cast.partner).get(reverse("project", args=[ref])).content.decode()


def test_payment_files_are_produced_once_and_downloaded_again_as_they_were(cast, storage):  # noqa: F811
    """The page lists and the file pays the approved payments not yet recorded as paid; a kind of file the form
    does not offer is refused on its field, never produced as a payments file."""
    from datetime import date

    from django.conf import settings
    from django.utils import timezone

    from avustus.payments.models import PaymentFile
    from avustus.reports import services as reports
    from avustus.reports.services import CostInput
    from tests.payments.conftest import appropriation_still_usable
    from tests.payments.test_end_to_end import _approve, _report
    from tests.payments.test_payment_file import _paid

    appropriation_still_usable(cast.project.call)  # the payment below is approved and sent today
    _paid(cast)  # instalment 1, approved and recorded as paid on 15.7.2020: no file is to pay it again
    approver = _client(cast.decision_maker)
    url = reverse("officials-payment-files")
    listed = f'href="{reverse("project", args=[cast.project.reference])}"'
    assert listed not in approver.get(url).content.decode()
    second = _report(cast, 2, [CostInput("cost-1", 0, "35 000,01")], date(2020, 10, 26))
    reports.accept_report(second, actor=cast.official, version=reports.report_version(second))
    waiting = _approve(cast, "second")  # instalment 2, approved today, not paid
    assert listed in approver.get(url).content.decode()
    day = timezone.localdate().isoformat()
    refused = approver.post(url, {"kind": "payments", "day": day})  # the box not ticked
    assert refused.status_code == 422 and 'href="#file-confirm"' in refused.content.decode()
    approver.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for unknown in ({"kind": "everything"}, {}):
        refused = approver.post(url, {**unknown, "day": day, "confirm": "yes"})
        shown = refused.content.decode()
        assert refused.status_code == 422 and 'href="#file-kind"' in shown
        assert "Choose the kind of file: payments or receivables." in shown
    assert not PaymentFile.objects.exists() and not AuditEntry.objects.filter(action__endswith="file_produced")
    assert approver.post(url, {"kind": "payments", "day": day, "confirm": "yes"}).status_code == 302
    made = PaymentFile.objects.get()
    assert made.kind == "payments" and [e.application_id for e in made.entries.all()] == [waiting.pk]
    assert listed not in approver.get(url).content.decode()  # in a file now
    approver.post(url, {"kind": "payments", "day": day, "confirm": "yes"})
    assert PaymentFile.objects.count() == 1  # nothing new to list
    download = approver.get(reverse("payment-file", args=[made.pk]))
    assert download["Content-Type"].startswith("text/csv") and download.content == made.content.encode()
    assert AuditEntry.objects.filter(action="payments.file_reprinted").count() == 1
    # Recipients do not know the page exists.
    assert _client(cast.lead).get(url).status_code == 404
    # In Swedish and in English too.
    for language, heading in (("sv", "Betalningsfiler"), ("en", "Payment files"), ("fi", "Maksatustiedostot")):
        approver.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        assert f"<h1>{heading}</h1>" in approver.get(url).content.decode()


def test_each_settlement_step_is_taken_only_by_whom_it_belongs_to(cast, storage):  # noqa: F811
    """The settlement page's three actions share a route; each is asked here by everyone, and a refusal leaves
    nothing changed and nothing logged: those who may not see the page are answered 404 (it is not theirs to
    know of), the decision-maker, who sees the project but may not take the step, 403, and so is the official
    who prepared the settlement and would approve it too (four eyes)."""
    from avustus.settlement import services as settlement
    from tests.settlement.test_end_to_end import _final_accepted

    _through_two_payments(cast)
    _final_accepted(cast, "20 000,00")
    url = reverse("project-settlement", args=[cast.project.reference])
    _snapshot, digest = settlement.settlement_preview(cast.project, actor=cast.official)
    outside = (cast.partner, cast.lead, cast.outsider)

    def refused(action: str, users, code: int, **data) -> None:
        logged = AuditEntry.objects.count()
        for user in users:
            response = _client(user).post(url, {"action": action, "confirm": "yes", **data})
            assert response.status_code == code, (action, user.username, response.status_code)
        assert AuditEntry.objects.count() == logged, action

    refused("settle", outside, 404, version=digest)
    refused("settle", [cast.decision_maker], 403, version=digest)
    assert not Settlement.objects.exists()
    made = settlement.settle(cast.project, actor=cast.official, version=digest)
    stored = Settlement.objects.filter(pk=made.pk).values().get()
    refused("approve", outside, 404, version=made.sha256)
    refused("approve", [cast.decision_maker, cast.official], 403, version=made.sha256)
    assert Settlement.objects.filter(pk=made.pk).values().get() == stored
    assert stored["status"] == "prepared" and stored["approved_by_id"] is None
    made = settlement.approve_settlement(made, actor=cast.second_official, version=made.sha256)
    stored = Settlement.objects.filter(pk=made.pk).values().get()
    refused("return", outside, 404, returned_on="2021-12-31", amount="100,00")
    refused("return", [cast.decision_maker], 403, returned_on="2021-12-31", amount="100,00")
    assert not Return.objects.exists()
    assert Settlement.objects.filter(pk=made.pk).values().get() == stored
    # The box not ticked: the official's form is refused with the box linked, and nothing recorded.
    logged = AuditEntry.objects.count()
    unticked = _client(cast.official).post(url, {"action": "return", "returned_on": "2021-12-31", "amount": "100,00"})
    assert unticked.status_code == 422 and 'href="#return-confirm"' in unticked.content.decode()
    assert not Return.objects.exists() and AuditEntry.objects.count() == logged
    assert Settlement.objects.filter(pk=made.pk).values().get() == stored


def test_the_lead_removes_a_wrong_document_from_the_final_report_on_its_page(cast, storage):  # noqa: F811
    lead, partner = _client(cast.lead), _client(cast.partner)
    assert _file(lead, cast.project).status_code == 302
    _attach_statement(lead, cast.project)
    statement = FinalReport.objects.get(project=cast.project).attachments.get()
    url = reverse("remove-final-attachment", args=[cast.project.reference, statement.pk])
    page = reverse("project-final-report", args=[cast.project.reference])
    assert f'action="{url}"' in lead.get(page).content.decode()
    assert f'action="{url}"' not in partner.get(page).content.decode()
    assert partner.post(url).status_code == 403
    done = lead.post(url, follow=True).content.decode()
    assert "Asiakirja lausunto.pdf poistettiin raportista." in done
    assert not FinalReport.objects.get(project=cast.project).attachments.exists()
    assert "Tilintarkastajan lausunto avustuksen käytöstä vaaditaan, eikä sitä ole vielä" in done


def test_a_finance_review_refused_shows_each_error_beside_its_field_of_that_part(cast, storage):  # noqa: F811
    """The final report's two review forms post to one address: a refused finance review's errors (the tick, the
    rejection's row) are shown beside the finance form's fields, all at once, and not on the content form."""
    _through_two_payments(cast)
    project, ref = cast.project, cast.project.reference
    lead, official = _client(cast.lead), _client(cast.official)
    assert _file(lead, project).status_code == 302
    _attach_statement(lead, project)
    cost = FinalReport.objects.get(project=project).costs.get()
    report = _review(official, project, "finances", confirm="", reasons="Tarkastettu.",
                     **{f"reject.{cost.pk}.amount": "999 999,00", f"reject.{cost.pk}.reason": "Liikaa."})
    assert report.finance_review == "pending"
    page = official.get(reverse("project-final-report", args=[ref])).content.decode()
    assert '<span class="field-error" id="e-finance-confirm">Vahvista rastittamalla' in page
    assert f'<span class="field-error" id="e-reject-{cost.pk}">' in page
    assert 'id="e-content-confirm"' not in page
    assert re.search(r'<textarea id="finance-reasons" name="reasons" rows="3">Tarkastettu.</textarea>', page)
    # A content form returned without reasons: the message is beside the content form's reasons only.
    _review(official, project, "content", "return")
    page = official.get(reverse("project-final-report", args=[ref])).content.decode()
    assert re.search(r'<textarea id="content-reasons" name="reasons" rows="3" aria-invalid="true" '
                     r'aria-describedby="e-content-reasons"></textarea><span class="field-error" '
                     r'id="e-content-reasons">[^<]+</span>', page)
    assert 'id="e-finance-reasons"' not in page
    report.refresh_from_db()
    assert report.status == "submitted"


def test_the_settlement_page_writes_days_and_rates_as_finland_does(cast, storage):  # noqa: F811
    """The walk through the screens found the payments' days and the interest lines' days and rates shown as the
    snapshot stores them (2020-07-15, 3.00)."""
    from datetime import date

    from avustus.settlement import services as settlement
    from tests.settlement.test_end_to_end import _final_accepted, _settled

    _through_two_payments(cast)
    _final_accepted(cast, "20 000,00")
    done = _settled(cast)
    settlement.record_return(done, actor=cast.official, returned_on=date(2021, 3, 1), amount="55 643,81",
                             version=settlement.returns_version(done))
    page = _client(cast.official).get(reverse("project-settlement", args=[cast.project.reference])).content.decode()
    assert "<td>15.7.2020</td>" in page and "<td>20.11.2020</td>" in page
    assert '<td class="num">3,00</td>' in page  # the reference rate 0 % + 3 (section 24)
    assert not re.search(r"<td>\d{4}-\d\d-\d\d</td>", page)
    assert '<td class="num">3.00</td>' not in page


def test_a_final_report_without_the_box_ticked_is_refused_with_the_rest_and_nothing_filed(cast, storage):  # noqa: F811
    lead = _client(cast.lead)
    data = {**TEXTS, "reuse": " ", "cost.cost-1.0.vat_free": "20 000,00", "cost.cost-1.0.vat": "x"}
    refused = lead.post(reverse("project-final-report", args=[cast.project.reference]), data)
    assert refused.status_code == 422
    page = refused.content.decode()
    assert 'href="#confirm"' in page and 'href="#reuse"' in page and 'href="#cost-cost-1-0-vat"' in page
    assert 'aria-invalid="true" aria-describedby="confirm-error"' in page
    assert 'aria-invalid="true" aria-describedby="reuse-error"' in page
    assert 'aria-invalid="true" aria-describedby="cost-cost-1-0-vat-error"' in page
    assert TEXTS["effects"] in page and 'value="20 000,00"' in page  # what was typed stays
    assert not FinalReport.objects.exists() and not AuditEntry.objects.filter(action__startswith="final_report.")\
        .exists()
    # The partner's post is the 403 page, not a missing tick.
    assert _client(cast.partner).post(reverse("project-final-report", args=[cast.project.reference]),
                                      data).status_code == 403
    assert _file(lead, cast.project).status_code == 302 and FinalReport.objects.count() == 1
