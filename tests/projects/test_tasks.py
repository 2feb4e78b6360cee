"""A decision signed in Avustus returns at once; a task makes its projects, once, however often it runs."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django_tasks_db.models import DBTaskResult

from avustus.audit.chain import verify
from avustus.audit.models import AuditEntry
from avustus.decisions.amending import start_amending_decision
from avustus.decisions.models import Decision, Outcome
from avustus.decisions.signing import sign_decision
from avustus.projects.models import FundedProject
from avustus.projects.services import follow_signed_decision
from avustus.projects.tasks import follow_signed_decision as task
from tests.conftest import run_project_tasks


@pytest.fixture
def signed(round_2020):
    """A later decision, signed in Avustus, granting Paimio (deferred on 26.2.2020) and changing one grant."""
    minister = get_user_model().objects.create(username="paattaja")
    original = Decision.objects.get(call=round_2020)
    draft = start_amending_decision(original, actor=minister, decided_on=datetime.date(2020, 6, 10))
    deferred = Outcome.objects.get(decision=original, kind="deferred", number=5)
    Outcome.objects.create(decision=draft, application=deferred.application, kind="granted",
                           amount_granted=Decimal("106200.00"), number=1, recipient=deferred.recipient,
                           recipient_as_written="Paimion kaupungille")
    amended = FundedProject.objects.filter(call=round_2020).order_by("reference").first()
    Outcome.objects.create(decision=draft, application=amended.application, kind="granted",
                           amount_granted=amended.grant - Decimal("1000.00"), number=2,
                           recipient=amended.outcome.recipient)
    return sign_decision(draft, actor=minister), deferred.application, amended


def test_signing_enqueues_the_projects_task_and_makes_no_project_itself(signed):
    decision, paimio, amended = signed
    assert not FundedProject.objects.filter(application=paimio).exists()
    assert FundedProject.objects.get(pk=amended.pk).grant == amended.grant  # not amended yet either
    (queued,) = DBTaskResult.objects.filter(status="READY", task_path=task.module_path)
    assert queued.args_kwargs["args"] == [decision.pk]
    assert run_project_tasks() == 1
    project = FundedProject.objects.get(application=paimio)
    assert (project.grant, project.first_decision_id, project.decided_on) == (
        Decimal("106200.00"), decision.pk, datetime.date(2020, 6, 10))
    assert project.schedule.count() == 5  # imported applications have no budget to copy; the schedule is counted
    assert FundedProject.objects.get(pk=amended.pk).grant == amended.grant - Decimal("1000.00")
    # Made by the system, following the decision: one entry names the project made, one the grant amended.
    created = AuditEntry.objects.get(action="projects.created", target_id=str(decision.pk))
    assert created.is_system and created.data["projects"] == {paimio.reference: "106200.00"}
    assert AuditEntry.objects.get(action="project.grant_amended").application_reference == amended.reference
    assert verify().ok


def test_the_task_run_twice_makes_the_projects_once(signed):
    decision, paimio, _ = signed
    assert follow_signed_decision(decision.pk) == 2
    entries = AuditEntry.objects.count()
    assert follow_signed_decision(decision.pk) == 2  # the same two projects, found as the decision left them
    assert FundedProject.objects.filter(application=paimio).count() == 1
    assert AuditEntry.objects.count() == entries


def test_a_signature_that_rolls_back_leaves_no_task(round_2020):
    from django.db import transaction

    minister = get_user_model().objects.create(username="paattaja")
    original = Decision.objects.get(call=round_2020)
    draft = start_amending_decision(original, actor=minister, decided_on=datetime.date(2020, 6, 10))
    deferred = Outcome.objects.get(decision=original, kind="deferred", number=5)
    Outcome.objects.create(decision=draft, application=deferred.application, kind="granted",
                           amount_granted=Decimal("106200.00"), number=1, recipient=deferred.recipient)
    with pytest.raises(RuntimeError), transaction.atomic():
        sign_decision(draft, actor=minister)
        raise RuntimeError("the request failed after signing")
    assert not DBTaskResult.objects.filter(task_path=task.module_path).exists()
    assert Decision.objects.get(pk=draft.pk).status == Decision.Status.DRAFT
