"""Open data, public and without login: search of published grants, the pages of a round, a body and a programme
with their charts, and the exports. Thin: parse the request, call ``avustus.opendata``, render."""

from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from avustus.accounts.permissions import can_see_decision
from avustus.calls.models import Call
from avustus.decisions.documents.render import FORMATS as DOCUMENT_FORMATS
from avustus.decisions.documents.render import LANGUAGES as DOCUMENT_LANGUAGES
from avustus.decisions.models import Outcome
from avustus.errors import Invalid
from avustus.opendata import charts
from avustus.opendata.exports import FORMATS, export, public_call, round_export
from avustus.opendata.published import ensure_fresh
from avustus.opendata.selectors import (
    ORDER,
    GrantSearch,
    add_rows,
    cached,
    listed,
    organisation_applications,
    organisation_record,
    programme_rounds,
    public_programmes,
    published_applications,
    search_choices,
    search_grants,
    search_totals,
)
from avustus.registry.models import Organisation
from avustus.web.feedback import error_summary
from avustus.web.paging import keyset_page

FILTERS = ("programme", "call", "year", "group", "outcome", "organisation", "region", "min", "max")
MAX_AMOUNT = Decimal("1e12")


def _downloads(name: str, query: str = "", **kwargs) -> list[tuple[str, str]]:
    """(address, label) of each export format."""
    labels = {"360giving": _("360Giving JSON"), "csv": _("CSV"), "xlsx": _("Excel (XLSX)")}
    suffix = f"?{query}" if query else ""
    return [(reverse(name, kwargs={**kwargs, "fmt": fmt}) + suffix, labels[fmt]) for fmt in FORMATS]


def _lang() -> str:
    lang = (get_language() or "fi")[:2]
    return lang if lang in {"fi", "sv", "en"} else "fi"


def _amount(text: str, field: str, errors: dict) -> Decimal | None:
    text = text.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or value < 0 or value > MAX_AMOUNT:
        errors[field] = [_("Give an amount in euros, such as 150000 or 150000,50.")]
        return None
    return value


def _search(params) -> tuple[GrantSearch, dict, dict]:
    """The search the query string asks for, what was typed (to show back) and errors by field."""
    typed = {name: str(params.get(name, ""))[:100].strip() for name in FILTERS}
    errors: dict[str, list[str]] = {}
    digits = typed["year"].isascii() and typed["year"].isdigit()  # "²" is a digit to isdigit, not to int
    year = int(typed["year"]) if digits and 1900 < int(typed["year"]) < 3000 else None
    if typed["year"] and year is None:
        errors["year"] = [_("Give the year as four digits, such as 2020.")]
    outcome = typed["outcome"] if typed["outcome"] in Outcome.Kind.values else ""
    search = GrantSearch(programme=typed["programme"], call=typed["call"], year=year, group=typed["group"],
                         outcome=outcome, organisation=typed["organisation"], region=typed["region"],
                         min_amount=_amount(typed["min"], "min", errors),
                         max_amount=_amount(typed["max"], "max", errors))
    return search, typed, errors


def _rows_context() -> dict:
    """What the grants table links with: each address's prefix once, not a URL reversal per cell (150 a page)."""
    def prefix(name: str) -> str:
        return reverse(name, args=["-"])[:-2]
    return {"round_url": prefix("open-round"), "organisation_url": prefix("open-organisation"),
            "application_url": prefix("application")}


def _options(choices: dict[str, list[tuple[str, str]]], typed: dict) -> dict[str, str]:
    """Each select's options as HTML, the typed value selected: some 450 options, written without a template
    variable lookup each."""
    names = {"programmes": "programme", "calls": "call", "groups": "group", "bodies": "organisation",
             "regions": "region"}
    options: dict[str, str] = {}
    for name, field_name in names.items():
        chosen = typed.get(field_name, "")
        options[name] = format_html_join("", '<option value="{}"{}>{}</option>', (
            (value, mark_safe(" selected") if value == chosen else "", label)  # noqa: S308 - a constant
            for value, label in choices[name]))
    return options


