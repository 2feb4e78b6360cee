"""The reference rates of the Interest Act (633/1982, section 12), one row per half-year."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from avustus.decisions.models import RenderedDocument


class ReferenceRate(models.Model):
    """The reference rate in force for the half-year starting on ``half_year_start`` (1.1 or 1.7), in percent.

    Published by the Bank of Finland before each half-year; the shipped ones are loaded by a migration
    (``data/reference-rates.csv``), later ones added with ``avustus reference-rate add``.
    """

    half_year_start = models.DateField(_("half-year from"), unique=True)
    rate = models.DecimalField(_("reference rate (%)"), max_digits=5, decimal_places=2)
    added_at = models.DateTimeField(_("added to the table"), auto_now_add=True)

    class Meta:
        ordering = ["half_year_start"]
        verbose_name = _("reference rate")
        verbose_name_plural = _("reference rates")
        # That a row starts a half-year (1.1 or 1.7) is checked by ``rates.add_reference_rate`` and the
        # shipped data's loader, not by a CHECK: on SQLite a date part in a CHECK compiles to a function only
        # Django's connections define, so the file could no longer be checked or restored with sqlite3 itself.

    def __str__(self) -> str:
        return f"{self.half_year_start.isoformat()} {self.rate} %"


class Settlement(models.Model):
    """A grant settled after its final report: the figures of ``rules.settlement``, never changed once made.

    Prepared by one official, approved by another who names the hash of what they saw (``sha256`` of the
    snapshot). A last instalment is then paid as a payment application; an amount to return is a receivable,
    returned in one or more parts (``Return``) with interest.
    """

    class Status(models.TextChoices):
        PREPARED = "prepared", pgettext_lazy("settlement", "prepared")
        APPROVED = "approved", pgettext_lazy("settlement", "approved")

    project = models.OneToOneField("projects.FundedProject", on_delete=models.PROTECT, related_name="settlement")
    final_report = models.ForeignKey("reports.FinalReport", on_delete=models.PROTECT, related_name="+")
    grant = models.DecimalField(pgettext_lazy("grant follow-up", "grant"), max_digits=14, decimal_places=2)
    aid_rate = models.DecimalField(_("maximum aid rate"), max_digits=5, decimal_places=4)
    accepted_costs = models.DecimalField(_("accepted eligible costs"), max_digits=14, decimal_places=2)
    paid = models.DecimalField(_("paid"), max_digits=14, decimal_places=2)
    final_grant = models.DecimalField(_("final grant"), max_digits=14, decimal_places=2)
    last_instalment = models.DecimalField(_("last instalment"), max_digits=14, decimal_places=2)
    to_return = models.DecimalField(_("amount to return"), max_digits=14, decimal_places=2)
    left_unreturned = models.DecimalField(_("left unreturned"), max_digits=14, decimal_places=2)
    snapshot = models.JSONField()
    sha256 = models.CharField(max_length=64)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PREPARED)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    prepared_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    # The payment file of receivables this settlement's amount to return was listed in (never twice).
    receivable_file = models.ForeignKey("payments.PaymentFile", on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="settlements")
    # What the document says besides the figures (the recipient, the project, the signatories, the
    # rectification instructions), fixed at the approval: the documents are rendered from it and the snapshot.
    document_data = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["project"]
        verbose_name = _("settlement")
        verbose_name_plural = _("settlements")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_instalment=0, to_return=0) | models.Q(last_instalment=0, left_unreturned=0)
                | models.Q(to_return=0, left_unreturned=0),
                name="settlement_one_outcome"),
        ]

    def __str__(self) -> str:
        return f"{self.project.reference}: {self.final_grant}"

    def save(self, *args, **kwargs):
        # Immutable once made: only the approval (and the receivables file it is listed in) are written later.
        fields = set(kwargs.get("update_fields") or ())
        if self.pk is not None and (not fields or not fields <= {"status", "approved_by", "approved_at",
                                                                 "receivable_file", "document_data"}):
            raise ValueError("a settlement's figures never change once made")
        super().save(*args, **kwargs)


class SettlementDocument(RenderedDocument):
    """One rendered document of an approved settlement (fi or sv; html or pdf), stored once, never changed."""

    settlement = models.ForeignKey(Settlement, on_delete=models.PROTECT, related_name="documents")
    refusal = ValueError
    kind = "settlement document"

    class Meta:
        ordering = ["settlement", "lang", "format"]
        verbose_name = _("settlement document")
        verbose_name_plural = _("settlement documents")
        constraints = [models.UniqueConstraint(fields=["settlement", "lang", "format"],
                                               name="one_settlement_document_per_form")]

    def __str__(self) -> str:
        return f"{self.settlement_id}.{self.lang}.{self.format}"


class ReturnedParts(models.QuerySet):
    def total(self) -> Decimal:
        """The principal these parts returned, in cents (zero for none)."""
        total = self.aggregate(total=Sum("amount"))["total"]
        return (total or Decimal(0)).quantize(Decimal("0.01"))


class ReturnedPart(models.Model):
    """A part of an amount to return, returned on a day, with the interest on it (``computation``: the lines, as
    ``settlement.interest`` shapes them): the columns a settlement's and a recovery's returns share."""

    returned_on = models.DateField(_("returned on"))
    amount = models.DecimalField(_("amount returned"), max_digits=14, decimal_places=2)
    interest = models.DecimalField(_("interest"), max_digits=14, decimal_places=2)
    penalty_interest = models.DecimalField(_("penalty interest"), max_digits=14, decimal_places=2, default=0)
    computation = models.JSONField()
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = ReturnedParts.as_manager()

    class Meta:
        abstract = True


class Return(ReturnedPart):
    """A part of a settlement's amount to return, returned on a day, with the section 24 interest on it."""

    settlement = models.ForeignKey(Settlement, on_delete=models.PROTECT, related_name="returns")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["settlement", "returned_on", "id"]
        verbose_name = _("return")
        verbose_name_plural = _("returns")
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="return_positive")]

    def __str__(self) -> str:
        return f"{self.settlement_id}: {self.amount} on {self.returned_on}"


