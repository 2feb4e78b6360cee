"""A worker killed with SIGKILL in the middle of a batch: every message ends ``sent`` exactly once or
``uncertain``, none lost and none sent twice, on SQLite and (when DATABASE_URL names it) PostgreSQL.

The worker is a real process (``avustus worker --until-idle``) on a database of its own (a SQLite file in
a temporary data directory, or a scratch PostgreSQL database), sending to a real SMTP server on loopback
that takes the first message and holds the second unanswered; the test kills the worker while it waits.
"""

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import process_environment
from tests.messaging.smtp import SMTPServer

pytestmark = pytest.mark.second_database  # a worker or server process on DATABASE_URL's database

HELPER = Path(__file__).with_name("outbox_helper.py")
MESSAGES = 5


@pytest.fixture
def worker_env(tmp_path):
    with process_environment(tmp_path, "outbox") as env:
        yield env


def helper(env, *args):
    done = subprocess.run([sys.executable, str(HELPER), *args], env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def worker(env) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "avustus.cli", "worker", "--until-idle"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def test_a_worker_killed_mid_batch_loses_nothing_and_sends_nothing_twice(worker_env):
    server = SMTPServer().start()
    try:
        env = {**worker_env, "AVUSTUS_EMAIL_URL": f"smtp://127.0.0.1:{server.port}"}
        ids = helper(env, "setup", str(MESSAGES))
        server.recorder.hold_after = 1

        first = worker(env)
        assert server.recorder.holding.wait(timeout=120), first.stderr.read() if first.poll() is not None else ""
        state = {m["id"]: m for m in helper(env, "state")}
        held = [m for m in state.values() if m["status"] == "sending"]
        assert len(held) == 1  # marked sending, and committed, before the server heard of it
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
        first.stderr.close()
        server.recorder.hold_after = None
        server.recorder.release.set()

        # Within the lease the message is left to its (dead) worker; the rest of the batch goes out.
        again = subprocess.run([sys.executable, "-m", "avustus.cli", "worker", "--until-idle"], env=env,
                               capture_output=True, text=True, timeout=180)
        assert again.returncode == 0, again.stderr
        assert helper(env, "state")[ids.index(held[0]["id"])]["status"] == "sending"

        helper(env, "lease-passed")
        last = subprocess.run([sys.executable, "-m", "avustus.cli", "worker", "--until-idle"], env=env,
                              capture_output=True, text=True, timeout=180)
        assert last.returncode == 0, last.stderr

        final = helper(env, "state")
        received = server.recorder.message_ids()
        assert len(received) == len(set(received))  # nothing twice
        for message in final:
            if message["id"] == held[0]["id"]:
                assert message["status"] == "uncertain"
                assert message["message_id"] not in received
            else:
                assert message["status"] == "sent"
                assert received.count(message["message_id"]) == 1
        assert len(received) == MESSAGES - 1
    finally:
        server.stop()


def test_two_workers_at_once_send_each_message_once(worker_env):
    server = SMTPServer().start()
    try:
        env = {**worker_env, "AVUSTUS_EMAIL_URL": f"smtp://127.0.0.1:{server.port}"}
        helper(env, "setup", "16")

        workers = [worker(env) for _ in range(2)]
        for process in workers:
            assert process.wait(timeout=180) == 0, process.stderr.read()
            process.stderr.close()

        final = helper(env, "state")
        received = server.recorder.message_ids()
        assert sorted(received) == sorted(m["message_id"] for m in final)  # each once, none twice
        assert {(m["status"], m["attempts"]) for m in final} == {("sent", 1)}
    finally:
        server.stop()
