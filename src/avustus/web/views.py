"""The public and officials' screens. Views only read requests and call selectors; no rules live here."""

import logging
import sys

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _

from avustus.accounts.contacts import organisation_addresses
from avustus.accounts.permissions import can_prepare_calls, can_see_addresses_of, can_see_decision, has_programme_role
from avustus.applications.models import Application, ConsortiumMember
from avustus.applications.reads import record_read
from avustus.audit.chain import record_document_read
from avustus.calls.models import Call
from avustus.calls.selectors import visible_calls
from avustus.calls.services import TEXT_LANGUAGES, update_call_texts
from avustus.decisions.documents.render import CONTENT_TYPES, FORMATS, LANGUAGES, render_decision, render_letter
from avustus.decisions.models import Decision, Outcome
from avustus.decisions.selectors import (
    applications_of_organisation,
    applications_with_outcomes,
    current_outcome,
    findings_for,
    round_summary,
)
from avustus.opendata import background
from avustus.registry.models import Organisation
from avustus.web import unavailable
from avustus.web.feedback import error_summary
from avustus.web.labels import ROUND_SORT_LABELS
from avustus.web.paging import keyset_page

# Sort keys users can choose, mapped to keyset orders (``web.paging``: field, descending, nullable; the reference,
# unique, last); unknown keys fall back to the first.
SORTS = {
    "row": (("source_row", False, True), ("reference", False, False)),
    "lead": (("lead_name", False, True), ("lead_written", False, True), ("reference", False, False)),
    "title": (("title", False, False), ("reference", False, False)),
    "applied": (("amount_applied", True, False), ("reference", False, False)),
    "granted": (("amount_granted", True, True), ("reference", False, False)),
    "outcome": (("outcome_kind", False, True), ("outcome_number", False, True), ("reference", False, False)),
}


def home(request):
    # Draft calls are their programme's plans: listed only to that programme's officials.
    calls = visible_calls(request.user).select_related("programme").annotate(
        n_applications=Count("applications", filter=~Q(applications__status=Application.Status.DRAFT)))
    return render(request, "web/home.html", {"calls": calls})


def round_detail(request, slug: str):
    call = get_object_or_404(visible_calls(request.user).select_related("programme"), slug=slug)
    decisions = [d for d in call.decisions.annotate(n_documents=Count("documents")).order_by("decided_on", "id")
                 if can_see_decision(request.user, d)]
    summary = round_summary(call)
    return render(
        request,
        "web/round.html",
        {"call": call, "summary": summary, "decisions": decisions, "formats": FORMATS,
         "background_export": call.status != Call.Status.DRAFT and background.offered(request.user, call,
                                                                                       summary.granted_count),
         "can_edit_texts": has_programme_role(request.user, call.programme),
         "document_languages": LANGUAGES},
    )


def decision_document(request, pk: int, lang: str, fmt: str):
    """A decision's document: the stored one of a decision signed here, else rendered from its data."""
    decision = get_object_or_404(Decision.objects.select_related("call__programme"), pk=pk)
    if lang not in LANGUAGES or fmt not in FORMATS or not can_see_decision(request.user, decision):
        raise Http404
    stored = decision.documents.filter(lang=lang, format=fmt).first()
    if stored is None and decision.signed_in_avustus:
        # Signed, its documents not made yet (the task renders them): say so, and when to ask again.
        response = render(request, "web/document_pending.html", {"decision": decision}, status=503)
        response["Retry-After"] = "30"
        return response
    content = bytes(stored.content) if stored else render_decision(decision, lang, fmt)
    record_document_read(request.user, decision, "document", data={"lang": lang, "format": fmt})  # if unsigned
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    filename = f"{decision.call.slug}-{decision.pk}-{lang}.{fmt}"
    disposition = "inline" if fmt in {"html", "pdf"} else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


