"""Decisions on a call's applications, each application's outcome, and findings on the record.

A decision is a legal act: once signed it is never edited, and a change is a new decision that
names the one it amends.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from avustus.applications.models import Application
from avustus.calls.models import Call, GrantGroup
from avustus.registry.models import Organisation


class DecisionLocked(Exception):
    """A signed decision, its outcomes and its documents are never changed; amend with a new decision."""


class Decision(models.Model):
    class Kind(models.TextChoices):
        COLLECTIVE = "collective", _("collective decision")
        AMENDING = "amending", _("amending decision")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SIGNED = "signed", _("signed")

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.COLLECTIVE)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    amends = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="amended_by")
    decided_on = models.DateField(_("date of decision"), null=True, blank=True)

    # Names and titles as signed; the user links are filled when the decision is made in Avustus.
    decision_maker_name = models.CharField(_("decision-maker"), max_length=200, blank=True)
    decision_maker_title = models.CharField(_("title of the decision-maker"), max_length=200, blank=True)
    presenting_official_name = models.CharField(_("presenting official"), max_length=200, blank=True)
    presenting_official_title = models.CharField(_("title of the presenting official"), max_length=200, blank=True)
    decision_maker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    presenting_official = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    # What the decision text itself states, kept beside what the rows add up to, so that a
    # disagreement stays visible instead of being silently recomputed away.
    stated_received = models.PositiveIntegerField(_("applications received"), null=True, blank=True)
    stated_withdrawn = models.PositiveIntegerField(_("applications withdrawn"), null=True, blank=True)
    stated_applied_total = models.DecimalField(
        _("total applied"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    stated_granted_total = models.DecimalField(
        _("total granted"), max_digits=14, decimal_places=2, null=True, blank=True
    )

    # Frozen at signing: the data the documents were built from, and its hash.
    snapshot = models.JSONField(_("data as signed"), default=dict, blank=True)
    snapshot_sha256 = models.CharField(max_length=64, blank=True)
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True)

    source_name = models.CharField(_("imported from"), max_length=300, blank=True)
    source_sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    # An imported decision's language, and a hash of its figures alone (dates, amounts, numbers, in
    # order): the same decision in the other language has the same figures, and is stored as its
    # translation (``DecisionTranslation``) instead of being refused as a different text.
    source_language = models.CharField(max_length=2, blank=True)
    figures_sha256 = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["call", "decided_on", "id"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return f"{self.call} {self.decided_on}"

    def save(self, *args, **kwargs):
        if self.pk is not None and self.signed_in_avustus:
            stored = Decision.objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored == self.Status.SIGNED:
                raise DecisionLocked(f"decision {self.pk} is signed and cannot be changed; make an amending decision")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.signed_in_avustus:
            raise DecisionLocked(f"decision {self.pk} is signed and cannot be deleted")
        return super().delete(*args, **kwargs)

    @property
    def signed_in_avustus(self) -> bool:
        """Signed here (with a frozen snapshot), as opposed to imported from a decision signed elsewhere."""
        return bool(self.snapshot_sha256)


class DecisionTranslation(models.Model):
    """An imported decision as published in another language: the same figures, its own words.

    A signed decision is never changed, so its other language is kept beside it: the text as read
    (a PDF's rebuilt text), the special conditions of each grant in that language, and the file it
    came from with its content hash, so that importing it again changes nothing.
    """

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=2)
    source_name = models.CharField(_("imported from"), max_length=300)
    source_sha256 = models.CharField(max_length=64)
    text = models.TextField(_("text of the decision"), blank=True)
    special_conditions = models.JSONField(default=dict, blank=True)  # grant number (as text) → conditions
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["decision", "language"], name="one_translation_per_language")]

    def __str__(self) -> str:
        return f"{self.decision} ({self.language})"


class Outcome(models.Model):
    class Kind(models.TextChoices):
        GRANTED = "granted", _("granted")
        DEFERRED = "deferred", _("deferred for further investigation")
        REJECTED = "rejected", _("rejected")
        WITHDRAWN = "withdrawn", _("withdrawn")

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="outcomes")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="outcomes")
    kind = models.CharField(_("outcome"), max_length=20, choices=Kind.choices)
    amount_granted = models.DecimalField(_("granted at most"), max_digits=14, decimal_places=2, null=True, blank=True)
    group = models.ForeignKey(GrantGroup, on_delete=models.PROTECT, null=True, blank=True, related_name="outcomes")
    number = models.PositiveSmallIntegerField(_("number in the decision"), null=True, blank=True)
    special_conditions = models.JSONField(_("special conditions"), default=list, blank=True)
    # The same conditions in Swedish, for Swedish documents; empty means the Finnish ones are used there.
    special_conditions_sv = models.JSONField(_("special conditions in Swedish"), default=list, blank=True)
    # The body of a decision names the recipient and the project in its own words.
    recipient = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    recipient_as_written = models.CharField(_("recipient as written"), max_length=300, blank=True)
    project_as_written = models.TextField(_("project as written"), blank=True)

    class Meta:
        ordering = ["decision", "kind", "number"]
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        constraints = [
            models.UniqueConstraint(fields=["decision", "application"], name="one_outcome_per_decision"),
            models.CheckConstraint(
                condition=models.Q(kind="granted", amount_granted__gt=0)
                | (~models.Q(kind="granted") & models.Q(amount_granted__isnull=True)),
                name="granted_amount_iff_granted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application.reference}: {self.kind}"

    def save(self, *args, **kwargs):
        if Decision.objects.filter(pk=self.decision_id, snapshot_sha256__gt="").exists():
            raise DecisionLocked(f"the outcomes of signed decision {self.decision_id} cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if Decision.objects.filter(pk=self.decision_id, snapshot_sha256__gt="").exists():
            raise DecisionLocked(f"the outcomes of signed decision {self.decision_id} cannot be deleted")
        return super().delete(*args, **kwargs)


class RenderedDocument(models.Model):
    """A document rendered from a signed record in a language and a format, stored once and never changed: the
    columns and the refusals a decision's and a settlement's documents share."""

    lang = models.CharField(_("language"), max_length=2)
    format = models.CharField(_("format"), max_length=4)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    # What a change or a deletion raises, and what its message calls the document.
    refusal: type[Exception] = DecisionLocked
    kind = "decision document"

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise self.refusal(f"a stored {self.kind} is never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise self.refusal(f"a stored {self.kind} is never deleted")


class DecisionDocument(RenderedDocument):
    """One rendered document of a signed decision (a language and a format), stored once, never changed."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="documents")

    class Meta:
        ordering = ["decision", "lang", "format"]
        verbose_name = _("decision document")
        verbose_name_plural = _("decision documents")
        constraints = [models.UniqueConstraint(fields=["decision", "lang", "format"], name="one_document_per_form")]

    def __str__(self) -> str:
        return f"{self.decision_id}.{self.lang}.{self.format}"

    @property
    def filename(self) -> str:
        return f"{self.decision.call.slug}-{self.decision_id}-{self.lang}.{self.format}"


class Finding(models.Model):
    """A disagreement or oddity noticed in a source document, quoting the passages it concerns."""

    class Severity(models.TextChoices):
        INFO = "info", _("note")
        WARNING = "warning", _("disagreement")

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="findings")
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, null=True, blank=True, related_name="findings")
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, null=True, blank=True, related_name="findings"
    )
    kind = models.SlugField(_("kind"), max_length=64)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, default=Severity.WARNING)
    message = models.TextField(_("finding"))
    details = models.JSONField(_("quoted sources"), default=dict, blank=True)

    class Meta:
        ordering = ["call", "id"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")

    def __str__(self) -> str:
        return self.message


class Notification(models.Model):
    """How and when a recipient was told of a decision, and the deadline for rectification that follows."""

    class Channel(models.TextChoices):
        LETTER = "letter", _("by letter")
        ELECTRONIC = "electronic", _("electronically")

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="notifications")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="notifications")
    channel = models.CharField(_("how"), max_length=12, choices=Channel.choices)
    sent_on = models.DateField(_("sent"))
    # The address an emailed decision went to (one notification per consenting recipient); empty for a
    # notification recorded by an official for the recipient as a whole (a letter by post, say).
    recipient = models.CharField(_("recipient's address"), max_length=254, blank=True, default="")
    # Derived by the time-limit rules when recorded, and kept: the deadline told to the recipient stands.
    received_on = models.DateField(_("deemed received"))
    rectification_deadline = models.DateField(_("last day for a rectification request"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decision", "application", "sent_on"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [models.UniqueConstraint(
            fields=["decision", "application", "channel", "sent_on", "recipient"],
            name="one_notification_per_sending")]

    def __str__(self) -> str:
        return f"{self.application.reference}: {self.get_channel_display()} {self.sent_on}"
