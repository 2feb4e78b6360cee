"""A server killed in the middle of a burst of submissions loses no acknowledged submission and duplicates none.

The server is a real process (``crash_helper.py serve``, the production WSGI application) on a real
database of its own: a SQLite file in WAL mode under a temporary data directory, or, when the suite runs
on PostgreSQL (``DATABASE_URL``), a scratch database ``crash_<random>`` created and dropped here. Not the
test's database: pytest-django's lives inside a transaction no other process sees.

Clients submit every draft twice at once with the same ``Idempotency-Key`` (a double click) through the
JSON API, and the server is killed with SIGKILL as soon as a fixed number of submissions have been
acknowledged, so what is in flight at that moment is lost to the clients. Then:

1. the database as the crash left it holds every acknowledged submission, with the time the client was
   told, and one audit entry for each submitted application;
2. a restarted server answers every client's retry with the same key, submitting what was lost and
   returning, unchanged, what was already in;
3. at the end every application is submitted exactly once (one submission time, one audit entry), the
   audit chain verifies, and SQLite's own integrity check passes.
"""

import json
import secrets
import select
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from datetime import datetime
from pathlib import Path

import pytest

from tests.conftest import REPO, process_environment

pytestmark = pytest.mark.second_database  # a worker or server process on DATABASE_URL's database

HELPER = "tests.security.crash_helper"  # run as a module from the repository: it imports tests.process_setup
APPLICATIONS = 30
CLIENTS = 8
KILL_AFTER_ACKNOWLEDGEMENTS = 8
CSRF = secrets.token_hex(16)  # a 32-character CSRF secret, sent as cookie and header as a browser's script does


@pytest.fixture
def crash_env(tmp_path):
    """Environment variables naming a fresh database for the helper's processes, and the SQLite file if any."""
    with process_environment(tmp_path, "crash") as env:
        yield env, None if "DATABASE_URL" in env else tmp_path / "avustus.sqlite3"


def helper(env, *args) -> dict | list:
    done = subprocess.run([sys.executable, "-m", HELPER, *args], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


class Server:
    """The helper's server process; ``port`` once it listens."""

    def __init__(self, env, log: Path):
        with log.open("a") as errors:
            self.process = subprocess.Popen([sys.executable, "-m", HELPER, "serve"], cwd=REPO, env=env,
                                            stdout=subprocess.PIPE,
                                            stderr=errors, text=True)
        ready, _, _ = select.select([self.process.stdout], [], [], 30)
        line = self.process.stdout.readline() if ready else ""
        if not line.strip():
            self.stop()
            raise RuntimeError(f"the server did not start: {log.read_text()}")
        self.port = int(line)

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=30)
        self.process.stdout.close()


@pytest.fixture
def servers():
    """Every server started by the test, killed at the end whatever happens."""
    started: list[Server] = []
    yield started
    for server in started:
        server.stop()


def submit(port: int, draft: dict, key: str) -> tuple[int, dict | str] | None:
    """POST a submission; its status and body, or None when no whole answer came (refused, reset, cut short).

    Read by hand rather than with http.client, which takes a status line cut off by the kill for a whole
    answer with no headers and no body: an answer counts only with its headers ended and its body as long
    as it says.
    """
    request = (
        f"POST /api/v1/applications/{draft['reference']}/submit HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Idempotency-Key: {key}\r\nX-CSRFToken: {CSRF}\r\nCookie: csrftoken={CSRF}; sessionid={draft['session']}\r\n"
        "Content-Length: 0\r\nConnection: close\r\n\r\n"
    )
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
            sock.sendall(request.encode())
            raw = b"".join(iter(lambda: sock.recv(65536), b""))
    except OSError:
        return None
    head, ended, body = raw.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {name.strip().lower(): value.strip() for name, _, value in (h.partition(":") for h in header_lines)}
    if not ended or len(body) != int(headers.get("content-length", -1)):
        return None
    status = int(status_line.split()[1])
    return status, json.loads(body) if status == 200 else body.decode(errors="replace")


def instant(text: str) -> datetime:
    # The API writes milliseconds; compare the database's instants at that precision.
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def sqlite_integrity(path: Path) -> list[tuple]:
    with closing(sqlite3.connect(path)) as db:
        return db.execute("PRAGMA integrity_check").fetchall()


