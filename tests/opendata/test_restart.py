"""A background export whose worker died is started again without an engineer: one test decides that it has
stalled (``ExportJob.stalled_minutes``), the restart abandons the old job and queues one new job with one audit
entry in one transaction, a replay finds the same new job, and ``avustus tasks`` lists and restarts them too."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from avustus.accounts.models import Role, RoleGrant
from avustus.accounts.services import grant_role, revoke_role
from avustus.actors import SYSTEM
from avustus.audit.models import AuditEntry
from avustus.errors import Conflict, Invalid, NotAllowed, NotFound
from avustus.opendata import background
from avustus.opendata.models import STALLED_AFTER_MINUTES, ExportJob
from tests.opendata.test_background import run_export_tasks

pytestmark = pytest.mark.django_db
SLUG = "kuntadigi-2020-02-26"


def _state() -> tuple:
    return ExportJob.objects.count(), DBTaskResult.objects.count(), AuditEntry.objects.count()


def _job(official, *, status="running", still_for=STALLED_AFTER_MINUTES + 2) -> ExportJob:
    """An export started by ``official`` that is ``status`` and has not moved for ``still_for`` minutes."""
    job = background.start_round_export(official, SLUG, "xlsx", lang="sv")
    ExportJob.objects.filter(pk=job.pk).update(status=status, rows_done=100, rows_total=27,
                                               moved_at=timezone.now() - timedelta(minutes=still_for, seconds=5))
    job.refresh_from_db()
    return job


def test_the_threshold_decides_whether_a_job_has_stalled(round_2020, official):
    job = _job(official, still_for=STALLED_AFTER_MINUTES - 1)
    now = timezone.now()
    assert job.stalled_minutes(now) is None and not background.may_restart(official, job, now)
    later = now + timedelta(minutes=1)
    assert job.stalled_minutes(later) == STALLED_AFTER_MINUTES and background.may_restart(official, job, later)
    ExportJob.objects.filter(pk=job.pk).update(status="ready")
    job.refresh_from_db()
    assert job.stalled_minutes(later) is None  # a finished job never stalls, however old


@pytest.mark.parametrize("status", ["queued", "running"])
def test_a_stalled_job_is_started_again_as_one_new_job_with_one_audit_entry(round_2020, official, status):
    old = _job(official, status=status)
    jobs, tasks, entries = _state()
    new = background.restart_export(official, old.pk, confirmed=True)
    assert _state() == (jobs + 1, tasks + 1, entries + 1)
    old.refresh_from_db()
    assert (old.status, old.replaced_by, old.rows_done) == ("abandoned", new, 100)  # kept as it was left
    assert (new.call, new.format, new.lang, new.status, new.requested_by) == (round_2020, "xlsx", "sv", "queued",
                                                                              official)
    entry = AuditEntry.objects.order_by("-id").first()
    assert (entry.action, entry.target_id) == ("opendata.export_restarted", str(old.pk))
    assert entry.data["new_job"] == new.pk and entry.data["status_was"] == status
    assert DBTaskResult.objects.order_by("-enqueued_at").first().args_kwargs["args"] == [new.pk]


def test_a_replay_finds_the_same_new_job_and_makes_nothing(round_2020, official):
    old = _job(official)
    new = background.restart_export(official, old.pk, confirmed=True)
    state = _state()
    assert background.restart_export(official, old.pk, confirmed=True) == new
    assert _state() == state


def test_a_job_still_moving_is_not_started_again(round_2020, official):
    job = _job(official, still_for=2)
    state = _state()
    with translation.override("en"), pytest.raises(Conflict, match="moving again or has finished"):
        background.restart_export(official, job.pk, confirmed=True)
    assert _state() == state
    job.refresh_from_db()
    assert (job.status, job.replaced_by) == ("running", None)


def test_without_the_tick_nothing_is_started(round_2020, official):
    job = _job(official)
    state = _state()
    with translation.override("en"), pytest.raises(Invalid, match="Confirm"):
        background.restart_export(official, job.pk, confirmed=False)
    assert _state() == state


def test_the_old_task_run_late_leaves_the_abandoned_job_alone_and_the_new_one_is_written(round_2020, official):
    old = _job(official, status="queued")  # its task is still in the queue, as if the worker came back
    new = background.restart_export(official, old.pk, confirmed=True)
    assert run_export_tasks() == 2
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.status, old.content) == ("abandoned", None)
    assert (new.status, new.rows_done) == ("ready", 27)


def test_who_may_restart_it(round_2020, official, django_user_model):
    job = _job(official)
    reviewer = django_user_model.objects.create(username="arvioija")
    grant_role(reviewer, Role.REVIEWER, actor=SYSTEM, programme=round_2020.programme)
    with pytest.raises(NotFound):
        background.restart_export(reviewer, job.pk, confirmed=True)
    # The starter whose role has ended still sees the job, but a new export would be theirs: not theirs to start.
    second = django_user_model.objects.create(username="virkailija2")
    grant_role(second, Role.OFFICIAL, actor=SYSTEM, programme=round_2020.programme)
    revoke_role(RoleGrant.objects.get(user=official), actor=SYSTEM)
    assert not background.may_restart(official, job)
    with pytest.raises(NotAllowed):
        background.restart_export(official, job.pk, confirmed=True)
    assert background.restart_export(second, job.pk, confirmed=True).requested_by == second


def test_the_tasks_command_lists_and_restarts_stalled_exports(round_2020, official):
    moving = _job(official, still_for=1)
    stalled = _job(official)
    out = StringIO()
    call_command("tasks", "stalled", "--json", stdout=out)
    [row] = json.loads(out.getvalue())
    assert (row["export"], row["status"], row["stalled_minutes"]) == (stalled.pk, "running", STALLED_AFTER_MINUTES + 2)
    jobs, _tasks, entries = _state()
    with translation.override("en"):
        call_command("tasks", "retry", stdout=(out := StringIO()))
    stalled.refresh_from_db()
    assert f"Export {stalled.pk} had stalled: started again as export {stalled.replaced_by_id}." in out.getvalue()
    assert (ExportJob.objects.count(), AuditEntry.objects.count()) == (jobs + 1, entries + 1)
    assert stalled.replaced_by.requested_by == official  # the system's restart stays the starter's to follow
    assert AuditEntry.objects.order_by("-id").first().actor_kind == "system"
    moving.refresh_from_db()
    assert moving.status == "running"
    with translation.override("en"):
        call_command("tasks", "stalled", stdout=(out := StringIO()))
    assert out.getvalue().strip() == "No export has stalled."
