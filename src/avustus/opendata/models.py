"""An export made in the background: an official's round export of a large round, its progress and its file."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from avustus.calls.models import Call


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

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")

    def __str__(self) -> str:
        return f"{self.call.slug} {self.format} ({self.status})"

    @property
    def percent(self) -> int:
        if not self.rows_total:
            return 0
        return min(100, self.rows_done * 100 // self.rows_total)
