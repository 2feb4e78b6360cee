"""Reading a collective grant decision of the Ministry of Finance from its text.

A collective decision (kokoomapäätös) of the municipal digitalisation incentive scheme has one
shape: a date line, the addressees, a title in capitals, prose sections under fixed headings
(background with the appropriation, the applications received, the decision with numbered grants
under group headings and a list of deferred applications, the terms of use, how to seek
rectification), the signatures (a name line, then a title line) and Appendix 1, a tab-separated
table of every application ending in a total row.

``parse_decision`` turns such a text into a ``ParsedDecision`` and nothing more. It does not
resolve names against the registry, nor compare the body with the appendix: ``linking`` does both
and turns what disagrees into findings. For that, every entry keeps the exact source text it came
from (``raw``) and its line number, and the split of each appendix lead cell records what was odd
about it (``AppendixRow.notes``) instead of silently fixing it.

The text was typed by people and passed through word processors and markdown, so the parser
tolerates what that does: CRLF line ends, no-break spaces inside amounts, extra blank lines,
markdown bold (``**``) anywhere, bold that closes in different places, hyphens and en dashes. What
it does not tolerate is a text that is not such a decision, or one cut off before its end: those
raise ``DecisionFormatError`` naming the missing part, never a half-read result.

Decisions are read in Finnish and in Swedish. Every word of a language lives in one ``Vocabulary``
(``FINNISH``, ``SWEDISH``); the text says which one it is written in by its section headings and the
header of its Appendix 1 (see ``_DecisionParser._detect_language``), so a third language means
adding a table, not editing patterns scattered through the code.

Pure Python, standard library only: nothing here may import Django.
"""

import re
import string
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from avustus.decisions.importing import finnish, swedish
from avustus.decisions.importing.finnish import (
    AMOUNT_PATTERN,
    DATE_PATTERN,
    FinnishNumberError,
    parse_amount,
    parse_date,
    parse_percentage,
    plain_spaces,
)


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


# --- The words of a language -----------------------------------------------------------------------


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
    count_pattern: str
    parse_count: Callable[[str], int]
    # How error messages quote the sentence they looked for, by part: "hakemuksia saapui N".
    examples: dict[str, str]
    # Earlier wordings of the appendix header and the lead marker, still read (documents rendered before
    # the wording changed, and texts written by hand).
    old_appendix_columns: tuple[tuple[str, str, str], ...] = ()
    old_lead_markers: tuple[str, ...] = ()


FINNISH = Vocabulary(
    language="fi",
    headings={
        "background": "Taustaa",
        "purposes": "Avustuksen kohteet",
        "applications": "Hakemukset",
        "decision": "Päätös ja sen perustelut",
        "terms": "Avustuksen käytön ehdot",
        "appeal": "Muutoksenhaku",
    },
    deferred_heading="Jatkoselvitystä edellyttävät hankkeet",
    appendix_columns=("Hakijakunta / hankehallinnoija", "Hankkeen nimi", "Haetaan"),
    appendix_label=r"liite\s*1\.?",
    appropriation=(r"{amount}\s+euron\s+määräraha",),
    budget_item=(r"\bmomentti\s+(?P<value>\d{2}\.\d{2}\.\d{2})\b",),
    deadline=(r"määräaikaan\s+{date}\s+mennessä", r"{date}\s+päättyneen\s+avustushaun"),
    received=(r"hakemuksia\s+saapui\s+{count}\b",),
    withdrawn=(r"\b{count}\s+(?:hanke|hakija|hakemus)\w*\s+(?:\w+\s+)?peru",),
    withdrawn_none=(r"\byksikään\s+(?:hanke|hakija|hakemus)\w*\s+ei\s+peru", r"\bei\s+yksikään\s+\w+\s+peru"),
    applied_total=(r"haettu\s+avustusmäärä\b[^.]*?\byhteensä\s+{amount}\s+euroa",),
    granted_total=(r"kokonaismäärä\s+on\s+{amount}\s+euroa",),
    aid_rate=(r"enintään\s+(?P<value>\d{1,3}(?:,\d{1,4})?)\s+prosenttia",),
    implementation_end=(r"viimeistään\s+{date}",),
    reporting_interval=(r"\b{count}\s+kuukauden\s+välein",),
    grant_amount=r"(?:enintään\s+)?{amount}\s*(?:euroa|€)(?!\w)",
    recipient_prefix="",
    co_recipients=r"\s+ja\s+muille\s+(?:hakemuksessa\s+mainituille\s+)?(?:kunnille|kuntayhtymille)"
    r"(?:\s+ja\s+kuntayhtymille)?$",
    project_prefix="",
    condition_clause=r",\s*(?=(?:jonka|joiden)\s+(?:osalta|ehtona)\b|edellyttäen\b)",
    project_suffix="hankkeeseen",
    project_noun="hanke",
    lead_marker="hankehallinnoija",
    conjunction="ja",
    body_words=("kaupunki", "kunta", "kuntayhtymä", "seutukunta", "stad", "kommun", "samkommun"),
    group_endings=("kunnat", "jäsenet", "kuntayhtymät", "kommuner"),
    count_pattern=finnish.COUNT_PATTERN,
    parse_count=finnish.parse_count,
    examples={
        "received": "hakemuksia saapui N",
        "applied_total": "Haettu avustusmäärä ... yhteensä N euroa",
        "granted_total": "Myönnettävien avustusten kokonaismäärä on N euroa",
        "grant": "... enintään N euroa",
    },
)

