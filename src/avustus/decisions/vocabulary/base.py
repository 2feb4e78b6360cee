"""What every language of a collective decision provides: the phrases the documents write and the
vocabulary the importer reads them back with.

A language is one module of this package (``fi``, ``sv``). Each keeps its writing side (a ``Phrases``
subclass: headings and the sentences that carry figures) next to its reading side (a ``Vocabulary``:
patterns for the same sentences), and the words both sides use (headings, the appendix's title and
header, number words) are written there once and read by both.

Pure Python, standard library only: the importer runs before anything is stored.
"""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cached_property

from avustus.rules.money import format_amount

# --- Figures, written the same way in both languages of Finland ------------------------------------


def date_text(day: date) -> str:
    """26.2.2020: both languages write dates this way in Finland."""
    return f"{day.day}.{day.month}.{day.year}"


def euros_text(amount: Decimal) -> str:
    """8 268 000 or 87 360,50: whole euros without cents, as decisions write amounts in sentences."""
    return format_amount(amount, cents=False)


def percent_text(rate: Decimal) -> str:
    """85 or 85,5, for 0.85 or 0.855."""
    value = (rate * 100).normalize()
    return f"{value:f}".replace(".", ",")


def count_pattern(number_words: dict[str, int]) -> str:
    """A count written in digits or as one of the words, longest words first so that "yksitoista" is not
    read as "yksi". The patterns that use it put a word boundary on both sides, so "en" is never read
    inside another word."""
    return r"(?:\d{1,6}|" + "|".join(sorted(number_words, key=len, reverse=True)) + r")"


def title_pattern(title: str) -> str:
    """A pattern for a line such as "Liite 1" (also "Liite1" and "Liite 1."), from the title as written."""
    return r"\s*".join(re.escape(word.casefold()) for word in title.split()) + r"\.?"


# --- Writing ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    """What a document needs to name a body: its names, genitive and form."""

    name_fi: str
    name_sv: str
    genitive_fi: str | None
    municipal_form: str | None  # "kaupunki" or "kunta" for a municipality


class Phrases:
    """Headings and figure sentences of a collective decision in one language; a subclass per language."""

    lang: str
    headings: dict[str, str]
    appendix_title: str
    appendix_header: tuple[str, str, str]

    def recipient(self, r: Recipient) -> str:
        """The recipient as a grant line names it ("Hämeenlinnan kaupungille", "Tavastehus stad")."""
        raise NotImplementedError

    def formal_name(self, r: Recipient) -> str:
        """A municipality's formal name in the nominative ("Espoon kaupunki", "Esbo stad")."""
        raise NotImplementedError

    def signatory_title(self, title: str) -> str:
        """A signatory's title in this language; as written when no translation is known."""
        return title

    def appropriation(self, amount: Decimal, budget_item: str, year: int | None) -> str:
        raise NotImplementedError

    def received(self, deadline: date | None, received: int) -> str:
        raise NotImplementedError

    def withdrawn(self, withdrawn: int) -> str:
        raise NotImplementedError

    def applied_total(self, amount: Decimal) -> str:
        raise NotImplementedError

    def grant_bold(self, recipient: str, amount: Decimal) -> str:
        """The bold part of a grant line; ``recipient`` already in its case ("Hämeenlinnan kaupungille")."""
        raise NotImplementedError

    def grant_project(self, project: str) -> str:
        """The project after the bold part: ", Kaupunki taskussa -hankkeeseen" / ", för projektet ..."."""
        raise NotImplementedError

    def amends(self, decided_on: date | None) -> str:
        raise NotImplementedError

    def granted_total(self, amount: Decimal) -> str:
        raise NotImplementedError

    def implementation_end(self, day: date) -> str:
        raise NotImplementedError

    def aid_rate(self, rate: Decimal) -> str:
        raise NotImplementedError

    def reporting_interval(self, months: int) -> str:
        raise NotImplementedError


# --- Reading ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Vocabulary:
    """Every word and phrase the parser looks for in one language.

    Patterns are regular expressions matched case-insensitively against text whose markdown bold has
    been removed and whose white space has been folded to single spaces (line breaks inside a
    section are kept as single newlines, which ``\\s`` matches). In them ``{amount}``, ``{date}``
    and ``{count}`` stand for an amount, a date and a count (digits or a number word); each figure
    is captured as the named group ``value``. Where several patterns are given, the first that
    matches wins, so that other wordings can be added without touching the code.
    """

    language: str
    # Section headings, by the role the parser gives them. Their order is the order in the text.
    headings: dict[str, str]
    deferred_heading: str
    appendix_columns: tuple[str, str, str]
    appendix_label: str  # a line such as "Liite 1" that may stand before the table
    appropriation: tuple[str, ...]
    budget_item: tuple[str, ...]
    deadline: tuple[str, ...]
    received: tuple[str, ...]
    withdrawn: tuple[str, ...]
    withdrawn_none: tuple[str, ...]  # sentences saying that no application was withdrawn (no figure)
    applied_total: tuple[str, ...]
    granted_total: tuple[str, ...]
    aid_rate: tuple[str, ...]  # the value is a percentage
    implementation_end: tuple[str, ...]
    reporting_interval: tuple[str, ...]
    # A grant: "[Till] <recipient> [ja muille ...] enintään <amount> euroa, [för projektet] <project>[. <conditions>]".
    grant_amount: str
    recipient_prefix: str  # words before the recipient that are not its name ("Till "), or ""
    co_recipients: str  # the phrase after the recipient that names the rest of the consortium
    project_prefix: str  # words before the project that are not its name ("för projektet "), or ""
    condition_clause: str  # a clause that starts the special conditions inside the project's sentence
    project_suffix: str  # the case ending phrase that closes a project name: "-hankkeeseen"; "" if none
    project_noun: str  # its basic form: "hanke"
    # The appendix's lead cell.
    lead_marker: str  # "(hankehallinnoija)" written after the lead inside a list
    conjunction: str  # "ja"
    body_words: tuple[str, ...]  # the words that end a body's name: "Lestijärven kunta"
    group_endings: tuple[str, ...]  # endings of words that name a group, not a body: "kunnat"
    number_words: dict[str, int]  # small counts written as words, and their values
    # How error messages quote the sentence they looked for, by part: "hakemuksia saapui N".
    examples: dict[str, str]
    # Earlier wordings of the appendix header and the lead marker, still read (documents rendered before
    # the wording changed, and texts written by hand).
    old_appendix_columns: tuple[tuple[str, str, str], ...] = ()
    old_lead_markers: tuple[str, ...] = ()

    @cached_property
    def count_pattern(self) -> str:
        return count_pattern(self.number_words)
