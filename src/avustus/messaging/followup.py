"""The funded project's follow-up in messages: report and payment events, and reports due or overdue.

Listeners to the ``avustus.events`` signals that ``reports.services`` and ``payments.services`` send inside
their transactions (connected by ``receivers.connect``), and two finders of ``reminders.FINDERS``. Who hears:

- a report or payment application filed: the programme's officials (``accounts.membership.preparers_of``),
  who act on it; the lead filed it, so the lead gets no message about their own step;
- a report accepted or returned, a payment application accepted or rejected, a report due or overdue: the
  lead's people (whoever made the application and the users acting for the lead organisation) and the lead
  organisation's addresses;
- a payment made: the lead, and as copies the organisation addresses of the partners in force (they share in the
  grant; one removed by an amending decision no longer does).

Links: the lead's go to the application's own page (``my-application``) and the officials' to their
workbench, until the project has pages of its own named ``my-project`` and ``officials-project`` (by the
project's tracking number): ``_link`` takes the first of these names the site has.
"""

from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import timezone

from avustus import events
from avustus.accounts.contacts import Recipient, address_of, applicant_users, language_of, recipients, still_acting
from avustus.accounts.membership import preparers_of, recipient_members
from avustus.messaging.receivers import _base_context, _date, _send_each, site_url

# Days before a report's due date on which it is reminded; it is reminded again the day after, if not filed.
REPORT_DUE_BEFORE = 14


def lead_link(project) -> str:
    """The project's page, where the lead reports, applies for payment and reads what was decided."""
    return site_url(reverse("project", args=[project.reference]))


def officials_link(project) -> str:
    """The same page: officials review reports and handle payments there."""
    return site_url(reverse("project", args=[project.reference]))


def lead_of(project) -> list[Recipient]:
    """The lead's people and addresses, each once, in their languages."""
    application = project.application
    lead = application.lead
    organisation = lead.organisation if lead else None
    return recipients(organisation, users=[*still_acting(organisation, [application.created_by]),
                                           *applicant_users(organisation)])


def officials_of(project) -> list[Recipient]:
    return [Recipient(address_of(user), language_of(user), user) for user in preparers_of(project.call.programme)
            if address_of(user)]


def partner_copies(project, lead: list[Recipient], *, also: list | None = None) -> list[Recipient]:
    """Copies to the partners' addresses, each address once: the partners in force, and ``also`` (members no
    longer in force whom the message still concerns: those the amending decision itself removed)."""
    seen = {r.to.lower() for r in lead}
    copies = []
    # The partners in force: one removed by an amending decision no longer hears of the project's payments.
    for member in [*recipient_members(project), *(also or [])]:
        if member.role != member.Role.PARTNER or member.organisation is None:
            continue
        for recipient in recipients(member.organisation, copy=True):
            if recipient.to.lower() not in seen:
                seen.add(recipient.to.lower())
                copies.append(recipient)
    return copies


def _money(amount) -> str:
    """1 250,00 €: the decisions' own way, in every language."""
    if amount is None:
        return ""
    whole, _, cents = f"{amount:.2f}".partition(".")
    return f"{int(whole):,}".replace(",", "\u00a0") + f",{cents} €"


def project_context(project, language: str) -> dict:
    return {**_base_context(project.application, language), "project": project.reference,
            "link": lead_link(project)}


def _report_context(report, language: str) -> dict:
    entry = report.schedule_entry
    return {**project_context(report.project, language), "number": entry.number,
            "due_on": _date(entry.due_on, language), "late": report.late, "reasons": report.review_reasons,
            "period_start": _date(report.period_start, language), "period_end": _date(report.period_end, language)}


def _payment_context(application, language: str) -> dict:
    account = application.account
    return {**project_context(application.project, language), "number": application.number,
            "claimed": _money(application.amount_claimed), "accepted": _money(application.amount_accepted),
            "partly": application.amount_accepted is not None
            and application.amount_accepted < application.amount_claimed,
            "reasons": application.acceptance_reasons, "paid": _money(application.amount_paid),
            "paid_on": _date(application.paid_on, language),
            "account_end": account.iban[-4:] if account else ""}


def on_report_submitted(sender, *, report, actor, **kwargs) -> None:
    project = report.project
    _send_each("report_submitted", officials_of(project), project.application,
               lambda r: {**_report_context(report, r.language), "link": officials_link(project)})


