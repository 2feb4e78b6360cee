"""The demo's messages: its users and organisations have addresses at example.fi, so its own submissions
queue receipts; without AVUSTUS_EMAIL_URL it says where it writes them and its own worker (the same loop as
``avustus worker``, in a thread) writes them there until it is stopped; with the URL it runs none."""

import time

import pytest
from django.core.management import call_command
from django.utils import translation

from avustus.messaging.models import OutboundMessage
from avustus.web.management.commands.demo import demo_mail_folder, start_demo_worker, stop_demo_worker

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_demo_queues_its_receipts_and_its_own_worker_writes_them_to_a_folder(capsys, monkeypatch, settings,
                                                                               tmp_path):
    monkeypatch.delenv("AVUSTUS_EMAIL_URL", raising=False)
    monkeypatch.delenv("EMAIL_URL", raising=False)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # restored after the test
    settings.EMAIL_FILE_PATH = ""
    settings.DATA_DIR = tmp_path
    with translation.override("en"):
        call_command("demo", "--no-serve")
    assert f"Messages are written to {tmp_path / 'mail'}" in capsys.readouterr().out

    receipts = OutboundMessage.objects.filter(event="application_submitted")
    # Nine demo applications (three in each demo call), each receipted to the demo applicant and to
    # Hämeenlinna's registry office.
    assert sorted(set(receipts.values_list("to", flat=True))) == ["hameenlinna@example.fi",
                                                                   "kirjaamo.hameenlinna@example.fi"]
    assert receipts.count() == 18
    queued = OutboundMessage.objects.count()
    assert queued > 18  # the decided call's letters and its projects' messages too
    call_command("demo", "--no-serve")
    assert OutboundMessage.objects.count() == queued  # a second run queues nothing more

    # What the worker must write, read before it starts: while it runs this thread reads only the folder.
    # The test database is SQLite's shared in-memory one, where a read here holds a table lock that makes the
    # worker's write fail at once ("database table is locked"; a file with WAL, as deployed, lets readers
    # through): its task is then retried by the back-off a minute later, which is how polling the outbox from
    # here once left a message queued when the test looked.
    expected = set(OutboundMessage.objects.values_list("message_id", flat=True))
    worker = start_demo_worker(demo_mail_folder())
    try:
        missing = _wait_until_written(tmp_path / "mail", expected)
    finally:
        stop_demo_worker(worker)
    assert not worker[1].is_alive()
    unsent = list(OutboundMessage.objects.exclude(status="sent").values_list("pk", "event", "to", "status",
                                                                             "last_error"))
    assert not missing and not unsent, f"not written: {len(missing)} of {len(expected)}; not sent: {unsent}"
    written = _written(tmp_path / "mail")
    assert written.count("Message-ID: <avustus.") == queued  # each message written once
    assert all(written.count(f"Message-ID: {message_id}") == 1 for message_id in expected)


def _written(folder) -> str:
    # Bytes decoded leniently: a file may be read while the worker is half way through a character.
    return "".join(path.read_bytes().decode(errors="replace") for path in folder.iterdir()) if folder.exists() else ""


def _wait_until_written(folder, expected: set[str], bound: float = 600.0) -> set[str]:
    """The Message-IDs of ``expected`` not yet in the folder when all are there, or when ``bound`` seconds
    have passed (a generous bound for a loaded machine, never a measure of speed: a message the worker keeps
    failing is named by the assertion after it rather than waited on for ever)."""
    deadline = time.monotonic() + bound
    while True:
        written = _written(folder)
        missing = {message_id for message_id in expected if f"Message-ID: {message_id}" not in written}
        if not missing or time.monotonic() > deadline:
            return missing
        time.sleep(0.2)

def test_with_an_email_url_the_demo_runs_no_worker(monkeypatch, capsys):
    monkeypatch.setenv("AVUSTUS_EMAIL_URL", "smtp://127.0.0.1:2525")
    assert demo_mail_folder() is None
    with translation.override("en"):
        call_command("demo", "--no-serve")
    assert "sent by `avustus worker`" in capsys.readouterr().out
