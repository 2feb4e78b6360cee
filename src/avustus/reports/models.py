"""Interim reports: the lead's account of a period's progress and costs, accepted or returned by an official.

The decision asks for "a description of the projects' progress, of the stage of the intended effects, and of
the realised costs; the VAT-free costs and the amount of VAT shown separately". The costs accepted here are
what payment applications claim.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from avustus.applications.models import ConsortiumMember
from avustus.calls.models import CostCategory
from avustus.projects.models import FundedProject, ScheduleEntry


class CostCell(models.Model):
    """A report's costs in one cost category for one member, VAT-free and VAT apart, and the part an official
    rejected with the reason: the columns the interim reports' and the final report's costs share."""

    category = models.ForeignKey(CostCategory, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(ConsortiumMember, on_delete=models.PROTECT, related_name="+")
    amount_vat_free = models.DecimalField(_("amount without VAT"), max_digits=14, decimal_places=2)
    vat = models.DecimalField(_("VAT"), max_digits=14, decimal_places=2, default=Decimal("0"))
    # Part of the VAT-free amount found ineligible (equipment, investments, licences beyond what development
    # needs), with the reason; the rest of an eligible category's amount is accepted with the report.
    rejected_amount = models.DecimalField(_("rejected"), max_digits=14, decimal_places=2, default=Decimal("0"))
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    report_id: int  # each concrete model's own foreign key to its report

    class Meta:
        abstract = True
        ordering = ["report", "category__position", "member__position"]

    def __str__(self) -> str:
        return f"{self.report_id} {self.category_id}/{self.member_id}: {self.amount_vat_free} (VAT {self.vat})"


class LiveDocuments(models.Manager):
    """The documents not removed: what a report has, as everyone reads it (``report.attachments``)."""

    def get_queryset(self):
        return super().get_queryset().filter(removed_at__isnull=True)


class StoredDocument(models.Model):
    """A document attached to a report, stored as files are (``reports.attachments``): the columns the interim
    reports' and the final report's attachments share. A removed one keeps its row and its file (``removed_at``),
    as an application's does: the audit log names it, and an official may have read it."""

    storage_name = models.CharField(max_length=255, unique=True)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("file type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    uploaded_at = models.DateTimeField(_("attached"), auto_now_add=True)
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)

    every = models.Manager()  # the removed ones too: the audit's and the backup's view
    objects = LiveDocuments()

    class Meta:
        abstract = True
        ordering = ["report", "uploaded_at", "id"]
        default_manager_name = "objects"  # ``report.attachments``: the live ones
        base_manager_name = "every"

    def __str__(self) -> str:
        return self.original_name


