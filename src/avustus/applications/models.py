"""Applications and their consortia: a lead body and its partners, as applied for."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from avustus.calls.models import Call
from avustus.registry.models import Organisation


class Application(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        WITHDRAWN = "withdrawn", _("withdrawn")

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="applications")
    reference = models.CharField(_("tracking number"), max_length=40, unique=True)
    title = models.TextField(_("project"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    amount_applied = models.DecimalField(_("amount applied"), max_digits=14, decimal_places=2)
    # Row of Appendix 1 for an application imported from a decision; None for one made in the e-service.
    source_row = models.PositiveIntegerField(_("row in the appendix"), null=True, blank=True)
    # The project plan, by the call's plan fields (objectives, changes, dissemination, ...).
    plan = models.JSONField(_("project plan"), default=dict, blank=True)
    # Optimistic concurrency: a save names the version it started from; a stale one is refused.
    version = models.PositiveIntegerField(_("version"), default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    idempotency_key = models.CharField(max_length=100, blank=True)
    screening_flags = models.JSONField(_("screening flags"), default=list, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["call", "source_row", "reference"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint(fields=["call", "source_row"], name="unique_application_source_row"),
            models.CheckConstraint(condition=models.Q(amount_applied__gte=0), name="amount_applied_not_negative"),
        ]
        # The orders the lists page through (web.paging): a page is read from the index, never sorted whole.
        indexes = [
            models.Index(fields=["call", "submitted_at", "source_row", "reference"], name="application_received"),
            models.Index(fields=["call", "source_row", "reference"], name="application_row"),
            models.Index(fields=["call", "status"], name="application_call_status"),  # a list's count, index-only
            # A create's retry is found by its key (``create_draft``): without this index PostgreSQL joined the
            # lead's memberships to the call's applications, a cost that grew with every draft of a burst.
            models.Index(fields=["idempotency_key", "created_by"], name="application_idempotency",
                         condition=~models.Q(idempotency_key="")),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def lead(self) -> "ConsortiumMember | None":
        # Reads the prefetched members where a list view prefetched them, to keep query counts flat.
        return next((m for m in self.members.all() if m.role == ConsortiumMember.Role.LEAD), None)

    @property
    def partners(self) -> list["ConsortiumMember"]:
        return [m for m in self.members.all() if m.role == ConsortiumMember.Role.PARTNER]


class ConsortiumMember(models.Model):
    """A body in an application's consortium, with its name as the source wrote it.

    ``organisation`` is empty when the name could not be resolved to the registry with confidence;
    the name as written is always kept so that nothing from the source is lost.
    """

    class Role(models.TextChoices):
        LEAD = "lead", _("lead applicant")
        PARTNER = "partner", _("partner")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="members")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships"
    )
    name_as_written = models.CharField(_("name as written"), max_length=300)
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    position = models.PositiveSmallIntegerField(_("position"))
    # Partners read the application; the lead may let a partner's users edit the draft too.
    can_edit = models.BooleanField(_("may edit"), default=False)

    class Meta:
        ordering = ["application", "position"]
        verbose_name = _("consortium member")
        verbose_name_plural = _("consortium members")
        constraints = [
            models.UniqueConstraint(fields=["application", "position"], name="unique_member_position"),
            models.UniqueConstraint(
                fields=["application"], condition=models.Q(role="lead"), name="one_lead_per_application"
            ),
        ]

    def __str__(self) -> str:
        return self.organisation.name_fi if self.organisation else self.name_as_written


class BudgetLine(models.Model):
    """A cost of the project in one of the call's cost categories, VAT-free amount and VAT apart."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="budget_lines")
    category = models.ForeignKey("calls.CostCategory", on_delete=models.PROTECT, related_name="+")
    description = models.CharField(_("description"), max_length=500, blank=True)
    amount_vat_free = models.DecimalField(_("amount without VAT"), max_digits=14, decimal_places=2)
    vat = models.DecimalField(_("VAT"), max_digits=14, decimal_places=2, default=0)
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        ordering = ["application", "position"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_vat_free__gte=0, vat__gte=0), name="budget_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.description} {self.amount_vat_free} (VAT {self.vat})"


class DraftConflict(models.Model):
    """A save that came from an out-of-date version of a draft, kept so that nobody's work is lost."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="conflicts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    based_on_version = models.PositiveIntegerField()
    changes = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return (f"conflict in application {self.application_id} by user {self.user_id}, "
                f"from version {self.based_on_version}")


class Attachment(models.Model):
    """A document attached to an application, its bytes kept in the file storage, not in the database.

    ``storage_name`` is random and says nothing about the user's file; ``original_name`` is the user's
    file name, sanitised, for display only. ``content_type`` is what the content was recognised as,
    never what the client claimed. Removal from a draft is soft (``removed_at``): the row and the file
    stay, so the audit log's record of what was attached can still be checked against the bytes.
    """

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    storage_name = models.CharField(max_length=255, unique=True)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("file type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("attached"), auto_now_add=True)
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)

    class Meta:
        ordering = ["application", "uploaded_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name
