"""Opening an application for a user: who may (``accounts.permissions``), and its rows read once for what follows.

``access_application`` is every request's first step on an application (the API's fill and submit, the
screens): it reads the application with its call, members and budget lines by compiled reads
(``avustus.prepared``) and keeps the rows on it, so that the service it is handed to (``services``) checks
access and validates without reading them again.
"""

from django.db.models import QuerySet

from avustus.accounts.permissions import can_access_application
from avustus.applications.models import Application, BudgetLine, ConsortiumMember
from avustus.calls import parts
from avustus.errors import NotFound
from avustus.prepared import PreparedRead


def access_application(user, reference: str, *, for_edit: bool = False) -> Application:
    """The application if the user acts for its lead or a partner; ``NotFound`` alike for missing and forbidden.

    Partners read; only the lead's users (and partners the lead allowed) edit. The members come with their
    organisations and, once access is granted, the budget lines with their categories (one query each; a
    published call's categories as ``calls.parts`` keeps them, not joined), and the application remembers
    whom it was opened for, so that the service it is handed to checks access without asking again.
    """
    if "\x00" in reference:
        raise NotFound  # no reference has one, and PostgreSQL refuses to compare text with it
    application = _APPLICATION_BY_REFERENCE.first(reference=reference)
    if application is None:
        raise NotFound
    # As ``prefetch_related`` would keep them: ``application.members.all()`` gives these, and each knows its
    # application. Read before the check, which asks who the members are.
    members = _MEMBERS_OF.all(application=application.pk)
    for member in members:
        member.application = application
    keep_rows(application, members, as_prefetched=True)
    if not can_access_application(user, application, for_edit=for_edit):
        raise NotFound
    _read_budget_lines(application)
    application._opened_for = (user.pk, for_edit)  # type: ignore[attr-defined]
    return application


# The reads of ``access_application``, which every request on an application makes, compiled once
# (avustus.prepared). Ordered explicitly: the models' own orderings (the application's call's closing date and slug,
# then the member's or line's application) would join the application and the call to every read only to sort.
# The call (its status and deadline fresh on every request) and the organisations are read whole.
_APPLICATION_BY_REFERENCE = PreparedRead(
    lambda reference: Application.objects.select_related("call").filter(reference=reference).order_by(),
    reference=str)
_MEMBERS_OF = PreparedRead(
    lambda application: ConsortiumMember.objects.select_related("organisation")
    .filter(application_id=application).order_by("position"), application=int)
_BUDGET_LINES_OF = PreparedRead(
    lambda application: BudgetLine.objects.filter(application_id=application).order_by("position"),
    application=int)
_BUDGET_LINES_WITH_CATEGORIES_OF = PreparedRead(
    lambda application: BudgetLine.objects.select_related("category").filter(application_id=application)
    .order_by("position"), application=int)


def _read_budget_lines(application: Application) -> None:
    """Read the application's budget lines with their cost categories, one query, as ``prefetch_related`` would.

    A published call's categories are kept per process (``calls.parts``): the lines take theirs from there
    instead of joining the category to every line (another call's lines join theirs as before). A line whose
    category is not among them (one made since, in another process) reads it when asked.
    """
    kept = parts.kept_categories(application.call)
    if kept is None:
        lines = _BUDGET_LINES_WITH_CATEGORIES_OF.all(application=application.pk)
    else:
        lines = _BUDGET_LINES_OF.all(application=application.pk)
        by_id = {category.pk: category for category in kept}
        for line in lines:
            category = by_id.get(line.category_id)
            if category is not None:
                line.category = category
    for line in lines:
        line.application = application
    keep_rows(application, budget_lines=lines, as_prefetched=True)


def check_access(user, application: Application, *, for_edit: bool = False) -> None:
    """``NotFound`` unless the user may open (or edit) ``application``, as ``access_application`` decides.

    For a service given an application its entry point has just opened: one ``access_application`` opened
    for this user (to edit, when editing is asked) is not checked again; otherwise one query.
    """
    opened_for = getattr(application, "_opened_for", None)
    if opened_for is not None and opened_for[0] == user.pk and (opened_for[1] or not for_edit):
        return
    if not can_access_application(user, application, for_edit=for_edit):
        raise NotFound


def keep_rows(application: Application, members: list | None = None, budget_lines: list | None = None, *,
              as_prefetched: bool = False) -> None:
    """Give ``application`` its members and budget lines as just read or written, so that nothing reads them again.

    Each list must be the whole of that relation, with organisations and categories set on the rows. They are
    kept aside (``validation.prefetched`` reads them: the answer, the submission's checks) and, with
    ``as_prefetched``, also as the relation itself (``application.members.all()``): only for a row locked
    and read in this transaction, as a caller may go on using what a service returns after others changed it.
    """
    kept = application.__dict__.setdefault("_kept_rows", {})
    for name, rows, model in (("members", members, ConsortiumMember), ("budget_lines", budget_lines, BudgetLine)):
        if rows is None:
            continue
        kept[name] = list(rows)
        if as_prefetched:
            rows_qs: QuerySet = model.objects.filter(application=application)
            rows_qs._result_cache = list(rows)
            rows_qs._prefetch_done = True  # type: ignore[attr-defined]
            application.__dict__.setdefault("_prefetched_objects_cache", {})[name] = rows_qs