SWEDISH = Vocabulary(
    language="sv",
    headings={
        "background": "Bakgrund",
        "purposes": "Understödets ändamål",
        "applications": "Ansökningar",
        "decision": "Beslut och motivering",
        "terms": "Villkor för användningen av understödet",
        "appeal": "Sökande av ändring",
    },
    deferred_heading="Projekt som kräver ytterligare utredning",
    # "Projektadministratör" is the Swedish term of Decree 893/2019 for the lead (hankehallinnoija).
    appendix_columns=("Sökande kommun / projektadministratör", "Projektets namn", "Ansökt belopp"),
    appendix_label=r"bilaga\s*1\.?",
    appropriation=(r"\banslag\s+på\s+{amount}\s+euro\b",),
    budget_item=(r"\bmoment\s+(?P<value>\d{2}\.\d{2}\.\d{2})\b",),
    deadline=(r"\btidsfrist\b[^.]*?\bsenast\s+{date}", r"\bsenast\s+{date}\s*,?\s+inkom\b"),
    received=(r"\binkom\s+{count}\s+ansök",),
    withdrawn=(r"\b{count}\s+(?:projekt|sökande|ansökningar|ansökan)\s+(?:\w+\s+)?återt",),
    withdrawn_none=(r"\b(?:ingen|inget)\s+(?:sökande|projekt|ansökan)\s+(?:\w+\s+)?återt",),
    applied_total=(r"\bansökta\s+beloppet\b[^.]*?\bvar\s+{amount}\s+euro\b",),
    granted_total=(r"\bunderstöd\s+som\s+beviljas\s+(?:är|uppgår\s+till)\s+{amount}\s+euro\b",),
    aid_rate=(r"\bhögst\s+(?P<value>\d{1,3}(?:,\d{1,4})?)\s+procent",),
    implementation_end=(r"\bslutrapporteringen\s+gjord\s+senast\s+{date}", r"\bsenast\s+{date}"),
    reporting_interval=(r"\b{count}\s+månaders\s+mellanrum",),
    grant_amount=r"(?:högst\s+)?{amount}\s*(?:euro|€)(?!\w)",
    recipient_prefix=r"^till\s+",
    co_recipients=r"\s+och\s+övriga\s+(?:kommuner|samkommuner)(?:\s+och\s+samkommuner)?"
    r"(?:\s+som\s+nämns\s+i\s+ansökan)?$",
    project_prefix=r"^för\s+projektet\s+",
    condition_clause=r",\s*(?=(?:för\s+vilket|för\s+vilka|vars)\s|förutsatt\s+att\b|under\s+förutsättning\s+att\b)",
    project_suffix="",
    project_noun="projekt",
    lead_marker="projektadministratör",
    conjunction="och",
    # Bodies without a Swedish name are written in Finnish in a Swedish decision too.
    body_words=("stad", "kommun", "samkommun", "förbund", "kaupunki", "kunta", "kuntayhtymä", "seutukunta"),
    group_endings=("kommuner", "medlemmar", "samkommuner", "kunnat", "jäsenet", "kuntayhtymät"),
    count_pattern=swedish.COUNT_PATTERN,
    parse_count=swedish.parse_count,
    examples={
        "received": "inkom N ansökningar",
        "applied_total": "Det sammanlagda ansökta beloppet ... var N euro",
        "granted_total": "Det sammanlagda beloppet av de understöd som beviljas är N euro",
        "grant": "Till ... högst N euro",
    },
    # Swedish decisions rendered before 2026 called the lead "projektförvaltare".
    old_appendix_columns=(("Sökande kommun / projektförvaltare", "Projektets namn", "Ansökt belopp"),),
    old_lead_markers=("projektförvaltare",),
)

VOCABULARIES = {vocab.language: vocab for vocab in (FINNISH, SWEDISH)}

# Letters expected in names of Finnish and Swedish bodies; any other letter is worth a note
# (the seed has a dotless "ı" in "Naantalın", which no registry lookup would find).
_EXPECTED_LETTERS = set(string.ascii_letters + "ÅÄÖåäöÉéÜüŠšŽž")

_NUMBERED = re.compile(r"^(?P<number>\d{1,4})\.(?:\s+|(?=[^\d\s.]))(?P<rest>.*)$", re.DOTALL)
_COST_CATEGORY = re.compile(r"^(?:[-–•*]\s*)?(?P<number>\d{1,2})\)\s+(?P<value>.+)$")


def _clean(text: str) -> str:
    """Text as the patterns expect it: no markdown bold, all white space folded to single spaces."""
    return re.sub(r"\s+", " ", plain_spaces(text.replace("**", ""))).strip()


def _pattern(template: str, vocab: Vocabulary) -> re.Pattern:
    # str.replace, not str.format: the templates are regular expressions full of braces.
    expanded = (
        template.replace("{amount}", rf"(?P<value>{AMOUNT_PATTERN})")
        .replace("{date}", rf"(?P<value>{DATE_PATTERN})")
        .replace("{count}", rf"(?P<value>{vocab.count_pattern})")
    )
    return re.compile(expanded, re.IGNORECASE)


def _heading_key(text: str) -> str:
    # Headings may be written "Taustaa:", "# Taustaa" or "TAUSTAA".
    return text.strip().lstrip("#").strip().rstrip(":").strip().casefold()


@dataclass(frozen=True)
class _Line:
    number: int  # 1-based
    raw: str  # exactly as in the source, without the line end
    text: str  # cleaned (see _clean)


@dataclass(frozen=True)
class _Found:
    """A figure found in a section: its text and the line it is on."""

    value: str
    line: int


# --- Entry points ----------------------------------------------------------------------------------


