"""Keeping the database's organisations in step with the registry data shipped in the package."""

import csv
import io
from datetime import date
from importlib import resources

from django.db import transaction

from avustus.registry.models import Organisation
from avustus.registry.resolver import Body, Registry, load_registry

_FIELDS = (
    "kind", "code", "name_fi", "name_sv", "region_code", "region_name_fi", "region_name_sv",
    "language", "municipal_form", "genitive_fi", "member_codes",
)


def _values(body: Body) -> dict:
    return {
        "kind": body.kind,
        "code": body.code,
        "name_fi": body.name_fi,
        "name_sv": body.name_sv or "",
        "region_code": body.region_code or "",
        "region_name_fi": body.region_name_fi or "",
        "region_name_sv": body.region_name_sv or "",
        "language": body.language or "",
        "municipal_form": body.municipal_form or "",
        "genitive_fi": body.genitive_fi or "",
        "member_codes": list(body.member_codes),
    }


@transaction.atomic
def sync_registry(registry: Registry | None = None) -> dict[str, Organisation]:
    """Create or update an Organisation for every registry body; return them by registry key.

    Only rows that differ are written, so running it again changes nothing.
    """
    registry = registry or load_registry()
    existing = {o.key: o for o in Organisation.objects.all()}
    to_create, to_update = [], []
    for body in registry.bodies:
        values = _values(body)
        org = existing.get(body.key)
        if org is None:
            to_create.append(Organisation(key=body.key, **values))
        elif any(getattr(org, f) != values[f] for f in _FIELDS):
            for f in _FIELDS:
                setattr(org, f, values[f])
            to_update.append(org)
    Organisation.objects.bulk_create(to_create)
    if to_update:
        Organisation.objects.bulk_update(to_update, _FIELDS)
    _apply_changes()
    return {o.key: o for o in Organisation.objects.all()}


def municipality_changes() -> list[dict[str, str]]:
    """Municipalities that ceased after the 2020 list, with their successors (data/municipality-changes.csv)."""
    text = resources.files("avustus.registry").joinpath("data", "municipality-changes.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _apply_changes() -> None:
    by_code = {o.code: o for o in Organisation.objects.filter(code__isnull=False)}
    for change in municipality_changes():
        ceased, successor = by_code.get(change["code"]), by_code.get(change["successor_code"])
        if ceased is None or successor is None:
            continue  # a registry without either body (a test's): nothing to link
        ceased_on = date.fromisoformat(change["ceased_on"])
        if ceased.ceased_on != ceased_on or ceased.successor_id != successor.pk:
            ceased.ceased_on, ceased.successor = ceased_on, successor
            ceased.save(update_fields=["ceased_on", "successor"])
