"""``avustus demo``: one command gives a loaded, logged-in-able Avustus, and a second run duplicates nothing."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import translation

from avustus.accounts.models import RoleGrant
from avustus.accounts.services import DEMO_LOGINS
from avustus.applications.models import Application
from avustus.audit.chain import verify
from avustus.audit.models import AuditEntry
from avustus.calls.models import Call
from avustus.evaluation.models import Assignment, Score
from avustus.registry.models import Organisation

pytestmark = pytest.mark.django_db


def test_demo_sets_up_once_and_prints_logins(capsys, monkeypatch):
    # Links in messages lead to the port the demo serves on; the setting is the process's, restored after.
    monkeypatch.delenv("AVUSTUS_SITE_URL", raising=False)
    monkeypatch.setattr(settings, "AVUSTUS_SITE_URL", settings.AVUSTUS_SITE_URL)
    call_command("demo", "--no-serve")
    out = capsys.readouterr().out
    assert "http://127.0.0.1:8000/" in out
    for login in DEMO_LOGINS:
        assert login.username in out and login.password in out
        assert authenticate(username=login.username, password=login.password) is not None
    counts = (Application.objects.count(), get_user_model().objects.count(), RoleGrant.objects.count(),
              Organisation.objects.count(), AuditEntry.objects.count(), Call.objects.count(),
              Assignment.objects.count(), Score.objects.count())
    assert counts[0] == 51 + 3 + 3 + 3  # the 2020 round, and three applications in each demo call
    monkeypatch.delenv("AVUSTUS_SITE_URL")
    with translation.override("en"):  # the summary is in the language active (avustus: the environment's)
        call_command("demo", "--no-serve", "--port", "8123")
    assert settings.AVUSTUS_SITE_URL == os.environ["AVUSTUS_SITE_URL"] == "http://127.0.0.1:8123"
    out = capsys.readouterr().out
    assert "already loaded" in out and "http://127.0.0.1:8123/" in out and "kuntadigi-demo-closed" in out
    assert (Application.objects.count(), get_user_model().objects.count(), RoleGrant.objects.count(),
            Organisation.objects.count(), AuditEntry.objects.count(), Call.objects.count(),
            Assignment.objects.count(), Score.objects.count()) == counts
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


def test_demo_has_a_closed_call_with_reviewed_applications_where_officials_can_take_every_step():
    from django.utils import timezone

    from avustus.decisions import approval
    from avustus.decisions.models import Decision
    from avustus.evaluation import proposals, screening

    call_command("demo", "--no-serve")
    call_command("demo", "--no-serve")
    closed = Call.objects.get(slug="kuntadigi-demo-closed")
    assert closed.status == "published" and closed.closes_at <= timezone.now()
    applications = list(closed.applications.order_by("pk"))
    assert len(applications) == 3
    for application in applications:
        # Submitted through the e-service within the window, as a real applicant would have.
        assert application.status == "submitted" and closed.opens_at <= application.submitted_at <= closed.closes_at
        review = application.assignments.get()
        assert review.reviewer.username == "arvioija" and review.submitted_at is not None
        assert review.scores.count() == closed.criteria.count() > 0
    users = get_user_model().objects
    official, decider = users.get(username="virkailija"), users.get(username="paattaja")
    checks = {code: (True, "") for code in screening.checklist(closed)}
    for application in applications:
        screening.screen(application, checks, actor=official)
    proposals.present(closed, actor=official,
                      version=proposals.presentable_version(proposals.compute_proposal(closed)),
                      decided_on=timezone.localdate(),
                       presenting_official_title="Neuvotteleva virkamies")
    decision = approval.approve(closed, actor=decider, version=proposals.proposal_version(closed.proposal))
    assert decision.status == Decision.Status.SIGNED and decision.outcomes.count() == 3
    assert not decision.documents.exists()  # signed, documents pending until a worker runs
    call_command("demo", "--no-serve")  # the demo's set-up runs what is pending once
    assert decision.documents.count() == 8
    # The open call, by contrast, waits for its deadline before anything is presented.
    open_call = Call.objects.get(slug="kuntadigi-demo")
    for application in open_call.applications.all():
        screening.screen(application, {code: (True, "") for code in screening.checklist(open_call)}, actor=official)
    with pytest.raises(ValidationError):
        proposals.present(open_call, actor=official,
                      version=proposals.presentable_version(proposals.compute_proposal(open_call)),
                      decided_on=timezone.localdate(),
                           presenting_official_title="Neuvotteleva virkamies")


def test_a_second_run_says_what_is_true_of_the_demo_call(capsys):
    """After the officials screened and decided, the demo no longer says the applications are "to screen"."""
    from datetime import date

    from django.utils import timezone

    from avustus.calls.models import Call
    from avustus.decisions.models import Decision, Outcome
    from avustus.evaluation.models import Screening

    with translation.override("en"):
        call_command("demo", "--no-serve")
    assert "3 submitted applications (3 to screen)" in capsys.readouterr().out
    demo = Call.objects.get(slug="kuntadigi-demo")
    first, second, third = demo.applications.order_by("id")
    Screening.objects.create(application=first, checks={}, eligible=True, completed_at=timezone.now())
    Screening.objects.create(application=second, checks={}, eligible=True, completed_at=timezone.now())
    decision = Decision.objects.create(call=demo, status=Decision.Status.SIGNED, decided_on=date(2026, 1, 2))
    Outcome.objects.create(decision=decision, application=second, kind=Outcome.Kind.GRANTED)
    Outcome.objects.create(decision=decision, application=third, kind=Outcome.Kind.REJECTED)
    with translation.override("en"):
        call_command("demo", "--no-serve")
    [line] = [line for line in capsys.readouterr().out.splitlines() if line.startswith("Open call")]
    assert "3 submitted applications (1 screened, to evaluate and decide, 1 granted, 1 not granted)" in line
    assert "to screen" not in line


def test_the_demos_summary_is_in_the_language_of_the_process(capsys):
    """``avustus`` activates the environment's language (tests/test_cli.py); the summary follows it."""
    with translation.override("fi"):
        call_command("demo", "--no-serve")
    out = capsys.readouterr().out
    assert "Hakukierros kuntadigi-2020-02-26 ladattu: 51 hakemusta." in out
    assert "Esittelytunnukset (käyttäjätunnus / salasana):" in out and "valtiovarainministeriön esittelijä" in out
    assert "Päättynyt haku virkailijoiden vaiheiden kokeiluun: kuntadigi-demo-closed" in out
    assert "3 jätettyä hakemusta (3 esikäsiteltävänä)" in out
    assert "Demo logins" not in out and "already loaded" not in out
    with translation.override("sv"):
        call_command("demo", "--no-serve")
    out = capsys.readouterr().out
    assert "Ansökningsomgången kuntadigi-2020-02-26 fanns redan: 51 ansökningar." in out
    assert "Demoinloggningar (användarnamn / lösenord):" in out and "finansministeriets föredragande" in out