class AuditSample(models.Model):
    """A random sample of a call's funded projects drawn for a closer audit (pistokoe), seeded and reproducible.

    Never redrawn: each draw is a row of its own, numbered within the call, with the seed and the population it
    was drawn from (their references and hash), so that anyone can draw it again and get the same projects.
    """

    call = models.ForeignKey("calls.Call", on_delete=models.PROTECT, related_name="audit_samples")
    number = models.PositiveIntegerField(_("draw"))
    seed = models.BigIntegerField(_("seed"))
    size = models.PositiveIntegerField(_("sample size"))
    percent = models.DecimalField(_("percentage"), max_digits=5, decimal_places=2, null=True, blank=True)
    population = models.JSONField()  # the references drawn from, sorted
    population_sha256 = models.CharField(max_length=64)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+")
    drawn_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["call", "-number"]
        verbose_name = _("audit sample")
        verbose_name_plural = _("audit samples")
        constraints = [models.UniqueConstraint(fields=["call", "number"], name="one_audit_sample_number_per_call")]

    def __str__(self) -> str:
        return f"{self.call_id} #{self.number}: {self.size} (seed {self.seed})"


class AuditSampleEntry(models.Model):
    """A project drawn in a sample, in the order drawn."""

    sample = models.ForeignKey(AuditSample, on_delete=models.PROTECT, related_name="entries")
    project = models.ForeignKey("projects.FundedProject", on_delete=models.PROTECT, related_name="audit_samples")
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["sample", "position"]
        verbose_name = _("project in an audit sample")
        verbose_name_plural = _("projects in audit samples")
        constraints = [models.UniqueConstraint(fields=["sample", "project"], name="one_entry_per_sampled_project")]

    def __str__(self) -> str:
        return f"{self.sample_id}: {self.project_id}"


