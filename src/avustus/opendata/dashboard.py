"""The officials' dashboard of a programme: money committed against the appropriation, paid against committed,
reports due and overdue, payments waiting, rectification requests open, and the deadlines ahead, with the same
charts as the public pages (each a picture, a text alternative and a table).

Only the programme's officials, auditors and decision-makers (``permissions.check_reads_programme``). A fixed
number of queries: one aggregate per figure and one list of deadlines, whatever the number of projects.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from avustus.accounts import permissions
from avustus.calls.models import Call, Programme
from avustus.evaluation.models import RectificationRequest
from avustus.opendata import svg
from avustus.opendata.charts import Chart, count, euros
from avustus.payments.models import PaymentApplication
from avustus.payments.selectors import WAITING
from avustus.projects.models import FundedProject, ScheduleEntry
from avustus.reports.models import InterimReport

ZERO = Decimal("0.00")
AHEAD = timedelta(days=90)  # the deadlines shown: the next three months
MAX_DEADLINES = 50


@dataclass(frozen=True)
class Deadline:
    due_on: date
    kind: str
    number: int
    reference: str
    title: str


@dataclass(frozen=True)
class Dashboard:
    programme: Programme
    appropriation: Decimal
    committed: Decimal
    paid: Decimal
    projects: int
    reports_due: int  # unfiled reports due within AHEAD
    reports_overdue: int  # interim reports past due with nothing filed
    reports_to_review: int
    payments_waiting: int
    rectifications_open: int
    deadlines: list[Deadline]
    charts: list[Chart]


def _sum(queryset, field: str) -> Decimal:
    return (queryset.aggregate(total=Sum(field))["total"] or ZERO).quantize(Decimal("0.01"))


def programme_dashboard(programme: Programme, actor, today: date | None = None) -> Dashboard:
    permissions.check_reads_programme(actor, programme)
    today = today or timezone.localdate()
    calls = Call.objects.filter(programme=programme).exclude(status=Call.Status.DRAFT)
    projects = FundedProject.objects.filter(call__programme=programme).exclude(state=FundedProject.State.CANCELLED)
    appropriation = _sum(calls, "appropriation")
    committed = _sum(projects, "grant")
    paid = _sum(PaymentApplication.objects.filter(project__in=projects, status=PaymentApplication.Status.PAID),
                "amount_paid")
    in_progress = projects.filter(state=FundedProject.State.IN_PROGRESS)
    unfiled = ScheduleEntry.objects.filter(project__in=in_progress, reports__isnull=True)
    # A final report is not an InterimReport: one is unfiled until the project's final report is accepted, and
    # from then on nothing is due, nor an interim report not filed by then (``interim_reporting_over``).
    unfiled = unfiled.filter(project__final_report_accepted_on__isnull=True)
    overdue = unfiled.filter(kind=ScheduleEntry.Kind.INTERIM, due_on__lt=today).count()
    ahead = list(unfiled.filter(due_on__gte=today, due_on__lte=today + AHEAD).select_related("project__application")
                 .order_by("due_on", "project__reference", "number")[:MAX_DEADLINES])
    due = unfiled.filter(due_on__gte=today, due_on__lte=today + AHEAD).count()
    to_review = InterimReport.objects.filter(project__in=projects, status=InterimReport.Status.SUBMITTED).count()
    waiting = PaymentApplication.objects.filter(project__in=projects, status__in=WAITING).count()
    rectifications = (RectificationRequest.objects.filter(decision__call__programme=programme)
                      .exclude(status=RectificationRequest.Status.DECIDED).count())
    figures = {"appropriation": appropriation, "committed": committed, "paid": paid, "due": due,
               "overdue": overdue, "to_review": to_review, "waiting": waiting, "rectifications": rectifications}
    return Dashboard(
        programme=programme, appropriation=appropriation, committed=committed, paid=paid,
        projects=projects.count(), reports_due=due, reports_overdue=overdue, reports_to_review=to_review,
        payments_waiting=waiting, rectifications_open=rectifications,
        deadlines=[Deadline(e.due_on, e.kind, e.number, e.project.reference, e.project.application.title)
                   for e in ahead],
        charts=[money_chart(programme, figures), work_chart(programme, figures)])


def _share(part: Decimal, whole: Decimal) -> str:
    # Rounded here: number_format cuts a Decimal's further digits off.
    return number_format((part / whole * 100).quantize(Decimal("0.1"), ROUND_HALF_UP), 1) + " %" if whole else "–"


def money_chart(programme: Programme, figures: dict) -> Chart:
    steps = [(_("Appropriation"), figures["appropriation"]), (_("Committed in decisions"), figures["committed"]),
             (_("Paid"), figures["paid"])]
    title = _("The programme's money: appropriation, committed and paid")
    text = _("Committed %(committed)s of the appropriation %(appropriation)s (%(share)s); paid %(paid)s of what is "
             "committed (%(paid_share)s).") % {
        "committed": euros(figures["committed"]), "appropriation": euros(figures["appropriation"]),
        "share": _share(figures["committed"], figures["appropriation"]), "paid": euros(figures["paid"]),
        "paid_share": _share(figures["paid"], figures["committed"])}
    ident = f"money-{programme.pk}"
    picture = svg.bar_chart(ident, title, text, [s[0] for s in steps], [svg.Series(_("Euros"), "chart-granted")],
                            [[v] for _label, v in steps], euros)
    return Chart(ident, title, text, picture, [_("Figure"), _("Euros")], [[label, euros(v)] for label, v in steps])


def work_chart(programme: Programme, figures: dict) -> Chart:
    steps = [(_("Reports due in the next 90 days"), figures["due"]), (_("Reports overdue"), figures["overdue"]),
             (_("Reports to review"), figures["to_review"]), (_("Payments waiting"), figures["waiting"]),
             (_("Rectification requests open"), figures["rectifications"])]
    title = _("What awaits the officials")
    text = "; ".join(f"{label}: {count(n)}" for label, n in steps) + "."
    ident = f"work-{programme.pk}"
    picture = svg.bar_chart(ident, title, text, [s[0] for s in steps], [svg.Series(_("Number"), "chart-count")],
                            [[n] for _label, n in steps], count)
    return Chart(ident, title, text, picture, [_("Figure"), _("Number")], [[label, count(n)] for label, n in steps])
