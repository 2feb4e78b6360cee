"""The officials' lists and the public list of a national round: queries and time of the first, 50th and last page.

Self-contained: given an empty database (a throwaway SQLite one by default, PostgreSQL when ``DATABASE_URL``
names one), it migrates, generates a round of N applications (``avustus generate``: every municipality,
consortia, budgets, screenings, two scored reviews each), then for the screening, evaluation, proposal and
public lists requests the first page, the 50th (reached by following "next" 49 times, as a reader would)
and the last, each 20 times, and prints the median time and the number of SQL queries of the page.

Requests go through Django's test client in-process (``avustus serve`` is not on this branch): the times
include the whole middleware stack and the template, not the network or a server's workers. The query
count is of the same request (transaction control statements not counted). Beside the median wall time
it prints the median CPU time of the benchmark's process (Python and templates, not the database server's),
which moves less when other work shares the machine, and the load average.

    uv run python benchmarks/officials_lists.py --size 20000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench \
        uv run python benchmarks/officials_lists.py --size 20000 --json
"""

import argparse
import html
import json
import os
import platform
import re
import shlex
import statistics
import sys
import tempfile
import time

REPEAT = 20
LISTS = ("screening", "evaluation", "proposal", "public")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=20000, help="applications in the round")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=REPEAT, help="requests per page (the median is shown)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    args = parser.parse_args()
    os.environ.setdefault("AVUSTUS_DATA_DIR", tempfile.mkdtemp(prefix="avustus-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "avustus.settings")
    os.environ.setdefault("AVUSTUS_ALLOWED_HOSTS", "testserver")

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from avustus.ops.generate import generate

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    generated = generate(applications=args.size, seed=args.seed)
    generation_s = time.perf_counter() - started
    slug = generated.round.slug
    official = Client()
    official.force_login(generated.users["official"])
    public = Client()
    urls = {"screening": (official, f"/rounds/{slug}/screening/"),
            "evaluation": (official, f"/rounds/{slug}/evaluation/"),
            "proposal": (official, f"/rounds/{slug}/proposal/"),
            "public": (public, f"/rounds/{slug}/applications/")}

    def get(client, url):
        with CaptureQueriesContext(connection) as queries:
            begun, cpu = time.perf_counter(), time.process_time()
            response = client.get(url, secure=True)
            elapsed, cpu = time.perf_counter() - begun, time.process_time() - cpu
        if response.status_code != 200:
            sys.exit(f"{url}: HTTP {response.status_code}")
        statements = [q for q in queries.captured_queries
                      if not re.match(r"(SAVEPOINT|RELEASE|ROLLBACK|BEGIN|COMMIT)", q["sql"])]
        return response.content.decode(), (elapsed, cpu), len(statements)

    def link(body: str, marker: str, path: str) -> str:
        found = re.search(r'<a href="([^"]+)" ' + marker, body)
        if found is None:
            sys.exit(f"{path}: no {marker} link")
        return path + html.unescape(found.group(1))

    pages = []
    for name in LISTS:
        client, path = urls[name]
        body, _elapsed, _queries = get(client, path)  # warm: translations, templates, connection
        targets = {"first": path}
        url = path
        for _ in range(49):
            url = link(body, 'rel="next"', path)
            body, _elapsed, _queries = get(client, url)
        targets["50th"] = url
        targets["last"] = link(body, 'class="last"', path)
        for page, url in targets.items():
            times, cpus, counts = [], [], set()
            for _ in range(args.repeat):
                _body, (elapsed, cpu), queries = get(client, url)
                times.append(elapsed)
                cpus.append(cpu)
                counts.add(queries)
            # The CPU time of this process (Python, templates; not the database server's) moves less than the
            # wall time when other work shares the machine.
            pages.append({"list": name, "page": page, "queries": max(counts),
                          "p50_ms": round(statistics.median(times) * 1000, 1),
                          "cpu_p50_ms": round(statistics.median(cpus) * 1000, 1)})
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    command = "uv run python benchmarks/officials_lists.py " + shlex.join(sys.argv[1:])
    if args.json:
        print(json.dumps({"size": args.size, "database": engine, "generation_s": round(generation_s, 1),
                          "load_average": os.getloadavg(),
                          "client": "django.test.Client in-process", "command": command, "pages": pages}))
        return
    print(f"# {platform.python_implementation()} {platform.python_version()}, {engine}, {args.size} applications "
          f"(generated in {generation_s:.1f} s), Django test client in-process, median of {args.repeat}")
    print(f"{'list':<12} {'page':<6} {'queries':>7} {'p50 ms':>8} {'CPU p50 ms':>11}")
    for row in pages:
        print(f"{row['list']:<12} {row['page']:<6} {row['queries']:>7} {row['p50_ms']:>8} {row['cpu_p50_ms']:>11}")
    print(f"# load average when done: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print("# reproduce:", command)


if __name__ == "__main__":
    main()