def parse_decision_bytes(data: bytes) -> ParsedDecision:
    """Parse a decision as read from a file: UTF-8, with or without a byte order mark."""
    if b"\x00" in data:
        raise DecisionFormatError("the file contains NUL bytes: it is binary, not a text document", part="encoding")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DecisionFormatError(
            f"the file is not UTF-8 text (byte {data[exc.start]:#04x} at offset {exc.start} cannot be decoded)",
            part="encoding",
        ) from exc
    return parse_decision(text)


def parse_decision(text: str) -> ParsedDecision:
    """Parse the text of a collective decision (body and Appendix 1)."""
    return _DecisionParser(text).parse()


# --- The parser ------------------------------------------------------------------------------------


class _DecisionParser:
    def __init__(self, text: str):
        if "\x00" in text:
            raise DecisionFormatError(
                "the text contains NUL characters: it is binary, not a text document", part="encoding"
            )
        text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
        if not text.strip():
            raise DecisionFormatError("the text is empty", part="document")
        self.lines = [_Line(i + 1, raw, _clean(raw)) for i, raw in enumerate(text.split("\n"))]
        self.vocab = self._detect_language()
        self.appendix_header = self._find_appendix_header()
        self.body_end = self.appendix_header if self.appendix_header is not None else len(self.lines)
        self.headings = self._find_headings()
        # Where the prose of the last section ends and the signatures begin; see _find_signatures.
        self.signature_start, self.signatories = self._find_signatures()

    # -- locating the parts --

    def _detect_language(self) -> Vocabulary:
        """The vocabulary whose headings the text uses most; an unrelated text uses none.

        Each line that is, by itself, a section heading of a language (the deferred list's heading
        included) or the header of its Appendix 1 counts one for that language. A Finnish and a
        Swedish decision share none of these, so one complete heading or the appendix header is
        enough; a tie (which only a text mixing both could cause) goes to Finnish, the first table.
        """
        best, best_score = None, 0
        for vocab in VOCABULARIES.values():
            keys = {_heading_key(h) for h in vocab.headings.values()} | {_heading_key(vocab.deferred_heading)}
            score = sum(1 for line in self.lines if line.text and _heading_key(line.text) in keys)
            score += sum(1 for line in self.lines if self._is_appendix_header(line, vocab))
            if score > best_score:
                best, best_score = vocab, score
        if best is None:
            examples = " or ".join(
                f"'{v.headings['background']}', '{v.headings['decision']}'" for v in VOCABULARIES.values()
            )
            raise DecisionFormatError(
                f"none of the parts of a collective decision were found (no section headings such as {examples}, "
                "no Appendix 1 table): this is another kind of document, or only its first lines",
                part="document",
            )
        return best

    @staticmethod
    def _is_appendix_header(line: _Line, vocab: Vocabulary) -> bool:
        cells = [re.sub(r"\s+", "", _clean(c)).casefold() for c in line.raw.split("\t")]
        for columns in (vocab.appendix_columns, *vocab.old_appendix_columns):
            expected = [re.sub(r"\s+", "", c).casefold() for c in columns]
            if cells[: len(expected)] == expected:
                return True
        return False

    def _find_appendix_header(self) -> int | None:
        for i, line in enumerate(self.lines):
            if self._is_appendix_header(line, self.vocab):
                return i
        return None

    def _find_headings(self) -> dict[str, int]:
        """Role → index of the first line that is that section's heading, within the body."""
        wanted = {_heading_key(h): role for role, h in self.vocab.headings.items()}
        found: dict[str, int] = {}
        for i in range(self.body_end):
            role = wanted.get(_heading_key(self.lines[i].text)) if self.lines[i].text else None
            if role is not None and role not in found:
                found[role] = i
        return found

    def _find_signatures(self) -> tuple[int, tuple[Signatory, ...]]:
        """The signatures: short lines without a full stop after the last prose paragraph.

        They are read backwards from Appendix 1 (or the end of the text) until the first line of
        prose, so that blank lines between a name and its title do not matter.
        """
        last_heading = max(self.headings.values(), default=-1)
        label = re.compile(rf"^{self.vocab.appendix_label}$", re.IGNORECASE)  # "Liite 1", "Bilaga 1."
        start = self.body_end
        i = self.body_end - 1
        while i > last_heading:
            text = self.lines[i].text
            prose = len(text) > 80 or text.endswith((".", ":", ";", ",", "!", "?")) or _NUMBERED.match(text)
            if text and prose and not label.match(text):
                break
            if text:
                start = i
            i -= 1
        blocks: list[list[str]] = [[]]
        for line in self.lines[start : self.body_end]:
            if not line.text or label.match(line.text):
                if blocks[-1]:
                    blocks.append([])
            else:
                blocks[-1].append(line.text)
        signatories: list[Signatory] = []
        pending: str | None = None  # a name whose title is in the next block
        for block in (b for b in blocks if b):
            if len(block) == 1 and pending is None and ", " in block[0]:
                name, _, title = block[0].partition(", ")  # "Sirpa Paatero, kuntaministeri"
                signatories.append(Signatory(name.strip(), title.strip()))
            elif len(block) == 1:
                if pending is None:
                    pending = block[0]
                else:
                    signatories.append(Signatory(pending, block[0]))
                    pending = None
            else:
                lines = ([pending] if pending else []) + block
                pending = lines[-1] if len(lines) % 2 else None
                signatories.extend(Signatory(lines[k], lines[k + 1]) for k in range(0, len(lines) - 1, 2))
        if pending is not None:
            signatories.append(Signatory(pending, ""))
        return start, tuple(signatories)

    def _section_range(self, role: str) -> tuple[int, int] | None:
        """Indices of the lines of a section, heading excluded; None when the heading is missing."""
        if role not in self.headings:
            return None
        start = self.headings[role] + 1
        later = [i for i in self.headings.values() if i >= start]
        # The last section ends where the signatures begin.
        end = min(later) if later else self.signature_start
        return start, max(start, end)

    def _section_lines(self, role: str) -> list[_Line] | None:
        span = self._section_range(role)
        return None if span is None else self.lines[span[0] : span[1]]

    def _find(self, role: str, patterns: tuple[str, ...]) -> _Found | None:
        """The first figure a pattern finds in a section, with its line."""
        lines = self._section_lines(role)
        if lines is None:
            return None
        joined = "\n".join(line.text for line in lines)
        for template in patterns:
            match = _pattern(template, self.vocab).search(joined)
            if match:
                # A pattern without a figure (such as "nobody withdrew") gives the words it matched.
                value = match["value"] if "value" in match.re.groupindex else match[0]
                return _Found(value, lines[joined.count("\n", 0, match.start())].number)
        return None

    def _require_section(self, role: str) -> list[_Line]:
        lines = self._section_lines(role)
        if lines is None:
            raise DecisionFormatError(
                f"the section '{self.vocab.headings[role]}' was not found: "
                "the text may be cut off, or be another document",
                part=role,
            )
        return lines

    # -- converting figures, so that every failure is a DecisionFormatError --

    def _amount(self, found: _Found, part: str) -> Decimal:
        try:
            return parse_amount(found.value)
        except FinnishNumberError as exc:
            raise DecisionFormatError(str(exc), part=part, line=found.line) from exc

    def _date(self, found: _Found | None, part: str) -> date | None:
        if found is None:
            return None
        try:
            return parse_date(found.value)
        except FinnishNumberError as exc:
            raise DecisionFormatError(str(exc), part=part, line=found.line) from exc

    def _count(self, found: _Found | None, part: str) -> int | None:
        if found is None:
            return None
        try:
            return self.vocab.parse_count(found.value)
        except FinnishNumberError as exc:
            raise DecisionFormatError(str(exc), part=part, line=found.line) from exc

    # -- the whole --

    def parse(self) -> ParsedDecision:
        # The parts are read in the order of the text, so that a text cut off half-way is reported
        # by the first part it lacks.
        decision_date, addressees, title = self._front_matter()
        appropriation, budget_item = self._background()
        deadline, received, withdrawn, applied_total = self._applications()
        groups, grants, deferred, granted_total = self._decision()
        aid_rate, implementation_end, interval, cost_categories = self._terms()
        if not self.signatories:
            raise DecisionFormatError(
                "no signatures (a name line followed by a title line) found after the last section: "
                "the text may be cut off",
                part="signatures",
                line=self.lines[self.body_end - 1].number if self.body_end else None,
            )
        appendix, appendix_total = self._appendix()
        return ParsedDecision(
            language=self.vocab.language,
            decision_date=decision_date,
            addressees=addressees,
            title=title,
            appropriation=appropriation,
            budget_item=budget_item,
            deadline=deadline,
            received=received,
            withdrawn=withdrawn,
            applied_total=applied_total,
            groups=groups,
            grants=grants,
            deferred=deferred,
            granted_total=granted_total,
            aid_rate=aid_rate,
            implementation_end=implementation_end,
            reporting_interval_months=interval,
            cost_categories=cost_categories,
            signatories=self.signatories,
            appendix=appendix,
            appendix_total=appendix_total,
            sections=self._sections(),
        )

    def _front_matter(self) -> tuple[date, str, str]:
        """The date line, the addressees and the title, all before the first section heading."""
        limit = min(self.headings.values(), default=self.body_end)
        dated = re.compile(rf"(?:\D{{0,40}}\s)?(?P<value>{DATE_PATTERN})")  # "26.2.2020", "Helsinki 26.2.2020"
        date_index = next((i for i in range(limit) if dated.fullmatch(self.lines[i].text)), None)
        if date_index is None:
            first = next((line.number for line in self.lines[:limit] if line.text), None)
            raise DecisionFormatError(
                "the decision's date (a line such as '26.2.2020' before the first section) was not found",
                part="date",
                line=first,
            )
        line = self.lines[date_index]
        decision_date = self._date(_Found(dated.fullmatch(line.text)["value"], line.number), "date")

        title_lines: list[_Line] = []
        addressee_lines: list[_Line] = []
        for ln in self.lines[date_index + 1 : limit]:
            capitals = len(ln.text) >= 5 and any(c.isalpha() for c in ln.text) and ln.text == ln.text.upper()
            if capitals:
                title_lines.append(ln)
            elif title_lines:
                break  # the title ends at the first line not in capitals (or a blank line)
            elif ln.text:
                addressee_lines.append(ln)
        if not title_lines:
            raise DecisionFormatError(
                "the decision's title (a line in capitals after the date) was not found", part="title", line=line.number
            )
        return decision_date, "\n".join(ln.text for ln in addressee_lines), " ".join(ln.text for ln in title_lines)

    def _background(self) -> tuple[Decimal | None, str | None]:
        found = self._find("background", self.vocab.appropriation)
        appropriation = self._amount(found, "background") if found else None
        item = self._find("background", self.vocab.budget_item)
        return appropriation, item.value if item else None

    def _applications(self) -> tuple[date | None, int, int, Decimal]:
        self._require_section("applications")
        heading = self.headings["applications"] + 1
        deadline = self._date(self._find("applications", self.vocab.deadline), "applications")
        if deadline is None:  # also stated in the background: "19.12.2019 päättyneen avustushaun"
            deadline = self._date(self._find("background", self.vocab.deadline), "background")
        received = self._count(self._find("applications", self.vocab.received), "applications")
        if received is None:
            raise DecisionFormatError(
                f"the number of applications received ('{self.vocab.examples['received']}') was not found in "
                f"section '{self.vocab.headings['applications']}'",
                part="applications",
                line=heading,
            )
        # "Yksikään hakija ei perunut hakemustaan." says 0 in so many words, and is looked for first
        # so that no count pattern reads a number out of a negated sentence. Saying nothing says 0 too.
        if self._find("applications", self.vocab.withdrawn_none):
            withdrawn = 0
        else:
            withdrawn = self._count(self._find("applications", self.vocab.withdrawn), "applications") or 0
        total = self._find("applications", self.vocab.applied_total)
        if total is None:
            raise DecisionFormatError(
                f"the total amount applied ('{self.vocab.examples['applied_total']}') was not found in section "
                f"'{self.vocab.headings['applications']}'",
                part="applications",
                line=heading,
            )
        return deadline, received, withdrawn, self._amount(total, "applications")

    # -- the decision: groups, grants, deferred applications --

    def _decision(
        self,
    ) -> tuple[tuple[GroupSection, ...], tuple[GrantEntry, ...], tuple[DeferredEntry, ...], Decimal]:
        lines = self._require_section("decision")
        groups: list[GroupSection] = []
        grants: list[GrantEntry] = []
        deferred: list[DeferredEntry] = []
        deferred_key = _heading_key(self.vocab.deferred_heading)

        # Paragraphs: runs of non-blank lines. A numbered line starts a new entry even without a
        # blank line before it; a non-numbered line right after an entry continues that entry.
        paragraphs: list[list[_Line]] = [[]]
        for line in lines:
            if line.text:
                paragraphs[-1].append(line)
            elif paragraphs[-1]:
                paragraphs.append([])

        state = "intro"  # → "condition" after a group heading → "grants" → "deferred"
        heading: str = ""
        condition: list[_Line] = []
        group_grants = 0

        def close_group() -> None:
            if heading and group_grants:
                # Verbatim: every source line from the condition's first line to its last.
                span = self.lines[condition[0].number - 1 : condition[-1].number] if condition else []
                groups.append(GroupSection(heading, _verbatim(span)))

        for paragraph in (p for p in paragraphs if p):
            first = paragraph[0].text
            if len(paragraph) == 1 and _heading_key(first) == deferred_key:
                close_group()
                heading, group_grants, state = "", 0, "deferred"
                continue
            if _NUMBERED.match(first):
                for entry in _entries(paragraph):
                    if state == "deferred":
                        deferred.append(self._deferred_entry(entry))
                    else:
                        grants.append(self._grant_entry(entry, heading))
                        group_grants += 1
                        state = "grants"
                continue
            if state != "deferred" and len(paragraph) == 1 and _looks_like_heading(first):
                # A group heading: a short line without a full stop, followed by its condition.
                close_group()
                heading, condition, group_grants, state = first, [], 0, "condition"
                continue
            if state == "condition":
                condition.extend(paragraph)
            # Other prose (the opening, the reasons after the lists) is kept only in `sections`.
        close_group()

        if not grants:
            raise DecisionFormatError(
                f"no numbered grants were found in section '{self.vocab.headings['decision']}'",
                part="grants",
                line=self.headings["decision"] + 1,
            )
        total = self._find("decision", self.vocab.granted_total)
        if total is None:
            raise DecisionFormatError(
                f"the total amount granted ('{self.vocab.examples['granted_total']}') was not found "
                "after the grants: the text may be cut off",
                part="granted_total",
                line=grants[-1].line,
            )
        return tuple(groups), tuple(grants), tuple(deferred), self._amount(total, "granted_total")

    def _grant_entry(self, entry: list[_Line], heading: str) -> GrantEntry:
        text = " ".join(line.text for line in entry)
        numbered = _NUMBERED.match(text)
        number, body = int(numbered["number"]), numbered["rest"]
        amount_re = _pattern(self.vocab.grant_amount, self.vocab).pattern
        match = re.match(rf"(?P<recipient>.+?)\s+{amount_re}(?P<rest>.*)$", body, re.IGNORECASE | re.DOTALL)
        if match is None:
            raise DecisionFormatError(
                f"grant {number} does not name a recipient and an amount ('{self.vocab.examples['grant']}')",
                part="grants",
                line=entry[0].number,
            )
        recipient = match["recipient"]
        if self.vocab.recipient_prefix:  # "Till Tavastehus stad" → "Tavastehus stad"
            recipient = re.sub(self.vocab.recipient_prefix, "", recipient, flags=re.IGNORECASE)
        recipient = re.sub(self.vocab.co_recipients, "", recipient, flags=re.IGNORECASE).strip()
        project, conditions = self._project_and_conditions(match["rest"])
        if not recipient or not project:
            raise DecisionFormatError(
                f"grant {number} names no {'recipient' if not recipient else 'project'}",
                part="grants",
                line=entry[0].number,
            )
        return GrantEntry(
            number=number,
            group_heading=heading,
            recipient=recipient,
            amount=self._amount(_Found(match["value"], entry[0].number), "grants"),
            project=project,
            project_name=self._project_name(project),
            conditions=conditions,
            line=entry[0].number,
            raw=_verbatim(entry),
        )

    def _project_and_conditions(self, rest: str) -> tuple[str, tuple[str, ...]]:
        """Split "…, Kurob-hankkeeseen. Avustuksen ehtona on, että …" into the project and its conditions.

        The project phrase ends at the end of the first sentence, or earlier where a clause such as
        ", jonka osalta edellytetään …" starts the conditions. Markdown bold is already gone, so the
        varying place where it closed does not matter.
        """
        rest = rest.strip().lstrip(",").strip()
        if self.vocab.project_prefix:  # "för projektet Kaupunki taskussa" → "Kaupunki taskussa"
            rest = re.sub(self.vocab.project_prefix, "", rest, flags=re.IGNORECASE)
        sentences = _sentences(rest)
        project = sentences[0] if sentences else ""
        conditions = sentences[1:]
        clause = re.search(self.vocab.condition_clause, project, re.IGNORECASE)
        if clause:
            conditions.insert(0, project[clause.end() :])
            project = project[: clause.start()]
        project = project.strip().rstrip(",.;").strip()
        return project, tuple(c.strip().rstrip(",;").strip() for c in conditions if c.strip(" ,;"))

    def _project_name(self, project: str) -> str:
        """The project's base name: "Kaupunki taskussa -hankkeeseen" → "Kaupunki taskussa".

        A compound such as "Pohjois-Satakunnan digitalisaatiohankkeeseen" becomes
        "Pohjois-Satakunnan digitalisaatiohanke"; a phrase without the ending stays as it is.
        """
        if not self.vocab.project_suffix:  # a language that does not inflect the name
            return project
        suffix = re.escape(self.vocab.project_suffix)
        dashed = re.fullmatch(rf"(?P<name>.+?)\s*[-–—]\s*{suffix}|(?P<spaced>.+?)\s+{suffix}", project, re.IGNORECASE)
        if dashed:
            return (dashed["name"] or dashed["spaced"]).strip()
        if project.casefold().endswith(self.vocab.project_suffix) and len(project) > len(self.vocab.project_suffix):
            # A compound ("digitalisaatiohankkeeseen"): cutting the ending off would leave half a
            # word, so give the compound in its basic form instead.
            return project[: -len(self.vocab.project_suffix)] + self.vocab.project_noun
        return project

    def _deferred_entry(self, entry: list[_Line]) -> DeferredEntry:
        raw = _verbatim(entry)
        numbered = _NUMBERED.match(" ".join(line.text for line in entry))
        number = int(numbered["number"])
        # "1. **Espoon kaupunki**, kuntien varhaiskasvatuksen …": the applicant ends at the first
        # comma. The bold is not used to find it, because bold may stand anywhere in a copy.
        applicant, _, rest = numbered["rest"].partition(",")
        applicant = applicant.strip().rstrip(",").strip()
        project = rest.strip().lstrip(",").strip().rstrip(",.;").strip()
        if not applicant or not project:
            raise DecisionFormatError(
                f"deferred application {number} does not name an applicant and a project ('Applicant, project')",
                part="deferred",
                line=entry[0].number,
            )
        return DeferredEntry(number, applicant, project, entry[0].number, raw)

    # -- terms of use --

    def _terms(self) -> tuple[Decimal | None, date | None, int | None, tuple[str, ...]]:
        lines = self._section_lines("terms") or []
        rate = self._find("terms", self.vocab.aid_rate)
        try:
            aid_rate = parse_percentage(rate.value) if rate else None
        except FinnishNumberError as exc:
            raise DecisionFormatError(str(exc), part="terms", line=rate.line) from exc
        end = self._date(self._find("terms", self.vocab.implementation_end), "terms")
        if end is None:  # Avustus states it among the reasons of the decision, before the terms
            end = self._date(self._find("decision", self.vocab.implementation_end), "decision")
        interval = self._count(self._find("terms", self.vocab.reporting_interval), "terms")
        return aid_rate, end, interval, _cost_categories(lines)

    # -- prose sections, verbatim --

    def _sections(self) -> dict[str, str]:
        sections = {}
        for role in sorted(self.headings, key=self.headings.get):
            span = self._section_range(role)
            sections[self.vocab.headings[role]] = _verbatim(self.lines[span[0] : span[1]])
        return sections

    # -- Appendix 1 --

    def _appendix(self) -> tuple[tuple[AppendixRow, ...], Decimal]:
        columns = ", ".join(f"'{c}'" for c in self.vocab.appendix_columns)
        if self.appendix_header is None:
            raise DecisionFormatError(
                f"Appendix 1 (a tab-separated table headed {columns}) was not found: the text may be cut off",
                part="appendix",
            )
        body = [line for line in self.lines[self.appendix_header + 1 :] if line.raw.strip()]
        if not body:
            raise DecisionFormatError(
                "Appendix 1 has a header but no rows: the text may be cut off",
                part="appendix",
                line=self.lines[self.appendix_header].number,
            )
        # The table ends with a total row whose first two cells are empty. Look for it first: a
        # text cut off inside the table lacks it, and that says more than a half row would.
        *row_lines, last = body
        last_cells = _cells(last.raw)
        if not (len(last_cells) >= 3 and not any(c.strip() for c in last_cells[:-1])):
            raise DecisionFormatError(
                "Appendix 1 total row not found: the text may be cut off", part="appendix_total", line=last.number
            )
        total_text = _clean(last_cells[-1])
        try:
            total = parse_amount(total_text)
        except FinnishNumberError as exc:
            raise DecisionFormatError(
                f"the Appendix 1 total '{total_text}' is not an amount of euros: the text may be cut off",
                part="appendix_total",
                line=last.number,
            ) from exc

        rows: list[AppendixRow] = []
        for line in row_lines:
            cells = _cells(line.raw)
            if len(cells) < 3:
                raise DecisionFormatError(
                    f"a row of Appendix 1 has {len(cells)} cell(s), not the three (applicant, project, amount): "
                    "the text may be cut off or the row broken across lines",
                    part="appendix",
                    line=line.number,
                )
            if not any(c.strip() for c in cells[:-1]):
                raise DecisionFormatError(
                    "Appendix 1 has a total row before its last row", part="appendix", line=line.number
                )
            amount_text = _clean(cells[-1])
            try:
                amount = parse_amount(amount_text)
            except FinnishNumberError as exc:
                raise DecisionFormatError(
                    f"the amount '{amount_text}' in row {len(rows) + 1} of Appendix 1 is not an amount of euros "
                    "(such as '3 400 000,00')",
                    part="appendix",
                    line=line.number,
                ) from exc
            lead, partners, notes = split_applicant_cell(cells[0], self.vocab)
            if len(cells) > 3:
                notes += (f"project cell broken by {len(cells) - 3} extra tab(s); its parts are joined",)
            rows.append(
                AppendixRow(
                    row=len(rows) + 1,
                    applicant_cell=cells[0],
                    lead=lead,
                    partners=partners,
                    project=_clean(" ".join(cells[1:-1])),
                    amount=amount,
                    line=line.number,
                    raw=line.raw,
                    notes=notes,
                )
            )
        if not rows:
            raise DecisionFormatError(
                "Appendix 1 has a total row but no applications", part="appendix", line=last.number
            )

        # A total cut off at a space ("24 574") still reads as an amount. Every row here has cents
        # and a complete total would too, so a total without them that does not add up is a cut.
        rows_sum = sum((r.amount for r in rows), Decimal("0.00"))
        if "," not in last_cells[-1] and all("," in _cells(ln.raw)[-1] for ln in row_lines) and total != rows_sum:
            raise DecisionFormatError(
                f"the Appendix 1 total '{total_text}' has no cents although every row has: the text may be cut off",
                part="appendix_total",
                line=last.number,
            )
        return tuple(rows), total


