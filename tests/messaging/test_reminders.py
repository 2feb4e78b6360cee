"""Reminders: each due item reminded once per occasion and recipient however often ``avustus remind`` runs;
the worker reminds unless told not to; a later stage's finder is one more function in the list."""

import datetime
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from avustus.accounts import contacts
from avustus.accounts.models import Role
from avustus.actors import SYSTEM
from avustus.calls.models import Call
from avustus.decisions import rectification
from avustus.decisions.models import Decision
from avustus.decisions.notifications import record_notification
from avustus.messaging import reminders
from avustus.messaging.models import OutboundMessage
from avustus.messaging.reminders import Reminder
from avustus.rules.deadlines import rectification_deadline
from tests.messaging.addresses import confirmed_address

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(draft_application, hameenlinna_applicant):
    confirmed_address(hameenlinna_applicant, "hakija@hameenlinna.example.fi", language="")
    contacts.add_organisation_address(draft_application.lead.organisation, "kirjaamo@hameenlinna.example.fi",
                                      actor=SYSTEM)
    return draft_application


def closes_in(call, delta: timedelta) -> None:
    Call.objects.filter(pk=call.pk).update(closes_at=timezone.now() + delta)


def remind() -> str:
    out = StringIO()
    call_command("remind", stdout=out)
    return out.getvalue()


def test_a_draft_is_reminded_a_week_and_a_day_before_the_deadline_once_each(draft):
    closes_in(draft.call, timedelta(days=10))
    remind()
    assert not OutboundMessage.objects.exists()  # not yet

    closes_in(draft.call, timedelta(days=5))
    remind()
    remind()
    week = OutboundMessage.objects.filter(event="call_deadline_approaching")
    assert sorted(week.values_list("to", flat=True)) == ["hakija@hameenlinna.example.fi",
                                                         "kirjaamo@hameenlinna.example.fi"]
    message = week.first()
    assert message.subject == f"Muistutus: hakemus {draft.reference} on vielä jättämättä"
    assert f"/my/applications/{draft.reference}/" in message.body

    closes_in(draft.call, timedelta(hours=12))
    remind()
    remind()
    assert OutboundMessage.objects.filter(event="call_deadline_approaching").count() == 4  # and the day before


def test_a_submitted_application_or_a_closed_call_is_not_reminded(draft):
    from avustus.applications.models import Application

    closes_in(draft.call, timedelta(days=-1))
    remind()
    closes_in(draft.call, timedelta(days=3))
    Application.objects.filter(pk=draft.pk).update(status="submitted")
    remind()
    assert not OutboundMessage.objects.exists()


def test_the_rectification_period_ending_and_an_overdue_request(round_2020, person):
    official = person("virkailija", round_2020.programme, Role.OFFICIAL)
    confirmed_address(official, "virkailija@vm.example.fi", language="sv")
    decision = Decision.objects.get(call=round_2020)
    rejected, other = [o.application for o in decision.outcomes.filter(kind="rejected")
                       .select_related("application")[:2]]
    for application in (rejected, other):
        contacts.add_organisation_address(application.lead.organisation,
                                          f"kirjaamo-{application.pk}@example.fi", actor=SYSTEM)
    # Sent by letter about five weeks ago, so that the 30 days (moved off a weekend or a holiday) end within a week.
    today = timezone.localdate()
    sent_on = next(today - timedelta(days=n) for n in range(30, 45)
                   if today <= rectification_deadline(today - timedelta(days=n), "letter")[1] <= today + timedelta(7))
    for application in (rejected, other):
        record_notification(decision, application, channel="letter", sent_on=sent_on, actor=official)
    remind()
    ending = OutboundMessage.objects.filter(event="rectification_period_ending")
    assert sorted(ending.values_list("to", flat=True)) == sorted(
        [f"kirjaamo-{rejected.pk}@example.fi", f"kirjaamo-{other.pk}@example.fi"])
    # One of them requested rectification a month ago and nobody has decided it.
    rectification.register_request(decision, other, received_on=today - timedelta(days=31), requester="Kunta",
                                   grounds="Arvio väärä", actor=official)
    remind()
    remind()
    overdue = OutboundMessage.objects.get(event="rectification_overdue")
    assert (overdue.to, overdue.language) == ("virkailija@vm.example.fi", "sv")
    assert "/rectifications/" in overdue.body and other.reference in overdue.subject
    assert ending.count() == 2


def test_a_later_stages_finder_is_one_more_function_in_the_list(draft, monkeypatch):
    def report_due(now):
        yield Reminder(f"report_due:{draft.pk}", "call_deadline_approaching",
                       [contacts.Recipient("raportit@example.fi", "en")],
                       lambda language: {"reference": draft.reference, "closes_on": "1.1.2030", "closes_at": "16.15"},
                       draft)

    monkeypatch.setattr(reminders, "FINDERS", [*reminders.FINDERS, report_due])
    assert reminders.remind() == 1
    assert reminders.remind() == 0
    assert OutboundMessage.objects.get().key == f"report_due:{draft.pk}:raportit@example.fi"


@pytest.mark.django_db(transaction=True)
def test_the_worker_reminds_unless_told_not_to(draft, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    closes_in(draft.call, timedelta(days=2))
    call_command("worker", until_idle=True, no_remind=True)
    assert not OutboundMessage.objects.exists()
    call_command("worker", until_idle=True)
    assert set(OutboundMessage.objects.values_list("status", flat=True)) == {"sent"}
    assert OutboundMessage.objects.count() == 2


def test_remind_the_day_after_a_deadline_day_counted_in_helsinki():
    assert reminders._window(6.5) == 7 and reminders._window(0.5) == 1 and reminders._window(8) is None
    assert reminders._window(-0.1) is None
    assert reminders._date(datetime.date(2026, 3, 4)) == "4.3.2026"
