"""An official's export of a round's awarded grants made in the background, with its progress (issue 12).

A round with many grants takes longer to export than a request should be kept waiting. From
``AVUSTUS_BACKGROUND_EXPORT_FROM`` awarded grants on, the officials' round page offers the export as a task
instead of a link: ``start_round_export`` queues ``opendata.tasks.build_export`` in the transaction that records
the job, the task (``run_export_job``) writes the file through the same ``exports.round_export`` as the download
links, telling the job how many grants it has written, and the status page reads the job: queued, running (rows
done of total), ready (the file) or failed (the reason, in the export's language). Smaller rounds, and the public
open-data links, are still exported at once.

A job whose worker died stays queued or running and stops moving (``ExportJob.stalled_minutes``, the one test of
it). Its page then offers a restart, and ``avustus tasks stalled`` lists it: ``restart_export`` marks the job
abandoned (kept, pointing at its replacement) and queues a new one with the same round, format and language in one
transaction, audited; asking again finds the replacement instead of making another.
"""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from avustus.accounts.permissions import can_export_round, can_restart_export_job, can_see_export_job
from avustus.actors import is_system
from avustus.audit.chain import record
from avustus.errors import Conflict, DomainError, Invalid, NotAllowed, NotFound
from avustus.opendata.exports import check_format, public_call, round_export
from avustus.opendata.models import ExportJob
from avustus.opendata.selectors import GrantSearch

logger = logging.getLogger(__name__)
LANGUAGES = ("fi", "sv", "en")


def offered(actor, call, granted: int) -> bool:
    """Whether the round page offers ``actor`` the export in the background: a large round, and an official."""
    return granted >= settings.AVUSTUS_BACKGROUND_EXPORT_FROM and can_export_round(actor, call.programme)


def start_round_export(actor, slug: str, fmt: str, *, lang: str) -> ExportJob:
    """Queue the export of a round's awarded grants in ``fmt`` and ``lang``; the job to follow on the status page."""
    call = public_call(slug)
    if not can_export_round(actor, call.programme):
        raise NotFound(_("No published round has the identifier %(slug)s.") % {"slug": slug})
    check_format(fmt)
    if lang not in LANGUAGES:
        raise Invalid(_("Unknown language %(lang)s: choose fi, sv or en.") % {"lang": lang})
    if not GrantSearch(call=call.slug).awarded().exists():
        raise Invalid(_("There are no awarded grants to export."))
    from avustus.opendata.tasks import build_export

    with transaction.atomic():
        job = ExportJob.objects.create(call=call, format=fmt, lang=lang, requested_by=actor, moved_at=timezone.now())
        record("opendata.export_started", job, actor=actor, data={"call": call.slug, "format": fmt, "lang": lang})
        # In the same transaction: no task without its job, no job without its task.
        build_export.enqueue(job.pk)
    return job


WORKING = (ExportJob.Status.QUEUED, ExportJob.Status.RUNNING)


def may_restart(actor, job: ExportJob, now=None) -> bool:
    """Whether the job's page offers ``actor`` to start it again: it has stalled and they may restart it."""
    return job.stalled_minutes(now or timezone.now()) is not None and can_restart_export_job(actor, job)


def stalled_exports(now=None) -> list[ExportJob]:
    """The queued or running exports that have stalled, oldest first (``avustus tasks stalled``). Few jobs are
    ever working at once, so each is asked ``stalled_minutes`` rather than a second copy of it in SQL."""
    now = now or timezone.now()
    working = ExportJob.objects.select_related("call", "requested_by").defer("content").filter(status__in=WORKING)
    return [job for job in working.order_by("created_at", "id") if job.stalled_minutes(now) is not None]


