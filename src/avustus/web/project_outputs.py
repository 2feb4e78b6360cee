"""The project's outputs page (issue 16, the reuse catalogue): the lead enters and removes what the project made for
others to reuse; the programme's officials mark each one checked, which puts it in the public catalogue. Thin:
each view reads the form, calls one service of ``reports.outputs`` and renders or sends the user back to the list."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from avustus.accounts import permissions
from avustus.errors import Conflict
from avustus.projects.models import FundedProject
from avustus.projects.services import project_for
from avustus.reports import outputs as service
from avustus.reports.models import ProjectOutput
from avustus.rules import licences
from avustus.web.feedback import confirm, error_summary, errors_of, refusals_flashed

FIELDS = ("kind", "title", "address", "licence", "description")


def _labels() -> dict[str, tuple[str | None, str]]:
    return {"kind": ("o-kind", _("Kind")), "title": ("o-title", _("Name")),
            "address": ("o-address", _("Address")), "licence": ("o-licence", _("Licence")),
            "description": ("o-description", _("Description"))}


@login_required
def project_outputs(request, reference: str):
    """The list, the lead's form to add one, and the officials' "checked" buttons."""
    project = project_for(request.user, reference)
    values = dict.fromkeys(FIELDS, "")
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values = {name: str(request.POST.get(name, ""))[:2000] for name in FIELDS}
        try:
            service.add_output(project, actor=request.user, **values)
        except Conflict as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            errors = errors_of(exc)
        else:
            messages.success(request, _("The output was added; an official checks it before it is public."))
            return redirect("project-outputs", reference)
    rows = [(o, licences.is_open(o.licence)) for o in project.outputs.select_related("checked_by")]
    return render(request, "web/projects/outputs.html", {
        "project": project, "rows": rows, "values": values, "field_errors": errors,
        "error_summary": error_summary(errors, _labels()), "kinds": ProjectOutput.Kind.choices,
        "is_lead": permissions.is_recipient_lead(request.user, project),
        "in_progress": project.state != FundedProject.State.CANCELLED,
        "manages": permissions.can_manage_projects(request.user, project.call.programme, project=project),
    }, status=422 if errors else 200)


def _output(request, reference: str, pk: int) -> ProjectOutput:
    project = project_for(request.user, reference)
    return get_object_or_404(ProjectOutput.objects.select_related("project__call__programme",
                                                                  "project__application"), pk=pk, project=project)


def _output_step(request, reference: str, pk: int, step: Callable[..., object], done: str):
    """One of an output's buttons: the box ticked, the service's ``step`` on the output, back to the list."""
    output = _output(request, reference, pk)
    with refusals_flashed(request):
        confirm(request)
        step(output, actor=request.user)
        messages.success(request, done)
    return redirect("project-outputs", reference)


@login_required
@require_POST
def remove_project_output(request, reference: str, pk: int):
    return _output_step(request, reference, pk, service.remove_output, _("The output was removed."))


@login_required
@require_POST
def check_project_output(request, reference: str, pk: int):
    return _output_step(request, reference, pk, service.check_output,
                        _("The output was marked checked; it is in the public reuse catalogue."))
