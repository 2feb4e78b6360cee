"""Recovery in messages: the hearing request, the recovery decision and a waiver confirmed, to the lead's people
and addresses.

Listeners to ``events.recovery_hearing_requested``, ``events.recovery_decided`` and ``events.recovery_waived``,
sent inside the recovery services' transactions (``settlement.recovery``, ``settlement.waivers``), so a message is
queued exactly when its step is committed. A waiver is told once confirmed, never while it is only proposed: it
changes what the lead owes only then.
The decision's message says what is due, by when and with which reference number, and links to the recovery's
page, where the decision itself is (its HTML, text and PDF in Finnish and Swedish).
"""

from decimal import Decimal

from django.urls import reverse

from avustus import events
from avustus.messaging.followup import _money, lead_of, project_context
from avustus.messaging.receivers import _date, _send_each, site_url
from avustus.settlement.recovery import amount_due
from avustus.settlement.recovery_document import with_reference


def recovery_link(recovery) -> str:
    return site_url(reverse("project-recovery", args=[recovery.project.reference, recovery.pk]))


def _context(recovery, language: str) -> dict:
    snapshot = recovery.snapshot or {}
    return {**project_context(recovery.project, language), "link": recovery_link(recovery),
            "ground": f"{recovery.ground_section} § {recovery.ground_subsection}", "amount": _money(recovery.amount),
            "reasons": recovery.reasons, "deadline": _date(recovery.hearing_deadline, language),
            "due_on": _date(recovery.due_on, language),
            "interest": _money(_decimal(snapshot.get("computation", {}).get("interest"))),
            "total": _money(_decimal(snapshot.get("total"))),
            "reference": with_reference(recovery)["reference"] if snapshot else ""}


def _decimal(value: str | None) -> Decimal | None:
    return Decimal(value) if value is not None else None


def on_hearing_requested(sender, *, recovery, actor, **kwargs) -> None:
    _send_each("recovery_hearing_requested", lead_of(recovery.project), recovery.project.application,
               lambda r: _context(recovery, r.language))


def on_recovery_decided(sender, *, recovery, actor, **kwargs) -> None:
    _send_each("recovery_decided", lead_of(recovery.project), recovery.project.application,
               lambda r: _context(recovery, r.language))


def on_recovery_waived(sender, *, waiver, actor, **kwargs) -> None:
    recovery = waiver.recovery
    _send_each("recovery_waived", lead_of(recovery.project), recovery.project.application,
               lambda r: {**_context(recovery, r.language), "waived": _money(waiver.principal),
                          "interest_waived": waiver.interest, "waiver_reasons": waiver.reasons,
                          "amount_due": _money(amount_due(recovery))})


def connect() -> None:
    events.recovery_hearing_requested.connect(on_hearing_requested, dispatch_uid="messaging.recovery_hearing")
    events.recovery_decided.connect(on_recovery_decided, dispatch_uid="messaging.recovery_decided")
    events.recovery_waived.connect(on_recovery_waived, dispatch_uid="messaging.recovery_waived")
