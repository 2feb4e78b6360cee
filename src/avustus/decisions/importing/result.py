"""What the parser makes of a collective decision: ``ParsedDecision`` and its parts, or a
``DecisionFormatError`` saying which part is missing or wrong.

Pure Python, standard library only.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


class DecisionFormatError(ValueError):
    """The text is not a collective decision of the expected form.

    ``part`` names the part of the decision that is missing or wrong ("date", "grants",
    "appendix", ...), ``line`` the 1-based line where the problem was seen, when there is one. The
    message is in English and says what was expected.
    """

    def __init__(self, message: str, *, part: str, line: int | None = None):
        super().__init__(message if line is None else f"{message} (line {line})")
        self.message = message
        self.part = part
        self.line = line


# --- The result ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Signatory:
    name: str
    title: str


@dataclass(frozen=True)
class GroupSection:
    """A group heading of the decision and the condition paragraph(s) that apply to its grants."""

    heading: str
    condition: str  # verbatim source lines


@dataclass(frozen=True)
class GrantEntry:
    number: int
    group_heading: str
    recipient: str  # as written, e.g. "Hämeenlinnan kaupungille"
    amount: Decimal
    project: str  # as written, e.g. "Kaupunki taskussa -hankkeeseen"
    project_name: str  # best-effort base name, e.g. "Kaupunki taskussa"
    conditions: tuple[str, ...]  # special conditions of this grant, sentence by sentence
    line: int
    raw: str


@dataclass(frozen=True)
class DeferredEntry:
    number: int
    applicant: str
    project: str
    line: int
    raw: str


@dataclass(frozen=True)
class AppendixRow:
    row: int  # 1-based order in the appendix
    applicant_cell: str  # the first cell verbatim (may be "")
    lead: str  # "" when the cell names no lead
    partners: tuple[str, ...]
    project: str
    amount: Decimal
    line: int
    raw: str
    notes: tuple[str, ...] = ()  # oddities seen while splitting the cell, in English


@dataclass(frozen=True)
class ParsedDecision:
    language: str
    decision_date: date
    addressees: str
    title: str
    appropriation: Decimal | None
    budget_item: str | None
    deadline: date | None
    received: int
    withdrawn: int
    applied_total: Decimal
    groups: tuple[GroupSection, ...]
    grants: tuple[GrantEntry, ...]
    deferred: tuple[DeferredEntry, ...]
    granted_total: Decimal
    aid_rate: Decimal | None
    implementation_end: date | None
    reporting_interval_months: int | None
    cost_categories: tuple[str, ...]
    signatories: tuple[Signatory, ...]
    appendix: tuple[AppendixRow, ...]
    appendix_total: Decimal
    sections: dict[str, str] = field(default_factory=dict)
