"""The open-data stage's own tables.

- ``ExportJob``: an export made in the background: an official's round export of a large round, its progress and
  its file.
- ``PublishedGrant``: what the public pages read instead of working it out per row: each published
  application's current outcome.

An application's current outcome is the newest outcome of a signed decision on it; finding it takes a sorted
subquery per application, which at 20,000 applications made a search 1.6 s and every filter on the outcome, the
amount or the year a scan. Outcomes of a signed decision never change (``Outcome.save`` refuses), so the answer
changes only when a decision is signed: ``published.refresh`` rewrites this table then (a task the signing queues,
or a reader when the change is small, see ``published.ensure_fresh``), and every page reads it through indexes.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from avustus.applications.models import Application
from avustus.calls.models import Call, GrantGroup, Programme
from avustus.registry.models import Organisation

# A queued or running export that has not moved for this many minutes has lost its worker (``stalled_minutes``,
# the one test of it, for the status page and ``avustus tasks``): an export writes a progress step every 100
# grants, seconds apart, and a free worker starts a queued one within seconds, so ten minutes still is not slowness.
STALLED_AFTER_MINUTES = 10


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
        # Stalled and started again (``background.restart_export``): kept, with the job that replaced it.
        ABANDONED = "abandoned", _("abandoned")

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
    # The job started again in this one's place once it stalled; set once, so a second restart finds it.
    replaced_by = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaces")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")

    def __str__(self) -> str:
        return f"{self.call.slug} {self.format} ({self.status})"

    def stalled_minutes(self, now) -> int | None:
        """Minutes since a queued or running job last moved, when at least ``STALLED_AFTER_MINUTES``; else None
        (moving, or finished). The one test of a stalled export: its page offers a restart on it, and
        ``background.restart_export`` and ``avustus tasks stalled`` ask it too."""
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


class PublishedGrant(models.Model):
    """One published application (decided in a signed decision) with its current outcome, derived data only."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, primary_key=True,
                                       related_name="published")
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="+")
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    # The lists' order (newest round first, then the round's own order) as one unique column, so that a page is
    # one range of one index whatever the filter: ``published.position`` of the call and the application.
    position = models.BigIntegerField(unique=True)
    outcome_kind = models.CharField(max_length=20)
    amount_applied = models.DecimalField(max_digits=14, decimal_places=2)
    amount_granted = models.DecimalField(max_digits=14, decimal_places=2, null=True)
    decided_on = models.DateField(null=True)
    year = models.PositiveSmallIntegerField(null=True)
    outcome_number = models.PositiveSmallIntegerField(null=True)
    group = models.ForeignKey(GrantGroup, on_delete=models.CASCADE, null=True, related_name="+")
    group_code = models.CharField(max_length=50, blank=True)
    recipient = models.ForeignKey(Organisation, on_delete=models.CASCADE, null=True, related_name="+")
    # Distinct bodies of the consortium and each one's equal share of the grant (``selectors.share``).
    bodies = models.PositiveSmallIntegerField(default=1)
    share = models.DecimalField(max_digits=14, decimal_places=2, null=True)

    class Meta:
        ordering = ["position"]
        # Each filter of the search with the lists' order behind it: a filtered page is a range of one index.
        indexes = [
            models.Index(fields=["call", "position"], name="published_call"),
            models.Index(fields=["programme", "position"], name="published_programme"),
            models.Index(fields=["outcome_kind", "position"], name="published_outcome"),
            models.Index(fields=["year", "position"], name="published_year"),
            models.Index(fields=["group_code", "position"], name="published_group"),
            models.Index(fields=["amount_granted"], name="published_amount"),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.outcome_kind}"


class PublishedState(models.Model):
    """The signed decisions ``PublishedGrant`` was written from (one row): a reader compares it with today's."""

    fingerprint = models.CharField(max_length=100)
    # The signed decisions whose applications the table holds: a rewrite reads only the applications of the others.
    decisions = models.JSONField(default=list)
    refreshed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"published grants of signed decisions {self.fingerprint}"
