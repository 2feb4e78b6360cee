"""A confirmed change taking effect, and its amending decision signed: called by ``services.confirm_request``
inside its transaction, with the project and the request locked.

The decision's snapshot holds everything its documents say (the project, the change before and after, the
reasons, the signatories, the call's rectification instructions and issuer); its hash goes on the audit chain
and the documents (fi and sv HTML, from ``changes.documents``) are stored with it, never changed.
"""

import hashlib
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from avustus.actors import display_name
from avustus.audit.chain import record
from avustus.changes.documents import LANGUAGES, render_change_decision
from avustus.changes.models import ChangeDecision, ChangeRequest, ProjectRevision
from avustus.changes.services import change_partners, keep_revision, move_budget, reschedule
from avustus.decisions.signing import canonical_snapshot
from avustus.errors import Conflict
from avustus.projects.models import FundedProject
from avustus.registry.models import Organisation


def apply_change(project: FundedProject, request: ChangeRequest) -> ProjectRevision:
    """The change applied to the project's rows; returns the revision of the terms before it."""
    # The project as first decided is revision 1, kept when it first changes.
    before = project.revisions.order_by("-number").first() or keep_revision(project, None)
    if request.kind == ChangeRequest.Kind.EXTENSION:
        project.implementation_end = request.new_end
        reschedule(project)
    elif request.kind == ChangeRequest.Kind.BUDGET:
        move_budget(project, request)
    else:
        change_partners(project, request)
    project.version += 1
    project.save(update_fields=["implementation_end", "version", "updated_at"])
    return before


def _names(organisation) -> dict:
    return {"fi": organisation.name_fi, "sv": organisation.name_sv or organisation.name_fi}


def _change(project: FundedProject, request: ChangeRequest, before: ProjectRevision) -> dict:
    change: dict = {"kind": request.kind, "reasons": request.reasons,
              # The day in Finland: ``submitted_at`` is kept in UTC, a day behind between midnight and 2 or 3 a.m.
              "submitted_on": timezone.localdate(request.submitted_at).isoformat()}
    if request.kind == ChangeRequest.Kind.EXTENSION:
        final = project.schedule.filter(kind="final").first()
        change.update(end_before=before.implementation_end.isoformat() if before.implementation_end else None,
                      new_end=request.new_end.isoformat() if request.new_end else None,
                      final_report_due=final.due_on.isoformat() if final else None)
    elif request.kind == ChangeRequest.Kind.BUDGET:
        categories = {c.code: {"fi": c.name_fi, "sv": c.name_sv or c.name_fi}
                      for c in project.call.cost_categories.all()}
        members = {m.position: ({"fi": str(m), "sv": m.organisation.name_sv or str(m)} if m.organisation
                                else {"fi": str(m), "sv": str(m)})
                   for m in project.application.members.select_related("organisation")}
        change["moves"] = [{"amount": m["amount"], "source": categories[m["from"][0]],
                            "source_member": members[m["from"][1]], "target": categories[m["to"][0]],
                            "target_member": members[m["to"][1]]} for m in request.moves]
    else:
        change["added"] = [_names(o) for o in Organisation.objects.filter(pk__in=request.add_partners)
                           .order_by("name_fi")]
        change["removed"] = [_names(m.organisation) if m.organisation else {"fi": str(m), "sv": str(m)}
                             for m in project.application.members.filter(pk__in=request.remove_partners)
                             .select_related("organisation")]
    return change


def change_snapshot(project: FundedProject, request: ChangeRequest, before: ProjectRevision, *, signers: list,
                    decided_on: date) -> dict:
    lead = project.application.lead
    texts = project.call.texts or {}
    return {
        "decision": {"decided_on": decided_on.isoformat(), "request": request.pk, "reasons": request.decision_reasons,
                     "signed_by": signers},
        "project": {"reference": project.reference, "title": project.application.title,
                    "decided_on": project.decided_on.isoformat(),
                    "lead": _names(lead.organisation) if lead and lead.organisation
                    else {"fi": str(lead or ""), "sv": str(lead or "")}},
        "change": _change(project, request, before),
        "call": {"texts": {"rectification": texts.get("rectification", {})}},
        "issuer": texts.get("issuer") or None,
    }


def _signers(request: ChangeRequest, actor) -> list[dict]:
    return [{"name": display_name(request.decided_by) if request.decided_by else "", "title": ""},
            {"name": display_name(actor), "title": ""}]


def sign_change_decision(project: FundedProject, request: ChangeRequest, before: ProjectRevision, *, actor,
                         decided_on: date, shown: str) -> ChangeDecision:
    """Sign the decision; ``shown`` is the hash of the preview the signer read (``preview_snapshot``), and a decision
    that would differ from it is refused. It has no default: nothing is signed that nobody was shown."""
    after = keep_revision(project, request)
    snapshot = change_snapshot(project, request, before, signers=_signers(request, actor), decided_on=decided_on)
    digest = snapshot_sha256(snapshot)
    if shown != digest:
        raise Conflict(_("The amending decision has changed since you read it; read it again before confirming."))
    documents = {lang: render_change_decision(snapshot, lang) for lang in LANGUAGES}
    decision = ChangeDecision.objects.create(request=request, project=project, decided_on=decided_on,
                                             snapshot=snapshot, snapshot_sha256=digest, document_fi=documents["fi"],
                                             document_sv=documents["sv"])
    record("changes.decided", decision, actor=actor, application=project.application,
           data={"project": project.reference, "request": request.pk, "kind": request.kind,
                 "approved_by": request.decided_by_id, "sha256": digest, "revision": after.number,
                 "revision_before": before.number})
    return decision


class _Rehearsed(Exception):
    def __init__(self, snapshot: dict):
        self.snapshot = snapshot


def preview_snapshot(request: ChangeRequest, *, actor, decided_on: date | None = None) -> dict:
    """The amending decision's snapshot as ``actor`` would sign it on ``decided_on`` (today, as ``confirm_request``
    dates it when given none); nothing is kept.

    The change is applied in a transaction that is rolled back, so that the preview says what the signed
    decision will (the new final report date, the members) without a second way of computing it.
    """
    from django.db import transaction

    from avustus.accounts import permissions
    from avustus.projects.services import lock_project

    try:
        with transaction.atomic():
            project = lock_project(request.project)
            current = ChangeRequest.objects.select_related("decided_by").get(pk=request.pk)
            # Shown only to whom ``confirm_request`` lets sign it: the project's terms and the change are not public.
            permissions.check_second_person(actor, project.call.programme, [current.decided_by_id],
                                            _("An approved change is confirmed by another official of the programme "
                                              "than the one who approved it."), project=project)
            before = apply_change(project, current)
            raise _Rehearsed(change_snapshot(project, current, before, signers=_signers(current, actor),
                                             decided_on=decided_on or timezone.localdate()))
    except _Rehearsed as rehearsal:
        return rehearsal.snapshot


def snapshot_sha256(snapshot: dict) -> str:
    return hashlib.sha256(canonical_snapshot(snapshot)).hexdigest()


def preview_html(snapshot: dict, lang: str) -> str:
    """The body of an HTML page showing the decision (escaped by the renderer)."""
    from avustus.changes.documents import build_change_decision
    from avustus.decisions.documents.html import render_body

    return render_body(build_change_decision(snapshot, lang), embedded=True)
