"""The task queue as operators read it (``avustus tasks``): every background task, its attempts and last error.

Tasks are rows of django-tasks-db's ``DBTaskResult``. A task that raised is put back with a later
``run_after`` by the worker's retry policy (``worker.retry_later``), its error kept; after the last
attempt it stays ``FAILED``. ``retry`` makes every failed or waiting task due now (an operator's "the
cause is fixed"), as ``avustus outbox retry`` does for messages.
"""

from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

STATUSES = ("READY", "RUNNING", "FAILED", "SUCCESSFUL")


def _last_line(traceback: str) -> str:
    lines = [line for line in traceback.strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""


def listing(status: str | None = None, *, task: str | None = None) -> list[dict]:
    """Tasks, newest first: ``[{"id", "task", "args", "status", "attempts", "enqueued_at", "run_after",
    "finished_at", "last_error"}]``; ``task`` filters by the end of the task's path (``store_documents``)."""
    tasks = DBTaskResult.objects.order_by("-enqueued_at")
    if status:
        tasks = tasks.filter(status=status)
    if task:
        tasks = tasks.filter(task_path__endswith=task)
    never = get_date_max()
    return [{
        "id": str(t.pk), "task": t.task_path, "args": t.args_kwargs.get("args", []), "status": t.status,
        "attempts": len(t.worker_ids), "enqueued_at": t.enqueued_at.isoformat(),
        "run_after": t.run_after.isoformat() if t.run_after and t.run_after != never else None,
        "finished_at": t.finished_at.isoformat() if t.finished_at else None,
        "last_error": _last_line(t.traceback) if t.exception_class_path else "",
    } for t in tasks]


def retry() -> int:
    """Every failed task, and every one waiting out a back-off, due now; the number of tasks."""
    now = timezone.now()
    failed = DBTaskResult.objects.filter(status="FAILED").update(status="READY", run_after=now, finished_at=None)
    waiting = DBTaskResult.objects.filter(status="READY", run_after__gt=now).exclude(
        run_after=get_date_max()).update(run_after=now)
    return failed + waiting
