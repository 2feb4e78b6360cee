"""The public reuse catalogue (no login) and the officials' dashboard of a programme. Thin: parse, call
``avustus.opendata``, render."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from avustus.calls.models import Programme
from avustus.opendata.dashboard import programme_dashboard
from avustus.opendata.outputs import MAX_ROWS, OutputSearch, as_json, public_outputs, rows
from avustus.registry.models import Organisation
from avustus.reports.models import ProjectOutput


def _search(params) -> tuple[OutputSearch, dict]:
    typed = {name: str(params.get(name, ""))[:100].strip() for name in ("kind", "organisation", "q")}
    kind = typed["kind"] if typed["kind"] in ProjectOutput.Kind.values else ""
    return OutputSearch(kind=kind, organisation=typed["organisation"], text=typed["q"]), typed


def outputs(request):
    search, typed = _search(request.GET)
    found = rows(search.apply(public_outputs()))
    return render(request, "web/open/outputs.html", {
        "rows": found, "typed": typed, "kinds": ProjectOutput.Kind.choices, "limited": len(found) >= MAX_ROWS,
        "bodies": Organisation.objects.filter(kind__in=[Organisation.Kind.MUNICIPALITY,
                                                        Organisation.Kind.JOINT_AUTHORITY]).order_by("name_fi"),
        "query": request.GET.urlencode(),
    })


def outputs_json(request):
    search, _typed = _search(request.GET)
    response = HttpResponse(as_json(rows(search.apply(public_outputs()))), content_type="application/json")
    response["Content-Disposition"] = 'attachment; filename="outputs.json"'
    return response


@login_required
def dashboard(request, slug: str):
    programme = get_object_or_404(Programme, slug=slug)
    return render(request, "web/officials/dashboard.html", {"board": programme_dashboard(programme, request.user)})
