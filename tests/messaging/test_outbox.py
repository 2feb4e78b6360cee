"""The outbox and the worker against a real SMTP server on loopback: each message is sent once, a failure
is recorded and retried, and what a rolled-back change wrote is gone with it."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from avustus.messaging import outbox
from avustus.messaging.models import OutboundMessage
from tests.messaging.smtp import SMTPServer, free_port

pytestmark = pytest.mark.django_db(transaction=True)


def queue_one(n: int = 1, **kwargs) -> OutboundMessage:
    return outbox.queue("test", to=f"vastaanottaja{n}@example.fi", language="fi", subject=f"Viesti {n}",
                        body=f"Sisältö {n}\n", **kwargs)


def work() -> None:
    call_command("worker", until_idle=True)


def test_the_worker_sends_each_message_once_over_smtp(smtp_server, mail_to):
    mail_to(smtp_server.port)
    messages = [queue_one(n) for n in (1, 2, 3)]

    work()
    work()

    received = smtp_server.recorder.accepted
    assert sorted(m["To"] for m in received) == [f"vastaanottaja{n}@example.fi" for n in (1, 2, 3)]
    assert sorted(smtp_server.recorder.message_ids()) == sorted(m.message_id for m in messages)
    assert received[0]["Subject"].startswith("Viesti ")
    for message in messages:
        message.refresh_from_db()
        assert (message.status, message.attempts, message.last_error) == ("sent", 1, "")
        assert message.sent_at is not None


def test_with_the_server_down_the_error_is_kept_and_retry_sends_once(mail_to):
    port = free_port()  # nothing listens here yet
    mail_to(port)
    message = queue_one()

    before = timezone.now()
    work()
    after = timezone.now()

    message.refresh_from_db()
    assert message.status == "failed"
    assert message.attempts == 1
    assert "ConnectionRefused" in message.last_error
    # The back-off: the next attempt a minute on, and --until-idle does not wait for it.
    assert before + timedelta(minutes=1) <= message.next_attempt_at <= after + timedelta(minutes=1)
    work()
    message.refresh_from_db()
    assert message.attempts == 1

    server = SMTPServer(port).start()
    try:
        out = StringIO()
        call_command("outbox", "retry", stdout=out)
        work()
        assert server.recorder.message_ids() == [message.message_id]
        message.refresh_from_db()
        assert (message.status, message.attempts) == ("sent", 2)

        # The back-off's own task comes due later: it finds the message sent and sends nothing.
        DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
        work()
        assert server.recorder.message_ids() == [message.message_id]
    finally:
        server.stop()


def test_a_refusing_server_leaves_the_message_failed_not_uncertain(smtp_server, mail_to):
    mail_to(smtp_server.port)
    smtp_server.recorder.hold_after = 0
    smtp_server.recorder.release.set()  # answer DATA at once, with 451
    message = queue_one()

    work()

    message.refresh_from_db()
    assert message.status == "failed"
    assert "SMTPDataError" in message.last_error
    assert smtp_server.recorder.accepted == []


def test_the_back_off_gives_up_after_six_attempts(mail_to):
    mail_to(free_port())
    message = queue_one()
    for _ in range(6):
        OutboundMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
        DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
        work()
    message.refresh_from_db()
    assert (message.status, message.attempts, message.next_attempt_at) == ("failed", 6, None)
    assert not DBTaskResult.objects.filter(status="READY").exists()


def test_a_rolled_back_change_leaves_no_message_and_no_task(mail_to):
    mail_to(free_port())
    with pytest.raises(RuntimeError), transaction.atomic():
        queue_one()
        raise RuntimeError("the change failed")

    assert not OutboundMessage.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_a_committed_change_has_its_message_and_its_task():
    with transaction.atomic():
        message = queue_one()

    task = DBTaskResult.objects.get()
    assert task.task_path == "avustus.messaging.tasks.send_message"
    assert task.args_kwargs["args"] == [message.pk]


def test_a_message_left_sending_by_a_dead_worker_becomes_uncertain_and_is_not_sent(smtp_server, mail_to):
    mail_to(smtp_server.port)
    message = queue_one()
    # As a worker killed mid-conversation leaves it: marked sending (committed), its task claimed.
    OutboundMessage.objects.filter(pk=message.pk).update(
        status="sending", attempts=1, sending_since=timezone.now() - timedelta(hours=1))
    DBTaskResult.objects.update(status="RUNNING")

    work()

    message.refresh_from_db()
    assert message.status == "uncertain"
    assert smtp_server.recorder.accepted == []

    # A person resends it: the same Message-ID, once.
    call_command("outbox", "resend", str(message.pk), stdout=StringIO())
    work()
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 2)
    assert smtp_server.recorder.message_ids() == [message.message_id]
    with pytest.raises(CommandError, match="vain epävarman tai epäonnistuneen viestin"):
        call_command("outbox", "resend", str(message.pk), stdout=StringIO())  # Finnish, the site's language
    assert server_received_once(smtp_server, message)


def server_received_once(server, message) -> bool:
    work()
    return server.recorder.message_ids() == [message.message_id]


def test_a_message_sending_within_its_lease_is_left_to_its_worker(smtp_server, mail_to):
    mail_to(smtp_server.port)
    message = queue_one()
    OutboundMessage.objects.filter(pk=message.pk).update(status="sending", attempts=1, sending_since=timezone.now())

    work()

    message.refresh_from_db()
    assert message.status == "sending"
    assert smtp_server.recorder.accepted == []


def test_the_outbox_command_lists_messages_as_json(mail_to):
    sent = queue_one(1)
    queue_one(2)
    OutboundMessage.objects.filter(pk=sent.pk).update(status="sent", attempts=1)

    out = StringIO()
    call_command("outbox", "--status", "sent", "--json", stdout=out)
    rows = json.loads(out.getvalue())
    assert [{k: row[k] for k in ("id", "to", "subject", "event", "status", "attempts")} for row in rows] == [
        {"id": sent.pk, "to": "vastaanottaja1@example.fi", "subject": "Viesti 1", "event": "test",
         "status": "sent", "attempts": 1}]


def test_a_failing_task_is_retried_by_the_back_off_then_given_up():
    from tests.messaging.sample_tasks import always_fails

    always_fails.enqueue()
    before = timezone.now()
    work()
    after = timezone.now()
    task = DBTaskResult.objects.get()
    assert task.status == "READY"
    assert "the remote service is down" in task.traceback
    assert before + timedelta(minutes=1) <= task.run_after <= after + timedelta(minutes=1)

    for _ in range(5):
        DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
        work()
    task.refresh_from_db()
    assert task.status == "FAILED"
    assert len(task.worker_ids) == 6


def test_a_failed_message_is_resent_by_a_person_once(mail_to):
    port = free_port()
    mail_to(port)
    message = queue_one()
    work()
    message.refresh_from_db()
    assert message.status == "failed"

    server = SMTPServer(port).start()
    try:
        out = StringIO()
        call_command("outbox", "resend", str(message.pk), stdout=out)
        assert str(message.pk) in out.getvalue()
        work()
        work()
        message.refresh_from_db()
        assert (message.status, message.attempts) == ("sent", 2)
        assert server.recorder.message_ids() == [message.message_id]  # the same Message-ID, once
    finally:
        server.stop()


def test_resending_an_unknown_message_is_refused_and_changes_nothing(mail_to):
    mail_to(free_port())
    message = queue_one()
    with pytest.raises(CommandError, match=str(message.pk + 1000)):
        call_command("outbox", "resend", str(message.pk + 1000), stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("outbox", "resend", stdout=StringIO())  # no id at all
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("queued", 0)
    assert DBTaskResult.objects.count() == 1
