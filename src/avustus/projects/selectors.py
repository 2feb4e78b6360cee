"""Reads of funded projects shaped for the command, the screens and the API."""

from decimal import Decimal

from django.db.models import Sum

from avustus.projects.models import FundedProject


def paid_of(project: FundedProject) -> Decimal:
    """What has been paid to the project, through the payments stage's reverse relation (no import of it)."""
    total = project.payment_applications.filter(status="paid").aggregate(total=Sum("amount_paid"))["total"]
    return (total or Decimal(0)).quantize(Decimal("0.01"))


def project_report(project: FundedProject) -> dict:
    """What ``avustus project --json`` prints: the grant as decided or amended, what was paid, the reports due.

    ``changes`` lists approved change requests, which the closure stage adds; none exist before it.
    """
    return {
        "reference": project.reference,
        "grant": f"{project.grant:.2f}",
        "paid": f"{paid_of(project):.2f}",
        "schedule": [{"kind": entry.kind, "due_on": entry.due_on.isoformat()}
                     for entry in project.schedule.order_by("due_on", "kind", "number")],
        "changes": [],
    }
