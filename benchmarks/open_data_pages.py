"""How the public open-data pages and the round's export behave as the published grants grow.

Creates a throwaway SQLite database (or uses ``DATABASE_URL``), loads a published round of N decided applications
(a lead and two partners each, spread over the municipalities; every third one granted) with a signed decision,
then for each N prints the number of SQL queries and the time of one request of the search (first and a filtered
page), a municipality's page, the round's page with its charts, and the 360Giving export of the round (validated).
The query counts are what the tests assert stay flat; the times are for comparing changes on one machine, never
asserted.

    uv run python benchmarks/open_data_pages.py                  # N = 100, 1000, 5000
    uv run python benchmarks/open_data_pages.py --sizes 20000
"""

import argparse
import os
import platform
import shlex
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 5000])
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

    call_command("migrate", verbosity=0)
    from avustus.applications.models import Application, ConsortiumMember
    from avustus.calls.models import Call, Programme
    from avustus.decisions.models import Decision, Outcome
    from avustus.registry.models import Organisation
    from avustus.registry.services import sync_registry

    sync_registry()
    programme, _ = Programme.objects.get_or_create(slug="bench", defaults={"name_fi": "Benchmark"})
    municipalities = list(Organisation.objects.filter(kind="municipality", valid_to__isnull=True).order_by("code"))
    client = Client()
    client.get("/open/", secure=True)  # the first request of a process loads templates and translations: not timed

    engine = settings.DATABASES["default"]["ENGINE"]
    print(f"# {platform.python_implementation()} {platform.python_version()}, {engine}")
    print(f"# reproduce: uv run python benchmarks/open_data_pages.py --sizes {' '.join(map(str, args.sizes))}")
    pages = ("search", "search granted", "municipality", "round", "export")
    print(f"{'N':>7} " + " ".join(f"{p + ' q/s':>22}" for p in pages))
    for n in args.sizes:
        call = Call.objects.create(programme=programme, slug=f"bench-{n}-{time.time_ns()}", title_fi="Bench",
                                   status=Call.Status.DECIDED)
        apps = Application.objects.bulk_create(
            Application(call=call, reference=f"{call.slug}-{i}", title=f"Hanke {i}", status="submitted",
                        amount_applied=Decimal(100000 + (i * 7919) % 90000), source_row=i) for i in range(n))
        ConsortiumMember.objects.bulk_create(
            ConsortiumMember(application=a, organisation=municipalities[(i * k) % len(municipalities)],
                             name_as_written="x", role="lead" if k == 1 else "partner", position=k)
            for i, a in enumerate(apps) for k in (1, 2, 3))
        decision = Decision.objects.create(call=call, status=Decision.Status.SIGNED, decided_on=date(2026, 2, 1))
        Outcome.objects.bulk_create(
            Outcome(decision=decision, application=a, kind="granted" if i % 3 == 0 else "rejected",
                    amount_granted=Decimal(50000) if i % 3 == 0 else None, number=i)
            for i, a in enumerate(apps))
        urls = ["/open/", f"/open/?outcome=granted&call={call.slug}", f"/open/organisations/{municipalities[7].key}/",
                f"/open/rounds/{call.slug}/", f"/open/rounds/{call.slug}/grants.360giving"]
        cells = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url, secure=True)
                elapsed = time.perf_counter() - started
            if response.status_code != 200:
                sys.exit(f"{url}: HTTP {response.status_code}")
            cells.append(f"{len(queries):>10} q {elapsed:>8.3f} s")
        print(f"{n:>7} " + " ".join(f"{c:>22}" for c in cells))
    print("# command:", shlex.join(sys.argv))


if __name__ == "__main__":
    main()
