"""Read-only queries over the registry, shared by the screens and the API."""

from django.db.models import Q, QuerySet

from avustus.registry.models import Organisation


def search_organisations(text: str, *, kinds=None, limit: int = 10) -> QuerySet[Organisation]:
    """Bodies whose Finnish or Swedish name starts with ``text``, for building a consortium."""
    text = text.strip()[:100]
    if not text:
        return Organisation.objects.none()
    found = Organisation.objects.filter(Q(name_fi__istartswith=text) | Q(name_sv__istartswith=text))
    if kinds is not None:
        found = found.filter(kind__in=list(kinds))
    return found.order_by("name_fi")[: max(1, min(limit, 50))]
