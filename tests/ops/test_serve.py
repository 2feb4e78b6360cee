"""``avustus serve``: the production server starts, answers /healthz, /livez and its static files, stops on
SIGTERM by itself, and picks up again after PostgreSQL dropped every connection it had (CONN_HEALTH_CHECKS).

The server runs as a real process on a database of its own (``process_environment``): a SQLite file under a
temporary data directory, or a scratch PostgreSQL database when ``DATABASE_URL`` names one.
"""

import json
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import closing

import pytest

from tests.conftest import process_environment

pytestmark = pytest.mark.second_database


def free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port: int, path: str):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as response:  # noqa: S310
            return response.status, response.read(), response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers


@pytest.fixture
def server(tmp_path):
    """A running ``avustus serve`` (one worker, two threads): (process, port, env)."""
    with process_environment(tmp_path, "serve") as env:
        done = subprocess.run([sys.executable, "-m", "avustus", "migrate", "-v0"], env=env, capture_output=True,
                              text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        port = free_port()
        log = (tmp_path / "serve.log").open("w")
        process = subprocess.Popen([sys.executable, "-m", "avustus", "serve", "--port", str(port), "--workers", "1",
                                    "--threads", "2"], env=env, stdout=log, stderr=log)
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    if get(port, "/livez")[0] == 200:
                        break
                except OSError:
                    pass
                assert process.poll() is None, (tmp_path / "serve.log").read_text()
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
            yield process, port, env
        finally:
            # SIGTERM, not SIGKILL: a killed granian leaves its worker processes behind, still listening.
            if process.poll() is None:
                process.terminate()
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=30)
            log.close()


def test_serve_answers_health_and_static_files_then_stops_on_sigterm(server):
    process, port, _env = server
    status, body, _headers = get(port, "/healthz")
    assert status == 200 and json.loads(body) == {"status": "ok", "database": "ok"}
    status, body, headers = get(port, "/static/avustus/avustus.css")
    assert status == 200 and body and headers["Content-Type"].startswith("text/css")
    status, _body, _headers = get(port, "/calls/")
    assert status == 200
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == 0  # a clean exit of its own, not a kill
    with pytest.raises(OSError):
        get(port, "/livez")


def test_a_body_over_the_limit_is_refused_before_it_is_read(server):
    _process, port, _env = server
    with closing(socket.create_connection(("127.0.0.1", port), timeout=30)) as sock:
        sock.sendall(b"POST /api/v1/applications HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 999999999\r\n\r\n{")
        answer = sock.recv(4096).decode()
    assert answer.startswith("HTTP/1.1 413") and '"errors"' in answer


def test_the_server_reconnects_by_itself_after_postgres_dropped_its_connections(server):
    _process, port, env = server
    if "DATABASE_URL" not in env:
        pytest.skip("PostgreSQL only: an SQLite file does not go away")
    import psycopg

    assert get(port, "/healthz")[0] == 200  # the worker's thread now holds a persistent connection
    name = env["DATABASE_URL"].rsplit("/", 1)[-1]
    with psycopg.connect(env["DATABASE_URL"], autocommit=True) as admin:
        dropped = admin.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                "WHERE datname = %s AND pid <> pg_backend_pid()", (name,)).fetchone()[0]
    assert dropped >= 1
    # Every request after that is answered as usual: the dead connection is noticed and replaced.
    assert [get(port, "/healthz")[0] for _ in range(6)] == [200] * 6


def test_kept_alive_connections_beyond_the_threads_are_all_served(server):
    # Granian's backpressure counts accepted connections, not requests in flight: when it was the threads (2
    # here), a third client holding its connection open was not answered until one of the first two closed.
    _process, port, _env = server
    connections = [socket.create_connection(("127.0.0.1", port), timeout=30) for _ in range(8)]
    try:
        for _round in range(2):  # the second round goes over the same, kept-alive connections
            for sock in connections:
                sock.sendall(b"GET /livez HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            answers = [_read_answer(sock) for sock in connections]
            assert answers == [b"HTTP/1.1 200 OK"] * 8
    finally:
        for sock in connections:
            sock.close()


def _read_answer(sock) -> bytes:
    """The status line of one answer, read whole (head and body) from a kept-alive connection."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        assert chunk, "the connection was closed"
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    length = next(int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                  if line.lower().startswith(b"content-length:"))
    while len(body) < length:
        chunk = sock.recv(4096)
        assert chunk, "the connection was closed"
        body += chunk
    assert len(body) == length  # nothing of a next answer read: one request at a time
    return head.split(b"\r\n", 1)[0]
