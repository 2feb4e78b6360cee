"""How screens turn a refused action into what the user reads: one way for every view."""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from avustus.errors import Conflict


def errors_of(exc: ValidationError) -> dict[str, list[str]]:
    """The refusal's messages by field ("__all__" for the whole form)."""
    return exc.message_dict if hasattr(exc, "message_dict") else {"__all__": exc.messages}


def messages_of(exc: Exception) -> list[str]:
    """Every message of a refusal, in order, for a page that shows them together."""
    if isinstance(exc, ValidationError):
        # Once each: several rows refused for the same reason are told apart beside the rows, not in the summary.
        return list(dict.fromkeys(m for problems in errors_of(exc).values() for m in problems))
    return [str(exc)]


def parse_date(value: str, field: str) -> date:
    """A date from a form's field (YYYY-MM-DD, as a date input sends it); anything else is refused on that field,
    in the words every form uses."""
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        raise ValidationError({field: [_("Give the date as YYYY-MM-DD.")]}) from None


def parse_dates(post, *fields: str) -> tuple[dict[str, date], dict[str, list[str]]]:
    """A form's date fields, each read by ``parse_date`` on its own: the dates read, and the others' refusals by
    field, so that the rest of the form is checked with them and one correction is enough."""
    dates: dict[str, date] = {}
    unread: dict[str, list[str]] = {}
    for field in fields:
        try:
            dates[field] = parse_date(post.get(field, ""), field)
        except ValidationError as exc:
            unread.update(errors_of(exc))
    return dates, unread


def form_number(value, *, digits: int = 18) -> int | None:
    """A whole number typed in a form or a query string (ASCII digits, at most ``digits`` of them), or None.

    ``str.isdigit`` alone lets through what ``int`` refuses (a 500): '²' and '①' are digits to it, and a number
    of more than 4300 digits is refused by ``int``; 18 digits still fit any primary key or version column."""
    if not isinstance(value, str) or not (value.isascii() and value.isdigit()) or len(value) > digits:
        return None
    return int(value)


def confirm(request, known: dict[str, list[str]] | None = None) -> None:
    """Irreversible steps need the box ticked: the form's ``required`` is a courtesy, this is the check.

    ``known``: what is already known to be wrong with the rest of the form (the service's own checks, made
    without writing), refused together with a missing tick, so that one correction of the form is enough."""
    if request.POST.get("confirm") != "yes":
        raise ValidationError({**(known or {}), "confirm": [_("Tick the box to confirm: this step cannot be undone.")]})


def flash(request, exc: Exception) -> None:
    """A refusal's reasons as messages on the page the user is sent back to."""
    for message in messages_of(exc):
        messages.error(request, message)


@contextmanager
def refusals_flashed(request) -> Iterator[None]:
    """A step posted from a page, whose view sends the user back to the page whatever the outcome: a refusal
    (``Conflict``, ``ValidationError``) ends the block and is flashed, and what was typed into a form refused as
    invalid is kept for the page's form (``keep_form``); the block's last line, its success message, is reached
    only when the step was taken. A step one may not take (``PermissionDenied``) is not a refusal to flash but the
    403 page."""
    try:
        yield
    except Conflict as exc:
        # Not kept: a conflict says the page was read before a change, often the same form's own first post;
        # kept, the typed values and the page's new version would let one more press record it again.
        flash(request, exc)
    except ValidationError as exc:
        flash(request, exc)
        keep_form(request, exc)


# What a refused form's user typed, kept in their session for the page they are sent back to: the form's address,
# its action, the values, and when. Neither the tick (confirming is done again, knowingly) nor what the page
# itself sets (the token, the version read) is kept.
KEPT_FORM = "avustus_kept_form"
_NOT_KEPT = frozenset({"csrfmiddlewaretoken", "confirm", "version", "shown", "key"})
KEPT_SECONDS = 600
KEPT_CHARACTERS = 20_000


def keep_form(request, refusal: Exception | None = None) -> None:
    """Keep what was posted, and the refusal's messages by field to show beside them (``kept_form``)."""
    if not hasattr(request, "session"):
        return
    errors = errors_of(refusal) if isinstance(refusal, ValidationError) else {}
    request.session[KEPT_FORM] = {
        "path": request.path, "at": time.time(),
        "values": {name: value[:KEPT_CHARACTERS] for name, value in request.POST.items() if name not in _NOT_KEPT},
        "errors": {field: [str(m) for m in messages] for field, messages in errors.items()},
    }


def _kept(request, path: str, match: dict[str, str]) -> dict:
    if not hasattr(request, "_avustus_kept"):
        session = getattr(request, "session", None)
        request._avustus_kept = session.pop(KEPT_FORM, None) if session is not None else None
    kept = request._avustus_kept
    if (not kept or kept.get("path") != path or time.time() - kept.get("at", 0) > KEPT_SECONDS
            or any(kept["values"].get(name) != value for name, value in match.items())):
        return {}
    return kept


def kept_form(request, path: str, **match: str) -> dict[str, str]:
    """The values kept for the form posted to ``path``, once: the first page that asks takes them out of the
    session; empty when none were kept, they are stale, or they are another form's of the same address (``match``:
    the hidden values that tell its forms apart, ``action="instalment"``, ``part="content"``)."""
    return _kept(request, path, match).get("values", {})


def kept_errors(request, path: str, **match: str) -> dict[str, str]:
    """The refusal's first message for each field of the form ``kept_form`` gives the values of."""
    return {field: messages[0] for field, messages in _kept(request, path, match).get("errors", {}).items()
            if messages}


@dataclass(frozen=True)
class SummaryItem:
    """One line of a form's error summary: the field's label, linked to its input when it has one."""

    target: str | None  # the id of the input, without "#"
    label: str
    message: str


def error_summary(errors: dict[str, list[str]], fields: dict[str, tuple[str | None, str]]) -> list[SummaryItem]:
    """The refusal's messages as the summary above a form shows them, in the order given.

    ``fields`` maps a service's error path ("title", "plan.objectives", "budget.0.vat") to the input's id
    and its label in the user's language; a path not in it (the whole form, the version) has neither.
    """
    items: list[SummaryItem] = []
    for path, problems in errors.items():
        target, label = fields.get(path, (None, ""))
        items.extend(SummaryItem(target, label, str(problem)) for problem in problems)
    return items


def beside_fields(summary: list[SummaryItem]) -> dict[str, str]:
    """The summary's messages by the id of the input they are on, joined, to show beside it (with aria-invalid and
    aria-describedby on the input)."""
    by_input: dict[str, list[str]] = {}
    for item in summary:
        if item.target and item.message not in by_input.get(item.target, []):
            by_input.setdefault(item.target, []).append(item.message)
    return {target: " ".join(messages) for target, messages in by_input.items()}
