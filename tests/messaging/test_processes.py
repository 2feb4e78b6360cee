"""The "done when" with every part a real process: an application submitted over HTTP to the production WSGI
application (``tests/security/crash_helper.py serve``) queues its receipts; ``avustus worker --until-idle``,
with ``AVUSTUS_EMAIL_URL`` naming an SMTP server on 127.0.0.1, delivers them once; running it again delivers
nothing more; ``avustus outbox --json`` shows them sent. On a database of the processes' own (a SQLite file,
or a scratch PostgreSQL database when DATABASE_URL names one)."""

import json
import subprocess
import sys

import pytest

from tests.messaging.smtp import SMTPServer
from tests.messaging.test_kill import helper as outbox_helper
from tests.security.test_crash import Server, crash_env, servers, submit  # noqa: F401 (fixtures)
from tests.security.test_crash import helper as crash_helper

pytestmark = pytest.mark.second_database


def avustus(env, *args) -> str:
    done = subprocess.run([sys.executable, "-m", "avustus.cli", *args], env=env, capture_output=True, text=True,
                          timeout=180)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_receipt_of_a_submission_over_http_goes_out_once_through_the_email_url(crash_env, servers, tmp_path):
    env, _sqlite = crash_env
    smtp = SMTPServer().start()
    try:
        env = {**env, "AVUSTUS_EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}?timeout=10"}
        (draft,) = crash_helper(env, "setup", "1")
        addresses = outbox_helper(env, "addresses")
        server = Server(env, tmp_path / "server.log")
        servers.append(server)

        status, body = submit(server.port, draft, "receipt-1")
        assert status == 200 and body["status"] == "submitted"
        queued = json.loads(avustus(env, "outbox", "--json"))
        assert {(row["to"], row["status"], row["event"]) for row in queued} == {
            (address, "queued", "application_submitted") for address in addresses}

        avustus(env, "worker", "--until-idle")
        avustus(env, "worker", "--until-idle")

        assert sorted(m["To"] for m in smtp.recorder.accepted) == sorted(addresses)
        assert all(draft["reference"] in m["Subject"] for m in smtp.recorder.accepted)
        rows = json.loads(avustus(env, "outbox", "--json"))
        assert {(row["to"], row["status"], row["attempts"]) for row in rows} == {
            (address, "sent", 1) for address in addresses}
    finally:
        smtp.stop()
