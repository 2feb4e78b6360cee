"""``avustus audit verify`` and ``avustus audit history`` on the demo data, in-process and as users run them."""

import io
import json
import os
import sqlite3
import subprocess
import sys

import pytest
from django.core.management import call_command

from avustus.actors import SYSTEM
from avustus.audit.models import AuditEntry
from tests.audit.conftest import run_audit, sql, verify_json

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def demo(db):
    call_command("demo", "--no-serve", stdout=io.StringIO())


def test_the_demo_data_verifies(demo):
    status, out, err = run_audit("verify")
    count = AuditEntry.objects.count()
    assert status == 0 and count > 5 and out.strip() == f"The audit log is whole: entries verified {count}."
    assert verify_json() == (0, {"ok": True, "entries": count, "unsealed": 0, "problems": []})


def test_the_demo_data_tampered_with_is_named(demo, unguarded):
    from avustus.audit.chain import seal_pending

    seal_pending(rounds=None)  # as the demo's commits would have on PostgreSQL (the test's transaction never commits)
    entry = AuditEntry.objects.order_by("position")[3]
    sql("UPDATE audit_auditentry SET actor_label = 'mallory' WHERE id = %s", [entry.id])
    status, out, err = run_audit("verify")
    assert status == 1 and out.startswith(f"entry {entry.id} (#4): altered:") and f"entry {entry.id}" in err


def test_history_of_an_application_newest_first(round_2020):
    from django.db import transaction

    from avustus.applications.models import Application
    from avustus.audit.chain import record

    application = Application.objects.filter(call=round_2020).order_by("source_row").first()
    with transaction.atomic():
        record("test.first", application, actor=SYSTEM, data={"before": {"x": 1}, "after": {"x": 2}})
        record("test.second", application.members.first(), actor=SYSTEM)
        record("test.elsewhere", round_2020, actor=SYSTEM)
    status, out, _err = run_audit("history", application.reference, "--json")
    items = json.loads(out)
    # The round's import is in the history too: it is the decision on the application (and the projects it made).
    assert status == 0 and [i["action"] for i in items] == ["test.second", "test.first", "projects.created",
                                                            "decision.imported"]
    assert items[1]["data"] == {"before": {"x": 1}, "after": {"x": 2}} and items[1]["who"] == "system"
    assert items[1]["actor"] == {"kind": "system", "id": None}
    status, out, _err = run_audit("history", application.reference)
    assert [line.split()[3] for line in out.splitlines()] == ["test.second", "test.first", "projects.created",
                                                            "decision.imported"]
    assert [line.split()[2] for line in out.splitlines()] == ["(system)"] * 4
    status, _out, err = run_audit("history", "no-such-reference")
    assert status == 1 and "no-such-reference" in err


def _avustus(data_dir, *args) -> subprocess.CompletedProcess:
    # Always the embedded SQLite database under the temporary folder, never the suite's PostgreSQL one.
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(AVUSTUS_DATA_DIR=str(data_dir), PYTHONWARNINGS="ignore")
    return subprocess.run([sys.executable, "-m", "avustus.cli", *args], env=env, capture_output=True, text=True,
                          timeout=300)


def test_the_commands_as_users_run_them(tmp_path):
    """``avustus demo --no-serve`` then ``avustus audit verify``: exit 0; after tampering, exit 1 naming it."""
    assert _avustus(tmp_path, "demo", "--no-serve").returncode == 0
    ok = _avustus(tmp_path, "audit", "verify")
    assert ok.returncode == 0 and ok.stdout.startswith("The audit log is whole:"), ok.stderr
    database = next(tmp_path.glob("*.sqlite3"))
    with sqlite3.connect(database) as raw:
        # The application's triggers refuse this; an attacker with the file drops them first.
        for (name,) in raw.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
            raw.execute(f"DROP TRIGGER {name}")
        victim, successor = (row[0] for row in raw.execute(
            "SELECT id FROM audit_auditentry ORDER BY id LIMIT 2 OFFSET 2").fetchall())
        raw.execute("DELETE FROM audit_auditentry WHERE id = ?", (victim,))
    broken = _avustus(tmp_path, "audit", "verify", "--json")
    report = json.loads(broken.stdout)
    assert broken.returncode == 1 and report["ok"] is False
    assert report["problems"][0]["kind"] == "removed" and report["problems"][0]["entry_id"] == successor
    assert f"broken at entry {successor}" in broken.stderr


def test_history_tells_a_user_named_system_from_the_system(round_2020, django_user_model):
    from django.db import transaction

    from avustus.applications.models import Application
    from avustus.audit.chain import record

    impostor = django_user_model.objects.create(username="system")
    application = Application.objects.filter(call=round_2020).order_by("source_row").first()
    with transaction.atomic():
        record("test.by_impostor", application, actor=impostor)
    status, out, _err = run_audit("history", application.reference, "--json")
    newest = json.loads(out)[0]
    assert newest["who"] == "system" and newest["actor"] == {"kind": "user", "id": impostor.pk}
    status, out, _err = run_audit("history", application.reference)
    assert out.splitlines()[0].split()[2] == "system"  # the name as typed, not the system's "(system)"
