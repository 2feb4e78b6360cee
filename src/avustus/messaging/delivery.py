"""Sending one outbox message, so that no message is sent twice automatically.

1. Under the row's lock: a message that is not ``queued``/``failed``, or not yet due, is left alone
   (another task has it, it is sent, or it waits for a person). Otherwise it is marked ``sending``
   and that is COMMITTED before the mail server hears of it.
2. The mail server is asked to take it.
3. ``sent``; or, when the server refused it or could not be reached at all (so it certainly did not take
   it), ``failed`` with the error and the next attempt by the back-off; or, when the conversation broke
   after the message may have been handed over, ``uncertain``.

A worker killed between 1 and 3 leaves the message ``sending``; ``outbox.mark_stale_uncertain`` makes it
``uncertain`` once the lease has passed. Only ``avustus outbox resend`` sends it again.
"""

import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone

from avustus.messaging.models import OutboundMessage

# Our retry policy (the ORM task backend has none): after the 1st failed attempt wait a minute, then
# 5 minutes, half an hour, 2 hours, 12 hours; a message that failed six times stays failed until an
# operator runs ``avustus outbox retry``.
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2),
           timedelta(hours=12))

# Errors after which the server certainly did not take the message: it said no, or we never got that far.
REFUSED = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError,
           smtplib.SMTPHeloError, smtplib.SMTPAuthenticationError, smtplib.SMTPNotSupportedError)

Status = OutboundMessage.Status


def next_attempt(attempts: int, now):
    """When to try again after ``attempts`` failed attempts; None when the policy gives up."""
    return now + BACKOFF[attempts - 1] if attempts <= len(BACKOFF) else None


def _claim(pk: int) -> OutboundMessage | None:
    now = timezone.now()
    with transaction.atomic():
        message = OutboundMessage.objects.select_for_update().filter(pk=pk).first()
        if message is None or message.status not in (Status.QUEUED, Status.FAILED):
            return None
        if message.next_attempt_at is None or message.next_attempt_at > now:
            return None  # a later task (the back-off's or an operator's retry) is due for it
        message.status = Status.SENDING
        message.sending_since = now
        message.attempts += 1
        message.save(update_fields=["status", "sending_since", "attempts"])
    return message


def _email(message: OutboundMessage, connection) -> EmailMessage:
    return EmailMessage(subject=message.subject, body=message.body, from_email=settings.DEFAULT_FROM_EMAIL,
                        to=[message.to], headers={"Message-ID": message.message_id,
                                                  "Content-Language": message.language},
                        connection=connection)


def _finish(message: OutboundMessage, status: str, error: str = "") -> None:
    from avustus.messaging.tasks import send_message

    now = timezone.now()
    with transaction.atomic():
        message.status = status
        message.sending_since = None
        message.last_error = error[:2000]
        message.sent_at = now if status == Status.SENT else None
        message.next_attempt_at = next_attempt(message.attempts, now) if status == Status.FAILED else None
        if status == Status.SENT and message.notifies:
            _record_notification(message, now)
        message.save(update_fields=["status", "sending_since", "last_error", "sent_at", "next_attempt_at",
                                    "notification"])
        if message.next_attempt_at is not None:
            send_message.using(run_after=message.next_attempt_at).enqueue(message.pk)


def _record_notification(message: OutboundMessage, now) -> None:
    """A decision letter went out: record it as electronic notification of its recipient, if they consented,
    in the same transaction as ``sent`` (neither without the other). Sent on the day the mail server took it
    (Helsinki's date), so the deemed receipt and the rectification deadline follow from that day."""
    from avustus.actors import SYSTEM
    from avustus.decisions.notifications import record_emailed
    from avustus.errors import DomainError

    if message.decision is None or message.application is None:
        return
    try:
        with transaction.atomic():
            message.notification = record_emailed(
                message.decision, message.application, user=message.user, recipient=message.to,
                sent_on=timezone.localdate(now), actor=SYSTEM)
    except DomainError as error:
        # The letter did go out; what could not be recorded is shown to operators and officials, who record
        # the notification by hand. Never unsend a sent message for it.
        message.last_error = f"notification not recorded: {error}"[:2000]


def deliver(pk: int) -> str:
    """Send message ``pk`` if it is due; return its status afterwards (or "skipped")."""
    message = _claim(pk)
    if message is None:
        return "skipped"
    connection = get_connection(fail_silently=False)
    try:
        connection.open()  # nothing has been handed over if this fails
    except Exception as error:  # noqa: BLE001 - any failure to connect leaves the message unsent
        _finish(message, Status.FAILED, f"{type(error).__name__}: {error}")
        return message.status
    try:
        connection.send_messages([_email(message, connection)])
    except REFUSED as error:
        _finish(message, Status.FAILED, f"{type(error).__name__}: {error}")
    except Exception as error:  # noqa: BLE001 - the server may have taken it before the line broke
        _finish(message, Status.UNCERTAIN, f"{type(error).__name__}: {error}")
    else:
        _finish(message, Status.SENT)
    finally:
        try:
            connection.close()
        except Exception:  # noqa: BLE001, S110 - the message's fate is recorded; a failing QUIT changes nothing
            pass
    return message.status
