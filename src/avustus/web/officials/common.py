"""What the officials' screens share: finding the call a user may see, reading forms, paging and logging lists."""

from datetime import date

from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.http import Http404

from avustus.accounts.permissions import DECIDERS, OFFICIAL_ROLES, PREPARERS, menu_roles, programme_role_flags
from avustus.audit.chain import record_list_read
from avustus.calls.models import Call
from avustus.decisions.models import Decision
from avustus.evaluation import ranking
from avustus.reports.services import Rejection
from avustus.web.feedback import form_number, parse_date
from avustus.web.paging import base_query

PAGE_SIZE = 50


def official_call(request, slug: str, roles=OFFICIAL_ROLES, *, ranked: bool = False, extra: dict | None = None) -> Call:
    """The call of a programme the user works on with one of ``roles``; any other is as if it did not exist.

    One query finds the round, answers who may do what in it (``call.may_prepare``, ``call.may_decide``, and
    the menu's question, kept on the request for ``programme_roles``), and finds its signed collective decision
    for the steps' menu; with ``ranked``, the round's stored ranking with its fingerprint, and its proposal;
    ``extra`` adds the page's own subqueries (a count of its list) to the same row.
    """
    calls = Call.objects.select_related("programme").annotate(**(extra or {})).annotate(
        **programme_role_flags(request.user, may_read=roles, may_prepare=PREPARERS, may_decide=DECIDERS),
        collective_pk=Subquery(_collective().values("pk")[:1]),
        collective_status=Subquery(_collective().values("status")[:1]),
    )
    if ranked:
        # The proposal with the people and rows its page names, so that a presented one costs no more queries.
        calls = ranking.with_fingerprint(calls.select_related(
            "proposal__presented_by", "proposal__returned_by", "proposal__returned_for_withdrawal",
            "proposal__decision"))
    call = calls.filter(slug=slug).first()
    if call is None or not call.may_read:  # type: ignore[attr-defined]
        raise Http404
    request.avustus_menu_roles = menu_roles(call.staff_anywhere, call.reviewer_anywhere)  # type: ignore[attr-defined]
    return call


def _collective():
    # What decisions.selectors.collective_decision finds, as a subquery of the round's row.
    return Decision.objects.filter(call=OuterRef("pk"), kind=Decision.Kind.COLLECTIVE,
                                   amends__isnull=True).order_by("decided_on")


def form_pk(value) -> int:
    """A primary key from a form; anything that is not one finds nothing (0) instead of failing."""
    return form_number(value) or 0


def form_date(value: str) -> date | None:
    """The decision's date from the form, if given; a malformed one is refused as every form's dates are."""
    return parse_date(value, "decided_on") if value else None


def page_of(request, rows):
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def log_list(request, call, what: str, rows, *, page: int | None = None) -> None:
    """Log the read of a page of a list of non-public data (Act 906/2019, section 17), with what it showed."""
    number = str(page) if page is not None else request.GET.get("page", "1")[:10]
    record_list_read(request.user, call, what, rows, data={"page": number})


def query_of(request) -> str:
    """The query string without the page number, for links to other pages and sorts."""
    return base_query(request)


def rejections_posted(request, report) -> list[Rejection]:
    """The parts of a report's costs an official's review form rejects as ineligible (an interim or a final
    report's: ``reject.<cost>.amount`` with its ``reason``); a cost left empty is not rejected."""
    rejections = []
    for cost in report.costs.all():
        amount = request.POST.get(f"reject.{cost.pk}.amount", "").strip()
        if amount:
            rejections.append(Rejection(cost.pk, amount, request.POST.get(f"reject.{cost.pk}.reason", "")))
    return rejections
