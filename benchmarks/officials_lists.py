"""The officials' lists of a national round over HTTP: the queries and the median time of the first, 50th and last page.

Self-contained: given an empty database (a throwaway SQLite one by default, PostgreSQL when ``DATABASE_URL``
names one), it migrates, generates a round of N applications (``avustus generate``: every municipality,
consortia, budgets, screenings, two scored reviews each, and an earlier round decided with its funded
projects), logs an official in (a session row, its cookie sent with every request), starts ``avustus serve``
on a free loopback port and, for the screening, evaluation, proposal, funded projects and public lists,
requests the first page, the 50th (reached by following "next" 49 times, as a reader would) and the last,
20 times each over HTTP (one keep-alive connection, one request at a time): the median is ``p50_ms``. The
query count is of the same page requested through Django's test client in-process (transaction control
statements not counted), with the median processor time of those requests (``cpu_p50_ms``: this process's
Python, templates and driver, not the database server's), which depends far less on other work sharing the
machine than the wall time does. The public list is read anonymously, as the public reads it.

    uv run python benchmarks/officials_lists.py --size 20000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<empty database> \\
        uv run python benchmarks/officials_lists.py --size 20000 --json

``--reuse`` skips the migration and the generation when the database already holds the seed's round (to
measure again after a change without waiting for the generation; with SQLite, give ``AVUSTUS_DATA_DIR``).
"""

import argparse
import html
import http.client
import json
import os
import platform
import re
import shlex
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from deadline_burst import free_port, start_server  # the same server start as the burst's

REPEAT = 20
PROJECTS_HISTORY = 3000  # the earlier round's size: about 2,600 funded projects, 53 pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=20000, help="applications in the round")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--history", type=int, default=None,
                        help=f"applications in each other round (default the larger of {PROJECTS_HISTORY:,} and "
                             "a tenth of --size; the earlier round's grants are the projects list)")
    parser.add_argument("--repeat", type=int, default=REPEAT, help="requests per page (the median is shown)")
    parser.add_argument("--workers", type=int, default=2, help="avustus serve --workers")
    parser.add_argument("--threads", type=int, default=4, help="avustus serve --threads")
    parser.add_argument("--reuse", action="store_true", help="use the seed's round if the database has it")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    args = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="avustus-bench-")
    os.environ.setdefault("AVUSTUS_DATA_DIR", scratch)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "avustus.settings")
    os.environ.setdefault("AVUSTUS_LOG_LEVEL", "ERROR")

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from avustus.calls.models import Call
    from avustus.ops.generate import generate

    history = args.history if args.history is not None else max(PROJECTS_HISTORY, args.size // 10)
    tag = f"s{args.seed}"
    generation_s = None
    if not (args.reuse and Call.objects.filter(slug=f"kuntadigi-2026-{tag}").exists()):
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        generate(applications=args.size, seed=args.seed, history=history)
        generation_s = time.perf_counter() - started
    official_user = get_user_model().objects.get(username=f"virkailija-{tag}")
    official = Client()
    official.force_login(official_user)  # a session row in the database, which the server reads too
    cookie = f"{settings.SESSION_COOKIE_NAME}={official.cookies[settings.SESSION_COOKIE_NAME].value}"
    anonymous = Client()
    current, earlier = f"kuntadigi-2026-{tag}", f"kuntadigi-2025-{tag}"
    lists = {"screening": (True, f"/rounds/{current}/screening/"),
             "evaluation": (True, f"/rounds/{current}/evaluation/"),
             "proposal": (True, f"/rounds/{current}/proposal/"),
             "projects": (True, f"/rounds/{earlier}/projects/"),
             "public": (False, f"/rounds/{current}/applications/")}
    connections.close_all()

    port = free_port()
    server = start_server(port, args.workers, args.threads, Path(scratch) / "serve.log")
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def fetch(url: str, logged_in: bool) -> tuple[str, float]:
        headers = {"Cookie": cookie} if logged_in else {}
        for attempt in (1, 2):
            begun = time.perf_counter()
            try:
                conn.request("GET", url, headers=headers)
                response = conn.getresponse()
                body = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server closed the idle keep-alive connection (the in-process counting took a while).
                conn.close()
                if attempt == 2:
                    raise
        elapsed = time.perf_counter() - begun
        if response.status != 200:
            sys.exit(f"{url}: HTTP {response.status}")
        return body.decode(), elapsed

    def in_process(url: str, logged_in: bool) -> tuple[int, float]:
        """The page's statements, and the median processor time of this process serving it (5 requests): Python,
        templates and the driver, not the database server's work; it moves far less than wall time with the load."""
        client = official if logged_in else anonymous
        cpu = []
        for _ in range(5):
            with CaptureQueriesContext(connection) as queries:
                begun = time.process_time()
                response = client.get(url)
                cpu.append(time.process_time() - begun)
            if response.status_code != 200:
                sys.exit(f"{url} (in-process): HTTP {response.status_code}")
        count = len([q for q in queries.captured_queries
                     if not re.match(r"(SAVEPOINT|RELEASE|ROLLBACK|BEGIN|COMMIT)", q["sql"])])
        return count, statistics.median(cpu)

    def link(body: str, marker: str, path: str) -> str | None:
        found = re.search(r'<a href="([^"]+)" ' + marker, body)
        return path + html.unescape(found.group(1)) if found else None

    pages = []
    try:
        for name, (logged_in, path) in lists.items():
            body, _elapsed = fetch(path, logged_in)  # warm: the first reader of a stale ranking computes it
            targets = {"first": path}
            url: str | None = path
            depth = 1
            for _ in range(49):
                following = link(body, 'rel="next"', path)
                if following is None:
                    break
                url, depth = following, depth + 1
                body, _elapsed = fetch(url, logged_in)
            targets["50th" if depth == 50 else f"page {depth} (the last)"] = url
            targets["last"] = link(body, 'class="last"', path) or url
            for page, target in targets.items():
                times = [fetch(target, logged_in)[1] for _ in range(args.repeat)]
                queries, cpu = in_process(target, logged_in)
                pages.append({"list": name, "page": page, "queries": queries,
                              "p50_ms": round(statistics.median(times) * 1000, 1),
                              "cpu_p50_ms": round(cpu * 1000, 1)})
    finally:
        conn.close()
        server.send_signal(signal.SIGTERM)  # not SIGKILL: a killed granian leaves its workers behind
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    command = ("DATABASE_URL=... " if engine == "postgresql" else "") + \
        "uv run python benchmarks/officials_lists.py " + shlex.join(sys.argv[1:])
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    if args.json:
        print(json.dumps({"size": args.size, "history": history, "database": engine,
                          "generation_s": round(generation_s, 1) if generation_s else None,
                          "server": f"avustus serve --workers {args.workers} --threads {args.threads}",
                          "load_average": load, "command": command, "pages": pages}))
        return
    generated = f"generated in {generation_s:.1f} s" if generation_s else "reused"
    print(f"# {platform.python_implementation()} {platform.python_version()}, {engine}, {args.size} applications "
          f"({generated}), avustus serve --workers {args.workers} --threads {args.threads}, median of {args.repeat}")
    print("| list | page | queries | p50 ms | CPU p50 ms (in-process) |\n| --- | --- | --- | --- | --- |")
    for row in pages:
        print(f"| {row['list']} | {row['page']} | {row['queries']} | {row['p50_ms']} | {row['cpu_p50_ms']} |")
    print(f"# load average when done: {load}")
    print("# reproduce:", command)


if __name__ == "__main__":
    main()
