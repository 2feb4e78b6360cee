"""Reminders: ``avustus remind`` (and the worker, hourly) finds what is due soon or overdue and queues one
reminder per due item and recipient, whatever the number of runs.

``FINDERS`` is the list of finder functions, each ``finder(now) -> Iterable[Reminder]``; a later stage's
reminders (reports due, payments) are one more function in the list. Each ``Reminder`` has a ``key``
naming the due item and the occasion (``call_deadline:7:<application>``): the outbox's unique key is that
plus the recipient's address, so a second run, or two runs at once, queue nothing more.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from avustus.accounts.contacts import Recipient, address_of, language_of
from avustus.accounts.membership import preparers_of
from avustus.applications.models import Application
from avustus.calls.models import Call
from avustus.decisions.models import Notification
from avustus.evaluation.models import RectificationRequest
from avustus.messaging import followup, outbox
from avustus.registry.languages import document_language

# Days before a deadline on which a reminder goes out: a week before, and the day before.
BEFORE = (7, 1)
# A rectification request not decided this many days after it arrived is overdue for the officials.
RECTIFICATION_OVERDUE_DAYS = 30


@dataclass
class Reminder:
    key: str
    event: str  # the template: messaging/<event>.<lang>.txt
    recipients: list[Recipient]
    context: Callable[[str], dict]  # the template's values in a language
    application: Application | None = None
    decision: object = None
    extra: dict = field(default_factory=dict)


def _window(days_left: float) -> int | None:
    """The smallest of ``BEFORE`` that ``days_left`` is within, or None when not yet due."""
    due = [days for days in BEFORE if 0 <= days_left <= days]
    return min(due) if due else None


def _date(day) -> str:
    return f"{day.day}.{day.month}.{day.year}"


def _link(name: str, *args) -> str:
    from avustus.messaging.receivers import site_url

    return site_url(reverse(name, args=args))


def _application_context(application: Application, language: str) -> dict:
    from avustus.messaging.receivers import _base_context

    return _base_context(application, language)


def call_deadline(now: datetime) -> Iterable[Reminder]:
    """Drafts of a published call whose deadline is a week or a day away: submit in time."""
    from avustus.messaging.receivers import lead_recipients

    soon = now + timedelta(days=max(BEFORE))
    drafts = (Application.objects.filter(status=Application.Status.DRAFT, call__status=Call.Status.PUBLISHED,
                                         call__closes_at__gt=now, call__closes_at__lte=soon)
              .select_related("call", "created_by").prefetch_related("members__organisation"))
    for application in drafts:
        closes = application.call.closes_at
        if closes is None:
            continue
        window = _window((closes - now).total_seconds() / 86400)
        if window is None:
            continue

        def context(language, application=application, closes=closes, window=window):
            local = timezone.localtime(closes)
            return {**_application_context(application, language), "closes_on": _date(local.date()),
                    "closes_at": f"{local:%H.%M}", "days": window}

        yield Reminder(f"call_deadline:{window}:{application.pk}:{closes:%Y%m%d%H%M}", "call_deadline_approaching",
                       lead_recipients(application), context, application)


def rectification_period(now: datetime) -> Iterable[Reminder]:
    """The time to request rectification of a decision ends in a week: said once to the recipient's people."""
    from avustus.messaging.receivers import lead_recipients

    today = timezone.localdate(now)
    ending = (Notification.objects.filter(rectification_deadline__gte=today,
                                          rectification_deadline__lte=today + timedelta(days=max(BEFORE)))
              .select_related("application__call", "application__created_by", "decision")
              .order_by("application", "rectification_deadline"))
    seen: set[tuple[int, int]] = set()
    for notification in ending:
        pair = (notification.decision_id, notification.application_id)
        if pair in seen or RectificationRequest.objects.filter(decision_id=pair[0], application_id=pair[1]).exists():
            continue  # the earliest notification's deadline counts; a request made needs no reminder
        seen.add(pair)
        application = notification.application

        def context(language, application=application, notification=notification):
            return {**_application_context(application, language),
                    "deadline": _date(notification.rectification_deadline),
                    "letter_link": _link("letter", application.reference, document_language(language), "pdf")}

        yield Reminder(f"rectification_period:{notification.decision_id}:{application.pk}",
                       "rectification_period_ending", lead_recipients(application), context, application,
                       notification.decision)


def rectification_overdue(now: datetime) -> Iterable[Reminder]:
    """A rectification request still undecided a month after it arrived: the programme's officials are told."""
    today = timezone.localdate(now)
    overdue = (RectificationRequest.objects.exclude(status=RectificationRequest.Status.DECIDED)
               .filter(received_on__lte=today - timedelta(days=RECTIFICATION_OVERDUE_DAYS))
               .select_related("application__call__programme", "decision"))
    for request in overdue:
        programme = request.application.call.programme
        officials = preparers_of(programme)
        targets = [Recipient(address_of(user), language_of(user), user) for user in officials if address_of(user)]
        application = request.application

        def context(language, application=application, request=request):
            return {**_application_context(application, language), "received_on": _date(request.received_on),
                    "days": RECTIFICATION_OVERDUE_DAYS,
                    "link": _link("officials-rectification", request.pk)}

        yield Reminder(f"rectification_overdue:{request.pk}", "rectification_overdue", targets, context, application,
                       request.decision)


# The finders run by ``remind``; a later stage (reports, payments) adds its own function here.
FINDERS: list[Callable[[datetime], Iterable[Reminder]]] = [call_deadline, rectification_period,
                                                           rectification_overdue]
FINDERS += [followup.report_due, followup.report_overdue]  # the funded project's reports


def remind(now: datetime | None = None, finders=None) -> int:
    """Queue every reminder due at ``now`` that has not been queued before; returns how many were queued."""
    from avustus.messaging.receivers import render

    now = now or timezone.now()
    queued = 0
    for find in FINDERS if finders is None else finders:
        with transaction.atomic():
            for reminder in find(now):
                for recipient in reminder.recipients:
                    key = f"{reminder.key}:{recipient.to.lower()}"[:250]
                    if outbox.OutboundMessage.objects.filter(key=key).exists():
                        continue  # rendered only when new
                    subject, body = render(reminder.event, recipient.language, reminder.context(recipient.language))
                    message = outbox.queue(reminder.event, to=recipient.to, language=recipient.language,
                                           subject=subject, body=body, application=reminder.application,
                                           decision=reminder.decision, user=recipient.user, key=key)
                    queued += message is not None
    return queued
