"""The lists of funded projects: a recipient's "my projects" and a call's projects for its officials.

Here, after projects, reports and payments in the package order, because each row brings all three: the
project's state, the money paid, the reports due and overdue, what awaits an official. Each list takes a
fixed number of queries whatever its length (the rows' figures are subqueries, the members one prefetch).
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, DecimalField, IntegerField, OuterRef, Prefetch, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from avustus.accounts import permissions
from avustus.accounts.membership import acts_for_a_member_in_force
from avustus.applications.models import ConsortiumMember
from avustus.calls.models import Call
from avustus.errors import NotAllowed
from avustus.payments.models import PaymentApplication
from avustus.projects.models import FundedProject, ScheduleEntry
from avustus.reports.models import InterimReport

APPLICATION_UNSHOWN = ("application__plan", "application__screening_flags")
WAITING = (PaymentApplication.Status.SUBMITTED, PaymentApplication.Status.ACCEPTED,
           PaymentApplication.Status.APPROVED)


@dataclass(frozen=True)
class MemberRow:
    name: str
    role: str
    # A member that ceased during the project (Honkajoki, 1.1.2021) is shown with the body that carries it on.
    ceased_on: date | None
    successor: str


@dataclass(frozen=True)
class ProjectRow:
    project: FundedProject
    reference: str
    title: str
    state: str
    grant: Decimal
    paid: Decimal
    next_due_on: date | None
    next_due_kind: str
    overdue: int
    reports_to_review: int
    payments_waiting: int
    members: list[MemberRow]


def _count(queryset) -> Subquery:
    return Subquery(queryset.order_by().values("project").annotate(n=Count("pk")).values("n")[:1],
                    output_field=IntegerField())


def _annotated(queryset, today: date):
    # Once the final report is accepted nothing is due: neither it (it is not an InterimReport, so never "filed"
    # here) nor an interim report not filed by then (``reports.services.interim_reporting_over``).
    unfiled = ScheduleEntry.objects.filter(project=OuterRef("pk"), reports__isnull=True,
                                           project__final_report_accepted_on__isnull=True)
    upcoming = unfiled.filter(due_on__gte=today).order_by("due_on")
    paid = (PaymentApplication.objects.filter(project=OuterRef("pk"), status=PaymentApplication.Status.PAID)
            .order_by().values("project").annotate(total=Sum("amount_paid")).values("total")[:1])
    # Not the application's plan or flags, which no row shows.
    return (queryset.select_related("application", "call").defer(*APPLICATION_UNSHOWN)
            .annotate(
                paid_total=Coalesce(Subquery(paid, output_field=DecimalField(max_digits=14, decimal_places=2)),
                                    Value(Decimal("0.00")), output_field=DecimalField(max_digits=14, decimal_places=2)),
                next_due_on=Subquery(upcoming.values("due_on")[:1]),
                next_due_kind=Subquery(upcoming.values("kind")[:1]),
                overdue_count=Coalesce(_count(unfiled.filter(kind=ScheduleEntry.Kind.INTERIM, due_on__lt=today)), 0),
                to_review=Coalesce(_count(InterimReport.objects.filter(
                    project=OuterRef("pk"), status=InterimReport.Status.SUBMITTED)), 0),
                waiting=Coalesce(_count(PaymentApplication.objects.filter(project=OuterRef("pk"),
                                                                         status__in=WAITING)), 0),
            )
            .order_by("reference"))


def _members(application_ids: list[int]) -> dict[int, list[MemberRow]]:
    """The members of each application, in their order: one query of plain values (a page's few hundred members
    as model instances, with their bodies and successors, were most of the list's work)."""
    members: dict[int, list[MemberRow]] = {}
    rows = (ConsortiumMember.objects.filter(application_id__in=application_ids).order_by("application_id", "position")
            .values_list("application_id", "role", "name_as_written", "organisation__name_fi",
                         "organisation__valid_to", "organisation__successor__name_fi"))
    for application_id, role, written, name, valid_to, successor in rows:
        members.setdefault(application_id, []).append(MemberRow(
            name=name if name is not None else written, role=role,
            # the registry keeps the last day it existed; the members' list says when it ceased
            ceased_on=valid_to + timedelta(days=1) if valid_to else None, successor=successor or ""))
    return members


def _rows(queryset) -> list[ProjectRow]:
    projects = list(queryset)
    members = _members([p.application_id for p in projects]) if projects else {}
    return [
        ProjectRow(project=p, reference=p.reference, title=p.application.title, state=p.state, grant=p.grant,
                   paid=Decimal(p.paid_total).quantize(Decimal("0.01")), next_due_on=p.next_due_on,
                   next_due_kind=p.next_due_kind or "",
                   overdue=p.overdue_count, reports_to_review=p.to_review, payments_waiting=p.waiting,
                   members=members.get(p.application_id, []))
        for p in projects
    ]


def my_projects(user, today: date | None = None) -> list[ProjectRow]:
    """The projects whose lead or partner the user acts for, newest call first (no read log: they are theirs)."""
    organisations = permissions.applicant_organisations(user)
    if not organisations:
        return []
    # A body that carries on a ceased member (its successor) sees the member's projects too.
    candidates = FundedProject.objects.filter(
        Q(application__members__organisation_id__in=organisations)
        | Q(application__members__organisation__successor_id__in=organisations)).distinct()
    # A partner removed by an amending decision is a member of the application still, but no longer sees the
    # project (``membership.acts_for_a_member_in_force``, the rule ``can_see_project`` asks): the members and the
    # revisions of the candidates read in one query each, whatever their number.
    candidates = candidates.select_related("application").prefetch_related(
        Prefetch("application__members", queryset=ConsortiumMember.objects.select_related("organisation")),
        "revisions")
    visible = [p.pk for p in candidates if acts_for_a_member_in_force(organisations, p)]
    queryset = FundedProject.objects.filter(pk__in=visible)
    return _rows(_annotated(queryset, today or timezone.localdate()))


def call_projects(call: Call, actor, today: date | None = None) -> list[ProjectRow]:
    """Every project of a call with its state, money paid, reports due and overdue: the programme's officials only.

    The entry point logs the list read (``audit.chain.record_list_read``) as for other officials' lists.
    """
    return project_rows(call_projects_query(call, actor, today))


def project_count():
    """The number of a call's projects, as a subquery of the call's row (the list's pages say how many)."""
    return Subquery(FundedProject.objects.filter(call=OuterRef("pk")).order_by().values("call")
                    .annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField())


def call_projects_query(call: Call, actor, today: date | None = None):
    """The call's projects with their figures as subqueries, by tracking number, for a page of them to be read
    (``project_rows`` makes the page's rows)."""
    # The officials' screens find the call with the answer (``web.officials.common.official_call``: the same
    # roles, from ``permissions.programme_role_flags``); anyone else is asked here.
    if not getattr(call, "may_read", False) and not permissions.has_programme_role(actor, call.programme):
        raise NotAllowed()
    return _annotated(FundedProject.objects.filter(call=call), today or timezone.localdate())


def project_rows(projects) -> list[ProjectRow]:
    return _rows(projects)
