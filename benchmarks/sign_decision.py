"""Signing a collective decision of N applications: the signature's time, and the time until its documents exist.

Creates a throwaway SQLite database (or uses ``DATABASE_URL``), loads a round of N applications (a lead
each; a third granted, a tenth deferred, the rest rejected) and a draft collective decision on them with
bulk inserts, then measures what the decision-maker waits for and what runs afterwards:

- ``preview_s``: the preview they read (the snapshot, its hash and its HTML, as the preview page makes them);
- ``sign_s``: the signature (``decisions.signing.sign_decision``: one transaction that freezes the snapshot,
  records it and enqueues the documents' task), ``sign_cpu_s`` the processor time this process spent on it
  (on a shared machine, wall time includes waiting for a core), and ``sign_queries``, the SQL statements it issues;
- ``sign_peak_mb`` (with ``--trace-memory``): the most memory the signature's Python objects took at once
  (tracemalloc, which slows the signature two- or threefold: the times of such a run are not comparable);
  ``rss_after_sign_mb``: the process's peak resident memory up to the signature's return, set-up included;
- ``projects_s``: the projects' task's work (``projects.services.follow_signed_decision``), run right after;
- ``documents_s``: then until the documents exist, by ``avustus worker --until-idle`` (the projects' task finding
  nothing to do, then every document, fi and sv, html, pdf, json and txt, rendered from the signed snapshot and
  stored once, and the decision letters queued); ``rss_peak_mb`` the process's peak after it.

Prints a table, or with ``--json`` one JSON object, followed by the command that reproduces the run. The
times are for comparing changes on one machine, never asserted (the tests prove that signing renders nothing).

    uv run python benchmarks/sign_decision.py --applications 5000
    uv run python benchmarks/sign_decision.py --applications 5000 --json
    uv run python benchmarks/sign_decision.py --applications 5000 --trace-memory
"""

import argparse
import json
import os
import platform
import resource
import shlex
import sys
import tempfile
import time
import tracemalloc
from datetime import timedelta
from decimal import Decimal


