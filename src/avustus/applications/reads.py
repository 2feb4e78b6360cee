"""Reads of an application's data that is not public, logged as they are read.

Act 906/2019, section 17: the log says who used and disclosed what. Whether a read must be logged is
a question about the reader (``accounts.permissions.reads_in_official_capacity``) and about the
application (``is_public``); both are answered here, below every screen, so that a screen that shows
the data gets it from a function that logs the read, and cannot forget to.
"""

from decimal import Decimal

from django.db import transaction
from django.db.models import CharField, QuerySet
from django.db.models.functions import Cast

from avustus.accounts.permissions import has_programme_role, reads_in_official_capacity
from avustus.applications.models import Application
from avustus.audit.chain import READ, entries_about, record
from avustus.audit.models import AuditEntry
from avustus.calls.texts import plan_field_label
from avustus.errors import NotFound


def is_public(application: Application) -> bool:
    """Public: an application in a signed decision, as far as the decision publishes it (not plan, budget,
    attachments); everything of an application no signed decision has decided yet is not public."""
    return application.outcomes.filter(decision__status="signed").exists()


def record_read(user, application: Application, what: str, *, target=None,
                data: dict | None = None) -> AuditEntry | None:
    """Log that ``user`` read ``what`` of ``application`` if it is a read the law wants logged; else nothing.

    Logged: an official, decision-maker, reviewer, auditor or administrator of the programme reading data
    that is not public. ``what`` says which data: ``"application"`` (the application not yet publicly decided),
    ``"plan"``, ``"budget"``, ``"attachments"``, ``"attachment"``, ``"history"``... Of those, only
    ``"application"`` becomes public with a signed decision; the rest never do. An applicant reading their
    own application is not logged. Opens its own transaction (nested in the caller's, if any).
    """
    if not reads_in_official_capacity(user, application):
        return None
    if what == "application" and is_public(application):
        return None
    with transaction.atomic():
        return record(READ, target if target is not None else application, actor=user,
                      data={"what": what, **(data or {})}, application=application)


def read_dossier(application: Application, actor, lang: str, *, what: str = "plan") -> dict:
    """What officials and reviewers read of an application: consortium, plan by the call's fields, budget, files.

    The read is logged (``what`` says on which screen: "plan", "screening"); the caller has already
    established that ``actor`` may read it.
    """
    labels = {f["key"]: plan_field_label(f, lang) for f in application.call.plan_fields}
    plan = [(labels.get(key, key), value) for key, value in application.plan.items() if str(value).strip()]
    lines = list(application.budget_lines.select_related("category").order_by("position"))
    dossier = {
        "members": list(application.members.select_related("organisation").order_by("position")),
        "plan": plan,
        "budget": lines,
        "budget_total": sum((line.amount_vat_free for line in lines), Decimal("0.00")),
        "attachments": list(application.attachments.filter(removed_at__isnull=True).order_by("uploaded_at", "pk")),
    }
    record_read(actor, application, what)
    return dossier


def history(reference: str) -> QuerySet[AuditEntry]:
    """The audit log's entries about one application, newest first (a queryset: page it in the database).

    Besides its own entries, those about its call's proposal and about the decisions that have an outcome
    for it (``audit.chain.entries_about``): this stage knows the call and, through the outcomes' reverse
    relation, the decisions, which the log, below every stage, does not.
    """
    # Subqueries rather than lookups first: the history stays one query however it is paged.
    of_reference = Application.objects.filter(reference=reference)
    call = of_reference.annotate(key=Cast("call_id", CharField())).values("key")
    decisions = (of_reference.filter(outcomes__isnull=False)
                 .annotate(key=Cast("outcomes__decision_id", CharField())).values("key"))
    return entries_about(reference, call, decisions)


def read_history(user, reference: str) -> tuple[Application, QuerySet[AuditEntry], AuditEntry | None]:
    """An application's history for its programme's officials and auditors, the read logged: the application,
    its entries (``history``) and the entry that logged this read (None if the read is not one to log).

    ``NotFound`` alike for a missing application, a draft (its applicants' business, as on every other
    screen; the command line shows them) and a user who is not an official of its programme.
    """
    if "\x00" in reference:
        raise NotFound
    application = Application.objects.select_related("call__programme").filter(reference=reference).first()
    if (application is None or application.status == Application.Status.DRAFT
            or not has_programme_role(user, application.call.programme)):
        raise NotFound
    read = record_read(user, application, "history")
    return application, history(reference), read