# --- Helpers ---------------------------------------------------------------------------------------


def _verbatim(lines: list[_Line]) -> str:
    return "\n".join(line.raw for line in lines).strip("\n")


def _cells(raw: str) -> list[str]:
    """The tab-separated cells of a row, without trailing empty cells beyond the third."""
    cells = raw.split("\t")
    while len(cells) > 3 and not cells[-1].strip():
        cells.pop()
    return cells


def _entries(paragraph: list[_Line]) -> list[list[_Line]]:
    """Numbered entries of a paragraph; a line that is not numbered continues the entry before it."""
    entries: list[list[_Line]] = []
    for line in paragraph:
        if _NUMBERED.match(line.text) or not entries:
            entries.append([line])
        else:
            entries[-1].append(line)
    return entries


def _cost_categories(lines: list[_Line]) -> tuple[str, ...]:
    """The eligible cost categories: the first numbered list of the terms of use.

    The list is found by its form alone, not by the sentence that introduces it (which is prose of
    the call, worded differently from one call and language to the next): lines "- 1) …", "- 2) …",
    … numbered from 1 without a gap, blank lines allowed between them. It ends at the first other
    line, except that a line in lower case right under an item (no blank line between) continues a
    category broken across lines. A later numbered list is not read. The list's own punctuation
    (the last item's full stop, semicolons) is not part of a category.
    """
    items: list[str] = []
    under_item = False  # the previous line is an item or continues one
    for line in lines:
        if not line.text:
            under_item = False
            continue
        match = _COST_CATEGORY.match(line.text)
        if match and int(match["number"]) == len(items) + 1:
            items.append(match["value"])
            under_item = True
        elif items and under_item and line.text[:1].islower():
            items[-1] = f"{items[-1]} {line.text}"
        elif items:
            break
    return tuple(item.rstrip(".;,").strip() for item in items)