def _max_rss_mb() -> float:
    """The process's peak resident memory so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=5000)
    parser.add_argument("--json", action="store_true", dest="as_json")
    parser.add_argument("--trace-memory", action="store_true",
                        help="trace the signature's Python allocations (its peak; slows the signature down)")
    args = parser.parse_args()
    os.environ.setdefault("AVUSTUS_DATA_DIR", tempfile.mkdtemp(prefix="avustus-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "avustus.settings")

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from avustus.applications.models import Application, ConsortiumMember
    from avustus.calls.models import Call, GrantGroup, Programme
    from avustus.decisions import signing
    from avustus.decisions.documents.snapshot import decision_snapshot
    from avustus.decisions.models import Decision, Outcome
    from avustus.messaging import worker
    from avustus.projects.models import FundedProject
    from avustus.projects.services import follow_signed_decision
    from avustus.registry.models import Organisation
    from avustus.registry.services import sync_registry

    n = args.applications
    started = time.perf_counter()
    sync_registry()
    programme, _ = Programme.objects.get_or_create(slug="bench", defaults={"name_fi": "Benchmark"})
    users = get_user_model()
    official = users.objects.create(username=f"bench-official-{time.time_ns()}", first_name="Virka", last_name="Mies")
    minister = users.objects.create(username=f"bench-minister-{time.time_ns()}", first_name="Päättä", last_name="Jä")
    call = Call.objects.create(programme=programme, slug=f"bench-sign-{n}-{time.time_ns()}", title_fi="Benchmark",
                               status=Call.Status.CLOSED, appropriation=Decimal(n) * Decimal("60000"),
                               rounding_unit=Decimal("100"), closes_at=timezone.now() - timedelta(days=30))
    group = GrantGroup.objects.create(call=call, code="a", position=1, name_fi="Ryhmä A", name_sv="Grupp A")
    municipalities = list(Organisation.objects.filter(kind="municipality", valid_to__isnull=True).order_by("code"))
    apps = Application.objects.bulk_create(
        Application(call=call, reference=f"{call.slug}-{i}", title=f"Hanke {i}", status="submitted",
                    amount_applied=Decimal(100000 + (i * 7919) % 90000), source_row=i) for i in range(n))
    ConsortiumMember.objects.bulk_create(
        ConsortiumMember(application=a, organisation=municipalities[i % len(municipalities)],
                         name_as_written=municipalities[i % len(municipalities)].name_fi, role="lead", position=0)
        for i, a in enumerate(apps))
    decision = Decision.objects.create(
        call=call, kind=Decision.Kind.COLLECTIVE, decided_on=timezone.localdate(), presenting_official=official,
        presenting_official_name="Virka Mies", presenting_official_title="Neuvotteleva virkamies",
        decision_maker=minister, decision_maker_name="Päättä Jä", decision_maker_title="Kuntaministeri",
        stated_received=n, stated_withdrawn=0)
    outcomes, granted, deferred = [], 0, 0
    for i, a in enumerate(apps):
        lead = municipalities[i % len(municipalities)]
        if i % 3 == 0:
            granted += 1
            outcomes.append(Outcome(decision=decision, application=a, kind="granted", number=granted, group=group,
                                    amount_granted=(a.amount_applied * Decimal("0.6")).quantize(Decimal("100")),
                                    recipient=lead))
        elif i % 10 == 1:
            deferred += 1
            outcomes.append(Outcome(decision=decision, application=a, kind="deferred", number=deferred,
                                    recipient=lead))
        else:
            outcomes.append(Outcome(decision=decision, application=a, kind="rejected", recipient=lead))
    Outcome.objects.bulk_create(outcomes)
    setup_s = time.perf_counter() - started

    started = time.perf_counter()
    decision = Decision.objects.select_related("call").get(pk=decision.pk)  # as the preview page reads it
    snapshot = decision_snapshot(decision)
    shown = signing.shown_sha256(snapshot)
    signing.preview_html(snapshot, "fi")
    preview_s = time.perf_counter() - started

    if args.trace_memory:
        tracemalloc.start()
    with CaptureQueriesContext(connection) as queries:
        started, cpu = time.perf_counter(), time.process_time()
        signed = signing.sign_decision(decision, actor=minister, shown=shown)
        sign_s, sign_cpu_s = time.perf_counter() - started, time.process_time() - cpu
    sign_peak_mb = tracemalloc.get_traced_memory()[1] / 2**20 if args.trace_memory else None
    tracemalloc.stop()
    rss_after_sign_mb = _max_rss_mb()
    started = time.perf_counter()
    # The projects' task's work, timed apart; the worker then finds the projects made and changes nothing.
    follow_signed_decision(signed.pk)
    projects_s = time.perf_counter() - started
    started = time.perf_counter()
    worker.run(until_idle=True)
    documents_s = time.perf_counter() - started
    projects = FundedProject.objects.filter(first_decision=signed).count()
    if projects != granted:
        sys.exit(f"the projects were not made: {projects} of {granted}")
    documents = signed.documents.count()
    if documents != 8 or signing.verify_signed_decision(Decision.objects.get(pk=signed.pk)):
        sys.exit(f"the documents were not stored whole: {documents} of 8")
    pdf_bytes = len(bytes(signed.documents.get(lang="fi", format="pdf").content))

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    command = shlex.join(["uv", "run", "python", "benchmarks/sign_decision.py", *sys.argv[1:]])
    result = {"applications": n, "granted": granted, "deferred": deferred, "database": engine,
              "setup_s": round(setup_s, 3), "preview_s": round(preview_s, 3), "sign_s": round(sign_s, 3),
              "sign_cpu_s": round(sign_cpu_s, 3),
              "sign_queries": len(queries), "sign_peak_mb": sign_peak_mb and round(sign_peak_mb, 1),
              "rss_after_sign_mb": round(rss_after_sign_mb), "rss_peak_mb": round(_max_rss_mb()),
              "projects": projects, "projects_s": round(projects_s, 3), "documents_s": round(documents_s, 3),
              "documents": documents,
              "pdf_fi_bytes": pdf_bytes, "python": platform.python_version(), "command": command}
    if args.as_json:
        print(json.dumps(result))
        return
    print(f"# {platform.python_implementation()} {platform.python_version()}, {engine}; "
          f"{n} applications ({granted} granted, {deferred} deferred); set-up {setup_s:.1f} s")
    traced = "-" if sign_peak_mb is None else f"{sign_peak_mb:.1f}"
    print(f"{'preview s':>10} {'sign s':>8} {'sign cpu s':>11} {'sign queries':>13} {'sign peak MB':>13} "
          f"{'RSS at sign MB':>15} {'projects s':>11} {'documents s':>12} {'peak RSS MB':>12} {'pdf fi bytes':>13}")
    print(f"{preview_s:>10.3f} {sign_s:>8.3f} {sign_cpu_s:>11.3f} {len(queries):>13} {traced:>13} "
          f"{result['rss_after_sign_mb']:>15} {projects_s:>11.3f} {documents_s:>12.3f} {result['rss_peak_mb']:>12} "
          f"{pdf_bytes:>13}")
    print("# command:", command)


if __name__ == "__main__":
    main()
