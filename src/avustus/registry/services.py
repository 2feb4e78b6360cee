"""Keeping the database's organisations in step with the registry data shipped in the package."""

from django.db import transaction

from avustus.registry.models import Organisation
from avustus.registry.resolver import Body, Registry, load_registry

_FIELDS = (
    "kind", "code", "name_fi", "name_sv", "region_code", "region_name_fi", "region_name_sv",
    "language", "municipal_form", "genitive_fi", "member_codes", "valid_to",
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
        "valid_to": body.valid_to,
    }


@transaction.atomic
def sync_registry(registry: Registry | None = None) -> dict[str, Organisation]:
    """Create or update an Organisation for every registry body; return them by registry key.

    Only rows that differ are written, so running it again changes nothing. A former municipality's
    successor is linked once every row exists.
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
    orgs = {o.key: o for o in Organisation.objects.all()}
    relinked = []
    for body in registry.bodies:
        org = orgs[body.key]
        successor = orgs.get(body.successor_code) if body.successor_code else None
        if org.successor_id != (successor.pk if successor else None):
            org.successor = successor
            relinked.append(org)
    if relinked:
        Organisation.objects.bulk_update(relinked, ["successor"])
    return orgs
