"""The outbox: ``queue`` writes a message and its send task in the caller's transaction; the operators'
questions and actions (list, retry the failed, resend one uncertain) are here too.

A message is never sent twice automatically. Its row is the truth: a send task only sends a message that
is ``queued`` or ``failed`` and due, and marks it ``sending`` (committed) before it talks to the mail
server; a message found ``sending`` after its worker died becomes ``uncertain`` and waits for a person.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from avustus.errors import Conflict, NotFound
from avustus.messaging.models import OutboundMessage
from avustus.prepared import PreparedInsert

# How long a message may stay ``sending`` before its worker counts as dead. Longer than any SMTP
# conversation (Django's EMAIL_TIMEOUT, if set, bounds one).
DEFAULT_SENDING_LEASE = timedelta(minutes=10)


def sending_lease() -> timedelta:
    seconds = getattr(settings, "MESSAGING_SENDING_LEASE_SECONDS", None)
    return DEFAULT_SENDING_LEASE if seconds is None else timedelta(seconds=int(seconds))


def new_message_id() -> str:
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip("<> ") or "avustus.invalid"
    return f"<avustus.{timezone.now():%Y%m%d%H%M%S}.{secrets.token_hex(12)}@{domain}>"


# Every submission's receipt (the deadline burst's): compiled once (avustus.prepared).
_INSERT_MESSAGE = PreparedInsert(OutboundMessage)


def queue(event: str, *, to: str, language: str, subject: str, body: str, application=None, decision=None,
          user=None, key: str | None = None, notifies: bool = False) -> OutboundMessage | None:
    """Write a message to be sent and enqueue its send task, both in the caller's transaction.

    With a ``key``, a message already queued under it (by an earlier run of ``avustus remind``, say) is
    not queued again: None is returned. The unique key decides, so two runs at once queue it once.
    """
    from avustus.messaging.tasks import send_message

    if key is not None and OutboundMessage.objects.filter(key=key).exists():
        return None
    try:
        # With a key, a savepoint: a lost race on the key leaves the caller's transaction usable. Without one
        # nothing is expected to fail here, and an error rolls back the caller's transaction with it: no
        # SAVEPOINT and RELEASE around every submission's receipt (docs/performance.md).
        with transaction.atomic(savepoint=key is not None):
            message = _INSERT_MESSAGE.create(
                to=to, event=event, language=language, subject=subject, body=body, application=application,
                decision=decision, user=user, message_id=new_message_id(), next_attempt_at=timezone.now(),
                key=key, notifies=notifies,
            )
            send_message.enqueue(message.pk)
    except IntegrityError:
        if key is None:
            raise
        return None
    return message


def listing(status: str | None = None) -> list[dict]:
    """The outbox as operators read it (``avustus outbox --json``)."""
    messages = OutboundMessage.objects.all()
    if status:
        messages = messages.filter(status=status)
    return [{"id": m.pk, "to": m.to, "subject": m.subject, "event": m.event, "status": m.status,
             "attempts": m.attempts, "last_error": m.last_error,
             "next_attempt_at": m.next_attempt_at.isoformat() if m.next_attempt_at else None,
             "sent_at": m.sent_at.isoformat() if m.sent_at else None} for m in messages]


def retry_failed() -> int:
    """Make every ``failed`` message due now, each with a send task of its own (the mail server is back).
    Returns how many."""
    from avustus.messaging.tasks import send_message

    now = timezone.now()
    with transaction.atomic():
        ids = list(OutboundMessage.objects.select_for_update().filter(status=OutboundMessage.Status.FAILED)
                   .values_list("pk", flat=True))
        OutboundMessage.objects.filter(pk__in=ids).update(next_attempt_at=now)
        for pk in ids:
            send_message.enqueue(pk)
    return len(ids)


def resend(pk: int) -> OutboundMessage:
    """A person's decision to send again a message that is ``uncertain`` (or ``failed``): queued, due now,
    same Message-ID."""
    from avustus.messaging.tasks import send_message

    with transaction.atomic():
        message = OutboundMessage.objects.select_for_update().filter(pk=pk).first()
        if message is None:
            raise NotFound(_("There is no message %(id)s.") % {"id": pk})
        if message.status not in (OutboundMessage.Status.UNCERTAIN, OutboundMessage.Status.FAILED):
            raise Conflict(_("Message %(id)s is %(status)s: only an uncertain or failed message can be resent.")
                           % {"id": pk, "status": message.get_status_display()})
        message.status = OutboundMessage.Status.QUEUED
        message.next_attempt_at = timezone.now()
        message.sending_since = None
        message.save(update_fields=["status", "next_attempt_at", "sending_since"])
        send_message.enqueue(message.pk)
    return message


def mark_stale_uncertain(now=None) -> int:
    """Messages left ``sending`` longer than the lease (their worker died): ``uncertain``. Returns how many."""
    now = now or timezone.now()
    return OutboundMessage.objects.filter(
        status=OutboundMessage.Status.SENDING, sending_since__lt=now - sending_lease(),
    ).update(status=OutboundMessage.Status.UNCERTAIN, last_error="the worker stopped while sending")
