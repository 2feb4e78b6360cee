"""Amounts to return as receivables for the State's accounting, in the payment file's format.

One row per approved settlement with an amount to return, listed once, ever (``Settlement.receivable_file``):
the recipient, the amount, the Finnish reference number the recipient pays it with ("2" and the
settlement's id; ``payments.payment_file``), the call's budget item and the identifiers.
"""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from avustus.accounts import permissions
from avustus.audit.chain import record
from avustus.payments.models import PaymentFile
from avustus.payments.payment_file import (
    RECEIVABLE_PREFIX,
    day_bounds,
    decimal_comma,
    decision_column,
    lead_organisation,
    reference_of,
    write_file,
)
from avustus.settlement.models import Settlement

RECEIVABLE_COLUMNS = ["business_id", "name", "amount", "reference", "budget_item", "decision", "project",
                      "settlement"]


def _row(settlement: Settlement) -> list[str]:
    project = settlement.project
    organisation = lead_organisation(project)
    return [
        organisation.business_id if organisation else "",
        organisation.name_fi if organisation else "",
        decimal_comma(settlement.to_return),
        reference_of(RECEIVABLE_PREFIX, settlement.pk),
        project.call.budget_item,
        decision_column(project),
        project.reference,
        f"{settlement.pk}/{settlement.sha256[:12]}",
    ]


def produce_receivables_file(day: date, *, actor) -> PaymentFile | None:
    """The settlements approved on ``day`` with an amount to return, not yet in any file; None when none are."""
    permissions.check_produces_payment_files(actor, _("Only payment approvers produce payment files."))
    start, end = day_bounds(day)
    with transaction.atomic():
        due = list(Settlement.objects.select_for_update()
                   .filter(status=Settlement.Status.APPROVED, approved_at__gte=start, approved_at__lt=end,
                           to_return__gt=0, receivable_file__isnull=True).order_by("approved_at", "pk"))
        if not due:
            return None
        made = write_file(PaymentFile.Kind.RECEIVABLES, day, RECEIVABLE_COLUMNS, [_row(s) for s in due])
        Settlement.objects.filter(pk__in=[s.pk for s in due]).update(receivable_file=made)
        record("settlement.receivables_file_produced", made, actor=actor,
               data={"day": day.isoformat(), "settlements": [s.pk for s in due], "sha256": made.sha256})
    return made
