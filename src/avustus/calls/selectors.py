"""Which calls a user may see: a call is public from its publication; a draft is its programme's officials' only.

A draft call's title, appropriation and rules are the programme's plans, not yet a public document: the
public screens and the API answer 404 for one, exactly as for a call that does not exist. The programme's
officials (``accounts.permissions.officiated_programmes``) still see it, so that they can reach its set-up
from the ordinary screens.
"""

from django.db.models import Q, QuerySet

from avustus.accounts.permissions import officiated_programmes
from avustus.calls.models import Call
from avustus.prepared import PreparedRead


def visible_calls(user) -> QuerySet[Call]:
    """The calls ``user`` may know exist: every published one, and the drafts of programmes they officiate."""
    calls = Call.objects.all()
    if user is None or not user.is_authenticated:
        return calls.exclude(status=Call.Status.DRAFT)
    programmes = officiated_programmes(user)
    if programmes is None:
        return calls
    return calls.filter(~Q(status=Call.Status.DRAFT) | Q(programme_id__in=programmes))


# A create's first read in the deadline burst, compiled once (avustus.prepared). The slug is unique: no ORDER BY.
_PUBLIC_CALL_BY_SLUG = PreparedRead(
    lambda slug: visible_calls(None).filter(slug=slug).order_by(), slug=str)


def public_call(slug: str) -> Call | None:
    """The call with this slug if anyone may know it exists (as ``visible_calls(None)``), else None."""
    return _PUBLIC_CALL_BY_SLUG.first(slug=slug)
