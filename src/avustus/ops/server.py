"""The production server: granian serving ``avustus.wsgi`` from several processes, each with a few threads.

Granian was chosen by measurement (``docs/performance.md``): on this project's liveness route it answered
more requests a second than gunicorn's sync and threaded workers on the same two cores. The settings here
are the ones a deployment needs and granian's defaults do not give:

- threads: granian's default for WSGI is half its backlog (512 threads a process, and as many database
  connections); a few threads a process keep the interpreter busy without queueing inside Python: the
  requests beyond them wait in granian's queue (Rust), not in Python;
- connections: granian's ``backpressure`` caps the connections a process has *accepted*, not the requests
  in flight: a kept-alive connection holds its place while idle. It was once set to the threads (4), and
  then eight of the deadline burst's 16 keep-alive clients were not served at all until others closed
  their connections (each timed out three times in a 30 s burst: docs/performance.md). ``CONNECTIONS``
  a process is what a load balancer's pool of kept-alive connections needs, with room;
- timeouts: a client has ``HEADER_TIMEOUT_MS`` to send its request's headers (slow clients cannot hold a
  thread); a worker still busy ``SHUTDOWN_SECONDS`` after SIGTERM is killed;
- SIGTERM and SIGINT stop accepting, let the requests in flight finish and then exit (granian's own);
- a worker that dies is started again;
- request bodies are limited by ``avustus.wsgi`` (``AVUSTUS_MAX_REQUEST_BYTES``) before Django reads them;
- static files are served by WhiteNoise inside the application (compressed, cached by their hashed names
  where they have them), so that the same headers hold whatever server runs it.

The server is started by replacing this process with granian's (``exec``): signals reach granian directly
and its workers start from a clean interpreter, not a fork of one that has already opened the database.
"""

import os
import sys

HEADER_TIMEOUT_MS = 10_000
SHUTDOWN_SECONDS = 30
CONNECTIONS = 256  # accepted connections a process (granian's --backpressure); the rest wait in the backlog
IDLE_THREAD_SECONDS = 120  # above CONN_MAX_AGE: a thread's persistent connection is reused, not orphaned


def default_workers() -> int:
    return max(2, os.cpu_count() or 1)


def granian_argv(*, host: str, port: int, workers: int, threads: int, access_log: bool = False) -> list[str]:
    """The command line that serves the application with granian (``python -m granian ...``)."""
    argv = [
        sys.executable, "-m", "granian", "--interface", "wsgi", "--host", host, "--port", str(port),
        "--workers", str(workers), "--blocking-threads", str(threads), "--backpressure", str(CONNECTIONS),
        "--blocking-threads-idle-timeout", str(IDLE_THREAD_SECONDS),
        "--http", "1", "--http1-header-read-timeout", str(HEADER_TIMEOUT_MS),
        "--workers-kill-timeout", str(SHUTDOWN_SECONDS), "--respawn-failed-workers",
        "--no-ws", "--log-level", "warning",
    ]
    argv.append("--access-log" if access_log else "--no-access-log")
    return [*argv, "avustus.wsgi:application"]


def exec_server(argv: list[str]) -> None:
    """Replace this process with the server; the database connections this process opened are closed first."""
    from django.db import connections

    connections.close_all()
    sys.stdout.flush()
    sys.stderr.flush()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "avustus.settings")
    os.execv(argv[0], argv)  # noqa: S606 - our own interpreter with fixed arguments
