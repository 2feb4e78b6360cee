"""The payment file for the State's accounting: the approved payments of a day, each listed once, ever.

It lists what is still to pay: a payment already recorded as paid (``services.record_payment``) was made
without the file, and listing it would pay it again.

UTF-8 CSV, semicolon-separated, amounts with a decimal comma (as Finnish spreadsheets read them), one row per
payment; the fields are documented in docs/payment-file.md. A payment listed in a file is never listed in
another (``PaymentFileEntry`` is one-to-one with the payment), so a second run for the same day lists
nothing new; ``reprint`` gives a produced file again, byte for byte.

The reference number of a payment is the Finnish one (``rules.reference_number``) of "1" followed by the
payment's id in at least six digits; receivables (``settlement.receivables``) use "2" the same way, so the
two never collide.
"""

import csv
import hashlib
import io
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TypeVar

from django.db import transaction
from django.db.models import Model, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from avustus.accounts import permissions
from avustus.audit.chain import record
from avustus.errors import Invalid, NotFound
from avustus.payments.models import PaymentApplication, PaymentFile, PaymentFileEntry
from avustus.payments.services import stopped_projects, within_period_of_use
from avustus.projects.models import FundedProject
from avustus.projects.services import check_day
from avustus.rules.reference_number import finnish_reference
from avustus.texts import spreadsheet_cell

M = TypeVar("M", bound=Model)

PAYMENT_COLUMNS = ["business_id", "name", "iban", "amount", "reference", "budget_item", "decision", "project",
                   "payment"]
PAYMENT_PREFIX = "1"
RECEIVABLE_PREFIX = "2"
RECOVERY_PREFIX = "3"  # a recovery decision's amount, in the receivables file too


def reference_of(prefix: str, pk: int) -> str:
    """The Finnish reference number (with its check digit) of a payment or receivable id."""
    return finnish_reference(f"{prefix}{pk:06d}")


def decimal_comma(amount: Decimal) -> str:
    return f"{amount:.2f}".replace(".", ",")


def as_csv(columns: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(columns)
    # The files are opened in spreadsheets too: a name typed by an applicant is never run as a formula there.
    writer.writerows([spreadsheet_cell(cell) for cell in row] for row in rows)
    return out.getvalue()


def check_file_day(day: date) -> None:
    """The day of a payments or receivables file: a day that has been (nothing is approved in the future), within
    the service's years (``projects.services.check_day``; year 1 or 9999 overflows ``day_bounds``)."""
    if day > timezone.localdate():
        raise Invalid({"day": [_("The date is in the future; check it.")]})
    check_day("day", day)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    zone = timezone.get_default_timezone()
    start = timezone.make_aware(datetime.combine(day, time.min), zone)
    return start, start + timedelta(days=1)


def lead_organisation(project):
    """The lead's organisation of a funded project, whose business ID a file's row names (None if unknown)."""
    lead = project.application.members.filter(role="lead").select_related("organisation").first()
    return lead.organisation if lead else None


def decision_column(project) -> str:
    decision = project.first_decision
    return f"{decision.pk}/{decision.decided_on.isoformat() if decision.decided_on else ''}"


def within(queryset: QuerySet[M], programmes: frozenset[int] | None, project: str = "project") -> QuerySet[M]:
    """The rows of ``queryset`` (reaching their project by ``project``) of the ``programmes`` an actor files and
    reads (``permissions.payment_file_programmes``; None: all)."""
    if programmes is None:
        return queryset
    return queryset.filter(**{f"{project}__call__programme__in": programmes})


def files_of(programmes: frozenset[int] | None) -> QuerySet[PaymentFile]:
    """The produced files whose every row (a payment, a settlement's or a recovery's amount to collect) is of the
    ``programmes``: a file with another programme's row is not shown to nor read by the actor."""
    files = PaymentFile.objects.all()
    if programmes is None:
        return files
    # Through the reverse relations: the settlement stage builds on this one and is not imported here.
    outside = Q(entries__application__project__call__programme__isnull=False) & ~Q(
        entries__application__project__call__programme__in=programmes)
    for relation in ("settlements", "recoveries"):
        outside |= Q(**{f"{relation}__project__call__programme__isnull": False}) & ~Q(
            **{f"{relation}__project__call__programme__in": programmes})
    return files.exclude(pk__in=PaymentFile.objects.filter(outside).values("pk"))


def write_file(kind: str, day: date, columns: list[str], rows: list[list[str]]) -> PaymentFile:
    """A produced file (payments or receivables) stored with its text and hash: the one writer of both kinds."""
    content = as_csv(columns, rows)
    return PaymentFile.objects.create(kind=kind, day=day, content=content,
                                      sha256=hashlib.sha256(content.encode()).hexdigest())


def _row(application: PaymentApplication) -> list[str]:
    project = application.project
    organisation = lead_organisation(project)
    account = application.account
    return [
        organisation.business_id if organisation else "",
        account.holder if account else (organisation.name_fi if organisation else ""),
        account.iban if account else "",
        decimal_comma(application.amount_accepted or Decimal(0)),
        reference_of(PAYMENT_PREFIX, application.pk),
        project.call.budget_item,
        decision_column(project),
        project.reference,
        f"{application.pk}/{application.number}",
    ]


def produce_payment_file(day: date, *, actor) -> PaymentFile | None:
    """The file of the payments approved on ``day`` (Finnish time) and not yet paid nor in any file, or None when
    none are."""
    permissions.check_produces_payment_files(actor, _("Only payment approvers produce payment files."))
    check_file_day(day)
    start, end = day_bounds(day)
    programmes = permissions.payment_file_programmes(actor)
    with transaction.atomic():
        waiting = (within(PaymentApplication.objects.all(), programmes)
                   .filter(status=PaymentApplication.Status.APPROVED, approved_at__gte=start, approved_at__lt=end,
                           file_entry__isnull=True))
        # Their projects locked first, in order (the project before its applications, as every money step): a
        # section 21 decision is signed under the project's lock, so one signed meanwhile is seen below, and its
        # project's payment never goes out in the file.
        list(FundedProject.objects.select_for_update().filter(pk__in=waiting.values("project_id")).order_by("pk")
             .values_list("pk", flat=True))
        due = list(within_period_of_use(waiting.select_for_update(of=("self",)))
                   .exclude(project__in=stopped_projects())  # section 21(1): the payment is stopped
                   .order_by("approved_at", "pk"))
        if not due:
            return None
        made = write_file(PaymentFile.Kind.PAYMENTS, day, PAYMENT_COLUMNS, [_row(application) for application in due])
        PaymentFileEntry.objects.bulk_create(PaymentFileEntry(file=made, application=a) for a in due)
        record("payments.file_produced", made, actor=actor,
               data={"day": day.isoformat(), "payments": [a.pk for a in due], "sha256": made.sha256})
    return made


def reprint(file_id: int, *, actor) -> PaymentFile:
    """A file produced earlier, as it was (its hash checked), its reading audited."""
    permissions.check_produces_payment_files(actor, _("Only payment approvers produce payment files."))
    made = files_of(permissions.payment_file_programmes(actor)).filter(pk=file_id).first()
    if made is None or hashlib.sha256(made.content.encode()).hexdigest() != made.sha256:
        raise NotFound(_("No such payment file."))
    with transaction.atomic():
        record("payments.file_reprinted", made, actor=actor, data={"file": made.pk, "sha256": made.sha256})
    return made
