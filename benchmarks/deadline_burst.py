"""Deadline day: C clients create, fill and submit complete applications through the API for S seconds.

    uv run python benchmarks/deadline_burst.py --seconds 60 --clients 16 [--json]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/burst uv run python benchmarks/deadline_burst.py ...

Self-contained: given an empty database (SQLite in a temporary data directory by default, PostgreSQL when
``DATABASE_URL`` names one: it must be empty or a previous run's, as the run migrates it and adds its own
call) it migrates, creates a published call, one applicant user and API token per client and the drafts for
the submit-only phase, starts ``avustus serve`` on a free loopback port and measures three things against
the same server, one after the other:

1. the floor: requests/s on ``/livez``, which passes the whole middleware stack and touches no database;
2. the burst: each client in a loop creates a draft (``POST /api/v1/applications``), fills it (``PATCH``:
   plan, partner, budget, amount) and submits it (``POST .../submit`` with an ``Idempotency-Key``), with a
   bearer token, retrying a request that timed out or was answered 503 (with the same key) as real clients do;
3. submit only: the same clients submit the drafts prepared beforehand, one request each.

Then it stops the server (SIGTERM) and counts what the database holds: every acknowledged submission must be
stored, once. The clients are plain asyncio streams speaking HTTP/1.1 with keep-alive (a few microseconds a
request), so that the load generator is not what is measured.

Keys of ``--json``: acknowledged, stored, lost, duplicates, errors, retries (and retry_reasons: how many of
each step and cause), submissions_per_s (complete applications), p50_ms and p99_ms (per request of the burst),
submit_only_per_s, floor_per_s, cpu_ms_per_application and cpu_ms_per_submit_only (processor time of the
server's processes, from /proc, per complete application of the burst and per submission of the submit-only
phase: steadier than the rates when other work shares the cores), machine_cpu_ms_per_application and
client_cpu_ms_per_application (the whole machine's busy processor time, from /proc/stat, and this load
generator's own, per complete application of the burst: what is left of the machine's after the server's and the
clients' is the database's, and anything else running), machine_cpu_ms_per_floor_request and
machine_cpu_ms_per_submit_only (the same for the other two phases), busy_cores (the machine's busy cores in each
phase: near the number of cores, the phase is bound by the processors, and the ratio of two phases' rates is the
inverse of their machine time per request), the set-up, and the audit log afterwards:
unsealed_at_end (entries the server's commits left to the sequencer), audit_ok and audit_entries (``verify``,
which seals them first).
"""

import argparse
import asyncio
import collections
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import closing
from pathlib import Path

REQUEST_TIMEOUT = 10.0
MAX_RETRIES = 5


class Connection:
    """One keep-alive HTTP/1.1 connection; ``request`` returns (status, headers, body)."""

    def __init__(self, port: int, token: str = ""):
        self.port, self.token = port, token
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def _open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def request(self, method: str, path: str, body: dict | None = None, headers: dict | None = None):
        if self.writer is None:
            await self._open()
        if self.reader is None or self.writer is None:
            raise OSError("not connected")
        data = json.dumps(body).encode() if body is not None else b""
        lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", f"Content-Length: {len(data)}"]
        if body is not None:
            lines.append("Content-Type: application/json")
        if self.token:
            lines.append(f"Authorization: Bearer {self.token}")
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + data)
        await self.writer.drain()
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split()[1])
        answer = {}
        for line in header_lines:
            if ":" in line:
                name, value = line.split(":", 1)
                answer[name.strip().lower()] = value.strip()
        payload = await self.reader.readexactly(int(answer.get("content-length", 0)))
        if answer.get("connection", "").lower() == "close":
            self.close()
        return status, answer, payload


class Tally:
    def __init__(self):
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.retries = 0
        self.retry_reasons: collections.Counter[str] = collections.Counter()
        self.acknowledged: set[str] = set()
        self.complete = 0


def _step(method: str, path: str) -> str:
    """Which of the three requests (or the probe) a path is, for the error list."""
    if path.endswith("/submit"):
        return "submit"
    if method == "PATCH":
        return "fill"
    return "create" if path.rstrip("/").endswith("/applications") else f"{method} {path}"