def _looks_like_heading(text: str) -> bool:
    return len(text) <= 150 and text[:1].isupper() and not text.endswith((".", ":", ",", ";", "!", "?"))


def _sentences(text: str) -> list[str]:
    """Sentences split at a full stop followed by a space and a capital ("3.0 –hanke" stays whole)."""
    sentences, start = [], 0
    for match in re.finditer(r"\.\s+", text):
        following = text[match.end() : match.end() + 1]
        if following.isupper():
            sentences.append(text[start : match.start() + 1])
            start = match.end()
    sentences.append(text[start:])
    return [s.strip() for s in sentences if s.strip()]


# --- The lead cell of Appendix 1 -------------------------------------------------------------------


def split_applicant_cell(cell: str, vocab: Vocabulary = FINNISH) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """(lead, partners, notes) of an appendix cell such as "Hollolan kunta (Heinola, Asikkala, Orimattila)".

    The lead is the text before the first parenthesis, the partners are the names inside it.
    Cells that do not follow that form are split as sensibly as they allow, and each departure is
    recorded as a note so that it becomes a finding rather than a silent guess. Names are not
    resolved here.
    """
    notes: list[str] = []
    text = _clean(cell)
    if not text:
        return "", (), ("no lead named",)

    markers = "|".join(re.escape(m) for m in (vocab.lead_marker, *vocab.old_lead_markers))
    marker = re.search(rf"\(\s*(?:{markers})\s*\)", text, re.IGNORECASE)
    open_at, close_at = text.find("("), text.find(")")
    if marker:
        # "Hyvinkää, Järvenpää, Kerava (hankehallinnoija) Nurmijärvi, Sipoo ja Tuusula"
        notes.append(f"lead marked '{marker[0]}' inside the list")
        before = _split_names(text[: marker.start()], vocab, notes)
        after = _split_names(text[marker.end() :], vocab, notes)
        lead, partners = (before[-1], before[:-1] + after) if before else ("", after)
    elif close_at != -1 and (open_at == -1 or close_at < open_at):
        # "Seinäjoen kaupunki Jyväskylä, Valkeakoski)": put the missing "(" after the lead.
        notes.append("closing parenthesis without an opening one")
        first = re.split(r"[,)]", text, maxsplit=1)[0]
        lead = _lead_words(first, vocab)
        rest = text[len(lead) :]
        partners = _split_names(rest[: rest.find(")")], vocab, notes)
        partners += _split_tail(rest[rest.find(")") + 1 :], vocab, notes)
    elif open_at == -1:
        # "Pietarsaaren kaupunki, Pietarsaaren SOTE ja Vaasan kaupunki"
        names = _split_names(text, vocab, notes)
        if len(names) > 1:
            notes.append(f"no parentheses: the first name '{names[0]}' is taken as the lead")
        lead, partners = (names[0], names[1:]) if names else ("", [])
    else:
        head = text[:open_at].strip()
        inner, tail = _parenthesised(text, open_at, notes)
        lead, extra = _glued_names(head, vocab)
        partners = []
        if extra:
            # "Lestijärven kunta Kaustisen seutukunta (…)": two bodies with nothing between them.
            notes.append(f"second name '{extra}' after the lead '{lead}' before the parenthesis; kept as a partner")
            partners.append(extra)
        if not lead:
            notes.append("no lead named before the parenthesis")
        partners += _split_names(inner, vocab, notes)
        partners += _split_tail(tail, vocab, notes)

    for name in [lead, *partners]:
        last_word = name.split(" ")[-1].casefold() if name else ""
        if any(last_word.endswith(ending) for ending in vocab.group_endings):
            notes.append(f"'{name}' names a group, not a single body")
    if lead and lead.casefold() in (p.casefold() for p in partners):
        notes.append(f"lead '{lead}' repeated among the partners")
    for letter in dict.fromkeys(c for c in text if c.isalpha() and c not in _EXPECTED_LETTERS):
        word = next(w for w in re.split(r"[\s,()]+", text) if letter in w)
        notes.append(f"unusual letter '{letter}' ({unicodedata.name(letter, 'unnamed').lower()}) in '{word}'")
    return lead, tuple(partners), tuple(dict.fromkeys(notes))