def states(env) -> dict[str, dict]:
    report = helper(env, "report")
    return {a["reference"]: a for a in report["applications"]}


def test_a_killed_server_loses_no_acknowledged_submission_and_duplicates_none(crash_env, servers):
    env, sqlite_file = crash_env
    log = Path(env["AVUSTUS_DATA_DIR"]) / "server.log"  # errors of both servers, shown when an assertion fails
    drafts = helper(env, "setup", str(APPLICATIONS))
    assert len(drafts) == APPLICATIONS
    keys = {d["reference"]: f"crash-{secrets.token_hex(8)}" for d in drafts}
    # Each draft submitted twice at once with one key, interleaved: a double click, or a client's quick retry.
    burst = [d for pair in zip(drafts, drafts, strict=True) for d in pair]

    server = Server(env, log)
    servers.append(server)
    acknowledged: dict[str, datetime] = {}
    answers: list[int] = []
    lock = threading.Lock()

    def first_attempt(draft: dict) -> bool:
        answer = submit(server.port, draft, keys[draft["reference"]])
        if answer is None:
            return False
        status, body = answer
        with lock:
            answers.append(status)
            if status == 200:
                told = acknowledged.setdefault(draft["reference"], instant(body["submitted_at"]))
                assert told == instant(body["submitted_at"]), "a double click was submitted twice"
                if answers.count(200) == KILL_AFTER_ACKNOWLEDGEMENTS:
                    server.kill()
        return status == 200

    with ThreadPoolExecutor(CLIENTS) as pool:
        outcomes = list(pool.map(first_attempt, burst))
    server.stop()

    assert set(answers) == {200}, f"answers other than 200 before the kill: {answers}\n{log.read_text()}"
    unacknowledged = [d for d, ok in zip(burst, outcomes, strict=True) if not ok]
    assert acknowledged and unacknowledged, "the kill did not fall in the middle of the burst"

    # 1. The database as the crash left it.
    if sqlite_file is not None:
        assert sqlite_integrity(sqlite_file) == [("ok",)]
    after_crash = states(env)
    for reference, told in acknowledged.items():
        state = after_crash[reference]
        assert state["status"] == "submitted" and instant(state["submitted_at"]) == told, reference
    for state in after_crash.values():
        assert len(state["submitted_entries"]) == (1 if state["status"] == "submitted" else 0), state
        assert (state["status"] == "submitted") == (state["submitted_at"] is not None), state

    # 2. Clients retry every unanswered request with its key; a client that was answered asks once more too.
    server = Server(env, log)
    servers.append(server)
    retries = unacknowledged + [d for d in drafts if d["reference"] in acknowledged]
    with ThreadPoolExecutor(CLIENTS) as pool:
        answers = list(pool.map(lambda d: submit(server.port, d, keys[d["reference"]]), retries))
    server.stop()
    assert [a[0] if a else None for a in answers] == [200] * len(retries), log.read_text()
    for draft, (_, body) in zip(retries, answers, strict=True):
        reference = draft["reference"]
        assert body["status"] == "submitted"
        if after_crash[reference]["status"] == "submitted":
            # Already in before the crash (answered or not): the retry returns it as it was.
            assert instant(body["submitted_at"]) == instant(after_crash[reference]["submitted_at"]), reference

    # 3. Every application submitted exactly once, the audit chain whole, the database sound.
    final = helper(env, "report")
    assert sorted(a["reference"] for a in final["applications"]) == sorted(keys)
    for state in final["applications"]:
        reference = state["reference"]
        assert state["status"] == "submitted" and state["submitted_entries"] == [keys[reference]], state
        if reference in acknowledged:
            assert instant(state["submitted_at"]) == acknowledged[reference]
    assert final["submitted_entries"] == APPLICATIONS
    verified = subprocess.run([sys.executable, "-m", "avustus.cli", "audit", "verify"], env=env,
                              capture_output=True, text=True, timeout=120)
    assert verified.returncode == 0, verified.stderr
    if sqlite_file is not None:
        assert sqlite_integrity(sqlite_file) == [("ok",)]
