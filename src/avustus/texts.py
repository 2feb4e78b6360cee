"""The longest text a person may type in one field: an application's plan text, a report's, a reason, a note.

One limit, so that a form, the API and the services refuse alike, on the field, in the user's language; without it
a three-megabyte reason would be stored, sent in messages and printed in documents.
"""

from django.utils.translation import gettext as _

from avustus.errors import Invalid

MAX_TEXT = 10_000


def limit_message(limit: int = MAX_TEXT) -> str:
    """The refusal of a text longer than ``limit``, in the user's language: "At most 10 000 characters."."""
    shown = f"{limit:,}".replace(",", "\u00a0")  # 10 000, as Finnish and Swedish write it
    return _("At most %(n)s characters.") % {"n": shown}


def too_long(limit: int = MAX_TEXT, /, **texts: str | None) -> dict[str, list[str]]:
    """Each text (by its field's name) longer than ``limit``, with the message to show beside the field."""
    return {name: [limit_message(limit)] for name, text in texts.items() if text is not None and len(text) > limit}


def check_lengths(**texts: str | None) -> None:
    """``Invalid`` on each field whose text is longer than ``MAX_TEXT``, before anything is written."""
    errors = too_long(**texts)
    if errors:
        raise Invalid(errors)


# What a spreadsheet takes for the start of a formula (or a cell break) when it opens a CSV file.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value):
    """A cell of a CSV file that people open in spreadsheets, written as text when it would start a formula: names
    and other typed texts come from applicants (``=HYPERLINK(...)`` would run in the reader's spreadsheet)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
