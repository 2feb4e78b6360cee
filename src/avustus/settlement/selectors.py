"""What the officials' payment-file page lists: approved payments and amounts to return not yet in any file, and
the files produced (``payments.payment_file``, ``settlement.receivables``), each in a fixed number of queries."""

from avustus.payments.models import PaymentApplication, PaymentFile
from avustus.settlement.models import Recovery, Settlement


def unfiled_payments() -> list[PaymentApplication]:
    """Approved (or already paid) payments that no payment file lists yet, oldest approval first."""
    return list(PaymentApplication.objects
                .filter(status__in=[PaymentApplication.Status.APPROVED, PaymentApplication.Status.PAID],
                        approved_at__isnull=False, file_entry__isnull=True)
                .select_related("project", "account").order_by("approved_at", "pk"))


def unfiled_receivables() -> list[Settlement]:
    """Approved settlements with an amount to return that no receivables file lists yet."""
    return list(Settlement.objects.filter(status=Settlement.Status.APPROVED, to_return__gt=0,
                                          receivable_file__isnull=True)
                .select_related("project").order_by("approved_at", "pk"))


def unfiled_recoveries() -> list[Recovery]:
    """Signed recovery decisions that no receivables file lists yet (``settlement.receivables``)."""
    return list(Recovery.objects.filter(status=Recovery.Status.DECIDED, receivable_file__isnull=True)
                .select_related("project").order_by("decided_on", "pk"))


def produced_files(limit: int = 100) -> list[PaymentFile]:
    """The latest files produced, newest first, without their text."""
    return list(PaymentFile.objects.defer("content").order_by("-created_at", "-pk")[:limit])
