"""How the officials' screens and the proposal behave as a round grows to thousands of applications.

Creates a throwaway SQLite database (or uses ``DATABASE_URL``), loads a round of N applications with
a lead and two scored reviews each, then for each N prints: the time to compute the proposal, and for
the screening, evaluation and proposal pages the number of SQL queries and the time of one request.
The query counts are what the tests assert stay flat; the times are for comparing changes on one
machine, never asserted.

    uv run python benchmarks/officials_screens.py                  # N = 100, 1000, 5000
    uv run python benchmarks/officials_screens.py --sizes 200 20000
"""

import argparse
import os
import platform
import shlex
import sys
import tempfile
import time
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
    from django.contrib.auth import get_user_model

    from avustus.accounts.models import Role, RoleGrant
    from avustus.applications.models import Application, ConsortiumMember
    from avustus.calls.models import Call, Programme
    from avustus.evaluation.models import Assignment
    from avustus.evaluation.proposals import compute_proposal
    from avustus.registry.models import Organisation
    from avustus.registry.services import sync_registry

    sync_registry()
    programme, _ = Programme.objects.get_or_create(slug="bench", defaults={"name_fi": "Benchmark"})
    users = get_user_model()
    official, _ = users.objects.get_or_create(username="bench-official")
    RoleGrant.objects.get_or_create(user=official, role=Role.OFFICIAL, programme=programme)
    reviewers = [users.objects.get_or_create(username=f"bench-reviewer-{i}")[0] for i in (1, 2)]
    lead = Organisation.objects.get(code="109")
    client = Client()
    client.force_login(official)

    engine = settings.DATABASES["default"]["ENGINE"]
    print(f"# {platform.python_implementation()} {platform.python_version()}, {engine}")
    print(f"# reproduce: uv run python benchmarks/officials_screens.py --sizes {' '.join(map(str, args.sizes))}")
    columns = " ".join(f"{p + ' q/s':>22}" for p in ("screening", "evaluation", "proposal"))
    print(f"{'N':>7} {'proposal s':>11} " + columns)
    for n in args.sizes:
        call = Call.objects.create(programme=programme, slug=f"bench-{n}-{time.time_ns()}", title_fi="Bench",
                                   status=Call.Status.CLOSED, appropriation=Decimal(n) * Decimal("60000"),
                                   rounding_unit=Decimal("100"))
        apps = Application.objects.bulk_create(
            Application(call=call, reference=f"{call.slug}-{i}", title=f"Hanke {i}", status="submitted",
                        amount_applied=Decimal(100000 + (i * 7919) % 90000)) for i in range(n))
        ConsortiumMember.objects.bulk_create(
            ConsortiumMember(application=a, organisation=lead, name_as_written="Hämeenlinna", role="lead", position=0)
            for a in apps)
        Assignment.objects.bulk_create(
            Assignment(application=a, reviewer=r, conflict="none", weighted_score=Decimal((i * 37 + j * 11) % 100))
            for i, a in enumerate(apps) for j, r in enumerate(reviewers))
        started = time.perf_counter()
        compute_proposal(call)
        proposal_seconds = time.perf_counter() - started
        cells = []
        for name in ("screening", "evaluation", "proposal"):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(f"/rounds/{call.slug}/{name}/", secure=True)
                elapsed = time.perf_counter() - started
            if response.status_code != 200:
                sys.exit(f"{name}: HTTP {response.status_code}")
            cells.append(f"{len(queries):>10} q {elapsed:>8.3f} s")
        print(f"{n:>7} {proposal_seconds:>11.3f} " + " ".join(f"{c:>22}" for c in cells))
    print("# command:", shlex.join(sys.argv))


if __name__ == "__main__":
    main()
