"""The public open-data pages at N published applications: queries and time of the first, 50th and last page.

Self-contained: given an empty database (a throwaway SQLite one by default, PostgreSQL when ``DATABASE_URL``
names one), it migrates, generates the data set (``avustus generate``: a round of N applications over every
municipality, its earlier round of N/10 decided and signed, two other programmes' rounds), decides and signs
the big round too (the outcomes ``rules.allocation`` proposes, as the generator does for the earlier one), so
that N + N/10 applications are published, and times the rewrite of the published table (the signing's task). Then
it starts ``avustus serve`` on a free loopback port and, for the search (all, and filtered by outcome), the
page of the municipality with the most applications, and the programme's page, requests the first page, the
50th (reached by following "next" 49 times, as a reader would; as far as "next" goes if there are fewer) and
the last, each 20 times (keep-alive, one client), and prints the median and the 99th percentile, the number of
SQL statements of the same page through Django's test client in-process (nothing cached), and the load
average (``uptime``).

    uv run python benchmarks/open_data_pages.py --size 20000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<empty database> \
        uv run python benchmarks/open_data_pages.py --size 20000 --json
"""

import argparse
import http.client
import json
import os
import platform
import shlex
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from deadline_burst import free_port, percentile, start_server  # noqa: E402 - the same server start-up

REPEAT = 20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=20000, help="applications in the big round")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=REPEAT, help="requests per page (the median is shown)")
    parser.add_argument("--workers", type=int, default=2, help="avustus serve --workers")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    args = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="avustus-bench-")
    os.environ.setdefault("AVUSTUS_DATA_DIR", scratch)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "avustus.settings")
    os.environ.setdefault("AVUSTUS_HTTPS", "0")  # plain HTTP on the loopback; no redirect to https

    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.urls import reverse

    from avustus.calls.models import Call
    from avustus.opendata.published import refresh
    from avustus.opendata.selectors import organisation_applications
    from avustus.ops.generate import _decide, generate
    from avustus.registry.models import Organisation

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    generated = generate(applications=args.size, seed=args.seed)
    _decide(generated.round, generated.users)  # the big round decided and signed, as the earlier one is
    Call.objects.filter(pk=generated.round.pk).update(status=Call.Status.DECIDED)
    generation_s = time.perf_counter() - started
    started = time.perf_counter()
    refresh()  # what the task a signing queues does (a reader only when the change is small)
    refresh_s = time.perf_counter() - started

    setup_test_environment()  # the test client's responses carry their template context (the page's links)
    client = Client()
    programme = generated.round.programme
    body = max(Organisation.objects.filter(kind="municipality", valid_to__isnull=True)[:400],
               key=lambda o: organisation_applications(o).count())
    lists = {"search": (reverse("open-grants"), ""), "search rejected": (reverse("open-grants"), "outcome=rejected"),
             "municipality": (reverse("open-organisation", args=[body.key]), ""),
             "programme": (reverse("open-programme", args=[programme.slug]), "")}
    targets = []  # (list, page, url, queries)
    for name, (path, query) in lists.items():
        url = f"{path}?{query}" if query else path
        context = client.get(url).context
        targets.append((name, "first", url))
        n = 1
        while n < 50 and "next" in context["page"].links:
            url = path + context["page"].links["next"]
            context = client.get(url).context
            n += 1
        targets.append((name, f"{n}th" if n == 50 else f"{n} (of {context['page'].num_pages})", url))
        first = client.get(targets[-2][2]).context["page"]
        if "last" in first.links:
            targets.append((name, "last", path + first.links["last"]))
    counted = []
    for name, page, url in targets:
        cache.clear()  # counted with nothing cached: the search's totals and choices are read once per signing
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
        counted.append((name, page, url, sum(1 for q in queries if not _control(q["sql"]))))
    connection.close()

    port = free_port()
    server = start_server(port, args.workers, 2, Path(scratch) / "serve.log")
    rows = []
    try:
        http_client = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for name, page, url, queries in counted:
            times = []
            for _ in range(args.repeat + 1):
                started = time.perf_counter()
                http_client.request("GET", url, headers={"Host": "127.0.0.1", "Accept-Language": "fi"})
                response = http_client.getresponse()
                response.read()
                times.append((time.perf_counter() - started) * 1000)
                if response.status != 200:
                    raise SystemExit(f"{url}: HTTP {response.status}")
            times = times[1:]  # the first request of a worker loads templates and translations
            rows.append({"list": name, "page": page, "queries": queries, "p50_ms": round(statistics.median(times), 1),
                         "p99_ms": round(percentile(times, 0.99), 1), "url": url})
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
    load = subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()  # noqa: S607
    result = {"database": connection.vendor, "size": args.size, "published": args.size + max(1, args.size // 10),
              "generation_s": round(generation_s, 1), "refresh_s": round(refresh_s, 2), "uptime": load,
              "pages": rows}
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"# {platform.python_implementation()} {platform.python_version()}, {connection.vendor}, "
          f"{result['published']} published applications; generated in {generation_s:.1f} s, "
          f"published table written in {refresh_s:.2f} s")
    print(f"# {load}")
    print(f"# reproduce: {shlex.join(sys.argv)}")
    print(f"| {'list':<16} | {'page':<14} | queries | p50 ms | p99 ms |")
    for row in rows:
        print(f"| {row['list']:<16} | {row['page']:<14} | {row['queries']:>7} | {row['p50_ms']:>6} "
              f"| {row['p99_ms']:>6} |")


def _control(sql: str) -> bool:
    """Transaction control, not counted (as ``officials_lists`` counts)."""
    return sql.split(" ", 1)[0].upper() in {"SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT"}


if __name__ == "__main__":
    main()
