"""The funded project's follow-up in messages: each report and payment event queues exactly its messages, in
each recipient's language, in the service's transaction; reports due and overdue are reminded once each."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from avustus.accounts import contacts
from avustus.actors import SYSTEM
from avustus.messaging.models import OutboundMessage
from avustus.payments import services as payments
from avustus.projects.models import ScheduleEntry
from avustus.reports import services as reports
from avustus.reports.services import CostInput
from tests.changes.conftest import previewed
from tests.messaging.addresses import confirmed_address
from tests.payments.conftest import approved_on
from tests.projects.conftest import cast, small_round  # noqa: F401 (fixtures)

IBAN = "FI21 1234 5600 0007 85"
LEAD = "hanke@kankaanpaa.example.fi"
LEAD_OFFICE = "kirjaamo@kankaanpaa.example.fi"
PARTNER_OFFICE = "kirjaamo@kumppani.example.fi"
OFFICIAL = "virkailija1@vm.example.fi"
SECOND = "virkailija2@vm.example.fi"


@pytest.fixture
def people(cast):  # noqa: F811
    """Addresses: the lead's user (in English), the lead's and a partner's registry, two officials (one Swedish)."""
    confirmed_address(cast.lead, LEAD, language="en")
    contacts.add_organisation_address(cast.project.application.lead.organisation, LEAD_OFFICE, actor=SYSTEM)
    contacts.add_organisation_address(cast.partner.role_grants.get().organisation, PARTNER_OFFICE, actor=SYSTEM)
    confirmed_address(cast.official, OFFICIAL, language="")
    confirmed_address(cast.second_official, SECOND, language="sv")
    return cast


def _file(cast, today=date(2020, 6, 26)):  # noqa: F811
    return reports.submit_report(cast.project, 1, actor=cast.lead, period_start=date(2020, 2, 26),
                                 period_end=date(2020, 6, 26), progress="Etenee.", objectives_stage="Alussa.",
                                 costs=[CostInput("cost-1", 0, "10000.00")], today=today)


def sent(event: str) -> dict[str, OutboundMessage]:
    return {m.to: m for m in OutboundMessage.objects.filter(event=event)}


def test_a_filed_report_is_announced_to_the_programmes_officials_each_in_their_language(people):
    report = _file(people, today=date(2020, 9, 1))

    messages = sent("report_submitted")
    assert set(messages) == {OFFICIAL, SECOND}  # the lead, who filed it, is not told
    assert messages[OFFICIAL].language == "fi" and messages[SECOND].language == "sv"
    assert messages[OFFICIAL].subject == f"Väliraportti 1 hankkeesta {people.project.reference} on saapunut"
    assert messages[SECOND].subject.startswith("Mellanrapport 1 för projektet")
    assert "efter förfallodagen" in messages[SECOND].body  # filed late
    assert f"/projects/{people.project.reference}/" in messages[OFFICIAL].body  # where officials review it
    assert messages[OFFICIAL].application == people.project.application
    assert OutboundMessage.objects.count() == 2
    assert report.late


def test_a_returned_report_tells_the_lead_why_and_an_accepted_one_that_it_was(people):
    report = _file(people)
    OutboundMessage.objects.all().delete()
    returned = reports.return_report(report, actor=people.official, version=reports.report_version(report),
                                     reasons="Kustannuserittely puuttuu.")

    messages = sent("report_returned")
    assert set(messages) == {LEAD, LEAD_OFFICE}  # not the official, not the partner
    assert messages[LEAD].language == "en" and messages[LEAD_OFFICE].language == "fi"
    assert messages[LEAD].subject == (f"Interim report 1 of project {people.project.reference} returned for "
                                      "completion")
    assert "Kustannuserittely puuttuu." in messages[LEAD].body and "Perustelut" in messages[LEAD_OFFICE].body
    assert f"/projects/{people.project.reference}/" in messages[LEAD].body  # where the lead files it again

    refiled = _file(people)
    reports.accept_report(refiled, actor=people.official, version=reports.report_version(refiled))
    assert set(sent("report_accepted")) == {LEAD, LEAD_OFFICE}
    assert sent("report_accepted")[LEAD].subject.endswith("accepted")
    assert returned.pk == refiled.pk and OutboundMessage.objects.filter(event="report_submitted").count() == 2