class Recovery(models.Model):
    """A recovery case (takaisinperintä / återkrav) under section 21 or 22 of Act 688/2001.

    Started by an official with its ground, the amount proposed and the reasons, and the day the ground became
    known (from which section 29's year runs); the recipient is heard (Administrative Procedure Act 434/2003,
    section 34) until ``hearing_deadline``; then one official prepares the decision (its ``snapshot`` and
    ``sha256``) and another signs it, naming the hash. Once decided the figures never change: a waiver
    (section 26) is a ``RecoveryWaiver`` row, a return a ``RecoveryReturn``.
    """

    class Status(models.TextChoices):
        HEARING = "hearing", pgettext_lazy("recovery", "recipient being heard")
        PREPARED = "prepared", pgettext_lazy("recovery", "decision prepared")
        DECIDED = "decided", pgettext_lazy("recovery", "decided")

    project = models.ForeignKey("projects.FundedProject", on_delete=models.PROTECT, related_name="recoveries")
    ground_section = models.PositiveSmallIntegerField(_("section"))
    ground_subsection = models.PositiveSmallIntegerField(_("subsection"))
    amount = models.DecimalField(_("amount to recover"), max_digits=14, decimal_places=2)
    reasons = models.TextField(_("reasons"))
    ground_known_on = models.DateField(_("ground known on"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.HEARING)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")  # None: the system
    started_at = models.DateTimeField(auto_now_add=True)
    hearing_sent_on = models.DateField(_("hearing requested on"))
    hearing_deadline = models.DateField(_("response due by"))
    response = models.TextField(_("response"), blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    due_on = models.DateField(_("due date"), null=True, blank=True)
    snapshot = models.JSONField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    prepared_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    signed_at = models.DateTimeField(null=True, blank=True)
    # Why the last prepared decision was sent back unsigned (``recovery.withdraw_recovery_decision``).
    withdrawn_reasons = models.TextField(_("reasons for sending the decision back"), blank=True)
    # The payment file of receivables the decided amount was listed in (never twice, as ``Settlement``'s).
    receivable_file = models.ForeignKey("payments.PaymentFile", on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="recoveries")

    class Meta:
        ordering = ["project", "started_at", "id"]
        verbose_name = _("recovery")
        verbose_name_plural = _("recoveries")
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="recovery_positive")]

    def __str__(self) -> str:
        return f"{self.project.reference}: {self.amount} ({self.ground_section} §)"


class RecoveryWaivers(models.QuerySet):
    def in_force(self) -> "RecoveryWaivers":
        """The confirmed waivers: only these lower what is due (a proposed one waits for its second person)."""
        return self.filter(status=RecoveryWaiver.Status.CONFIRMED)


class RecoveryWaiver(models.Model):
    """A recovery adjusted in whole or in part (kohtuullistaminen / jämkning, section 26): principal waived,
    and whether the interest and penalty interest are waived too, with the official's reasons.

    A waiver undoes part of a decision two people made, so it takes two as well: one official proposes it and it
    takes effect only when a second person who may sign recovery decisions confirms it (``settlement.waivers``);
    either may decline it instead. One proposal at a time per case. Waivers recorded before the second person
    was asked for were confirmed by the one who took them (``confirmed_by`` is ``proposed_by``)."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", pgettext_lazy("waiver", "awaiting confirmation")
        CONFIRMED = "confirmed", pgettext_lazy("waiver", "confirmed")
        DECLINED = "declined", pgettext_lazy("waiver", "declined")

    recovery = models.ForeignKey(Recovery, on_delete=models.PROTECT, related_name="waivers")
    principal = models.DecimalField(_("principal waived"), max_digits=14, decimal_places=2)
    interest = models.BooleanField(_("interest and penalty interest waived"), default=False)
    reasons = models.TextField(_("reasons"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")  # None: the system
    proposed_at = models.DateTimeField(auto_now_add=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    declined_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    declined_at = models.DateTimeField(null=True, blank=True)
    declined_reasons = models.TextField(_("reasons for declining"), blank=True)

    objects = RecoveryWaivers.as_manager()

    class Meta:
        ordering = ["recovery", "proposed_at", "id"]
        verbose_name = _("waiver")
        verbose_name_plural = _("waivers")
        constraints = [
            models.CheckConstraint(condition=models.Q(principal__gte=0), name="waiver_not_negative"),
            # Two proposals at once could each fit what is left and together waive more than is due.
            models.UniqueConstraint(fields=["recovery"], condition=models.Q(status="proposed"),
                                    name="one_proposed_waiver_per_recovery"),
        ]

    def __str__(self) -> str:
        return f"{self.recovery_id}: {self.principal} waived ({self.status})"


class RecoveryReturn(ReturnedPart):
    """A part of a recovered amount returned on a day, with section 24 interest and, after the due date,
    section 25 penalty interest on it."""

    recovery = models.ForeignKey(Recovery, on_delete=models.PROTECT, related_name="returns")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")  # None: the system

    class Meta:
        ordering = ["recovery", "returned_on", "id"]
        verbose_name = _("recovery return")
        verbose_name_plural = _("recovery returns")
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="recovery_return_positive")]

    def __str__(self) -> str:
        return f"{self.recovery_id}: {self.amount} on {self.returned_on}"