def restart_export(actor, pk: int, *, confirmed: bool) -> ExportJob:
    """Start a stalled export again: the old job abandoned (kept, naming its replacement) and a new one with the
    same round, format and language queued, in one transaction with one audit entry. The job that replaced it when
    it was abandoned already (a form sent twice); ``Conflict`` when it has moved meanwhile or finished."""
    job = export_job(actor, pk)
    if not can_restart_export_job(actor, job):
        raise NotAllowed(_("You may not start this export again."))
    if not confirmed:
        raise Invalid(_("Confirm that the export is to be started again."))
    from avustus.opendata.tasks import build_export

    with transaction.atomic():
        job = ExportJob.objects.select_for_update().defer("content").get(pk=job.pk)
        if job.replaced_by_id is not None:
            return ExportJob.objects.defer("content").get(pk=job.replaced_by_id)
        now = timezone.now()
        minutes = job.stalled_minutes(now)
        if minutes is None:
            raise Conflict(_("The export is moving again or has finished: it is not started again."))
        # The new job belongs to who restarted it; one an operator restarted (the system) stays the starter's.
        requester = job.requested_by_id if is_system(actor) else actor.pk
        new = ExportJob.objects.create(call_id=job.call_id, format=job.format, lang=job.lang,
                                       requested_by_id=requester, moved_at=now)
        was = job.status
        job.status, job.replaced_by, job.finished_at = ExportJob.Status.ABANDONED, new, now
        job.save(update_fields=["status", "replaced_by", "finished_at"])
        record("opendata.export_restarted", job, actor=actor, data={
            "status_was": was, "stalled_minutes": minutes, "rows_done": job.rows_done, "new_job": new.pk,
            "format": job.format, "lang": job.lang})
        build_export.enqueue(new.pk)
    return new


def export_job(actor, pk: int) -> ExportJob:
    """The job, for who started it and the officials of its round's programme; to anyone else it does not exist."""
    job = ExportJob.objects.select_related("call__programme").defer("content").filter(pk=pk).first()
    if job is None or not can_see_export_job(actor, job):
        raise NotFound(_("There is no such export."))
    return job


def export_file(actor, pk: int) -> ExportJob | None:
    """The finished job with its file, or None while it is not ready (the status page says why)."""
    job = export_job(actor, pk)
    if job.status != ExportJob.Status.READY:
        return None
    return ExportJob.objects.select_related("call").get(pk=job.pk)


def run_export_job(job_id: int) -> str:
    """Write the job's file (the task's body); what happened, for the task's result."""
    with transaction.atomic():
        job = ExportJob.objects.select_for_update(of=("self",)).select_related("call").filter(pk=job_id).first()
        if job is None or job.status != ExportJob.Status.QUEUED:
            # Already run (a task retried after its worker stopped): the job says how it ended.
            return "no queued export"
        job.status = ExportJob.Status.RUNNING
        job.started_at = job.moved_at = timezone.now()
        job.save(update_fields=["status", "started_at", "moved_at"])

    # Each write below touches the job only while it is running: a job abandoned meanwhile (its worker thought
    # dead, the export started again) stays abandoned even if this worker was only slow.
    running = ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.RUNNING)

    def progress(done: int, total: int) -> None:
        # Outside any transaction, so that the status page sees each step as it is written.
        running.update(rows_done=done, rows_total=total, moved_at=timezone.now())

    try:
        with translation.override(job.lang):
            exported = round_export(job.call.slug, job.format, lang=job.lang, progress=progress)
    except Exception as exc:  # noqa: BLE001 - every failure is the job's, shown on its page; bugs are logged too
        with translation.override(job.lang):
            reason = _reason(exc)
        now = timezone.now()
        running.update(status=ExportJob.Status.FAILED, error=reason, finished_at=now, moved_at=now)
        return f"failed: {reason}"
    now = timezone.now()
    running.update(
        status=ExportJob.Status.READY, content=exported.content, filename=exported.filename,
        content_type=exported.content_type, rows_done=exported.grants, rows_total=exported.grants,
        finished_at=now, moved_at=now)
    return f"ready: {exported.filename}, {exported.grants} grants"


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    if isinstance(exc, DomainError):
        return str(exc)
    logger.exception("export failed")
    return _("The export stopped on an unexpected error, recorded in the server's log for the operators. "
             "Start it again; if it fails again, tell the operators.")