def _parenthesised(text: str, open_at: int, notes: list[str]) -> tuple[str, str]:
    """(inside, after) of the parenthesis opening at ``open_at``; nested ones stay inside."""
    depth = 0
    for i in range(open_at, len(text)):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return text[open_at + 1 : i], text[i + 1 :]
    notes.append("opening parenthesis without a closing one")
    return text[open_at + 1 :], ""


def _split_tail(tail: str, vocab: Vocabulary, notes: list[str]) -> list[str]:
    """Names written after the parenthesised list, such as "Rusko (Vaasa, Kuopio, …)"."""
    names: list[str] = []
    tail = tail.strip().lstrip(",").strip()
    while tail:
        open_at, close_at = tail.find("("), tail.find(")")
        if open_at != -1 and (close_at == -1 or open_at < close_at):
            name = tail[:open_at].strip()
            notes.append(f"second parenthesised group '{name} (...)' in the lead cell")
            names += _split_names(name, vocab, notes)
            inner, tail = _parenthesised(tail, open_at, notes)
            names += _split_names(inner, vocab, notes)
            tail = tail.strip().lstrip(",").strip()
        else:
            if close_at != -1:
                notes.append("closing parenthesis without an opening one")
            notes.append(f"names after the parenthesised list: '{tail}'")
            names += _split_names(tail.replace(")", " "), vocab, notes)
            tail = ""
    return names


