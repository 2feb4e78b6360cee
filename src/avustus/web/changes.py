"""Screens of change requests: the lead's form and list, a request's page with the officials' decision steps
(approve or reject; a second official confirms the amending decision) and the signed amending decision.

Thin: each view reads the form, calls one service of ``changes.services`` and renders or redirects.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from avustus.accounts import permissions
from avustus.changes import services as changes
from avustus.changes.decision import preview_html, preview_snapshot, snapshot_sha256
from avustus.changes.models import ChangeDecision, ChangeRequest
from avustus.errors import Conflict
from avustus.projects.models import FundedProject
from avustus.projects.services import project_for
from avustus.registry.languages import document_language
from avustus.registry.models import Organisation
from avustus.rules.collation import finnish_key
from avustus.web.feedback import beside_fields, error_summary, errors_of, form_number, parse_date, refusals_flashed


def _ids(values: list[str]) -> list[int]:
    return [n for n in (form_number(v.strip()) for v in values) if n is not None]


def _submit(request, project: FundedProject):
    post = request.POST
    kind = post.get("kind", "")
    new_end = parse_date(post.get("new_end", ""), "new_end") if kind == "extension" else None
    moves = []
    if kind == "budget":
        source, target = post.get("source", ":").partition(":"), post.get("target", ":").partition(":")
        source_member, target_member = form_number(source[2]), form_number(target[2])
        if source_member is None or target_member is None:
            raise ValidationError({"moves.0": [_("Choose the cost categories and members to move between.")]})
        moves = [changes.MoveInput(source[0], source_member, target[0], target_member, post.get("amount", ""))]
    return changes.submit_request(project, actor=request.user, kind=kind, reasons=post.get("reasons", ""),
                                  new_end=new_end, moves=moves, add_partners=_ids(post.getlist("add_partners")),
                                  remove_partners=_ids(post.getlist("remove_partners")))


FIELDS = {"kind": ("kind-extension", gettext_lazy("What to change")),
          "new_end": ("new-end", gettext_lazy("New end of implementation")),
          "moves": ("source", gettext_lazy("Move of the budget")),
          "moves.0": ("amount", gettext_lazy("Move of the budget")),
          "partners": ("add-partner", gettext_lazy("Partners")),
          "add_partners": ("add-partner", gettext_lazy("Partner to add")),
          "remove_partners": ("remove-partner", gettext_lazy("Partner to remove")),
          "reasons": ("reasons", gettext_lazy("Reasons"))}


@login_required
def project_changes(request, reference: str):
    """The project's change requests; the lead's form for a new one."""
    project = project_for(request.user, reference)
    can_request = changes.can_request_change(request.user, project)
    summary, values = [], {}
    beside: dict[str, str] = {}
    if request.method == "POST":
        values = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
        try:
            submitted = _submit(request, project)
        except Conflict as exc:
            messages.error(request, str(exc))
            return redirect("project-changes", reference)
        except ValidationError as exc:
            summary = error_summary(errors_of(exc), {k: (target, str(label)) for k, (target, label) in FIELDS.items()})
            beside = beside_fields(summary)
        else:
            messages.success(request, _("The change request was submitted."))
            return redirect("project-change", reference, submitted.pk)
    members = changes.members_in_force(project)
    categories = list(project.call.cost_categories.order_by("position"))
    in_force = {m.organisation_id for m in members if m.organisation_id is not None}
    # Named on the page in its language (``in_language``), so listed in that name's order: Swedish lists put å, ä
    # and ö after z as Finnish ones do (``finnish_key``).
    lang = get_language() or "fi"
    candidates = sorted(changes.partner_candidates(project, in_force),
                        key=lambda o: finnish_key(o.name(lang))) if can_request else []
    return render(request, "web/projects/changes.html", {
        "project": project, "requests": list(project.change_requests.select_related("decision")),
        "revisions": changes.revisions_of(project),
        "can_request": can_request,
        "cells": [(f"{c.code}:{m.position}", c, m) for c in categories for m in members],
        "partners": [m for m in members if m.role == "partner"], "candidates": candidates,
        "values": values, "error_summary": summary, "errors": beside,
        "usable_until": project.call.appropriation_usable_until, "last_end": changes.last_permissible_end(project),
    }, status=422 if summary else 200)


def _request_of(project: FundedProject, pk: int) -> ChangeRequest:
    return get_object_or_404(ChangeRequest.objects.select_related("decided_by", "confirmed_by"), project=project,
                             pk=pk)


@login_required
def project_change(request, reference: str, pk: int):
    """One change request: what was asked, and the step the user may take on it."""
    project = project_for(request.user, reference)
    change = _request_of(project, pk)
    decision = ChangeDecision.objects.filter(request=change).first()
    categories = {c.code: c for c in project.call.cost_categories.all()}
    members = {m.position: m for m in project.application.members.select_related("organisation")}
    moves = [{"amount": m["amount"], "source": categories.get(m["from"][0]), "source_member": members.get(m["from"][1]),
              "target": categories.get(m["to"][0]), "target_member": members.get(m["to"][1])} for m in change.moves]
    steps = changes.change_steps(request.user, change)
    can_confirm = "confirm" in steps
    lang = document_language(request.GET.get("lang"))
    # What the second official signs, shown before the tick: the decision rehearsed and rolled back.
    snapshot = preview_snapshot(change, actor=request.user) if can_confirm else None
    shown = mark_safe(preview_html(snapshot, lang)) if snapshot else ""  # noqa: S308 -- the renderer escapes
    return render(request, "web/projects/change.html", {
        "project": project, "change": change, "decision": decision, "moves": moves,
        "preview": shown, "preview_lang": lang,
        "shown": snapshot_sha256(snapshot) if snapshot else "",
        "can_confirm": can_confirm, "steps": steps,
        # The note beside the reject form: the approver waits for a second official (who acted is not the page's
        # to work out in the template).
        "approved_by_you": change.status == ChangeRequest.Status.APPROVED and change.decided_by_id == request.user.pk,
        "added": Organisation.objects.filter(pk__in=change.add_partners).order_by("name_fi"),
        "removed": project.application.members.filter(pk__in=change.remove_partners).select_related("organisation"),
    })


@login_required
@require_POST
def decide_change(request, reference: str, pk: int):
    """The lead withdraws; an official approves or rejects; a second official confirms (after ticking the box)."""
    project = project_for(request.user, reference)
    change = _request_of(project, pk)
    action = request.POST.get("action", "")
    version = form_number(request.POST.get("version", ""))
    with refusals_flashed(request):
        if version is None:
            raise Conflict(_("The change request changed after you opened it; read it again."))
        if action == "withdraw":
            changes.withdraw_request(change, actor=request.user, version=version)
            messages.success(request, _("The change request was withdrawn."))
        elif action == "approve":
            changes.approve_request(change, actor=request.user, version=version,
                                    reasons=request.POST.get("reasons", ""))
            messages.success(request, _("The change was approved; a second official confirms the amending decision."))
        elif action == "reject":
            changes.reject_request(change, actor=request.user, version=version,
                                   reasons=request.POST.get("reasons", ""))
            messages.success(request, _("The change request was rejected."))
        elif action == "confirm":
            changes.confirm_request(change, actor=request.user, version=version,
                                    confirmed=request.POST.get("confirm") == "yes",
                                    shown=request.POST.get("shown", ""))
            messages.success(request, _("The amending decision was signed and the recipient notified."))
        else:
            raise Http404
    return redirect("project-change", reference, pk)


@login_required
def change_decision(request, reference: str, pk: int, lang: str):
    """The signed amending decision in Finnish or Swedish, from its snapshot: for whoever sees the project, and for
    a removed partner's people up to the decision that removed it (``permissions.can_read_change_decision``)."""
    decision = get_object_or_404(ChangeDecision.objects.select_related("project__call__programme", "request"),
                                 project__reference=reference, pk=pk)
    permissions.check_reads_change_decision(request.user, decision)
    project = decision.project
    if lang not in ("fi", "sv"):
        raise Http404
    body = mark_safe(preview_html(decision.snapshot, lang))  # noqa: S308 -- the renderer escapes every text
    return render(request, "web/projects/change_decision.html",
                  {"project": project, "decision": decision, "body": body, "lang": lang})
