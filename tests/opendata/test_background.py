"""An official's export of a round made in the background (issue 12): queued with its job in one transaction, the
task writes the same file as the download link and records its progress, a failure keeps its reason, and nobody but
the programme's officials may start one."""

import pytest
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from avustus.accounts.models import Role
from avustus.accounts.services import grant_role
from avustus.actors import SYSTEM
from avustus.audit.models import AuditEntry
from avustus.errors import Invalid, NotFound
from avustus.opendata import background, giving360
from avustus.opendata.exports import round_export
from avustus.opendata.models import ExportJob
from avustus.opendata.tasks import build_export

pytestmark = pytest.mark.django_db
SLUG = "kuntadigi-2020-02-26"


def run_export_tasks() -> int:
    """Run the queued export tasks as ``avustus worker --until-idle`` would, inside the test's transaction."""
    pending = list(DBTaskResult.objects.filter(status="READY", task_path=build_export.module_path))
    for result in pending:
        build_export.call(*result.args_kwargs["args"], **result.args_kwargs["kwargs"])
        DBTaskResult.objects.filter(pk=result.pk).update(status="SUCCESSFUL")
    return len(pending)


def _state() -> tuple:
    return ExportJob.objects.count(), DBTaskResult.objects.count(), AuditEntry.objects.count()


def test_starting_queues_a_task_with_its_job_and_records_who_started_it(round_2020, official):
    job = background.start_round_export(official, SLUG, "csv", lang="fi")
    assert (job.status, job.rows_done, job.rows_total, job.requested_by) == ("queued", 0, None, official)
    task = DBTaskResult.objects.get(task_path=build_export.module_path)
    assert task.args_kwargs["args"] == [job.pk]
    entry = AuditEntry.objects.filter(action="opendata.export_started").get()
    assert entry.data == {"call": SLUG, "format": "csv", "lang": "fi"}


@pytest.mark.parametrize("fmt", ["360giving", "csv", "xlsx"])
def test_the_task_writes_the_same_file_as_the_download_link(round_2020, official, fmt):
    job = background.start_round_export(official, SLUG, fmt, lang="sv")
    assert run_export_tasks() == 1
    job.refresh_from_db()
    assert (job.status, job.rows_done, job.rows_total, job.error) == ("ready", 27, 27, "")
    with translation.override("sv"):
        expected = round_export(SLUG, fmt, lang="sv", issued=timezone.localdate())
    assert (job.filename, job.content_type) == (expected.filename, expected.content_type)
    if fmt != "xlsx":  # an XLSX file carries the moment it was written
        assert bytes(job.content) == expected.content
    assert job.started_at <= job.finished_at == job.moved_at


def test_progress_is_recorded_as_the_grants_are_written(round_2020, official, monkeypatch):
    monkeypatch.setattr(giving360, "PROGRESS_EVERY", 10)
    seen, moved = [], []
    original = background.round_export

    def watched(*args, progress, **kwargs):
        def report(done, total):
            progress(done, total)
            job = ExportJob.objects.get()
            seen.append((job.status, job.rows_done, job.rows_total))
            moved.append(job.moved_at)
        return original(*args, progress=report, **kwargs)

    monkeypatch.setattr(background, "round_export", watched)
    background.start_round_export(official, SLUG, "360giving", lang="fi")
    run_export_tasks()
    assert seen == [("running", 10, 27), ("running", 20, 27), ("running", 27, 27)]
    assert moved == sorted(moved) and None not in moved  # each step marks the job as moving
    assert ExportJob.objects.get().status == "ready"


def test_a_job_run_again_is_not_written_twice(round_2020, official):
    job = background.start_round_export(official, SLUG, "csv", lang="fi")
    run_export_tasks()
    job.refresh_from_db()
    finished = job.finished_at
    assert background.run_export_job(job.pk) == "no queued export"
    job.refresh_from_db()
    assert (job.status, job.finished_at) == ("ready", finished)


@pytest.mark.parametrize(("lang", "words"), [("fi", "odottamattomaan virheeseen"), ("sv", "oväntat fel"),
                                             ("en", "unexpected error")])
def test_a_failed_export_keeps_its_reason_in_the_language_of_the_export(round_2020, official, monkeypatch, lang,
                                                                         words):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(background, "round_export", broken)
    job = background.start_round_export(official, SLUG, "csv", lang=lang)
    run_export_tasks()
    job.refresh_from_db()
    assert job.status == "failed" and words in job.error and "disk full" not in job.error
    assert job.content is None and job.finished_at is not None


def test_a_refusal_on_the_way_is_the_reason_shown(round_2020, official, monkeypatch):
    def refused(*args, **kwargs):
        from django.utils.translation import gettext as _
        raise Invalid(_("There are no awarded grants to export."))

    monkeypatch.setattr(background, "round_export", refused)
    job = background.start_round_export(official, SLUG, "csv", lang="fi")
    run_export_tasks()
    job.refresh_from_db()
    with translation.override("fi"):
        from django.utils.translation import gettext as _
        assert job.error == _("There are no awarded grants to export.")
    assert job.status == "failed"


@pytest.mark.parametrize(("fmt", "lang", "message"), [("pdf", "fi", "Unknown format pdf"),
                                                      ("csv", "de", "Unknown language de")])
def test_a_wrong_format_or_language_is_refused_and_nothing_is_queued(round_2020, official, fmt, lang, message):
    state = _state()
    with translation.override("en"), pytest.raises(Invalid, match=message):
        background.start_round_export(official, SLUG, fmt, lang=lang)
    assert _state() == state


def test_the_refusal_is_in_the_users_language(round_2020, official):
    with translation.override("sv"), pytest.raises(Invalid, match="Okänt språk de"):
        background.start_round_export(official, SLUG, "csv", lang="de")


def test_only_the_programmes_officials_may_start_one(round_2020, official, django_user_model):
    reviewer = django_user_model.objects.create(username="arvioija")
    grant_role(reviewer, Role.REVIEWER, actor=SYSTEM, programme=round_2020.programme)
    outsider = django_user_model.objects.create(username="ulkopuolinen")
    state = _state()
    for actor in (reviewer, outsider):
        with pytest.raises(NotFound):
            background.start_round_export(actor, SLUG, "csv", lang="fi")
    with pytest.raises(NotFound):
        background.start_round_export(official, "no-such-round", "csv", lang="fi")
    assert _state() == state


def test_the_job_is_seen_by_who_started_it_and_the_programmes_officials_only(round_2020, official,
                                                                             django_user_model):
    job = background.start_round_export(official, SLUG, "csv", lang="fi")
    colleague = django_user_model.objects.create(username="kollega")
    grant_role(colleague, Role.AUDITOR, actor=SYSTEM, programme=round_2020.programme)
    reviewer = django_user_model.objects.create(username="arvioija")
    grant_role(reviewer, Role.REVIEWER, actor=SYSTEM, programme=round_2020.programme)
    assert background.export_job(official, job.pk) == job
    assert background.export_job(colleague, job.pk) == job
    with pytest.raises(NotFound):
        background.export_job(reviewer, job.pk)
    assert background.export_file(official, job.pk) is None  # not ready yet
    run_export_tasks()
    assert background.export_file(colleague, job.pk).filename == f"{SLUG}-grants.csv"
    with pytest.raises(NotFound):
        background.export_file(reviewer, job.pk)