async def call(conn: Connection, tally: Tally, method: str, path: str, body=None, headers=None, ok=(200, 201)):
    """A request retried on a timeout, a dropped connection or a 503, as clients do; None if it failed."""
    for attempt in range(MAX_RETRIES + 1):
        started = time.perf_counter()
        try:
            status, _headers, payload = await asyncio.wait_for(conn.request(method, path, body, headers),
                                                               REQUEST_TIMEOUT)
        except (TimeoutError, OSError, asyncio.IncompleteReadError) as error:
            conn.close()
            tally.retries += 1
            last = f"{_step(method, path)}: {type(error).__name__}"
            tally.retry_reasons[last] += 1
            await asyncio.sleep(0.2 * (attempt + 1))
            continue
        tally.latencies.append(time.perf_counter() - started)
        if status == 503:
            tally.retries += 1
            last = f"{_step(method, path)}: 503"
            tally.retry_reasons[last] += 1
            await asyncio.sleep(float(_headers.get("retry-after", "1")))
            continue
        if status == 409 and attempt > 0 and method == "PATCH":
            return {"retried_conflict": True}  # the first try went in before its answer was lost
        if status not in ok:
            tally.errors.append(f"{_step(method, path)} {status} {payload[:200]!r}")
            return None
        return json.loads(payload) if payload else {}
    tally.errors.append(f"gave up after {MAX_RETRIES} retries: {last}")
    return None


def fill(version: int, partner: str) -> dict:
    return {"version": version, "plan": {"objectives": "Sähköinen asiointi sujuvaksi yhdessä naapurikunnan kanssa."},
            "partners": [partner], "budget": [{"category": "staff", "amount_vat_free": "100000.00", "vat": "0.00"}],
            "amount_applied": "85000.00"}


async def burst_client(port: int, client: dict, call_slug: str, until: float, tally: Tally) -> None:
    conn = Connection(port, client["token"])
    n = 0
    try:
        while time.perf_counter() < until:
            n += 1
            created = await call(conn, tally, "POST", "/api/v1/applications",
                                 {"call": call_slug, "lead": client["lead"], "title": f"Hanke {n}"},
                                 {"Idempotency-Key": uuid.uuid4().hex}, ok=(201,))
            if created is None:
                continue
            reference = created["reference"]
            filled = await call(conn, tally, "PATCH", f"/api/v1/applications/{reference}",
                                fill(created["version"], client["partner"]))
            if filled is None:
                continue
            submitted = await call(conn, tally, "POST", f"/api/v1/applications/{reference}/submit",
                                   headers={"Idempotency-Key": uuid.uuid4().hex})
            if submitted is not None and submitted.get("status") == "submitted":
                tally.acknowledged.add(reference)
                tally.complete += 1
    finally:
        conn.close()


async def submit_client(port: int, token: str, queue: asyncio.Queue, tally: Tally) -> None:
    conn = Connection(port, token)
    try:
        while not queue.empty():
            reference = queue.get_nowait()
            done = await call(conn, tally, "POST", f"/api/v1/applications/{reference}/submit",
                              headers={"Idempotency-Key": uuid.uuid4().hex})
            if done is not None and done.get("status") == "submitted":
                tally.acknowledged.add(reference)
    finally:
        conn.close()


async def floor_client(port: int, until: float, counter: list[int]) -> None:
    conn = Connection(port)
    try:
        while time.perf_counter() < until:
            status, _h, _b = await conn.request("GET", "/livez")
            if status == 200:
                counter[0] += 1
    finally:
        conn.close()


async def measure_floor(port: int, clients: int, seconds: float) -> tuple[int, float]:
    """How many liveness requests the clients had answered, and in how many seconds."""
    counter = [0]
    started = time.perf_counter()
    until = started + seconds
    await asyncio.gather(*(floor_client(port, until, counter) for _ in range(clients)))
    return counter[0], time.perf_counter() - started


async def measure_burst(port: int, clients: list[dict], call_slug: str, seconds: float) -> tuple[Tally, float]:
    tally = Tally()
    started = time.perf_counter()
    await asyncio.gather(*(burst_client(port, c, call_slug, started + seconds, tally) for c in clients))
    return tally, time.perf_counter() - started