def round_applications(request, slug: str):
    call = get_object_or_404(visible_calls(request.user), slug=slug)
    # Drafts are their applicants' business until submitted: not listed, not even by their members' names.
    # The lead's body comes with each row (one query a page), instead of every member prefetched.
    lead = ConsortiumMember.objects.filter(application=OuterRef("pk"), role=ConsortiumMember.Role.LEAD)
    apps = applications_with_outcomes(call).exclude(status=Application.Status.DRAFT).prefetch_related(None).annotate(
        lead_key=Subquery(lead.values("organisation__key")[:1]),
        lead_name_sv=Subquery(lead.values("organisation__name_sv")[:1]))
    outcome = request.GET.get("outcome", "")
    if outcome in Outcome.Kind.values:
        apps = apps.filter(outcome_kind=outcome)
    group = request.GET.get("group", "")
    groups = list(call.groups.all())
    if group in {g.code for g in groups}:
        apps = apps.filter(group_id=next(g.id for g in groups if g.code == group))
    municipality = request.GET.get("municipality", "")
    # The bodies named in the round's applications: one probe of the members' index per body, not a scan.
    municipalities = Organisation.objects.filter(Exists(ConsortiumMember.objects.filter(
        organisation=OuterRef("pk"), application__call=call).exclude(
        application__status=Application.Status.DRAFT))).order_by("name_fi")
    if municipality:
        apps = apps.filter(members__organisation__key=municipality).distinct()
    sort = request.GET.get("sort", "row")
    if sort not in SORTS:
        sort = "row"
    # Counted without the rows' annotations unless a filter needs them: from the index, not from every row.
    by_outcome = outcome in Outcome.Kind.values or group in {g.code for g in groups}
    plain = call.applications.exclude(status=Application.Status.DRAFT)
    if by_outcome:
        count = apps.count()
    elif municipality:
        count = plain.filter(members__organisation__key=municipality).distinct().count()
    else:
        count = plain.count()
    page = keyset_page(request, apps, SORTS[sort], count=count)
    for app in page:
        app.lead_body = Organisation(key=app.lead_key, name_fi=app.lead_name, name_sv=app.lead_name_sv or "") if (
            app.lead_key) else None
    return render(
        request,
        "web/applications.html",
        {
            "call": call,
            "page": page,
            "groups": groups,
            "organisations": municipalities,
            "outcomes": Outcome.Kind.choices,
            "sorts": ROUND_SORT_LABELS.items(),
            "selected": {"outcome": outcome, "group": group, "municipality": municipality, "sort": sort},
            "query": page.query,
        },
    )


def application_detail(request, reference: str):
    application = get_object_or_404(
        Application.objects.select_related("call").prefetch_related("members__organisation"), reference=reference
    )
    if application.status == Application.Status.DRAFT:
        # Drafts are their applicants' business; say nothing about whether one exists.
        raise Http404
    record_read(request.user, application, "application")  # logged only if an official reads it before it is public
    return render(
        request,
        "web/application.html",
        {
            "application": application,
            "outcome": current_outcome(application),
            "findings": findings_for(application),
            "is_official": has_programme_role(request.user, application.call.programme),
        },
    )


def application_letter(request, reference: str, lang: str, fmt: str):
    """The letter on the application's newest decision, with the decision attached."""
    application = get_object_or_404(Application, reference=reference)
    outcome = current_outcome(application)
    if (
        application.status == Application.Status.DRAFT
        or outcome is None
        or lang not in LANGUAGES
        or fmt not in {"html", "pdf"}
        or not can_see_decision(request.user, outcome.decision)
    ):
        raise Http404
    # The letter states the rectification deadline when the sending of this decision has been recorded.
    sent = (application.notifications.filter(decision=outcome.decision).order_by("-sent_on", "-id").first())
    content = render_letter(application, lang=lang, fmt=fmt, sent_on=sent.sent_on if sent else None,
                            by=sent.channel if sent else None)
    record_document_read(request.user, outcome.decision, "letter",  # logged only if the decision is unsigned
                         data={"application": application.reference, "lang": lang, "format": fmt})
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'inline; filename="{application.reference}-{lang}.{fmt}"'
    return response


def organisation_detail(request, key: str):
    organisation = get_object_or_404(Organisation, key=key)
    # Its addresses only to officials and those who act for it (a signed-in answer is never cached).
    addresses = (organisation_addresses(organisation, actor=request.user)
                 if request.user.is_authenticated and can_see_addresses_of(request.user, organisation) else None)
    return render(
        request,
        "web/organisation.html",
        {"organisation": organisation, "addresses": addresses,
         "applications": applications_of_organisation(organisation).exclude(status=Application.Status.DRAFT)},
    )


def organisations(request):
    kind = request.GET.get("kind", Organisation.Kind.MUNICIPALITY)
    if kind not in Organisation.Kind.values:
        kind = Organisation.Kind.MUNICIPALITY
    orgs = Organisation.objects.filter(kind=kind).annotate(n_applications=Count(
        "memberships__application", distinct=True,
        filter=~Q(memberships__application__status=Application.Status.DRAFT)))
    return render(
        request, "web/organisations.html", {"organisations": orgs, "kind": kind, "kinds": Organisation.Kind.choices}
    )