@pytest.fixture
def with_costs(people):
    account = payments.register_account(people.project, IBAN, "Kankaanpään kaupunki", actor=people.lead)
    payments.confirm_account(account, actor=people.official, note="Puhelu kirjaamoon.")
    report = _file(people)
    reports.accept_report(report, actor=people.official, version=reports.report_version(report))
    OutboundMessage.objects.all().delete()
    return people


def test_a_payment_from_application_to_payment_queues_each_message_once(with_costs):
    cast = with_costs
    application = payments.apply_for_payment(cast.project, actor=cast.lead)
    assert set(sent("payment_application_submitted")) == {OFFICIAL, SECOND}
    assert "8\u00a0500,00 €" in sent("payment_application_submitted")[OFFICIAL].body

    application = payments.accept_payment_application(application, actor=cast.official, amount="8000.00",
                                                      reasons="Osa kuluista jaksotetaan.")
    accepted = sent("payment_application_accepted")
    assert set(accepted) == {LEAD, LEAD_OFFICE}
    assert "Amount accepted: 8\u00a0000,00 €" in accepted[LEAD].body and "jaksotetaan" in accepted[LEAD].body

    application = payments.approve_payment(application, actor=cast.second_official,
                                           version=payments.payment_version(application))
    assert OutboundMessage.objects.count() == 4  # approving is the officials' own step: no message
    application = approved_on(application, date(2020, 7, 1))
    payments.record_payment(application, actor=cast.official, paid_on=date(2020, 7, 1))
    payments.record_payment(application, actor=cast.official, paid_on=date(2020, 7, 1))  # again: nothing new

    paid = sent("payment_made")
    assert set(paid) == {LEAD, LEAD_OFFICE, PARTNER_OFFICE}
    assert paid[LEAD].body.count("8\u00a0000,00 €") == 1 and "1.7.2020" in paid[LEAD].body
    assert "****0785" in paid[LEAD].body and "1234" not in paid[LEAD].body  # the account's last digits only
    assert "Tiedoksi hankkeen osatoteuttajalle" in paid[PARTNER_OFFICE].body
    assert "osatoteuttajalle" not in paid[LEAD_OFFICE].body
    assert OutboundMessage.objects.count() == 7


def test_a_rejected_payment_application_tells_the_lead_why(with_costs):
    application = payments.apply_for_payment(with_costs.project, actor=with_costs.lead)
    payments.reject_payment_application(application, actor=with_costs.official, reasons="Tili vahvistamatta.")

    rejected = sent("payment_application_rejected")
    assert set(rejected) == {LEAD, LEAD_OFFICE} and not sent("payment_application_accepted")
    assert rejected[LEAD_OFFICE].subject.endswith("on hylätty") and "Tili vahvistamatta." in rejected[LEAD].body


def test_a_rolled_back_service_call_leaves_no_message(with_costs):
    with pytest.raises(RuntimeError), transaction.atomic():
        payments.apply_for_payment(with_costs.project, actor=with_costs.lead)
        raise RuntimeError("the request failed after the service")
    with pytest.raises(RuntimeError), transaction.atomic():
        reports.submit_report(with_costs.project, 2, actor=with_costs.lead, period_start=date(2020, 6, 27),
                              period_end=date(2020, 12, 31), progress="Etenee.", objectives_stage="Puolivälissä.",
                              costs=[], today=date(2020, 12, 31))
        raise RuntimeError("the request failed after the service")

    assert not OutboundMessage.objects.exists()


# --- reminders ---

def remind() -> None:
    call_command("remind", stdout=StringIO())


def _entry(cast, due_on):  # noqa: F811
    entry = cast.project.schedule.get(kind=ScheduleEntry.Kind.INTERIM, number=1)
    ScheduleEntry.objects.filter(pk=entry.pk).update(due_on=due_on)
    return entry


def ours(event: str, cast):  # noqa: F811
    return OutboundMessage.objects.filter(event=event, application=cast.project.application)