async def measure_submit_only(port: int, clients: list[dict]) -> tuple[Tally, float, int]:
    tally = Tally()
    # Each client submits its own user's drafts: the token must be the lead's.
    queues = []
    for client in clients:
        queue: asyncio.Queue = asyncio.Queue()
        for reference in client["drafts"]:
            queue.put_nowait(reference)
        queues.append(queue)
    started = time.perf_counter()
    await asyncio.gather(*(submit_client(port, c["token"], q, tally) for c, q in zip(clients, queues, strict=True)))
    return tally, time.perf_counter() - started, sum(len(c["drafts"]) for c in clients)


def set_up(clients: int, drafts_each: int) -> tuple[str, list[dict]]:
    """Migrate, and make the call, one applicant with a token per client, and the drafts to submit later."""
    from datetime import timedelta
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone

    from avustus.accounts.models import Role
    from avustus.accounts.services import grant_role
    from avustus.accounts.tokens import create_token
    from avustus.actors import SYSTEM
    from avustus.applications.services import DraftChanges, create_draft, update_draft
    from avustus.calls.models import Call, CostCategory, Programme
    from avustus.registry.models import Organisation
    from avustus.registry.services import sync_registry

    call_command("migrate", verbosity=0)
    sync_registry()
    programme, _ = Programme.objects.get_or_create(slug="kuntadigi", defaults={"name_fi": "Kuntien digitalisaatio"})
    slug = f"burst-{uuid.uuid4().hex[:8]}"
    call = Call.objects.create(
        programme=programme, slug=slug, title_fi="Ruuhkahaku", status=Call.Status.PUBLISHED,
        opens_at=timezone.now() - timedelta(days=1), closes_at=timezone.now() + timedelta(days=30),
        aid_rate=Decimal("0.85"), min_municipalities=2, lead_kinds=["municipality"], partner_kinds=["municipality"],
        plan_fields=[{"key": "objectives", "required": True, "max_length": 5000,
                      "label": {"fi": "Tavoitteet", "sv": "Mål", "en": "Objectives"}}],
    )
    CostCategory.objects.create(call=call, code="staff", position=1, name_fi="henkilöstökustannukset")
    municipalities = list(Organisation.objects.filter(kind="municipality", valid_to__isnull=True)
                          .order_by("code")[: clients + 1])
    made = []
    for lead, partner in zip(municipalities, municipalities[1:], strict=False):
        # With an address, as applicants have: each submission queues its receipt, as in production.
        user = get_user_model().objects.create(username=f"{slug}-{lead.code}", email=f"{slug}-{lead.code}@example.fi")
        grant_role(user, Role.APPLICANT, actor=SYSTEM, organisation=lead)
        _token, value = create_token(user, actor=SYSTEM)
        drafts = []
        for i in range(drafts_each):
            draft = create_draft(call, actor=user, organisation=lead, title=f"Valmis hanke {i}")
            changes = DraftChanges(plan={"objectives": "Asiointi sujuvaksi."}, partners=[partner.key],
                                   budget=[{"category": "staff", "amount_vat_free": "10000.00"}],
                                   amount_applied="8500.00")
            update_draft(draft, changes, actor=user, version=draft.version)
            drafts.append(draft.reference)
        made.append({"token": value, "lead": lead.key, "partner": partner.key, "drafts": drafts})
    return slug, made


def count_stored(call_slug: str) -> dict:
    """What the database holds: submitted applications of the call and their submission entries in the audit log."""
    from django.db.models import Count

    from avustus.applications.models import Application
    from avustus.audit.models import AuditEntry

    ids = dict(Application.objects.filter(call__slug=call_slug, status="submitted").values_list("pk", "reference"))
    entries = (AuditEntry.objects.filter(action="application.submitted", target_type="applications.application",
                                         target_id__in=[str(pk) for pk in ids])
               .values("target_id").annotate(n=Count("id")))
    per_application = {ids[int(e["target_id"])]: e["n"] for e in entries}
    return {"references": set(ids.values()),
            "duplicates": sum(n - 1 for n in per_application.values() if n > 1),
            "unaudited": len(set(ids.values()) - set(per_application))}



