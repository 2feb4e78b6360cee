"""The demo's messages: its users and organisations have addresses at example.fi, so its own submissions
queue receipts; without AVUSTUS_EMAIL_URL it says where it writes them and its own worker (the same loop as
``avustus worker``, in a thread) writes them there until it is stopped; with the URL it runs none."""

import time

import pytest
from django.core.management import call_command
from django.db import OperationalError
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

    worker = start_demo_worker(demo_mail_folder())
    try:
        for _ in range(600):  # until the worker has written them all (not a timing assertion: it just waits)
            try:
                if not OutboundMessage.objects.exclude(status="sent").exists():
                    break
            except OperationalError:  # the test database is SQLite's shared in-memory one: the worker's write
                pass  # holds a table lock there (a file with WAL, as deployed, lets readers through)
            time.sleep(0.1)
    finally:
        stop_demo_worker(worker)
    assert not worker[1].is_alive()
    assert set(OutboundMessage.objects.values_list("status", flat=True)) == {"sent"}
    written = "".join(path.read_text() for path in (tmp_path / "mail").iterdir())
    assert written.count("Message-ID: <avustus.") == queued  # each message written once


def test_with_an_email_url_the_demo_runs_no_worker(monkeypatch, capsys):
    monkeypatch.setenv("AVUSTUS_EMAIL_URL", "smtp://127.0.0.1:2525")
    assert demo_mail_folder() is None
    with translation.override("en"):
        call_command("demo", "--no-serve")
    assert "sent by `avustus worker`" in capsys.readouterr().out
