"""``avustus demo``: one command gives a loaded, logged-in-able Avustus, and a second run duplicates nothing."""

import subprocess
import sys

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command

from avustus.accounts.models import RoleGrant
from avustus.accounts.services import DEMO_LOGINS
from avustus.applications.models import Application
from avustus.audit.chain import verify
from avustus.audit.models import AuditEntry
from avustus.registry.models import Organisation

pytestmark = pytest.mark.django_db


def test_demo_sets_up_once_and_prints_logins(capsys):
    call_command("demo", "--no-serve")
    out = capsys.readouterr().out
    assert "http://127.0.0.1:8000/" in out
    for login in DEMO_LOGINS:
        assert login.username in out and login.password in out
        assert authenticate(username=login.username, password=login.password) is not None
    counts = (Application.objects.count(), get_user_model().objects.count(), RoleGrant.objects.count(),
              Organisation.objects.count(), AuditEntry.objects.count())
    assert counts[0] == 51 + 3  # the 2020 round and the demo call's three applications
    call_command("demo", "--no-serve", "--port", "8123")
    out = capsys.readouterr().out
    assert "already loaded" in out and "http://127.0.0.1:8123/" in out
    assert (Application.objects.count(), get_user_model().objects.count(), RoleGrant.objects.count(),
            Organisation.objects.count(), AuditEntry.objects.count()) == counts
    assert verify().ok


def test_applicant_demo_user_acts_for_hameenlinna():
    call_command("demo", "--no-serve")
    grant = RoleGrant.objects.get(user__username="hameenlinna")
    assert grant.organisation.code == "109" and grant.role == "applicant"


def test_console_command_is_installed(tmp_path):
    # The entry point users type, not only Django's call_command.
    result = subprocess.run(
        [sys.executable, "-m", "avustus", "resolve", "--json", "Hämeenlinnan kaupungille"],
        capture_output=True, text=True, check=True, env={"AVUSTUS_DATA_DIR": str(tmp_path), "PATH": ""},
    )
    assert '"code": "109"' in result.stdout


def test_demo_opens_one_call_where_the_demo_applicant_can_apply(client):
    from avustus.calls.models import Call

    call_command("demo", "--no-serve")
    call_command("demo", "--no-serve")
    demo = Call.objects.get(slug="kuntadigi-demo")
    assert demo.status == "published" and demo.exclusions.count() == 3 and len(demo.plan_fields) == 5
    assert demo.cost_categories.count() == 5 and demo.cost_categories.first().name_sv == "personalkostnader"
    client.login(username="hameenlinna", password="demo-hameenlinna")
    response = client.post(f"/calls/{demo.slug}/apply/", {"organisation": "109", "key": "x"})
    # Three demo applications are in already, once however often the demo runs; this is a fourth, a draft.
    assert response.status_code == 302 and Application.objects.filter(call=demo).count() == 4
    assert Application.objects.filter(call=demo, status="submitted").count() == 3


def test_a_second_run_says_what_is_true_of_the_demo_call(capsys):
    """After the officials screened and decided, the demo no longer says the applications are "to screen"."""
    from datetime import date

    from django.utils import timezone

    from avustus.calls.models import Call
    from avustus.decisions.models import Decision, Outcome
    from avustus.evaluation.models import Screening

    call_command("demo", "--no-serve")
    assert "3 submitted applications (3 to screen)" in capsys.readouterr().out
    demo = Call.objects.get(slug="kuntadigi-demo")
    first, second, third = demo.applications.order_by("id")
    Screening.objects.create(application=first, checks={}, eligible=True, completed_at=timezone.now())
    Screening.objects.create(application=second, checks={}, eligible=True, completed_at=timezone.now())
    decision = Decision.objects.create(call=demo, status=Decision.Status.SIGNED, decided_on=date(2026, 1, 2))
    Outcome.objects.create(decision=decision, application=second, kind=Outcome.Kind.GRANTED)
    Outcome.objects.create(decision=decision, application=third, kind=Outcome.Kind.REJECTED)
    call_command("demo", "--no-serve")
    out = capsys.readouterr().out
    assert "3 submitted applications (1 screened, to evaluate and decide, 1 granted, 1 not granted)" in out
    assert "to screen" not in out