def _split_names(text: str, vocab: Vocabulary, notes: list[str]) -> list[str]:
    """Names in a list written "A, B ja C", "A + B" or "A/B".

    "sosiaali- ja terveydenhuollon" is one name: a hyphen before "ja" shares the word's end.
    A "/" followed by a word in lower case ("Etelä-Karjalan kunnat /opetustoimet") qualifies the
    name before it rather than adding a partner.
    """
    text = text.strip().strip(",").strip()
    if text.endswith(("...", "…")):
        notes.append("list ends with '...'")
        text = text.rstrip(".…").strip().rstrip(",").strip()
    if not text:
        return []
    if "+" in text:
        notes.append(f"names joined with '+' ('{text}')")
    conjunction = re.escape(vocab.conjunction)
    names: list[str] = []
    for piece in re.split(rf"\s*,\s*|(?<!-)\s+{conjunction}\s+|\s*\+\s*", text):
        piece = piece.strip()
        if not piece:
            continue
        if "/" in piece:
            parts = [p.strip() for p in piece.split("/")]
            if all(p[:1].isupper() for p in parts):
                notes.append(f"names joined with '/' ('{piece}')")
                names += parts
                continue
            if parts[0]:
                qualifier = "/" + "/".join(parts[1:])
                notes.append(f"'{qualifier}' after '{parts[0]}' read as a qualifier, not as another partner")
                names.append(parts[0])
                continue
        names.append(piece)
    return names


def _lead_words(text: str, vocab: Vocabulary) -> str:
    """The words of a lead written without a parenthesis after it: up to "kaupunki"/"kunta", or the first word."""
    words = text.split()
    for i, word in enumerate(words[:-1]):
        if word.casefold() in vocab.body_words:
            return " ".join(words[: i + 1])
    return words[0] if words else ""


def _glued_names(head: str, vocab: Vocabulary) -> tuple[str, str]:
    """Split "Lestijärven kunta Kaustisen seutukunta" into two names; leave one name whole.

    The split is made only where a word such as "kunta" ends the first name and the rest ends in
    such a word too, so "Espoon seudun koulutus kunta-yhtymä Omnia" stays one name.
    """
    words = head.split()
    for i, word in enumerate(words[:-1]):
        if word.casefold() in vocab.body_words:
            rest_last = words[-1].casefold()
            if any(rest_last.endswith(w) for w in vocab.body_words):
                return " ".join(words[: i + 1]), " ".join(words[i + 1 :])
            break
    return head, ""