class InterimReport(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        ACCEPTED = "accepted", pgettext_lazy("grant follow-up", "accepted")
        RETURNED = "returned", _("returned for completion")

    project = models.ForeignKey(FundedProject, on_delete=models.PROTECT, related_name="reports")
    schedule_entry = models.ForeignKey(ScheduleEntry, on_delete=models.PROTECT, related_name="reports")
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    progress = models.TextField(_("progress of the project"))
    objectives_stage = models.TextField(_("stage of the intended effects"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    # Bumped on every change, so that accepting names the version the official read.
    version = models.PositiveIntegerField(_("version"), default=1)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+")
    submitted_at = models.DateTimeField(_("submitted"))
    late = models.BooleanField(pgettext_lazy("grant follow-up", "filed late"), default=False)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    reviewed_at = models.DateTimeField(pgettext_lazy("grant follow-up", "reviewed"), null=True, blank=True)
    review_reasons = models.TextField(pgettext_lazy("grant follow-up", "reasons"), blank=True)

    class Meta:
        ordering = ["project", "schedule_entry__due_on"]
        verbose_name = pgettext_lazy("grant follow-up", "interim report")
        verbose_name_plural = _("interim reports")
        constraints = [
            models.UniqueConstraint(fields=["schedule_entry"], name="one_report_per_schedule_entry"),
            models.CheckConstraint(condition=models.Q(period_end__gte=models.F("period_start")),
                                   name="report_period_in_order"),
        ]

    def __str__(self) -> str:
        return f"{self.project.reference} / {self.schedule_entry.number}"


class ReportedCost(CostCell):
    """Costs of the period in one cost category for one member, VAT-free and VAT apart; what an official rejected."""

    report = models.ForeignKey(InterimReport, on_delete=models.CASCADE, related_name="costs")

    class Meta(CostCell.Meta):
        verbose_name = _("reported cost")
        verbose_name_plural = _("reported costs")
        constraints = [
            models.UniqueConstraint(fields=["report", "category", "member"], name="one_reported_cost_per_cell"),
            models.CheckConstraint(condition=models.Q(amount_vat_free__gte=0, vat__gte=0, rejected_amount__gte=0)
                                   & models.Q(rejected_amount__lte=models.F("amount_vat_free")),
                                   name="reported_cost_amounts"),
        ]


class ReportAttachment(StoredDocument):
    """A document attached to an interim report (the project accounting's extract, say), stored as files are."""

    report = models.ForeignKey(InterimReport, on_delete=models.CASCADE, related_name="attachments")

    class Meta(StoredDocument.Meta):
        verbose_name = _("report attachment")
        verbose_name_plural = _("report attachments")


class FinalReport(models.Model):
    """The lead's final report: the effects, the work and its results, how others may reuse them, the costs.

    The decision asks for it "with the auditor's statement on the use of the grant". Officials review its
    content and its finances separately; either may return it for more information, and it is accepted
    when both accept (then ``FundedProject.final_report_accepted_on`` is set and the last instalment may be
    applied for, on the costs accepted here).
    """

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        ACCEPTED = "accepted", pgettext_lazy("grant follow-up", "accepted")
        RETURNED = "returned", _("returned for completion")

    class Review(models.TextChoices):
        PENDING = "pending", pgettext_lazy("grant follow-up", "awaiting review")
        ACCEPTED = "accepted", pgettext_lazy("grant follow-up", "accepted")
        RETURNED = "returned", _("returned for completion")

    project = models.OneToOneField(FundedProject, on_delete=models.PROTECT, related_name="final_report")
    schedule_entry = models.ForeignKey(ScheduleEntry, on_delete=models.PROTECT, related_name="final_reports")
    effects = models.TextField(pgettext_lazy("final report", "effects of the project"))
    ways_of_working = models.TextField(pgettext_lazy("final report", "changed ways of working"))
    work_and_results = models.TextField(pgettext_lazy("final report", "work done and its results"))
    reuse = models.TextField(pgettext_lazy("final report", "how others can use the results"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    content_review = models.CharField(pgettext_lazy("final report", "review of content"), max_length=12,
                                      choices=Review.choices, default=Review.PENDING)
    finance_review = models.CharField(pgettext_lazy("final report", "review of finances"), max_length=12,
                                      choices=Review.choices, default=Review.PENDING)
    version = models.PositiveIntegerField(_("version"), default=1)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    submitted_at = models.DateTimeField(_("submitted"))
    late = models.BooleanField(pgettext_lazy("grant follow-up", "filed late"), default=False)
    content_reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                            blank=True, related_name="+")
    finance_reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                            blank=True, related_name="+")
    review_reasons = models.TextField(pgettext_lazy("grant follow-up", "reasons"), blank=True)
    accepted_on = models.DateField(pgettext_lazy("grant follow-up", "accepted"), null=True, blank=True)
    # An official's mark that the project's use of the grant is audited more closely (section 16 of Act
    # 688/2001), with the reason; the random sample of a call is drawn apart from it.
    closer_audit = models.BooleanField(pgettext_lazy("final report", "marked for a closer audit"), default=False)
    closer_audit_reason = models.TextField(pgettext_lazy("final report", "reason for a closer audit"), blank=True)
    closer_audit_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="+")

    class Meta:
        ordering = ["project"]
        verbose_name = pgettext_lazy("grant follow-up", "final report")
        verbose_name_plural = _("final reports")

    def __str__(self) -> str:
        return f"{self.project.reference} / final"

    @property
    def outputs(self) -> "models.QuerySet[ProjectOutput]":
        """The report's outputs: the project's (``ProjectOutput``), one list whether entered with the report or on
        the project's outputs page."""
        return self.project.outputs.all()


class FinalReportCost(CostCell):
    """The project's total costs in one category for one member, VAT-free and VAT apart, and what was rejected."""

    report = models.ForeignKey(FinalReport, on_delete=models.CASCADE, related_name="costs")

    class Meta(CostCell.Meta):
        constraints = [
            models.UniqueConstraint(fields=["report", "category", "member"], name="one_final_cost_per_cell"),
            models.CheckConstraint(condition=models.Q(amount_vat_free__gte=0, vat__gte=0, rejected_amount__gte=0)
                                   & models.Q(rejected_amount__lte=models.F("amount_vat_free")),
                                   name="final_cost_amounts"),
        ]


class FinalReportAttachment(StoredDocument):
    """A document of the final report; the auditor's statement is one, and the report is not accepted without it."""

    class Kind(models.TextChoices):
        AUDITOR_STATEMENT = "auditor", pgettext_lazy("final report", "auditor's statement")
        OTHER = "other", pgettext_lazy("final report", "other document")

    report = models.ForeignKey(FinalReport, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.OTHER)


class ProjectOutput(models.Model):
    """Something a funded project made that other municipalities may take up: software with its repository and
    licence, a document, a vocabulary or data model on the interoperability platform, a service in the service
    catalogue. Entered by the lead as the project reports; checked by an official (at the final report at the
    latest). Only checked outputs are in the public reuse catalogue."""

    class Kind(models.TextChoices):
        SOFTWARE = "software", _("software")
        DOCUMENT = "document", _("document")
        VOCABULARY = "vocabulary", _("vocabulary or data model")
        SERVICE = "service", _("service")

    project = models.ForeignKey(FundedProject, on_delete=models.PROTECT, related_name="outputs")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("name"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    # The repository (software), the address on the interoperability platform (vocabulary), the service
    # catalogue's entry (service), or where the document is published.
    address = models.URLField(_("address"), max_length=500, blank=True)
    licence = models.CharField(_("licence (SPDX identifier)"), max_length=64, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+")
    added_at = models.DateTimeField(_("added"))
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    checked_at = models.DateTimeField(pgettext_lazy("reuse catalogue", "checked"), null=True, blank=True)

    class Meta:
        ordering = ["project", "kind", "title", "pk"]
        verbose_name = _("output of a project")
        verbose_name_plural = _("outputs of projects")

    def __str__(self) -> str:
        return f"{self.project.reference}: {self.title}"
