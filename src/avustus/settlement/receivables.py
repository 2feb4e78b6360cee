"""Amounts to return as receivables for the State's accounting, in the payment file's format.

One row per approved settlement with an amount to return and one per signed recovery decision with something left
to collect (its principal less what was waived under section 26 or returned before the file), each listed once,
ever (``Settlement.receivable_file``, ``Recovery.receivable_file``): the recipient, the amount, the Finnish
reference number the recipient pays it with ("2" and the settlement's id, "3" and the recovery's;
``payments.payment_file``), the call's budget item and the identifiers.
"""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from avustus.accounts import permissions
from avustus.audit.chain import record
from avustus.payments.models import PaymentFile
from avustus.payments.payment_file import (
    RECEIVABLE_PREFIX,
    RECOVERY_PREFIX,
    check_file_day,
    day_bounds,
    decimal_comma,
    decision_column,
    lead_organisation,
    reference_of,
    within,
    write_file,
)
from avustus.settlement.models import Recovery, Settlement

# ``recovery`` came after the first files: a column added at the end, empty on a settlement's row (and
# ``settlement`` empty on a recovery's), so that a reader by column name reads the older files too.
RECEIVABLE_COLUMNS = ["business_id", "name", "amount", "reference", "budget_item", "decision", "project",
                      "settlement", "recovery"]


def _row(project, amount, reference: str, settlement: str, recovery: str) -> list[str]:
    organisation = lead_organisation(project)
    return [
        organisation.business_id if organisation else "",
        organisation.name_fi if organisation else "",
        decimal_comma(amount),
        reference,
        project.call.budget_item,
        decision_column(project),
        project.reference,
        settlement,
        recovery,
    ]


def _settlement_row(settlement: Settlement, to_collect: Decimal) -> list[str]:
    return _row(settlement.project, to_collect, reference_of(RECEIVABLE_PREFIX, settlement.pk),
                f"{settlement.pk}/{settlement.sha256[:12]}", "")


def recovery_reference(recovery: Recovery) -> str:
    """The Finnish reference number the recipient returns a recovered amount with."""
    return reference_of(RECOVERY_PREFIX, recovery.pk)


def _recovery_row(recovery: Recovery, to_collect: Decimal) -> list[str]:
    # What is to be collected of the principal, as a settlement's amount to return: the interest is computed
    # when a return is recorded (``recovery.record_recovery_return``), by the day it was returned.
    return _row(recovery.project, to_collect, recovery_reference(recovery), "",
                f"{recovery.pk}/{recovery.sha256[:12]}")


def produce_receivables_file(day: date, *, actor) -> PaymentFile | None:
    """The settlements approved on ``day`` with an amount to return and the recovery decisions signed on ``day``,
    not yet in any file; None when there are none."""
    # recovery.py imports this module (a decision names its reference number); the amount due is its own.
    from avustus.settlement.recovery import amount_due
    from avustus.settlement.services import left_to_return

    permissions.check_produces_payment_files(actor, _("Only payment approvers produce payment files."))
    check_file_day(day)
    start, end = day_bounds(day)
    programmes = permissions.payment_file_programmes(actor)
    with transaction.atomic():
        due = list(within(Settlement.objects.select_for_update(of=("self",)), programmes)
                   .filter(status=Settlement.Status.APPROVED, approved_at__gte=start, approved_at__lt=end,
                           to_return__gt=0, receivable_file__isnull=True).order_by("approved_at", "pk"))
        signed = list(within(Recovery.objects.select_for_update(of=("self",)), programmes)
                      .filter(status=Recovery.Status.DECIDED, decided_on=day, receivable_file__isnull=True)
                      .order_by("signed_at", "pk"))
        # What is actually to be collected: the principal decided less what was waived (section 26) or
        # returned before the file was made, under the recovery's lock taken above (``waive_recovery`` and
        # ``record_recovery_return`` take it too). One waived or returned in full is not a receivable at all,
        # and stays out of the file.
        to_collect = {r.pk: amount_due(r) for r in signed}
        recovered = [r for r in signed if to_collect[r.pk] > 0]
        # A settlement's amount to return likewise, less what was returned before the file (``record_return``
        # locks the settlement's row too): a receivable is what the State's accounting is still to collect.
        left = {s.pk: left_to_return(s) for s in due}
        due = [s for s in due if left[s.pk] > 0]
        if not due and not recovered:
            return None
        made = write_file(PaymentFile.Kind.RECEIVABLES, day, RECEIVABLE_COLUMNS,
                          [_settlement_row(s, left[s.pk]) for s in due]
                          + [_recovery_row(r, to_collect[r.pk]) for r in recovered])
        Settlement.objects.filter(pk__in=[s.pk for s in due]).update(receivable_file=made)
        Recovery.objects.filter(pk__in=[r.pk for r in recovered]).update(receivable_file=made)
        record("settlement.receivables_file_produced", made, actor=actor,
               data={"day": day.isoformat(), "settlements": [s.pk for s in due],
                     "recoveries": [r.pk for r in recovered],
                     "amounts": {str(r.pk): str(to_collect[r.pk]) for r in recovered},
                     "settlement_amounts": {str(s.pk): str(left[s.pk]) for s in due}, "sha256": made.sha256})
    return made