def grants(request):
    search, typed, errors = _search(request.GET)
    stamp = ensure_fresh()
    # The search's conditions are on the page's keys only (``search_grants``): on the rows too, they let SQLite
    # start from a filter's index and sort everything it finds instead of reading the page's 50 keys.
    rows = listed(published_applications(checked=True))
    figures = cached(stamp, f"totals|{search!r}", lambda: search_totals(search))
    query = urlencode({k: typed[k] for k in FILTERS if typed[k]})
    fields: dict[str, tuple[str | None, str]] = {
        "year": ("f-year", _("Year of decision")), "min": ("f-min", _("Granted at least (EUR)")),
        "max": ("f-max", _("Granted at most (EUR)"))}
    return render(request, "web/open/grants.html", {
        "page": keyset_page(request, rows, ORDER, count=figures.applications,
                            keys_from=search_grants(search)),
        **_rows_context(),
        "totals": figures,
        "typed": typed,
        "errors": errors,
        "error_summary": error_summary(errors, fields),
        "query": query,
        "options": _options(search_choices(stamp, _lang()), typed),
        "outcomes": Outcome.Kind.choices,
        "downloads": _downloads("open-grants-export", query),
    })


def _download(exported) -> HttpResponse:
    response = HttpResponse(exported.content, content_type=exported.content_type)
    response["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
    return response


def grants_export(request, fmt: str):
    if fmt not in FORMATS:
        raise Http404
    search, _typed, errors = _search(request.GET)
    if errors or not search.awarded().exists():
        # The search page says what is wrong with the search, or that it found no grants.
        return redirect(reverse("open-grants") + "?" + request.GET.urlencode())
    lang = _lang()
    return _download(export(search, fmt, name="grants", lang=lang, title=_("Grants awarded, by a search")))


def round_page(request, slug: str):
    call = get_object_or_404(Call.objects.exclude(status=Call.Status.DRAFT).select_related("programme"), slug=slug)
    decisions = [d for d in call.decisions.order_by("decided_on", "id") if can_see_decision(request.user, d)]
    return render(request, "web/open/round.html", {
        "call": call, "charts": charts.round_charts(call, _lang()), "formats": DOCUMENT_FORMATS,
        "downloads": _downloads("open-round-export", slug=call.slug),
        "decisions": decisions, "document_languages": DOCUMENT_LANGUAGES,
    })


def round_download(request, slug: str, fmt: str):
    if fmt not in FORMATS:
        raise Http404
    try:
        return _download(round_export(public_call(slug).slug, fmt, lang=_lang()))
    except Invalid as exc:  # no awarded grants (yet): nothing to download
        raise Http404(str(exc)) from exc


def organisation_page(request, key: str):
    organisation = get_object_or_404(Organisation, key=key)
    found = organisation_applications(organisation)
    record = organisation_record(organisation, found)
    page = keyset_page(request, found.prefetch_related(None), ORDER, count=record.applications,
                       keys_from=search_grants(GrantSearch(organisation=organisation.key)))
    return render(request, "web/open/organisation.html", {"record": add_rows(record, page.rows), "page": page})


def programme_page(request, slug: str):
    programme = get_object_or_404(public_programmes(), slug=slug)
    rounds = programme_rounds(programme)
    applications = sum(r.applications for r in rounds)
    rows = listed(published_applications(checked=True))  # the programme is a condition on the keys (see grants)
    return render(request, "web/open/programme.html", {
        "programme": programme, "rounds": rounds,
        "chart": charts.over_time(programme, _lang(), rounds) if rounds else None,
        "applied": sum((r.applied for r in rounds), Decimal("0.00")),
        "granted": sum((r.granted for r in rounds), Decimal("0.00")),
        "granted_count": sum(r.granted_count for r in rounds),
        "applications": applications,
        "page": keyset_page(request, rows, ORDER, count=applications,
                            keys_from=search_grants(GrantSearch()).filter(programme=programme)),
        **_rows_context(),
    })
