"""A funded project: one granted application of a signed (or imported) decision, from the grant to its closure.

The project keeps what the decision fixed (the grant, the conditions, the implementation end), the budget
approved with it (the budget as applied), and the schedule of its reports. Reports and payments, the later
stages, point at it; it knows them only through their reverse relations.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from avustus.applications.models import Application, ConsortiumMember
from avustus.calls.models import Call, CostCategory
from avustus.decisions.models import Decision, Outcome


class FundedProject(models.Model):
    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", pgettext_lazy("grant follow-up", "in progress")
        # A later decision took the grant away (a rectification decided against it): kept, never deleted.
        CANCELLED = "cancelled", _("grant cancelled")
        CLOSED = "closed", _("closed")

    # Cascading from the decision's rows: an imported round replaced by a corrected import (round_import's
    # documented exception) takes its projects with it, and the new import makes them again. A project with
    # reports or payments cannot go (their keys protect it), so such a round cannot be replaced.
    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="project")
    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="projects")
    # The decision that first granted it (its date counts the schedule) and the outcome in force now, which a
    # later, amending decision replaces.
    first_decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="+")
    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="+")
    reference = models.CharField(_("tracking number"), max_length=40, unique=True)
    decided_on = models.DateField(_("date of decision"))
    grant = models.DecimalField(pgettext_lazy("grant follow-up", "grant"), max_digits=14, decimal_places=2)
    aid_rate = models.DecimalField(_("maximum aid rate"), max_digits=5, decimal_places=4)
    group_condition = models.TextField(_("condition of the group"), blank=True)
    special_conditions = models.JSONField(_("special conditions"), default=list, blank=True)
    implementation_end = models.DateField(_("end of implementation"), null=True, blank=True)
    state = models.CharField(pgettext_lazy("grant follow-up", "state"), max_length=20, choices=State.choices,
                             default=State.IN_PROGRESS)
    # Instalments beyond the call's number, allowed by an official with reasons (the decision: "as a rule three").
    extra_instalments = models.PositiveSmallIntegerField(_("extra instalments allowed"), default=0)
    extra_instalments_reason = models.TextField(_("reason for extra instalments"), blank=True)
    # Set when the final report is accepted (the next stage, settlement, sets it): the last instalment waits for it.
    final_report_accepted_on = models.DateField(_("final report accepted"), null=True, blank=True)
    # Bumped on every change an official makes, so that a step approving what was shown can name it.
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["call", "reference"]
        verbose_name = _("funded project")
        verbose_name_plural = _("funded projects")
        constraints = [models.CheckConstraint(condition=models.Q(grant__gte=0), name="project_grant_not_negative")]
        # A call's list in pages by tracking number reads this index from the cursor on, whatever other calls hold.
        indexes = [models.Index(fields=["call", "reference"], name="project_call_reference")]

    def __str__(self) -> str:
        return f"{self.reference} {self.application.title}"

    @property
    def instalments(self) -> int:
        from avustus.rules.payments import instalment_count

        return instalment_count(self.call.instalments, self.extra_instalments)


class ApprovedBudgetLine(models.Model):
    """The budget approved with the grant: a cost category's VAT-free costs and VAT for one consortium member.

    Copied from the application's budget when the project is created (a line that names no member is the
    lead's), so that a later change request changes these rows and the application stays as applied.
    """

    project = models.ForeignKey(FundedProject, on_delete=models.CASCADE, related_name="budget")
    category = models.ForeignKey(CostCategory, on_delete=models.PROTECT, related_name="+")
    # Goes with its project when a replaced import takes the round's applications (and so members) away.
    member = models.ForeignKey(ConsortiumMember, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    amount_vat_free = models.DecimalField(_("amount without VAT"), max_digits=14, decimal_places=2)
    vat = models.DecimalField(_("VAT"), max_digits=14, decimal_places=2, default=Decimal("0"))

    class Meta:
        ordering = ["project", "category__position", "member__position"]
        verbose_name = _("approved budget line")
        verbose_name_plural = pgettext_lazy("grant follow-up", "approved budget")
        constraints = [
            models.UniqueConstraint(fields=["project", "category", "member"], name="one_budget_line_per_cell"),
            models.CheckConstraint(condition=models.Q(amount_vat_free__gte=0, vat__gte=0),
                                   name="approved_budget_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.category_id}/{self.member_id}: {self.amount_vat_free} (VAT {self.vat})"


class ScheduleEntry(models.Model):
    """A report due: interim report n, or the final report, with the date an official may have set instead."""

    class Kind(models.TextChoices):
        INTERIM = "interim", pgettext_lazy("grant follow-up", "interim report")
        FINAL = "final", pgettext_lazy("grant follow-up", "final report")

    project = models.ForeignKey(FundedProject, on_delete=models.CASCADE, related_name="schedule")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    number = models.PositiveSmallIntegerField(pgettext_lazy("grant follow-up", "number"))
    due_on = models.DateField(pgettext_lazy("grant follow-up", "due"))
    # The date the rules give; due_on differs from it when an official set another date (with reasons).
    computed_due_on = models.DateField(_("due by the rules"))
    overridden_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+")
    override_reason = models.TextField(_("reason for the date"), blank=True)

    class Meta:
        ordering = ["project", "due_on", "kind", "number"]
        verbose_name = _("report due")
        verbose_name_plural = _("reports due")
        constraints = [models.UniqueConstraint(fields=["project", "kind", "number"], name="one_schedule_entry")]

    def __str__(self) -> str:
        return f"{self.project.reference} {self.kind} {self.number}: {self.due_on}"


class CallReportDate(models.Model):
    """A date the officials announced for a whole call ("on dates announced separately"), replacing the rule's."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="report_dates")
    kind = models.CharField(_("kind"), max_length=10, choices=ScheduleEntry.Kind.choices)
    number = models.PositiveSmallIntegerField(pgettext_lazy("grant follow-up", "number"))
    due_on = models.DateField(pgettext_lazy("grant follow-up", "due"))
    reason = models.TextField(_("reason"), blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+")

    class Meta:
        ordering = ["call", "kind", "number"]
        constraints = [models.UniqueConstraint(fields=["call", "kind", "number"], name="one_call_report_date")]

    def __str__(self) -> str:
        return f"{self.call_id} {self.kind} {self.number}: {self.due_on}"