def in_process(prefix: str, drafts: int):
    """For the in-process profiles (``burst_profile.py``, ``submit_profile.py``): Django set up on a scratch data
    folder, the burst's call and one applicant with ``drafts`` complete drafts, and a test client with its
    bearer token. Returns (call slug, the client's record, the test client)."""
    os.environ.setdefault("AVUSTUS_DATA_DIR", tempfile.mkdtemp(prefix=prefix))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "avustus.settings")
    os.environ.setdefault("AVUSTUS_LOG_LEVEL", "ERROR")
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    settings.ALLOWED_HOSTS = ["*"]
    slug, clients = set_up(1, drafts)
    return slug, clients[0], Client(HTTP_AUTHORIZATION=f"Bearer {clients[0]['token']}")

def free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int, workers: int, threads: int, log: Path) -> subprocess.Popen:
    env = {**os.environ, "AVUSTUS_LOG_LEVEL": os.environ.get("AVUSTUS_LOG_LEVEL", "ERROR")}
    process = subprocess.Popen(  # noqa: S603 - our own command, fixed arguments
        [sys.executable, "-m", "avustus", "serve", "--port", str(port), "--workers", str(workers),
         "--threads", str(threads)], env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"avustus serve stopped: {log.read_text()}")
        try:
            with closing(socket.create_connection(("127.0.0.1", port), timeout=1)) as sock:
                sock.sendall(b"GET /livez HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                if sock.recv(64).startswith(b"HTTP/1.1 200"):
                    return process
        except OSError:
            pass
        time.sleep(0.2)
    process.kill()
    raise SystemExit("avustus serve did not start in two minutes")


def server_cpu_seconds(pid: int) -> float:
    """User and system processor time so far of the server's processes (granian's main one and its workers)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            # The command name, in parentheses, may hold spaces: the fields are counted after it.
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # a process that ended meanwhile
        if int(entry.name) == pid or int(fields[1]) == pid:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def machine_busy_seconds() -> float:
    """Processor time the whole machine has been busy so far, all cores (/proc/stat: all but idle and iowait)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="server processes (avustus serve --workers)")
    parser.add_argument("--threads", type=int, default=4, help="threads a process (avustus serve --threads)")
    parser.add_argument("--drafts", type=int, default=60, help="drafts each client submits in the submit-only phase")
    parser.add_argument("--floor-seconds", type=float, default=10)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    scratch = tempfile.TemporaryDirectory(prefix="avustus-burst-")
    os.environ.setdefault("AVUSTUS_DATA_DIR", scratch.name)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "avustus.settings")
    os.environ.setdefault("AVUSTUS_LOG_LEVEL", "ERROR")
    import django

    django.setup()
    from django.db import connection, connections

    began = time.perf_counter()
    call_slug, clients = set_up(args.clients, args.drafts)
    setup_s = time.perf_counter() - began
    engine = connection.vendor
    connections.close_all()

    port = free_port()
    server = start_server(port, args.workers, args.threads, Path(scratch.name) / "serve.log")
    try:
        machine_before = machine_busy_seconds()
        floor_n, floor_s = asyncio.run(measure_floor(port, args.clients, args.floor_seconds))
        machine_floor = machine_busy_seconds() - machine_before
        cpu_before = server_cpu_seconds(server.pid)
        machine_before, client_before = machine_busy_seconds(), time.process_time()
        burst, burst_s = asyncio.run(measure_burst(port, clients, call_slug, args.seconds))
        cpu_burst = server_cpu_seconds(server.pid) - cpu_before
        machine_burst, client_burst = machine_busy_seconds() - machine_before, time.process_time() - client_before
        cpu_before = server_cpu_seconds(server.pid)
        machine_before, client_before = machine_busy_seconds(), time.process_time()
        submits, submit_s, submit_n = asyncio.run(measure_submit_only(port, clients))
        cpu_submits = server_cpu_seconds(server.pid) - cpu_before
        machine_submits = machine_busy_seconds() - machine_before
    finally:
        server.send_signal(signal.SIGTERM)  # not SIGKILL: a killed granian leaves its workers behind
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=30)

    prepared = {r for c in clients for r in c["drafts"]}
    stored = count_stored(call_slug)
    # The server ran no worker: what its commits left unsealed (the sequencer's stragglers), then the chain whole.
    from avustus.audit.chain import unsealed, verify

    left_unsealed = unsealed().count()
    audit = verify()
    burst_stored = stored["references"] - prepared
    result = {
        "engine": engine, "clients": args.clients, "seconds": args.seconds, "workers": args.workers,
        "threads": args.threads,
        "acknowledged": len(burst.acknowledged), "stored": len(burst_stored),
        "lost": len(burst.acknowledged - burst_stored),
        "duplicates": stored["duplicates"], "unaudited": stored["unaudited"],
        "errors": len(burst.errors) + len(submits.errors), "retries": burst.retries + submits.retries,
        "retry_reasons": dict(burst.retry_reasons + submits.retry_reasons),
        "submissions_per_s": round(burst.complete / burst_s, 1),
        "p50_ms": round(statistics.median(burst.latencies) * 1000, 1) if burst.latencies else 0.0,
        "p99_ms": round(percentile(burst.latencies, 0.99) * 1000, 1),
        "submit_only_per_s": round(len(submits.acknowledged) / submit_s, 1) if submit_s else 0.0,
        "submit_only_lost": len(submits.acknowledged - stored["references"]),
        "submit_only_n": submit_n,
        "floor_per_s": round(floor_n / floor_s, 1),
        "cpu_ms_per_application": round(cpu_burst * 1000 / burst.complete, 1) if burst.complete else 0.0,
        "cpu_ms_per_submit_only": round(cpu_submits * 1000 / len(submits.acknowledged), 1)
        if submits.acknowledged else 0.0,
        "machine_cpu_ms_per_application": round(machine_burst * 1000 / burst.complete, 1) if burst.complete else 0.0,
        "client_cpu_ms_per_application": round(client_burst * 1000 / burst.complete, 1) if burst.complete else 0.0,
        "machine_cpu_ms_per_floor_request": round(machine_floor * 1000 / floor_n, 2) if floor_n else 0.0,
        "machine_cpu_ms_per_submit_only": round(machine_submits * 1000 / len(submits.acknowledged), 2)
        if submits.acknowledged else 0.0,
        "busy_cores": {"floor": round(machine_floor / floor_s, 2), "burst": round(machine_burst / burst_s, 2),
                       "submit_only": round(machine_submits / submit_s, 2) if submit_s else 0.0},
        "setup_s": round(setup_s, 1),
        "first_errors": (burst.errors + submits.errors)[:5],
        "unsealed_at_end": left_unsealed, "audit_ok": audit.ok, "audit_entries": audit.entries,
    }
    command = (("DATABASE_URL=... " if engine == "postgresql" else "") + "uv run python benchmarks/deadline_burst.py "
               f"--seconds {args.seconds:g} --clients {args.clients} --workers {args.workers} --threads {args.threads}")
    if args.json:
        print(json.dumps(result))
    else:
        print(f"| engine | clients | complete/s | p50 ms | p99 ms | submit only/s | floor/s | acknowledged | stored "
              f"| duplicates | errors |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n"
              f"| {engine} | {args.clients} | {result['submissions_per_s']} | {result['p50_ms']} | {result['p99_ms']} "
              f"| {result['submit_only_per_s']} | {result['floor_per_s']} | {result['acknowledged']} "
              f"| {result['stored']} | {result['duplicates']} | {result['errors']} |")
        if result["first_errors"]:
            print("first errors:", *result["first_errors"], sep="\n  ")
        print(f"server CPU: {result['cpu_ms_per_application']} ms per application, "
              f"{result['cpu_ms_per_submit_only']} ms per submit only; the whole machine "
              f"{result['machine_cpu_ms_per_application']} ms per application, of which these clients "
              f"{result['client_cpu_ms_per_application']}; {result['machine_cpu_ms_per_submit_only']} ms per submit "
              f"only, {result['machine_cpu_ms_per_floor_request']} ms per floor request; "
              f"busy cores {result['busy_cores']}")
        print(f"audit log: {audit.entries} entries, {'whole' if audit.ok else 'BROKEN'}; "
              f"{left_unsealed} left unsealed when the server stopped")
        print(f"\nset-up {setup_s:.1f} s; reproduce: {command}")
    scratch.cleanup()


if __name__ == "__main__":
    main()
