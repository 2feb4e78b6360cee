"""What the officials' payment-file page lists: approved payments and amounts to return not yet in any file, and
the files produced (``payments.payment_file``, ``settlement.receivables``), each in a fixed number of queries; of
the programmes given (``permissions.payment_file_programmes``; None: all), as the files are produced."""

from decimal import Decimal

from django.db.models import DecimalField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from avustus.payments.models import PaymentApplication, PaymentFile
from avustus.payments.payment_file import files_of, within
from avustus.payments.services import stopped_projects, within_period_of_use
from avustus.rules.recovery import amount_due
from avustus.settlement.models import Recovery, RecoveryReturn, RecoveryWaiver, Return, Settlement


def unfiled_payments(programmes: frozenset[int] | None) -> list[PaymentApplication]:
    """Approved payments not yet recorded as paid that no payment file lists yet, oldest approval first: what
    ``produce_payment_file`` would list (none of a project whose payment a section 21 recovery stopped, none
    approved after its appropriation's period of use)."""
    return list(within_period_of_use(within(PaymentApplication.objects.all(), programmes)
                                     .filter(status=PaymentApplication.Status.APPROVED, approved_at__isnull=False,
                                             file_entry__isnull=True))
                .exclude(project__in=stopped_projects())
                .select_related("project", "account").order_by("approved_at", "pk"))


def unfiled_receivables(programmes: frozenset[int] | None) -> list[Settlement]:
    """Approved settlements with an amount to return that no receivables file lists yet and that still have
    something to collect, each with ``to_collect``: the amount to return less the returns recorded, as
    ``produce_receivables_file`` lists it. The returns are summed in the same query."""
    settlements = (within(Settlement.objects.all(), programmes)
                   .filter(status=Settlement.Status.APPROVED, to_return__gt=0, receivable_file__isnull=True)
                   .annotate(returned=_sum_of(Return, "amount", "settlement"))
                   .select_related("project").order_by("approved_at", "pk"))
    listed: list[Settlement] = []
    for settlement in settlements:
        settlement.to_collect = settlement.to_return - settlement.returned  # type: ignore[attr-defined]
        if settlement.to_collect > 0:  # type: ignore[attr-defined]
            listed.append(settlement)
    return listed


def unfiled_recoveries(programmes: frozenset[int] | None) -> list[Recovery]:
    """Signed recovery decisions that no receivables file lists yet and that still have principal to collect,
    each with ``to_collect``: what ``produce_receivables_file`` would list (the principal less what was waived
    and returned, ``rules.recovery.amount_due``). One waived or returned in full is never filed, so it is not
    shown as waiting for a file. Waivers and returns are summed in the same query; a waiver awaiting its second
    person (or declined) waives nothing."""
    recoveries = (within(Recovery.objects.all(), programmes)
                  .filter(status=Recovery.Status.DECIDED, receivable_file__isnull=True)
                  .annotate(waived=_sum_of(RecoveryWaiver.objects.in_force(), "principal", "recovery"),
                            returned=_sum_of(RecoveryReturn, "amount", "recovery"))
                  .select_related("project").order_by("decided_on", "pk"))
    listed: list[Recovery] = []
    for recovery in recoveries:
        recovery.to_collect = amount_due(recovery.amount, recovery.waived, recovery.returned)  # type: ignore[attr-defined]
        if recovery.to_collect > 0:  # type: ignore[attr-defined]
            listed.append(recovery)
    return listed


def _sum_of(rows_of, field: str, parent: str):
    """The sum of ``field`` over the rows of ``rows_of`` (a model, or a queryset of the rows that count) whose
    ``parent`` is the outer row, zero for none, as a subquery."""
    counted = rows_of if isinstance(rows_of, QuerySet) else rows_of.objects.all()
    rows = counted.filter(**{parent: OuterRef("pk")}).order_by().values(parent)
    return Coalesce(Subquery(rows.annotate(total=Sum(field)).values("total")), Value(Decimal(0)),
                    output_field=DecimalField(max_digits=14, decimal_places=2))


def produced_files(programmes: frozenset[int] | None, limit: int = 100) -> list[PaymentFile]:
    """The latest files produced of the ``programmes`` (``payment_file.files_of``), newest first, without their
    text."""
    return list(files_of(programmes).defer("content").order_by("-created_at", "-pk")[:limit])
