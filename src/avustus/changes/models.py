"""Change requests to a funded project, the amending decisions that approve them, and every version of the terms.

The lead asks (an extension of the implementation period, a move of money between cost categories or members,
a change of partners) with reasons; an official approves or rejects it; an approval changes the grant's terms, so
a second official confirms it and it becomes an amending decision (``ChangeDecision``), signed and never changed.
Each confirmed change leaves a ``ProjectRevision``: the end date, the budget, the schedule and the members as
they stood after it (revision 1 is the project as first decided), so no version is overwritten.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from avustus.projects.models import FundedProject


class Immutable(Exception):
    """A signed amending decision and a kept revision are never changed."""


class ChangeRequest(models.Model):
    class Kind(models.TextChoices):
        EXTENSION = "extension", _("extension of the implementation period")
        BUDGET = "budget", _("change of the budget")
        PARTNERS = "partners", _("change of partners")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", pgettext_lazy("change request", "submitted")
        WITHDRAWN = "withdrawn", pgettext_lazy("change request", "withdrawn")
        REJECTED = "rejected", pgettext_lazy("change request", "rejected")
        APPROVED = "approved", _("approved, awaiting a second official")
        DECIDED = "decided", _("amending decision made")

    project = models.ForeignKey(FundedProject, on_delete=models.PROTECT, related_name="change_requests")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    reasons = models.TextField(_("reasons"))
    # An extension: the end of implementation asked for.
    new_end = models.DateField(_("new end of implementation"), null=True, blank=True)
    # A budget change: [{"from": [category code, member position], "to": [...], "amount": "1250.00"}].
    moves = models.JSONField(_("moves of the budget"), default=list, blank=True)
    # A change of partners: organisation ids to add, consortium member ids to remove.
    add_partners = models.JSONField(_("partners to add"), default=list, blank=True)
    remove_partners = models.JSONField(_("partners to remove"), default=list, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_reasons = models.TextField(_("reasons for the decision"), blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    # Bumped on every step, so that a step on what was shown names it.
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        ordering = ["project", "-submitted_at", "-id"]
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")

    def __str__(self) -> str:
        return f"{self.project_id} {self.kind} {self.status}"


class ChangeDecision(models.Model):
    """The amending decision (muutospäätös / ändringsbeslut) that approved a change request: signed, immutable."""

    request = models.OneToOneField(ChangeRequest, on_delete=models.PROTECT, related_name="decision")
    project = models.ForeignKey(FundedProject, on_delete=models.PROTECT, related_name="change_decisions")
    decided_on = models.DateField(_("date of decision"))
    # The data the documents were built from, and its hash, as the second official confirmed it.
    snapshot = models.JSONField(_("data as signed"))
    snapshot_sha256 = models.CharField(max_length=64)
    document_fi = models.TextField(_("document in Finnish"))
    document_sv = models.TextField(_("document in Swedish"))
    signed_at = models.DateTimeField(_("signed"), auto_now_add=True)

    class Meta:
        ordering = ["project", "decided_on", "id"]
        verbose_name = _("amending decision")
        verbose_name_plural = _("amending decisions")

    def __str__(self) -> str:
        return f"{self.project_id} {self.decided_on}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise Immutable("a signed amending decision is never changed; make another")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise Immutable("a signed amending decision is never deleted")

    def document(self, lang: str) -> str:
        return self.document_sv if lang == "sv" else self.document_fi


class ProjectRevision(models.Model):
    """The project's terms as they stood from one change on: the end, the budget, the schedule, the members."""

    project = models.ForeignKey(FundedProject, on_delete=models.PROTECT, related_name="revisions")
    number = models.PositiveSmallIntegerField(_("version"))
    # Empty for revision 1, the project as first decided.
    change_request = models.OneToOneField(ChangeRequest, on_delete=models.PROTECT, null=True, blank=True,
                                          related_name="revision")
    implementation_end = models.DateField(_("end of implementation"), null=True, blank=True)
    # [{"category": code, "member": id, "amount_vat_free": "…", "vat": "…"}]
    budget = models.JSONField(_("approved budget"))
    # [{"kind": "interim"|"final", "number": n, "due_on": "YYYY-MM-DD"}]
    schedule = models.JSONField(_("reports due"))
    members = models.JSONField(_("consortium members"))  # member ids in force
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project", "number"]
        verbose_name = _("version of the project's terms")
        verbose_name_plural = _("versions of the project's terms")
        constraints = [models.UniqueConstraint(fields=["project", "number"], name="one_revision_number")]

    def __str__(self) -> str:
        return f"{self.project_id} v{self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise Immutable("a kept version of a project's terms is never changed")
        super().save(*args, **kwargs)
