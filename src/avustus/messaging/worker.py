"""The worker: django-tasks-db's own (which claims each task under ``SELECT ... FOR UPDATE SKIP LOCKED`` on
PostgreSQL and in an exclusive transaction on SQLite, so no two workers run one task), with our retry
policy around each task, the outbox's dead-worker check and, every hour, the reminders
(``reminders.remind``; idempotent, so several workers reminding at once queue each reminder once).

A task that raises is retried with the back-off of ``delivery.BACKOFF`` (its row goes back to ready with
a later ``run_after``, the error kept in ``traceback`` for operators); after the last it stays ``FAILED``.

Every round it also seals the audit entries left unsealed (``audit.chain.seal_pending``: on PostgreSQL each
audited commit seals its own entry, and an entry whose commit found another sequencer sealing waits for the
next commit or for this, at most about ``interval`` seconds when traffic stops).

The loop: seal, run every task due now (django-tasks-db's batch mode), remind if an hour has passed, then wait
``interval`` seconds and look again; ``--until-idle`` stops after the first round. ``stop()`` ends the loop
from another thread (the demo runs a worker in a thread of its own).
"""

import logging
import os
import socket
import threading
import time

from django.db import DatabaseError
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker as DatabaseWorker
from django_tasks_db.models import DBTaskResult

from avustus.messaging.delivery import next_attempt
from avustus.messaging.outbox import mark_stale_uncertain

SWEEP_EVERY_SECONDS = 60
REMIND_EVERY_SECONDS = 3600
logger = logging.getLogger("avustus.messaging")


class _EachRound(logging.Filter):
    """django-tasks-db says it starts and stops at every round of our loop; once is enough."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(("Starting worker", "No more tasks to run"))


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
    def __init__(self, *, until_idle: bool = True, remind: bool = False, **options):
        super().__init__(batch=True, **options)
        self.until_idle = until_idle
        self.remind = remind
        self._swept_at = 0.0
        self._reminded_at: float | None = None
        self._stopped = threading.Event()

    def stop(self) -> None:
        """End the loop after the task running now (called from another thread)."""
        self.running = False
        self._stopped.set()

    def _sweep(self) -> None:
        if time.monotonic() - self._swept_at >= SWEEP_EVERY_SECONDS or not self._swept_at:
            mark_stale_uncertain()
            self._swept_at = time.monotonic()

    def _seal(self) -> None:
        from avustus.audit.chain import seal_pending

        try:
            seal_pending(rounds=None)
        except DatabaseError:  # a locked SQLite database, say: the next round seals what this one did not
            logger.exception("audit entries could not be sealed this time")

    def _remind(self) -> None:
        if not self.remind:
            return
        if self._reminded_at is not None and time.monotonic() - self._reminded_at < REMIND_EVERY_SECONDS:
            return
        from avustus.messaging.reminders import remind

        self._reminded_at = time.monotonic()
        try:
            count = remind()
        except DatabaseError:  # a locked SQLite database, say: the next hour's run queues what this one did not
            logger.exception("reminders could not be queued this time")
        else:
            if count:
                logger.info("queued %s reminders", count)

    def run(self) -> None:
        quiet = _EachRound()
        tasks_logger = logging.getLogger("django_tasks_db")
        rounds = 0
        try:
            while self.running:
                self._sweep()
                self._seal()
                self._remind()
                super().run()  # batch mode: every task due now, then back here
                rounds += 1
                if rounds == 1:
                    tasks_logger.addFilter(quiet)
                if self.until_idle or self._stopped.wait(self.interval):
                    return
        finally:
            tasks_logger.removeFilter(quiet)

    def run_task(self, db_task_result: DBTaskResult) -> None:
        super().run_task(db_task_result)
        retry_later(db_task_result)
        self._sweep()


def make(*, until_idle: bool, remind: bool = True, interval: float = 1.0, backend: str = "default") -> Worker:
    return Worker(until_idle=until_idle, remind=remind, queue_names=["*"], interval=interval, backend_name=backend,
                  startup_delay=False, max_tasks=None, worker_id=worker_id(), excluded_queue_names=[])


def run(*, until_idle: bool, remind: bool = True, interval: float = 1.0, backend: str = "default") -> None:
    make(until_idle=until_idle, remind=remind, interval=interval, backend=backend).run()


def start_in_thread(*, interval: float = 1.0) -> tuple[Worker, threading.Thread]:
    """A worker running in a daemon thread of this process (the demo's own); ``stop_thread`` ends it."""
    worker = make(until_idle=False, interval=interval)

    def loop() -> None:
        from django.db import connections

        try:
            worker.run()
        finally:
            connections.close_all()

    thread = threading.Thread(target=loop, name="avustus-worker", daemon=True)
    thread.start()
    return worker, thread


def stop_thread(worker: Worker, thread: threading.Thread, timeout: float = 30.0) -> None:
    worker.stop()
    thread.join(timeout)
