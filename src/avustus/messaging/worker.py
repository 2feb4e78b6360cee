"""The worker: django-tasks-db's own (which claims each task under ``SELECT ... FOR UPDATE SKIP LOCKED`` on
PostgreSQL and in an exclusive transaction on SQLite, so no two workers run one task), with our retry
policy around each task and the outbox's dead-worker check.

A task that raises is retried with the back-off of ``delivery.BACKOFF`` (its row goes back to ready with
a later ``run_after``, the error kept in ``traceback`` for operators); after the last it stays ``FAILED``.
"""

import os
import socket
import time

from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker as DatabaseWorker
from django_tasks_db.models import DBTaskResult

from avustus.messaging.delivery import next_attempt
from avustus.messaging.outbox import mark_stale_uncertain

SWEEP_EVERY_SECONDS = 60


def worker_id() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}"


def retry_later(result: DBTaskResult) -> bool:
    """Put a failed task back in the queue for its next attempt by our policy; False when it gives up."""
    result.refresh_from_db()
    if result.status != "FAILED":
        return False
    when = next_attempt(len(result.worker_ids), timezone.now())
    if when is None:
        return False
    # Only a row still FAILED is put back, so that an operator's change in between is not overwritten.
    return bool(DBTaskResult.objects.filter(pk=result.pk, status="FAILED").update(
        status="READY", run_after=when, finished_at=None))


class Worker(DatabaseWorker):
    def __init__(self, **options):
        super().__init__(**options)
        self._swept_at = 0.0

    def _sweep(self) -> None:
        if time.monotonic() - self._swept_at >= SWEEP_EVERY_SECONDS or not self._swept_at:
            mark_stale_uncertain()
            self._swept_at = time.monotonic()

    def run(self) -> None:
        self._sweep()
        super().run()

    def run_task(self, db_task_result: DBTaskResult) -> None:
        super().run_task(db_task_result)
        retry_later(db_task_result)
        self._sweep()


def run(*, until_idle: bool, interval: float = 1.0, backend: str = "default") -> None:
    Worker(queue_names=["*"], interval=interval, batch=until_idle, backend_name=backend, startup_delay=False,
           max_tasks=None, worker_id=worker_id(), excluded_queue_names=[]).run()
