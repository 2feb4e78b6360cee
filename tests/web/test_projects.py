"""A 2020 grant through three interim reports and two payments by posting the screens' forms, to the cent.

The same story as tests/payments/test_end_to_end.py, told through the screens: the lead files reports and
applies, officials review, confirm and accept, a second person approves (ticking the confirmation, naming
the version shown), and the payment date is recorded.
"""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from avustus.audit.models import AuditEntry
from avustus.payments import services as payments
from avustus.payments.models import BankAccount, PaymentApplication
from avustus.reports import services as reports
from avustus.reports.models import InterimReport
from tests.payments.conftest import approved_on
from tests.projects.conftest import cast, person  # noqa: F401 (fixtures)

pytestmark = pytest.mark.usefixtures("storage")

MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _file_report(client, project, number, costs, start="2020-02-26", end="2020-06-26"):
    data = {"period_start": start, "period_end": end, "progress": f"Raportti {number}: työ etenee.",
            "objectives_stage": "Tavoitteet puolivälissä.", "confirm": "yes"}
    for (category, member), (vat_free, vat) in costs.items():
        data[f"cost.{category}.{member}.vat_free"] = vat_free
        data[f"cost.{category}.{member}.vat"] = vat
    response = client.post(reverse("project-report", args=[project.reference, number]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return InterimReport.objects.get(project=project, schedule_entry__number=number, schedule_entry__kind="interim")


def _review(client, project, report, action="accept", reasons="", rejections=None):
    data = {"version": reports.report_version(report), "action": action, "reasons": reasons, "confirm": "yes"}
    for cost_id, (amount, reason) in (rejections or {}).items():
        data[f"reject.{cost_id}.amount"], data[f"reject.{cost_id}.reason"] = amount, reason
    response = client.post(reverse("review-report", args=[project.reference, report.schedule_entry.number]), data)
    assert response.status_code == 302
    report.refresh_from_db()
    return report


def _version_on_page(page: str, pk: int) -> str:
    match = re.search(rf'action="/projects/[^"]+/payments/{pk}/"[^>]*>.*?name="version" value="([0-9a-f]+)"', page,
                      re.S)
    assert match, "the approval form carries the version shown"
    return match.group(1)


def _pay(cast, lead, official, approver, paid_on, amount="", reasons=""):
    project = cast.project
    page = lead.get(reverse("apply-payment", args=[project.reference]))
    assert page.status_code == 200
    key = re.search(r'name="key" value="([^"]+)"', page.content.decode()).group(1)
    assert lead.post(reverse("apply-payment", args=[project.reference]), {"key": key}).status_code == 302
    # The same form posted twice (a double click) applies once.
    lead.post(reverse("apply-payment", args=[project.reference]), {"key": key})
    application = PaymentApplication.objects.get(project=project, status="submitted")
    url = reverse("handle-payment", args=[project.reference, application.pk])
    official.post(url, {"action": "accept", "amount": amount, "reasons": reasons})
    application.refresh_from_db()
    assert application.status == "accepted"
    # The official who accepted cannot approve: four eyes.
    official.post(url, {"action": "approve", "version": payments.payment_version(application), "confirm": "yes"})
    application.refresh_from_db()
    assert application.status == "accepted"
    page = approver.get(reverse("project", args=[project.reference])).content.decode()
    version = _version_on_page(page, application.pk)
    # Without the tick nothing happens.
    approver.post(url, {"action": "approve", "version": version})
    application.refresh_from_db()
    assert application.status == "accepted"
    approver.post(url, {"action": "approve", "version": version, "confirm": "yes"})
    application.refresh_from_db()
    assert application.status == "approved"
    approved_on(application, date.fromisoformat(paid_on))  # the 2020 round's day, as it was approved then
    official.post(url, {"action": "paid", "paid_on": paid_on, "confirm": "yes"})
    application.refresh_from_db()
    assert application.status == "paid"
    return application


@pytest.mark.django_db
def test_three_interim_reports_and_two_payments_through_the_screens(cast):
    project = cast.project
    lead, official = _client(cast.lead), _client(cast.official)
    second, approver = _client(cast.second_official), _client(cast.decision_maker)

    mine = lead.get(reverse("my-projects")).content.decode()
    assert project.reference in mine and "131\xa0700,00" in mine
    assert project.reference in _client(cast.partner).get(reverse("my-projects")).content.decode()
    page = lead.get(reverse("project", args=[project.reference])).content.decode()
    assert "Interim report 1" in page or "Väliraportti 1" in page

    # The account: registered by the lead, confirmed by an official.
    response = lead.post(reverse("project-account", args=[project.reference]),
                         {"iban": "FI21 1234 5600 0007 86", "holder": "Kankaanpään kaupunki"})
    assert response.status_code == 422 and not BankAccount.objects.filter(project=project).exists()
    lead.post(reverse("project-account", args=[project.reference]),
              {"iban": "FI21 1234 5600 0007 85", "holder": "Kankaanpään kaupunki"})
    account = BankAccount.objects.get(project=project)
    official.post(reverse("handle-account", args=[project.reference, account.pk]),
                  {"action": "confirm", "note": "Tarkistettu kaupungin kirjaamosta."})
    account.refresh_from_db()
    assert account.status == "active"

    # Report 1, with a document; a licence found ineligible.
    first = _file_report(lead, project, 1, {("cost-1", 0): ("40 000,00", ""), ("cost-4", 1): ("12345,67", "2962,96")})
    lead.post(reverse("add-report-attachment", args=[project.reference, 1]),
              {"file": SimpleUploadedFile("kirjanpito.pdf", MINIMAL_PDF)})
    assert first.attachments.count() == 1
    download = _client(cast.partner).get(reverse("report-attachment",
                                                 args=[project.reference, 1, first.attachments.get().pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == MINIMAL_PDF
    licence = first.costs.get(category__code="cost-4")
    assert (licence.amount_vat_free, licence.vat) == (Decimal("12345.67"), Decimal("2962.96"))
    first = _review(official, project, first,
                    rejections={licence.pk: ("1000.00", "Ohjelmistolisenssi, ei kehittämiseen.")})
    assert first.status == "accepted"
    assert reports.accepted_costs_to_date(project) == Decimal("51345.67")

    page = lead.get(reverse("apply-payment", args=[project.reference])).content.decode()
    assert "43\xa0643,81" in page  # 85 % of 51 345,67, rounded down
    paid = _pay(cast, lead, official, approver, "2020-07-15")
    assert paid.amount_paid == Decimal("43643.81")

    # Report 2: returned for completion, filed again, accepted.
    costs = {("cost-1", 0): ("30000.00", ""), ("cost-2", 1): ("5000.01", "0")}
    second_report = _file_report(lead, project, 2, costs, "2020-06-27", "2020-10-26")
    second_report = _review(official, project, second_report, "return", "Kuvatkaa tavoitteiden vaihe tarkemmin.")
    assert second_report.status == "returned"
    second_report = _file_report(lead, project, 2, costs, "2020-06-27", "2020-10-26")
    assert second_report.status == "submitted"
    # The reasons on the report filed again are the return's, and the page says so.
    refiled = official.get(reverse("project-report", args=[project.reference, 2])).content.decode()
    assert "<dt>Miksi raportti palautettiin aiemmin</dt><dd>Kuvatkaa tavoitteiden vaihe tarkemmin.</dd>" in refiled
    # A stale version (read before the resubmission) is refused.
    stale = {"version": f"{second_report.pk}:1:submitted", "action": "accept", "confirm": "yes"}
    official.post(reverse("review-report", args=[project.reference, 2]), stale)
    second_report.refresh_from_db()
    assert second_report.status == "submitted"
    _review(second, project, second_report)
    assert reports.accepted_costs_to_date(project) == Decimal("86345.68")
    paid = _pay(cast, lead, second, approver, "2020-11-20", amount="29 000,00",
                reasons="Matkakulujen tositteet puuttuvat.")
    assert (paid.amount_claimed, paid.amount_paid) == (Decimal("29750.01"), Decimal("29000.00"))

    # Report 3 past the cap; the last instalment waits for the final report.
    third = _file_report(lead, project, 3, {("cost-1", 0): ("80000.00", "")}, "2020-10-27", "2021-02-26")
    _review(official, project, third)
    assert payments.payable(project) == Decimal("59056.19")
    response = lead.post(reverse("apply-payment", args=[project.reference]), {"key": "third"}, follow=True)
    assert not PaymentApplication.objects.filter(project=project, number=3).exists()
    assert "loppuraportti" in response.content.decode() or "final report" in response.content.decode()
    assert payments.paid_total(project) == Decimal("72643.81")

    listing = official.get(reverse("officials-projects", args=[project.call.slug])).content.decode()
    assert project.reference in listing and "72\xa0643,81" in listing


@pytest.mark.django_db
def test_a_day_paid_before_the_approval_is_refused_on_the_form_and_nothing_is_stored(cast):
    """The officials' form of the day paid (``handle_payment``, action "paid"): a day before the approval is sent
    back with the refusal in the user's language, and nothing is recorded, audited or sent."""
    from django.conf import settings

    from avustus.audit.models import AuditEntry
    from avustus.messaging.models import OutboundMessage
    from tests.payments.conftest import costs_accepted

    costs_accepted(cast)
    application = payments.accept_payment_application(payments.apply_for_payment(cast.project, actor=cast.lead),
                                                      actor=cast.official)
    application = payments.approve_payment(application, actor=cast.decision_maker,
                                           version=payments.payment_version(application))
    approved_on(application, date(2020, 7, 15))
    messages_before = OutboundMessage.objects.count()
    official = _client(cast.official)
    url = reverse("handle-payment", args=[cast.project.reference, application.pk])
    for language, refusal in (
            ("en", "The payment was approved on 15.7.2020; the day paid cannot be before it."),
            ("fi", "Maksu hyväksyttiin 15.7.2020; maksupäivä ei voi olla sitä aiempi."),
            ("sv", "Utbetalningen godkändes 15.7.2020; utbetalningsdagen kan inte vara tidigare än den.")):
        official.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        response = official.post(url, {"action": "paid", "paid_on": "2001-01-01", "confirm": "yes"}, follow=True)
        assert response.status_code == 200 and refusal in response.content.decode()
    application.refresh_from_db()
    assert (application.status, application.paid_on, application.amount_paid) == ("approved", None, None)
    assert not AuditEntry.objects.filter(action="payments.paid").exists()
    assert OutboundMessage.objects.count() == messages_before
    official.post(url, {"action": "paid", "paid_on": "2020-07-15", "confirm": "yes"})
    application.refresh_from_db()
    assert (application.status, application.paid_on) == ("paid", date(2020, 7, 15))


@pytest.mark.django_db
def test_a_partner_sees_but_does_not_report_and_an_outsider_does_not_see(cast):
    project = cast.project
    partner = _client(cast.partner)
    assert partner.get(reverse("project", args=[project.reference])).status_code == 200
    response = partner.post(reverse("project-report", args=[project.reference, 1]),
                            {"period_start": "2020-02-26", "period_end": "2020-06-26", "progress": "x",
                             "objectives_stage": "y"})
    assert response.status_code == 403 and not InterimReport.objects.filter(project=project).exists()
    assert partner.get(reverse("apply-payment", args=[project.reference])).status_code == 403
    outsider = _client(cast.outsider)
    assert outsider.get(reverse("project", args=[project.reference])).status_code == 404
    assert project.reference not in outsider.get(reverse("my-projects")).content.decode()


@pytest.mark.django_db
def test_a_report_with_bad_costs_is_not_filed_and_says_where(cast):
    project = cast.project
    response = _client(cast.lead).post(reverse("project-report", args=[project.reference, 1]), {
        "period_start": "2020-02-26", "period_end": "2020-06-26", "progress": "", "objectives_stage": "Hyvin",
        "cost.cost-1.0.vat_free": "neljä"})
    assert response.status_code == 422
    page = response.content.decode()
    assert 'href="#progress"' in page and 'href="#cost-cost-1-0"' in page
    assert not InterimReport.objects.filter(project=project).exists()


@pytest.mark.django_db
def test_an_official_moves_a_due_date_and_allows_another_instalment_on_the_page(cast):
    from datetime import date

    from avustus.projects.models import ScheduleEntry

    project = cast.project
    official = _client(cast.official)
    page = official.get(reverse("project", args=[project.reference])).content.decode()
    assert 'action="/projects/%s/schedule/"' % project.reference in page
    url = reverse("project-schedule", args=[project.reference])
    # A date that is not one, and no reason: refused, the schedule as it was.
    before = list(ScheduleEntry.objects.filter(project=project).values_list("kind", "number", "due_on"))
    official.post(url, {"action": "due", "entry": "interim:2", "due_on": "31.12.2020", "reason": "x"})
    official.post(url, {"action": "due", "entry": "interim:2", "due_on": "2020-12-31", "reason": " "})
    assert list(ScheduleEntry.objects.filter(project=project).values_list("kind", "number", "due_on")) == before
    response = official.post(url, {"action": "due", "entry": "interim:2", "due_on": "2020-12-31",
                                   "reason": "Sovittu hankkeen kanssa."})
    assert response.status_code == 302
    moved = ScheduleEntry.objects.get(project=project, kind="interim", number=2)
    assert (moved.due_on, moved.override_reason) == (date(2020, 12, 31), "Sovittu hankkeen kanssa.")
    page = official.get(reverse("project", args=[project.reference])).content.decode()
    assert '<input type="hidden" name="shown" value="0">' in page
    allow = {"action": "instalment", "reason": "Hanke pidentyi.", "shown": "0"}
    official.post(url, allow)
    # The same form posted again (a double click, a page resent) allows one instalment, not two; so does a
    # form that does not say what it showed.
    twice = official.post(url, allow, follow=True).content.decode()
    assert "Maksuerä lisää sallittiin sen jälkeen" in twice
    official.post(url, {"action": "instalment", "reason": "Hanke pidentyi."})
    project.refresh_from_db()
    assert (project.extra_instalments, project.instalments) == (1, 4)
    # The page says how many instalments are allowed now, so that a page opened again is not pressed again blindly.
    assert "Hankkeelle voidaan nyt maksaa 4 maksuerää, 1 enemmän kuin haussa." in official.get(
        reverse("project", args=[project.reference])).content.decode()
    assert AuditEntry.objects.filter(action="project.instalment_allowed").count() == 1
    # The lead sees the dates but may not move them.
    lead = _client(cast.lead)
    assert 'action="/projects/%s/schedule/"' % project.reference not in lead.get(
        reverse("project", args=[project.reference])).content.decode()
    assert lead.post(url, {"action": "due", "entry": "interim:2", "due_on": "2021-01-31", "reason": "x"}
                     ).status_code == 403


@pytest.mark.django_db
def test_a_report_is_accepted_only_by_its_button_with_the_box_ticked(cast):
    """Enter in a field of the review form posts the form's first button, and a form from elsewhere may post
    anything: only "accept" with the box ticked accepts, and an action no form posts is not taken for one."""
    from datetime import date

    report = reports.submit_report(cast.project, 1, actor=cast.lead, period_start=date(2020, 2, 26),
                                   period_end=date(2020, 6, 26), progress="Etenee.", objectives_stage="Alussa.",
                                   costs=[reports.CostInput("cost-1", 0, "10000.00")], today=date(2020, 6, 26))
    official = _client(cast.official)
    page = official.get(reverse("project-report", args=[cast.project.reference, 1])).content.decode()
    assert re.search(r'<input type="checkbox" name="confirm" value="yes" required> Hyväksyn raportin', page)
    assert 'value="return" formnovalidate' in page  # returning needs reasons, not the tick
    url = reverse("review-report", args=[cast.project.reference, 1])
    form = {"version": reports.report_version(report), "reasons": ""}
    assert official.post(url, form).status_code == 404
    assert official.post(url, {**form, "action": "hyväksy", "confirm": "yes"}).status_code == 404
    cost = report.costs.get()
    unticked = official.post(url, {**form, "action": "accept", "reasons": "Matkakulut eivät ole tukikelpoisia.",
                                   f"reject.{cost.pk}.amount": "1 250,00",
                                   f"reject.{cost.pk}.reason": "Matkat"}, follow=True).content.decode()
    assert "Vahvista rastittamalla" in unticked
    # What the official typed is on the form again, for them to tick the box.
    assert '<textarea id="reasons" name="reasons" rows="3">Matkakulut eivät ole tukikelpoisia.</textarea>' in unticked
    assert 'size="11" value="1 250,00">' in unticked and 'value="Matkat">' in unticked
    # The refusal is beside the box it is about, and the box says it is the one in error.
    assert ('<input type="checkbox" name="confirm" value="yes" required aria-invalid="true" '
            'aria-describedby="e-review-confirm">') in unticked
    assert '<span class="field-error" id="e-review-confirm">Vahvista rastittamalla' in unticked
    again = official.get(reverse("project-report", args=[cast.project.reference, 1])).content.decode()
    assert "Matkakulut eivät ole" not in again  # shown once, then the form is as the report is
    assert 'class="field-error"' not in again
    # Returned without reasons: the message is beside the reasons.
    unreasoned = official.post(url, {**form, "action": "return"}, follow=True).content.decode()
    assert re.search(r'<textarea id="reasons" name="reasons" rows="3" aria-invalid="true" '
                     r'aria-describedby="e-reasons"></textarea><span class="field-error" id="e-reasons">[^<]+</span>',
                     unreasoned)
    report.refresh_from_db()
    assert report.status == "submitted"
    assert not AuditEntry.objects.filter(action="report.accepted").exists()
    official.post(url, {**form, "action": "accept", "confirm": "yes"})
    report.refresh_from_db()
    assert report.status == "accepted"


@pytest.mark.django_db
def test_the_crumbs_lead_officials_to_the_calls_projects_and_recipients_to_their_own_on_every_page(cast):
    ref = cast.project.reference
    officials_list = f'<p class="crumbs"><a href="{reverse("officials-projects", args=[cast.project.call.slug])}">'
    own = f'<p class="crumbs"><a href="{reverse("my-projects")}">'
    pages = [reverse(name, args=args) for name, args in (
        ("project", [ref]), ("project-report", [ref, 1]), ("project-final-report", [ref]),
        ("project-changes", [ref]), ("project-outputs", [ref]))]
    for url in pages:
        assert officials_list in _client(cast.official).get(url).content.decode(), url
        assert own in _client(cast.partner).get(url).content.decode(), url
@pytest.mark.parametrize("language, message", [
    ("fi", "Raportti koskee jo päättynyttä kautta: kausi päättyy viimeistään"),
    ("sv", "En rapport gäller en period som har löpt ut: perioden slutar senast"),
])
def test_a_period_not_yet_ended_is_refused_on_its_field_in_the_user_s_language(cast, language, message):
    from avustus.audit.models import AuditEntry

    project = cast.project
    lead = _client(cast.lead)
    lead.cookies["django_language"] = language
    response = lead.post(reverse("project-report", args=[project.reference, 1]), {
        "period_start": "2020-02-26", "period_end": "2099-06-26", "progress": "Etenee.",
        "objectives_stage": "Alussa.", "cost.cost-1.0.vat_free": "1000,00"})
    assert response.status_code == 422
    page = response.content.decode()
    assert message in page and 'href="#period_end"' in page
    # What the lead typed is shown again to correct.
    assert 'value="2099-06-26"' in page
    assert not InterimReport.objects.filter(project=project).exists()
    assert not AuditEntry.objects.filter(action__startswith="report.").exists()


@pytest.mark.django_db
def test_a_period_overlapping_the_previous_report_is_refused_and_the_form_suggests_the_next_day(cast):
    project = cast.project
    lead = _client(cast.lead)
    first = _file_report(lead, project, 1, {("cost-1", 0): ("1000,00", "0")}, start="2020-02-26", end="2020-06-20")
    page = lead.get(reverse("project-report", args=[project.reference, 2])).content.decode()
    # The form starts the day after report 1's period as filed.
    assert 'value="2020-06-21"' in page
    response = lead.post(reverse("project-report", args=[project.reference, 2]), {
        "period_start": "2020-06-01", "period_end": "2020-10-26", "progress": "Etenee.",
        "objectives_stage": "Alussa.", "cost.cost-1.0.vat_free": "1000,00"})
    assert response.status_code == 422
    page = response.content.decode()
    assert "Kausi on päällekkäinen väliraportin 1 kauden 26.2.2020–20.6.2020 kanssa" in page
    assert 'href="#period_start"' in page
    assert list(InterimReport.objects.filter(project=project)) == [first]


@pytest.mark.django_db
def test_a_due_date_past_the_final_report_s_or_before_the_decision_is_refused_on_the_page(cast):
    from avustus.projects.models import ScheduleEntry

    project = cast.project
    official = _client(cast.official)
    url = reverse("project-schedule", args=[project.reference])
    before = list(ScheduleEntry.objects.filter(project=project).values_list("kind", "number", "due_on"))
    response = official.post(url, {"action": "due", "entry": "interim:2", "due_on": "2022-01-31",
                                   "reason": "Sovittu hankkeen kanssa."}, follow=True)
    assert "Väliraportin määräpäivän on oltava ennen loppuraportin määräpäivää 30.11.2021." in \
        response.content.decode()
    response = official.post(url, {"action": "due", "entry": "final:1", "due_on": "2020-01-31",
                                   "reason": "Sovittu hankkeen kanssa."}, follow=True)
    assert "Mikään raportti ei voi erääntyä ennen avustuspäätöstä, joka tehtiin 26.2.2020." in \
        response.content.decode()
    # The report chosen stays chosen, with the date and the reason typed: correcting the date moves that report.
    page = response.content.decode()
    assert '<option value="final:1" selected>' in page
    assert '<option value="interim:1" selected>' not in page and '<option value="interim:2" selected>' not in page
    assert 'value="2020-01-31"' in page and ">Sovittu hankkeen kanssa.</textarea>" in page
    assert list(ScheduleEntry.objects.filter(project=project).values_list("kind", "number", "due_on")) == before


@pytest.mark.django_db
def test_the_schedule_shows_the_final_report_s_status_and_no_interim_report_after_its_acceptance(cast):
    from avustus.reports import final
    from tests.reports.test_final import attach_statement, file_final

    project = cast.project
    lead = _client(cast.lead)
    first = _file_report(lead, project, 1, {("cost-1", 0): ("1000,00", "0")})
    project_url = reverse("project", args=[project.reference])
    report_2 = reverse("project-report", args=[project.reference, 2])

    def final_row(page):
        return re.search(r'<td><a href="[^"]*/final/[^"]*">Loppuraportti</a></td>.*?</tr>', page, re.S).group(0)

    page = lead.get(project_url).content.decode()
    # Due 30.11.2021 and not filed: overdue, as the interim reports past their dates are.
    assert "Myöhässä" in final_row(page) and f'href="{report_2}"' in page
    report = file_final(cast, [reports.CostInput("cost-1", 0, "150 000,00")])
    assert "Jätetty" in final_row(lead.get(project_url).content.decode())
    attach_statement(cast, report)
    report = final.accept_final_report(report, final.CONTENT, actor=cast.official,
                                       version=final.final_report_version(report))
    final.accept_final_report(report, final.FINANCES, actor=cast.second_official,
                              version=final.final_report_version(report))

    page = lead.get(project_url).content.decode()
    assert "Hyväksytty" in final_row(page) and "Ei jätetty" not in final_row(page)
    # Interim reports not filed are no longer offered, nor overdue; the one filed is still there to read.
    assert f'href="{report_2}"' not in page and "Myöhässä" not in page
    assert page.count("Ei jätetty; ei enää tarpeen, koska loppuraportti on hyväksytty") == 4
    assert f'href="{reverse("project-report", args=[project.reference, 1])}"' in page
    assert "Jätä väliraportti" not in lead.get(report_2).content.decode()
    response = lead.post(report_2, {"period_start": "2020-06-27", "period_end": "2020-10-26", "progress": "Etenee.",
                                    "objectives_stage": "Alussa.", "cost.cost-1.0.vat_free": "1000,00"}, follow=True)
    assert "Loppuraportti on hyväksytty: väliraportteja ei enää jätetä." in response.content.decode()
    assert list(InterimReport.objects.filter(project=project)) == [first]


@pytest.mark.django_db
def test_a_report_whose_period_has_not_ended_is_not_offered_for_acceptance_but_may_be_returned(cast):
    from datetime import date

    project = cast.project
    report = _file_report(_client(cast.lead), project, 1, {("cost-1", 0): ("1000,00", "0")})
    official = _client(cast.official)
    url = reverse("project-report", args=[project.reference, 1])
    assert 'value="accept"' in official.get(url).content.decode()
    # Filed before periods were checked: it ends in the future.
    InterimReport.objects.filter(pk=report.pk).update(period_end=date(2099, 6, 26))
    page = official.get(url).content.decode()
    assert 'value="accept"' not in page and 'value="return"' in page
    assert "Raportin kausi päättyy 26.6.2099: raportti voidaan hyväksyä vasta kauden päätyttyä." in page
    report.refresh_from_db()
    response = official.post(reverse("review-report", args=[project.reference, 1]),
                             {"version": reports.report_version(report), "action": "accept", "reasons": ""},
                             follow=True)
    assert "raportti voidaan hyväksyä vasta kauden päätyttyä" in response.content.decode()
    report.refresh_from_db()
    assert report.status == InterimReport.Status.SUBMITTED
    _review(official, project, report, "return", "Korjatkaa kausi.")
    assert report.status == InterimReport.Status.RETURNED


@pytest.mark.django_db
def test_payments_stopped_by_a_section_21_recovery_decision_are_said_so_and_not_offered(cast):
    """29 750,01 would be payable, but a section 21 recovery decision stopped the payments: the lead's pages say so
    instead of the amount, and offer no application (the service refuses one, tests/settlement/...)."""
    from django.conf import settings

    from tests.settlement.test_payment_after_recovery import (
        _paid_once,
        _recovery_decided,
        _second_report_accepted,
    )

    _paid_once(cast)
    _second_report_accepted(cast)
    lead = _client(cast.lead)
    project_url, apply_url = (reverse(name, args=[cast.project.reference]) for name in ("project", "apply-payment"))
    stopped = {"fi": "Avustuksen maksaminen on määrätty lopetettavaksi takaisinperintäpäätöksellä",
               "sv": "Utbetalningen av statsunderstödet har bestämts upphöra genom ett beslut om återkrav"}
    page, form = lead.get(project_url).content.decode(), lead.get(apply_url).content.decode()
    assert f'href="{apply_url}"' in page and "29\xa0750,01" in page and stopped["fi"] not in page
    assert 'name="key"' in form and 'id="payable"' in form and "29\xa0750,01" in form and stopped["fi"] not in form
    assert "Hae nyt maksettavissa olevaa määrää</button>" in form

    _recovery_decided(cast, 21)
    for language, sentence in stopped.items():
        lead.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        page, form = lead.get(project_url).content.decode(), lead.get(apply_url).content.decode()
        assert sentence in page and f'href="{apply_url}"' not in page and "29\xa0750,01" not in page
        assert sentence in form and 'name="key"' not in form and 'id="payable"' not in form
        assert "29\xa0750,01" not in form and "Hae nyt" not in form and "Ansök om det belopp" not in form


@pytest.mark.django_db
def test_no_period_is_suggested_that_would_end_before_it_starts(cast):
    """The previous report's period reaches the end of implementation (as far as a period may reach): a suggested
    period would start after the end and end before it, and be refused as such; the lead types the period instead."""
    from django.utils import timezone

    end = cast.project.implementation_end
    reports.submit_report(cast.project, 1, actor=cast.lead, period_start=cast.project.decided_on, period_end=end,
                          progress="Etenee.", objectives_stage="Alussa.",
                          costs=[reports.CostInput("cost-1", 0, "100.00")], today=end)
    assert reports.suggested_period(cast.project, 2, timezone.localdate()) is None
    page = _client(cast.lead).get(reverse("project-report", args=[cast.project.reference, 2])).content.decode()
    assert 'name="period_start" type="date" value="" required' in page
    assert 'name="period_end" type="date" value="" required' in page


@pytest.mark.django_db
def test_a_review_refused_for_the_tick_says_at_once_what_else_is_wrong_beside_each_row(cast):
    """The official corrects the form once: a missing tick is refused together with the rejections' own errors,
    each beside the row it is about, and the summary says each message once."""
    report = reports.submit_report(cast.project, 1, actor=cast.lead, period_start=date(2020, 2, 26),
                                   period_end=date(2020, 6, 26), progress="Etenee.", objectives_stage="Alussa.",
                                   costs=[reports.CostInput("cost-1", 0, "10000.00"),
                                          reports.CostInput("cost-2", 0, "500.00")], today=date(2020, 6, 26))
    first, second = report.costs.order_by("pk")
    official = _client(cast.official)
    url = reverse("review-report", args=[cast.project.reference, 1])
    form = {"version": reports.report_version(report), "action": "accept", "reasons": "",
            f"reject.{first.pk}.amount": "20 000,00", f"reject.{first.pk}.reason": "Liikaa",
            f"reject.{second.pk}.amount": "100,00", f"reject.{second.pk}.reason": ""}
    page = official.post(url, form, follow=True).content.decode()
    assert '<span class="field-error" id="e-review-confirm">Vahvista rastittamalla' in page
    assert (f'value="20 000,00" aria-invalid="true" aria-describedby="e-reject-{first.pk}"><span class="field-error" '
            f'id="e-reject-{first.pk}">') in page
    assert (f'name="reject.{second.pk}.reason" value="" aria-invalid="true" '
            f'aria-describedby="e-reject-reason-{second.pk}"><span class="field-error" '
            f'id="e-reject-reason-{second.pk}">') in page
    assert f'aria-describedby="e-reject-{second.pk}"' not in page  # its amount is right
    assert f'aria-describedby="e-reject-reason-{first.pk}"' not in page  # its reason was given
    report.refresh_from_db()
    assert report.status == "submitted"
    assert not report.costs.filter(rejected_amount__gt=0).exists()
    # Ticked but still wrong: the same errors, the same rows; then right, it is accepted.
    page = official.post(url, {**form, "confirm": "yes"}, follow=True).content.decode()
    assert f'id="e-reject-{first.pk}"' in page and f'id="e-reject-reason-{second.pk}"' in page
    assert 'id="e-review-confirm"' not in page
    official.post(url, {**form, "confirm": "yes", f"reject.{first.pk}.amount": "2 000,00",
                        f"reject.{second.pk}.reason": "Ei hankkeen kulu"})
    report.refresh_from_db()
    assert report.status == "accepted"
    assert [c.rejected_amount for c in report.costs.order_by("pk")] == [Decimal("2000.00"), Decimal("100.00")]


def test_the_same_refusal_of_several_rows_is_said_once_in_the_summary():
    from django.core.exceptions import ValidationError

    from avustus.web.feedback import messages_of

    refusal = ValidationError({"reject.1.amount": ["Väärin."], "reject.2.amount": ["Väärin."], "confirm": ["Rasti."]})
    assert messages_of(refusal) == ["Väärin.", "Rasti."]


@pytest.mark.django_db
def test_the_payment_page_says_why_no_application_can_be_made_instead_of_offering_one(cast):
    """The walk through the screens found the button offered while it could only fail: with no costs accepted
    (the refusal then said the accepted costs had been paid) and while an earlier application waited."""
    from tests.payments.conftest import costs_accepted

    lead, url = _client(cast.lead), reverse("apply-payment", args=[cast.project.reference])
    page = lead.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<p id="cannot-apply">Nothing is payable yet: no costs have been accepted from the reports.</p>' in page
    assert "<form method=\"post\">" not in page.split("<main", 1)[1]
    costs_accepted(cast)
    page = lead.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="cannot-apply"' not in page and 'name="key"' in page
    payments.apply_for_payment(cast.project, actor=cast.lead)
    page = lead.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<p id="cannot-apply">An earlier payment application is still being handled.</p>' in page
    assert 'name="key"' not in page


@pytest.mark.django_db
def test_an_interim_report_without_the_box_ticked_is_refused_with_the_rest_and_nothing_filed(cast):
    """Filing cannot be undone by the lead: the box is the server's check too, said in the summary linked to the
    box and beside it together with the form's other problems, and what was typed stays."""
    project = cast.project
    response = _client(cast.lead).post(reverse("project-report", args=[project.reference, 1]), {
        "period_start": "2020-02-26", "period_end": "2020-06-26", "progress": "Työ etenee aikataulussa.",
        "objectives_stage": "", "cost.cost-1.0.vat_free": "1000,00"})
    assert response.status_code == 422
    page = response.content.decode()
    assert 'href="#confirm"' in page and 'href="#objectives_stage"' in page
    assert re.search(r'<input id="confirm" type="checkbox" name="confirm" value="yes" required aria-invalid="true" '
                     r'aria-describedby="confirm-error">', page)
    assert '<span class="field-error" id="confirm-error">Vahvista rastittamalla ruutu' in page
    assert "Työ etenee aikataulussa." in page and 'value="1000,00"' in page
    assert not InterimReport.objects.filter(project=project).exists()
    assert not AuditEntry.objects.filter(action__startswith="report.").exists()
    # Ticked, the same report is filed.
    assert _client(cast.lead).post(reverse("project-report", args=[project.reference, 1]), {
        "period_start": "2020-02-26", "period_end": "2020-06-26", "progress": "Työ etenee aikataulussa.",
        "objectives_stage": "Alussa.", "cost.cost-1.0.vat_free": "1000,00", "confirm": "yes"}).status_code == 302
    assert InterimReport.objects.filter(project=project).count() == 1


@pytest.mark.django_db
def test_a_bad_amount_in_the_cost_grid_is_marked_on_its_own_input_and_names_its_cell(cast):
    project = cast.project
    member = project.application.members.select_related("organisation").get(position=1)
    category = project.call.cost_categories.get(code="cost-4")
    response = _client(cast.lead).post(reverse("project-report", args=[project.reference, 1]), {
        "period_start": "2020-02-26", "period_end": "2020-06-26", "progress": "Etenee.", "objectives_stage": "Alussa.",
        "cost.cost-4.1.vat_free": "1000,00", "cost.cost-4.1.vat": "abc", "cost.cost-1.0.vat_free": "-5",
        "confirm": "yes"})
    assert response.status_code == 422
    page = response.content.decode()
    # The VAT typed wrong: that input is marked, its message beside it, linked from the summary by the cell's name.
    assert re.search(r'<input id="cost-cost-4-1-vat" name="cost\.cost-4\.1\.vat" [^>]*value="abc" '
                     r'aria-invalid="true" aria-describedby="cost-cost-4-1-vat-error">', page)
    assert '<span class="field-error" id="cost-cost-4-1-vat-error">Anna kustannukset euroina ja sentteinä' in page
    assert (f'<a href="#cost-cost-4-1-vat">{category.text("fi")}, {member.organisation.name_fi}, alv</a>: '
            "Anna kustannukset euroina ja sentteinä") in page
    # Its VAT-free amount is right: not marked.
    assert re.search(r'<input id="cost-cost-4-1" [^>]*value="1000,00">', page)
    # A negative VAT-free amount in another cell: that input, with its own message.
    assert re.search(r'<input id="cost-cost-1-0" [^>]*aria-invalid="true" aria-describedby="cost-cost-1-0-error">',
                     page)
    assert '<span class="field-error" id="cost-cost-1-0-error">Kustannukset eivät voi olla negatiivisia' in page
    assert 'href="#cost-cost-1-0"' in page
    assert not InterimReport.objects.filter(project=project).exists()


@pytest.mark.django_db
def test_the_cost_grid_names_the_members_in_the_page_s_language(cast):
    """A Swedish page writes a body's Swedish name where the registry has one, the Finnish one where it has not."""
    project = cast.project
    lead = project.application.members.select_related("organisation").get(role="lead").organisation
    type(lead).objects.filter(pk=lead.pk).update(name_sv="Kankaanpää stad (sv)")
    client = _client(cast.lead)
    client.cookies["django_language"] = "sv"
    page = client.get(reverse("project-report", args=[project.reference, 1])).content.decode()
    assert '<th scope="col">Kankaanpää stad (sv)</th>' in page and "Honkajoki" in page
    assert '<th scope="col">Kankaanpää</th>' not in page
    finnish = _client(cast.lead).get(reverse("project-report", args=[project.reference, 1])).content.decode()
    assert '<th scope="col">Kankaanpää</th>' in finnish


@pytest.mark.django_db
def test_a_bad_iban_is_said_beside_its_field(cast):
    response = _client(cast.lead).post(reverse("project-account", args=[cast.project.reference]),
                                       {"iban": "FI21 1234 5600 0007 86", "holder": "Kankaanpään kaupunki"})
    assert response.status_code == 422
    page = response.content.decode()
    assert re.search(r'<input id="iban" name="iban" value="FI21 1234 5600 0007 86" autocomplete="off" required '
                     r'aria-invalid="true" aria-describedby="iban-error"><span class="field-error" id="iban-error">',
                     page)
    assert 'href="#iban"' in page and 'aria-invalid="true" aria-describedby="holder-error"' not in page
    assert not BankAccount.objects.filter(project=cast.project).exists()


@pytest.mark.django_db
def test_a_final_report_past_its_date_and_not_filed_is_said_overdue(cast):
    """The walk through the screens found the 2020 project's final report, due 30.11.2021, shown as "not filed"
    years later, while the interim reports past their dates were flagged."""
    page = _client(cast.lead).get(reverse("project", args=[cast.project.reference]),
                                  HTTP_ACCEPT_LANGUAGE="en").content.decode()
    final_row = re.search(r"<tr>\s*<td><a href=\"[^\"]*/final/\">Final report</a></td>(.*?)</tr>", page, re.S)
    assert final_row is not None, page
    assert "<td>30.11.2021</td>" in final_row.group(1)
    assert '<strong class="overdue">Overdue</strong>' in final_row.group(1)
