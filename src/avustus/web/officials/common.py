"""What the officials' screens share: finding the call a user may see, reading forms, paging and logging lists."""

from datetime import date

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.utils.translation import gettext as _

from avustus.accounts.permissions import OFFICIAL_ROLES, has_programme_role
from avustus.audit.chain import record_list_read
from avustus.calls.models import Call

PAGE_SIZE = 50


def official_call(request, slug: str, roles=OFFICIAL_ROLES) -> Call:
    """The call of a programme the user works on with one of ``roles``; any other is as if it did not exist."""
    call = Call.objects.select_related("programme").filter(slug=slug).first()
    if call is None or not has_programme_role(request.user, call.programme, roles):
        raise Http404
    return call


def form_pk(value) -> int:
    """A primary key from a form; anything that is not one finds nothing (0) instead of failing."""
    return int(value) if isinstance(value, str) and value.isdigit() and len(value) < 18 else 0


def form_date(value: str) -> date | None:
    """A date from a form field; a malformed one is refused with the form's usual message."""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError({"decided_on": [_("Give the date as YYYY-MM-DD.")]}) from None


def page_of(request, rows):
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def log_list(request, call, what: str, rows) -> None:
    """Log the read of a page of a list of non-public data (Act 906/2019, section 17), with what it showed."""
    record_list_read(request.user, call, what, rows, data={"page": request.GET.get("page", "1")[:10]})


def query_of(request) -> str:
    """The query string without the page number, for links to other pages and sorts."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
