"""The money: the account a project is paid to, and its payment applications from claim to payment.

A payment application claims the costs accepted to date; an official accepts it (perhaps a lower amount,
with reasons), a second person approves the payment naming the version they saw, and the day it was paid is
recorded. One row per instalment number and a row lock on the project make a second payment impossible.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from avustus.projects.models import FundedProject


class BankAccount(models.Model):
    """An IBAN the recipient registered for a project. It is paid to only once confirmed by officials.

    The first account needs one official's confirmation; a change of account, the usual way payments are
    redirected by fraud, needs two different officials, neither of them who registered it.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting confirmation")
        ACTIVE = "active", pgettext_lazy("grant follow-up", "in use")
        SUPERSEDED = "superseded", pgettext_lazy("grant follow-up", "replaced")
        REJECTED = "rejected", _("rejected")

    project = models.ForeignKey(FundedProject, on_delete=models.PROTECT, related_name="bank_accounts")
    iban = models.CharField(pgettext_lazy("grant follow-up", "IBAN"), max_length=34)
    holder = models.CharField(pgettext_lazy("grant follow-up", "account holder"), max_length=200)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    is_change = models.BooleanField(pgettext_lazy("grant follow-up", "change of account"), default=False)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="+")
    registered_at = models.DateTimeField(pgettext_lazy("grant follow-up", "registered"), auto_now_add=True)
    first_confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                           blank=True, related_name="+")
    second_confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                            blank=True, related_name="+")
    confirmed_at = models.DateTimeField(pgettext_lazy("grant follow-up", "confirmed"), null=True, blank=True)
    # How the official made sure the change is the recipient's (a call to a known number, say), and any refusal.
    confirmation_note = models.TextField(_("how it was confirmed"), blank=True)

    class Meta:
        ordering = ["project", "registered_at", "id"]
        verbose_name = _("bank account")
        verbose_name_plural = _("bank accounts")
        constraints = [
            models.UniqueConstraint(fields=["project"], condition=models.Q(status="active"),
                                    name="one_active_account_per_project"),
            models.UniqueConstraint(fields=["project"], condition=models.Q(status="pending"),
                                    name="one_pending_account_per_project"),
        ]

    def __str__(self) -> str:
        return f"{self.project.reference} {self.iban}"


class PaymentApplication(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        ACCEPTED = "accepted", _("accepted, awaiting approval")
        APPROVED = "approved", _("approved for payment")
        PAID = "paid", pgettext_lazy("grant follow-up", "paid")
        REJECTED = "rejected", _("rejected")

    project = models.ForeignKey(FundedProject, on_delete=models.PROTECT, related_name="payment_applications")
    number = models.PositiveSmallIntegerField(pgettext_lazy("grant follow-up", "instalment"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    # What was claimed: the accepted eligible VAT-free costs to date, and the payable amount they gave then.
    costs_to_date = models.DecimalField(_("accepted costs to date"), max_digits=14, decimal_places=2)
    amount_claimed = models.DecimalField(_("amount applied for"), max_digits=14, decimal_places=2)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+")
    submitted_at = models.DateTimeField(_("submitted"))
    amount_accepted = models.DecimalField(_("amount accepted"), max_digits=14, decimal_places=2, null=True,
                                          blank=True)
    acceptance_reasons = models.TextField(pgettext_lazy("grant follow-up", "reasons"), blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    accepted_at = models.DateTimeField(pgettext_lazy("grant follow-up", "accepted"), null=True, blank=True)
    account = models.ForeignKey(BankAccount, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    approved_at = models.DateTimeField(pgettext_lazy("grant follow-up", "approved"), null=True, blank=True)
    approved_version = models.CharField(max_length=64, blank=True)
    paid_on = models.DateField(pgettext_lazy("grant follow-up", "paid"), null=True, blank=True)
    paid_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="+")
    amount_paid = models.DecimalField(_("amount paid"), max_digits=14, decimal_places=2, null=True, blank=True)
    idempotency_key = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["project", "number"]
        verbose_name = _("payment application")
        verbose_name_plural = _("payment applications")
        constraints = [
            # A rejected application leaves its instalment free to be applied for again.
            models.UniqueConstraint(fields=["project", "number"], condition=~models.Q(status="rejected"),
                                    name="one_application_per_instalment"),
            models.CheckConstraint(condition=models.Q(amount_claimed__gte=0, costs_to_date__gte=0),
                                   name="payment_claim_not_negative"),
            models.CheckConstraint(condition=models.Q(amount_accepted__isnull=True)
                                   | models.Q(amount_accepted__gte=0, amount_accepted__lte=models.F("amount_claimed")),
                                   name="accepted_within_claim"),
            models.CheckConstraint(condition=models.Q(status="paid", amount_paid__isnull=False, paid_on__isnull=False)
                                   | (~models.Q(status="paid") & models.Q(amount_paid__isnull=True)),
                                   name="paid_amount_iff_paid"),
        ]

    def __str__(self) -> str:
        return f"{self.project.reference} / {self.number}"


class PaymentFile(models.Model):
    """A file for the State's accounting: the approved payments of a day, or the receivables (returns) of one.

    Its text is kept as produced, so that ``--again`` reprints the same file; a payment or a receivable is
    listed in one file only (``PaymentFileEntry``, ``Settlement.receivable_file``).
    """

    class Kind(models.TextChoices):
        PAYMENTS = "payments", _("payments")
        RECEIVABLES = "receivables", _("receivables")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    day = models.DateField(_("day"))
    content = models.TextField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.day} #{self.pk}"


class PaymentFileEntry(models.Model):
    file = models.ForeignKey(PaymentFile, on_delete=models.PROTECT, related_name="entries")
    # One file per payment, ever.
    application = models.OneToOneField(PaymentApplication, on_delete=models.PROTECT, related_name="file_entry")

    def __str__(self) -> str:
        return f"{self.file_id}: {self.application_id}"