def on_report_accepted(sender, *, report, actor, **kwargs) -> None:
    _send_each("report_accepted", lead_of(report.project), report.project.application,
               lambda r: _report_context(report, r.language))


def on_report_returned(sender, *, report, actor, **kwargs) -> None:
    _send_each("report_returned", lead_of(report.project), report.project.application,
               lambda r: _report_context(report, r.language))


def on_payment_application_submitted(sender, *, application, actor, **kwargs) -> None:
    project = application.project
    _send_each("payment_application_submitted", officials_of(project), project.application,
               lambda r: {**_payment_context(application, r.language), "link": officials_link(project)})


def on_payment_application_decided(sender, *, application, actor, **kwargs) -> None:
    event = ("payment_application_rejected" if application.status == application.Status.REJECTED
             else "payment_application_accepted")
    _send_each(event, lead_of(application.project), application.project.application,
               lambda r: _payment_context(application, r.language))


def on_payment_made(sender, *, application, actor, **kwargs) -> None:
    project = application.project
    lead = lead_of(project)
    _send_each("payment_made", lead + partner_copies(project, lead), project.application,
               lambda r: {**_payment_context(application, r.language), "copy": r.copy})


def connect() -> None:
    events.report_submitted.connect(on_report_submitted, dispatch_uid="messaging.report_submitted")
    events.report_accepted.connect(on_report_accepted, dispatch_uid="messaging.report_accepted")
    events.report_returned.connect(on_report_returned, dispatch_uid="messaging.report_returned")
    events.payment_application_submitted.connect(on_payment_application_submitted,
                                                 dispatch_uid="messaging.payment_submitted")
    events.payment_application_decided.connect(on_payment_application_decided,
                                               dispatch_uid="messaging.payment_decided")
    events.payment_made.connect(on_payment_made, dispatch_uid="messaging.payment_made")


# --- reminders (``reminders.FINDERS``) ---

def _open_entries(first, last):
    """Schedule entries of projects in progress due between ``first`` and ``last`` with no report filed.

    An interim report filed (or returned, awaiting the lead) counts as filed; once the project's final report is
    accepted nothing is due any more, the final report nor an interim report not filed by then
    (``reports.services.interim_reporting_over``; the settlement stage's own models are not read here).
    """
    from avustus.projects.models import FundedProject, ScheduleEntry

    entries = (ScheduleEntry.objects.filter(project__state=FundedProject.State.IN_PROGRESS, due_on__gte=first,
                                            due_on__lte=last)
               .select_related("project__application__call", "project__application__created_by", "project__call")
               .prefetch_related("project__application__members__organisation"))
    for entry in entries:
        if entry.project.final_report_accepted_on is not None:
            continue
        if entry.kind == ScheduleEntry.Kind.INTERIM and entry.reports.exists():
            continue
        yield entry


def _entry_reminder(entry, event: str, occasion: str):
    from avustus.messaging.reminders import Reminder

    project = entry.project

    def context(language, entry=entry):
        return {**project_context(project, language), "number": entry.number, "final": entry.kind == "final",
                "due_on": _date(entry.due_on, language), "days": REPORT_DUE_BEFORE}

    # The due date is in the key: a date an official moves is a new occasion, reminded again.
    return Reminder(f"{event}:{occasion}:{entry.pk}:{entry.due_on:%Y%m%d}", event, lead_of(project), context,
                    project.application)


def report_due(now: datetime):
    """Reports due within ``REPORT_DUE_BEFORE`` days and not filed: reminded once per entry and recipient."""
    today = timezone.localdate(now)
    for entry in _open_entries(today, today + timedelta(days=REPORT_DUE_BEFORE)):
        yield _entry_reminder(entry, "report_due", "before")


def report_overdue(now: datetime):
    """Reports past their due date (from the day after it) and not filed: reminded once. Only entries due in
    the last ``REPORT_DUE_BEFORE`` days: a report long overdue is the officials' matter, not a new reminder
    the first time this finder runs on old data (the imported 2020 round)."""
    today = timezone.localdate(now)
    for entry in _open_entries(today - timedelta(days=REPORT_DUE_BEFORE), today - timedelta(days=1)):
        yield _entry_reminder(entry, "report_overdue", "after")
