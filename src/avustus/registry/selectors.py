"""Read-only queries over the registry, shared by the screens and the API."""

from datetime import date

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from avustus.prepared import PreparedRead
from avustus.registry.models import Organisation
from avustus.registry.resolver import load_registry


def search_organisations(text: str, *, kinds=None, limit: int = 10, on: date | None = None) -> QuerySet[Organisation]:
    """Bodies for building a consortium: the body the text names, then those whose name starts with it.

    The text is read by the same resolver as decisions ("Vantaalle", "Kuopion kaupunki", "Esbo stad"
    find their municipality); names starting with the text follow, in Finnish or Swedish. With ``on``,
    only bodies that existed on that day: a municipality merged away is not offered for a later call.
    """
    text = text.strip()[:100]
    if not text:
        return Organisation.objects.none()
    resolution = load_registry().resolve(text, on=on)
    named = [resolution.body.key] if resolution.body else []
    found = Organisation.objects.filter(
        Q(name_fi__istartswith=text) | Q(name_sv__istartswith=text) | Q(key__in=named)
    )
    if on is not None:
        found = found.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
    if kinds is not None:
        found = found.filter(kind__in=list(kinds))
    found = found.annotate(
        named=Case(When(key__in=named, then=Value(0)), default=Value(1), output_field=IntegerField())
    )
    return found.order_by("named", "name_fi")[: max(1, min(limit, 50))]


# Read by every create in the deadline burst, compiled once (avustus.prepared). The key is unique: no ORDER BY.
_ORGANISATION_BY_KEY = PreparedRead(lambda key: Organisation.objects.filter(key=key).order_by(), key=str)


def organisation_by_key(key: str) -> Organisation | None:
    """The registry's body with this key, or None."""
    return _ORGANISATION_BY_KEY.first(key=key)


# A consortium's bodies by their keys, read by every save of a draft's partners (the deadline burst's fill):
# compiled once (avustus.prepared) for a fixed number of keys, more keys read in groups of that many.
_KEYS_AT_ONCE = 8
_ORGANISATIONS_BY_KEYS = PreparedRead(
    lambda **keys: Organisation.objects.filter(key__in=list(keys.values())).select_related("successor").order_by(),
    **{f"key{i}": str for i in range(_KEYS_AT_ONCE)})


def organisations_by_key(keys: list[str]) -> dict[str, Organisation]:
    """The registry's bodies with these keys, by key; a key no body has is left out."""
    wanted = list(dict.fromkeys(keys))
    found: dict[str, Organisation] = {}
    for start in range(0, len(wanted), _KEYS_AT_ONCE):
        group = wanted[start:start + _KEYS_AT_ONCE]
        group += [group[0]] * (_KEYS_AT_ONCE - len(group))  # the last group filled up with a key already asked
        found.update((o.key, o) for o in _ORGANISATIONS_BY_KEYS.all(**{f"key{i}": k for i, k in enumerate(group)}))
    return found
