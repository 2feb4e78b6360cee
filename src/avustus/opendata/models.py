"""An export made in the background: an official's round export of a large round, its progress and its file."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from avustus.calls.models import Call

STALLED_AFTER_MINUTES = 10  # an export writes a progress step every 100 grants: seconds apart, not minutes


class ExportJob(models.Model):
    """One export of a round's awarded grants, queued as a task (``opendata.tasks.build_export``).

    The task counts the grants it has written (``rows_done`` of ``rows_total``) so that the status page can
    show how far it is; the finished file is kept here, read only by who started it and the programme's
    officials (``accounts.permissions.can_see_export_job``).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        READY = "ready", _("ready")
        FAILED = "failed", _("failed")

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="export_jobs")
    format = models.CharField(_("format"), max_length=10)
    lang = models.CharField(_("language"), max_length=2)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    filename = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    content = models.BinaryField(null=True, blank=True)
    error = models.TextField(blank=True)  # why it failed, in the language of the export
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # When the job last moved (created, started, a step of progress, finished): a job that stops moving while
    # queued or running has lost its worker, and its page says so instead of waiting for ever.
    moved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")

    def __str__(self) -> str:
        return f"{self.call.slug} {self.format} ({self.status})"

    def stalled_minutes(self, now) -> int | None:
        """Minutes since a queued or running job last moved, when more than ``STALLED_AFTER``; else None."""
        if self.status not in (self.Status.QUEUED, self.Status.RUNNING):
            return None
        since = self.moved_at or self.created_at
        minutes = int((now - since).total_seconds() // 60)
        return minutes if minutes >= STALLED_AFTER_MINUTES else None

    @property
    def percent(self) -> int:
        if not self.rows_total:
            return 0
        return min(100, self.rows_done * 100 // self.rows_total)
