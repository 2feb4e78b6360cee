"""An official's export of a large round in the background: starting it, following it, downloading its file.

Thin: ``opendata.background`` decides who may and does the work. While the task runs the status page refreshes
itself with a ``<meta http-equiv="refresh">`` (no script: the CSP allows none of ours to be needed), but only when
the official asked for it (``?auto=1``, the start form's box, ticked by default) and with a link to stop: a page
that reloads on its own unasked moves a screen reader's reading back to the top (WCAG 2.2.1, axe's
``meta-refresh``). Without it the page has a link to refresh it."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_POST

from avustus.errors import Conflict, Invalid, NotFound
from avustus.opendata import background
from avustus.opendata.models import ExportJob
from avustus.web.feedback import flash

REFRESH_SECONDS = 5


@login_required
@require_POST
def start_export(request, slug: str):
    lang = (get_language() or "fi")[:2]
    try:
        job = background.start_round_export(request.user, slug, request.POST.get("format", ""), lang=lang)
    except NotFound as exc:
        raise Http404 from exc
    except Invalid as exc:
        flash(request, exc)
        return redirect("round", slug)
    status = reverse("officials-export", args=[job.pk])
    return redirect(f"{status}?auto=1" if request.POST.get("follow") == "yes" else status)


@login_required
@require_GET
def export_status(request, pk: int):
    try:
        job = background.export_job(request.user, pk)
    except NotFound as exc:
        raise Http404 from exc
    working = job.status in (ExportJob.Status.QUEUED, ExportJob.Status.RUNNING)
    auto = working and request.GET.get("auto") == "1"
    return render(request, "web/officials/export_status.html", {
        "job": job, "working": working, "auto": auto, "refresh": REFRESH_SECONDS,
        "stalled": job.stalled_minutes(timezone.now()), "restart": background.may_restart(request.user, job),
    })


@login_required
@require_POST
def restart_export(request, pk: int):
    """A stalled export started again, after a tick; the new job's page follows (the same one for a replay)."""
    try:
        job = background.restart_export(request.user, pk, confirmed=request.POST.get("confirm") == "yes")
    except NotFound as exc:
        raise Http404 from exc
    except (Invalid, Conflict) as exc:
        flash(request, exc)
        return redirect("officials-export", pk)
    return redirect(f"{reverse('officials-export', args=[job.pk])}?auto=1")


@login_required
@require_GET
def export_download(request, pk: int):
    try:
        job = background.export_file(request.user, pk)
    except NotFound as exc:
        raise Http404 from exc
    if job is None:  # not ready (yet): its page says how far it is, or why it failed
        return redirect("officials-export", pk)
    response = HttpResponse(bytes(job.content or b""), content_type=job.content_type)
    response["Content-Disposition"] = f'attachment; filename="{job.filename}"'
    return response