@login_required
def call_texts(request, slug: str):
    """Officials edit the prose of the call's decision documents, in Finnish and Swedish."""
    call = get_object_or_404(Call.objects.select_related("programme"), slug=slug)
    if not has_programme_role(request.user, call.programme):
        raise Http404
    errors = {}
    if request.method == "POST":
        changes = {
            key: {lang: request.POST.get(f"{key}.{lang}", "") for lang in TEXT_LANGUAGES}
            for key in call.texts
            if any(f"{key}.{lang}" in request.POST for lang in TEXT_LANGUAGES)
        }
        try:
            update_call_texts(call, changes, actor=request.user)
        except ValidationError as exc:
            errors = exc.message_dict
        else:
            messages.success(request, _("The texts were saved. Documents signed earlier keep their texts."))
            return redirect("call-texts", slug=call.slug)
    texts = [(key, [(lang, value.get(lang, "")) for lang in TEXT_LANGUAGES]) for key, value in call.texts.items()]
    language_names = {"fi": _("Finnish"), "sv": _("Swedish")}
    fields: dict[str, tuple[str | None, str]] = {}
    for key in call.texts:
        fields[key] = (f"t-{key}-fi", key)
        for lang in TEXT_LANGUAGES:
            fields[f"{key}.{lang}"] = (f"t-{key}-{lang}", f"{key} ({language_names[lang]})")
    summary = error_summary({k: v if isinstance(v, list) else [v] for k, v in errors.items()}, fields)
    return render(request, "web/call_texts.html", {"call": call, "texts": texts, "errors": errors,
                                                   "error_summary": summary,
                                                   # Read by the programme's officials; saved by those who
                                                   # prepare its calls, as ``update_call_texts`` refuses the rest.
                                                   "editable": can_prepare_calls(request.user, call.programme)})


# --- Looking up an application, and the error pages -------------------------------------------------

MAX_TYPED = 100


def _typed(value: str) -> str:
    """What the user typed, kept to show it back: bounded, without control characters."""
    return "".join(c for c in str(value)[:MAX_TYPED] if c.isprintable()).strip()


def find_application(request):
    """Find a public application by its tracking number; a miss shows the form again with what was typed."""
    typed = _typed(request.GET.get("reference", ""))
    if typed:
        found = (Application.objects.filter(reference__iexact=typed).exclude(status=Application.Status.DRAFT)
                 .values_list("reference", flat=True).first())
        if found:
            return redirect("application", reference=found)
    return render(request, "web/find.html", {"typed": typed}, status=404 if typed else 200)


def _error_page(request, template: str, status: int, context: dict | None = None) -> HttpResponse:
    """An error page in the site's layout and the user's language.

    The layout asks the database for the user's roles; when the error came from the database itself that
    fails too, and a plain page with the same words is sent instead of a second error.
    """
    try:
        return render(request, template, context or {}, status=status)
    except Exception:
        logging.getLogger(__name__).exception("the error page %s could not be rendered; sent a plain one", template)
        from django.utils.html import escape
        from django.utils.translation import get_language

        title = {400: _("The request could not be understood"), 403: _("Not allowed"), 404: _("Page not found"),
                 500: _("Something went wrong")}.get(status, _("Something went wrong"))
        body = (f'<!doctype html><html lang="{escape(get_language() or "fi")}"><head><meta charset="utf-8">'
                f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{escape(title)} – Avustus'
                f'</title></head><body><main><h1>{escape(title)}</h1><p><a href="/">{escape(_("To the front page"))}'
                f'</a></p></main></body></html>')
        return HttpResponse(body, status=status)


def bad_request(request, exception=None):
    return _error_page(request, "400.html", 400)


def permission_denied(request, exception=None):
    return _error_page(request, "403.html", 403)


def page_not_found(request, exception=None):
    # A mistyped tracking number in the address comes back in the lookup form, to be corrected there.
    match = getattr(request, "resolver_match", None)
    typed = _typed(match.kwargs.get("reference", "")) if match and match.url_name == "application" else ""
    return _error_page(request, "404.html", 404, {"typed": typed})


def server_error(request):
    # Called while the uncaught exception is being handled: a database that does not answer is a 503.
    if unavailable.is_database_unavailable(sys.exc_info()[1]):
        return unavailable.answer(request)
    return _error_page(request, "500.html", 500)


def csrf_failure(request, reason=""):
    return _error_page(request, "403_csrf.html", 403)
