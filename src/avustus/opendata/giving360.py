"""Awarded grants as a 360Giving data package (standard 1.4): one ``grants`` list and the dataset's metadata.

What each field holds, so that a reader can rely on it:

- ``id``: the programme's 360Giving prefix (``Programme.open_data["grant_id_prefix"]``, which 360Giving assigns
  to a publisher on registration) followed by the application's tracking number.
- ``recipientOrganization``: the body the decision pays: the decision's recipient, else the consortium's lead.
- ``beneficiaryLocation``: every municipality of the consortium (a joint authority or sub-region stands for its
  recorded member municipalities), with country FI and Statistics Finland's three-digit municipality code.
- ``description``: the project, its lead and the partners as named in the application.
- Organisation identifiers: ``FI-PRO-<business ID>`` (org-id.guide's Finnish trade register list) where the
  registry knows the business ID; otherwise ``<grant id prefix>-ORG-<registry key>``, the publisher's own
  identifier: the registry key is the municipality code for a municipality and a stable slug for other bodies.
- Amounts in euros; ``awardDate`` the date of the decision; no personal data (no names of people, no contacts).
"""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from avustus.applications.models import Application, ConsortiumMember
from avustus.calls.models import Programme
from avustus.registry.models import Organisation

SCHEMA_VERSION = "1.4"
DEFAULT_LICENCE = "https://creativecommons.org/licenses/by/4.0/"
PROGRESS_EVERY = 100  # grants between two reports of progress: a write each, not one per grant


def json_amount(value: Decimal) -> int | float:
    """A euro amount as a JSON number. Grants are whole cents and far below 2**53 cents, so the float's shortest
    repr is exactly the decimal written (``Decimal(repr(x)) == value``), which the tests check."""
    return int(value) if value == value.to_integral_value() else float(value)


def grant_id_prefix(programme: Programme) -> str:
    return (programme.open_data or {}).get("grant_id_prefix") or f"360G-avustus-{programme.slug}"


def organisation_id(org: Organisation | None, name: str, prefix: str) -> str:
    if org is not None and org.business_id:
        return f"FI-PRO-{org.business_id}"
    from django.utils.text import slugify

    return f"{prefix}-ORG-{org.key if org is not None else slugify(name)[:60] or 'unknown'}"


def funder(programme: Programme, lang: str) -> dict:
    data = (programme.open_data or {}).get("funder") or {}
    name = data.get(f"name_{lang}") or data.get("name") or programme.name_fi
    return {"id": data.get("id") or f"{grant_id_prefix(programme)}-FUNDER", "name": name}


def _member_name(member: ConsortiumMember, lang: str) -> str:
    return member.organisation.name(lang) if member.organisation else member.name_as_written


def beneficiary_locations(application: Application, municipalities: dict[str, Organisation], lang: str) -> list:
    """Each municipality of the consortium once, in the consortium's order."""
    codes: list[str] = []
    for member in application.members.all():
        org = member.organisation
        if org is None:
            continue
        for code in [org.code] if org.code else list(org.member_codes or []):
            if code and code not in codes:
                codes.append(code)
    return [
        {"name": municipalities[code].name(lang), "countryCode": "FI", "geoCode": code}
        for code in codes if code in municipalities
    ]


def recipient(application: Application, organisations: dict[str, Organisation]) -> tuple[Organisation | None, str]:
    """The body paid: the decision's recipient where recorded (``recipient_key``), else the lead."""
    key = getattr(application, "recipient_key", None)
    if key and key in organisations:
        return organisations[key], ""
    lead = application.lead
    if lead is None:
        return None, ""
    return lead.organisation, lead.name_as_written


def grant(application: Application, *, municipalities: dict[str, Organisation], organisations: dict[str, Organisation],
          lang: str, site_url: str = "") -> dict:
    call = application.call
    programme = call.programme
    prefix = grant_id_prefix(programme)
    paid, written = recipient(application, organisations)
    paid_name = paid.name(lang) if paid else written
    lead = application.lead
    partners = [m for m in application.partners if not (lead and m.organisation_id and
                                                         m.organisation_id == lead.organisation_id)]
    description = application.title.strip()
    if description and description[-1] not in ".!?":
        description += "."
    if lead is not None:
        description += " " + _("Lead: %(lead)s.") % {"lead": _member_name(lead, lang)}
    if partners:
        description += " " + _("Partners: %(partners)s.") % {
            "partners": ", ".join(_member_name(m, lang) for m in partners)}
    decided: date | None = getattr(application, "decided_on", None)
    found: dict = {
        "id": f"{prefix}-{application.reference}",
        "title": application.title,
        "description": description,
        "currency": "EUR",
        "amountAppliedFor": json_amount(application.amount_applied),
        "amountAwarded": json_amount(application.amount_granted),  # type: ignore[attr-defined]
        "recipientOrganization": [{"id": organisation_id(paid, written, prefix), "name": paid_name}],
        "fundingOrganization": [funder(programme, lang)],
        "beneficiaryLocation": beneficiary_locations(application, municipalities, lang),
        "grantProgramme": [{"code": call.slug, "title": call.title(lang)}],
        "fromOpenCall": "Yes",
    }
    if decided is not None:
        found["awardDate"] = decided.isoformat()
        if call.implementation_end:
            found["plannedDates"] = [{"startDate": decided.isoformat(), "endDate": call.implementation_end.isoformat()}]
    group_code = getattr(application, "group_code", None)
    if group_code:
        title = getattr(application, f"group_name_{lang}", "") or getattr(application, "group_name_fi", "")
        found["classifications"] = [{"vocabulary": f"{prefix}-groups", "code": group_code, "title": title}]
    if site_url:
        found["url"] = f"{site_url}/applications/{application.reference}/"
    return found


def package(applications: list[Application], *, title: str, identifier: str, issued: date, lang: str,
            site_url: str = "", progress: Callable[[int], None] | None = None) -> dict:
    """The data package of the given awarded grants (annotated as ``selectors.published_applications`` does).

    ``progress``, if given, is told how many grants are written, every ``PROGRESS_EVERY`` and at the end (an
    export in the background shows it)."""
    municipalities = {o.code: o for o in Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY)
                      if o.code}
    keys = {getattr(a, "recipient_key", None) for a in applications} - {None}
    organisations = {o.key: o for o in Organisation.objects.filter(key__in=keys)}
    programmes = {a.call.programme.pk: a.call.programme for a in applications}
    first = next(iter(programmes.values()), None)
    publisher = funder(first, lang) if first else {"id": "", "name": "Avustus"}
    licence = ((first.open_data or {}).get("licence") if first else None) or DEFAULT_LICENCE
    found: dict[str, Any] = {
        "version": SCHEMA_VERSION,
        "title": title,
        "description": _("Grants awarded, as decided in signed decisions, published from Avustus."),
        "identifier": identifier,
        "issued": issued.isoformat(),
        "publisher": {"identifier": publisher["id"], "name": publisher["name"]},
        "license": licence,
        "grants": [],
    }
    for done, a in enumerate(applications, start=1):
        found["grants"].append(grant(a, municipalities=municipalities, organisations=organisations, lang=lang,
                                     site_url=site_url))
        if progress is not None and (done % PROGRESS_EVERY == 0 or done == len(applications)):
            progress(done)
    if first and (first.open_data or {}).get("url"):
        found["publisher"]["website"] = first.open_data["url"]
    return found
