"""The end of a funded project in messages: the final report filed, returned or accepted, the settlement approved.

Listeners to the ``avustus.events`` signals that ``reports.final`` and ``settlement.services`` send inside their
transactions (connected by ``receivers.connect``). The programme's officials hear of a final report filed, to
review it; the lead's people and addresses hear of the rest; the partners' addresses get the settlement as copies,
since they share in the grant (as with a payment made).
"""

from django.urls import reverse

from avustus import events
from avustus.messaging.followup import _money, lead_of, officials_of, partner_copies, project_context
from avustus.messaging.receivers import _date, _send_each, site_url


def on_final_report_submitted(sender, *, report, actor, **kwargs) -> None:
    project = report.project
    link = site_url(reverse("project-final-report", args=[project.reference]))
    _send_each("final_report_submitted", officials_of(project), project.application,
               lambda r: {**project_context(project, r.language), "link": link, "late": report.late,
                          "due_on": _date(report.schedule_entry.due_on, r.language),
                          "again": report.version > 1})


def on_final_report_returned(sender, *, report, part, actor, **kwargs) -> None:
    project = report.project
    _send_each("final_report_returned", lead_of(project), project.application,
               lambda r: {**project_context(project, r.language), "part": part, "reasons": report.review_reasons})


def on_final_report_accepted(sender, *, report, actor, **kwargs) -> None:
    from avustus.reports.final import final_accepted_costs

    project = report.project
    accepted = _money(final_accepted_costs(report))
    _send_each("final_report_accepted", lead_of(project), project.application,
               lambda r: {**project_context(project, r.language), "accepted_costs": accepted,
                          "reasons": report.review_reasons})


def on_settlement_approved(sender, *, settlement, actor, **kwargs) -> None:
    from avustus.payments.payment_file import RECEIVABLE_PREFIX, reference_of

    project = settlement.project
    lead = lead_of(project)
    figures = {name: _money(getattr(settlement, name)) if getattr(settlement, name) else ""
               for name in ("grant", "accepted_costs", "final_grant", "paid", "last_instalment", "to_return",
                            "left_unreturned")}
    reference = reference_of(RECEIVABLE_PREFIX, settlement.pk)
    _send_each("settlement_approved", lead + partner_copies(project, lead), project.application,
               lambda r: {**project_context(project, r.language), **figures, "reference": reference,
                          "copy": r.copy},
               key=lambda r: f"settlement_approved:{settlement.pk}:{r.to.lower()}")


def connect() -> None:
    events.final_report_submitted.connect(on_final_report_submitted, dispatch_uid="messaging.final_submitted")
    events.final_report_returned.connect(on_final_report_returned, dispatch_uid="messaging.final_returned")
    events.final_report_accepted.connect(on_final_report_accepted, dispatch_uid="messaging.final_accepted")
    events.settlement_approved.connect(on_settlement_approved, dispatch_uid="messaging.settlement_approved")