def test_a_report_due_in_two_weeks_is_reminded_once_per_recipient_however_often_remind_runs(people):
    today = timezone.localdate()
    _entry(people, today + timedelta(days=20))
    remind()
    assert not ours("report_due", people).exists()  # not yet

    _entry(people, today + timedelta(days=14))
    remind()
    remind()
    due = {m.to: m for m in ours("report_due", people)}
    assert set(due) == {LEAD, LEAD_OFFICE}
    assert due[LEAD].subject == (f"Reminder: the interim report 1 of project {people.project.reference} is due by "
                                 f"{(today + timedelta(days=14)):%-d.%-m.%Y}")
    assert not ours("report_overdue", people).exists()


def test_a_report_is_overdue_from_the_day_after_its_due_date_once(people):
    today = timezone.localdate()
    _entry(people, today)
    remind()
    assert not ours("report_overdue", people).exists()  # due today is not overdue yet

    _entry(people, today - timedelta(days=1))
    remind()
    remind()
    overdue = {m.to: m for m in ours("report_overdue", people)}
    assert set(overdue) == {LEAD, LEAD_OFFICE}
    assert overdue[LEAD_OFFICE].subject == f"Hankkeen {people.project.reference} väliraportti 1 on myöhässä"


def test_a_filed_report_is_not_reminded(people):
    today = timezone.localdate()
    _file(people)
    _entry(people, today - timedelta(days=1))
    remind()
    _entry(people, today + timedelta(days=3))
    remind()
    assert not ours("report_due", people).exists() and not ours("report_overdue", people).exists()


def test_nothing_is_reminded_once_the_final_report_is_accepted(people):
    """An interim report not filed by then is no longer due (``reports.services.interim_reporting_over``)."""
    from avustus.projects.models import FundedProject

    today = timezone.localdate()
    FundedProject.objects.filter(pk=people.project.pk).update(final_report_accepted_on=today - timedelta(days=2))
    _entry(people, today - timedelta(days=1))
    remind()
    _entry(people, today + timedelta(days=14))
    remind()
    assert not ours("report_due", people).exists() and not ours("report_overdue", people).exists()


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
@pytest.mark.parametrize("event", ["report_submitted", "report_accepted", "report_returned", "report_due",
                                   "report_overdue", "payment_application_submitted", "payment_application_accepted",
                                   "payment_application_rejected", "payment_made"])
def test_every_follow_up_message_has_its_template_in_each_language(event, language):
    from avustus.messaging.receivers import render

    subject, body = render(event, language, {"project": "VM/2020/7", "number": 2, "title": "Hanke", "lead": "Kunta",
                                             "link": "https://avustus.example.fi/x/", "reasons": "Syy.",
                                             "due_on": "1.2.2021", "final": event.startswith("report_d")})
    assert "VM/2020/7" in subject and "\n" not in subject
    assert "https://avustus.example.fi/x/" in body and "{{" not in body and "{%" not in body


def test_a_partner_removed_by_an_amending_decision_gets_no_copy_of_a_later_payment(with_costs):
    from avustus.changes import services as changes

    cast = with_costs
    partner = cast.partner.role_grants.get().organisation
    member = next(m for m in cast.project.application.members.all() if m.organisation_id == partner.pk)
    request = changes.submit_request(cast.project, actor=cast.lead, kind="partners", reasons="Honkajoki yhdistyi.",
                                     remove_partners=[member.pk])
    request = changes.approve_request(request, actor=cast.official, version=request.version)
    changes.confirm_request(request, actor=cast.second_official, version=request.version, confirmed=True,
                            decided_on=date(2020, 6, 30),
                            shown=previewed(request, cast.second_official, date(2020, 6, 30)))
    # The decision that removed it is the partner's own matter: its copy goes to the partner too.
    assert PARTNER_OFFICE in sent("change_decision") and sent("change_decision")[PARTNER_OFFICE].to == PARTNER_OFFICE
    application = payments.apply_for_payment(cast.project, actor=cast.lead)
    application = payments.accept_payment_application(application, actor=cast.official)
    application = payments.approve_payment(application, actor=cast.second_official,
                                           version=payments.payment_version(application))
    payments.record_payment(approved_on(application, date(2020, 7, 1)), actor=cast.official, paid_on=date(2020, 7, 1))
    assert set(sent("payment_made")) == {LEAD, LEAD_OFFICE}
