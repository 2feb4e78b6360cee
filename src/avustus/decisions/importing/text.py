"""A decision's text as lines, and where its parts are: which language it is in, its section headings,
its signatures and Appendix 1. The readers of each part (``body``, ``grants``, ``appendix``) ask it for a
section's lines and for the figures a pattern finds there, converted so that every failure is a
``DecisionFormatError``.

Pure Python, standard library only.
"""

import re
from datetime import date
from decimal import Decimal
from typing import overload

from avustus.decisions.importing import finnish, swedish
from avustus.decisions.importing.finnish import FinnishNumberError, parse_amount, parse_date
from avustus.decisions.importing.lines import NUMBERED, Found, Line, clean, heading_key, pattern
from avustus.decisions.importing.result import DecisionFormatError, Signatory
from avustus.decisions.vocabulary import VOCABULARIES
from avustus.decisions.vocabulary.base import Vocabulary

# How each language's counts are read ("Yksi", "neljän"; "Ett", "fyra"), with its own error.
COUNT_READERS = {"fi": finnish.parse_count, "sv": swedish.parse_count}


class DecisionText:
    """A decision's text as lines, with its parts located: language, section headings, signatures, Appendix 1."""

    def __init__(self, text: str):
        if "\x00" in text:
            raise DecisionFormatError(
                "the text contains NUL characters: it is binary, not a text document", part="encoding"
            )
        text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
        if not text.strip():
            raise DecisionFormatError("the text is empty", part="document")
        self.lines = [Line(i + 1, raw, clean(raw)) for i, raw in enumerate(text.split("\n"))]
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
            keys = {heading_key(h) for h in vocab.headings.values()} | {heading_key(vocab.deferred_heading)}
            score = sum(1 for line in self.lines if line.text and heading_key(line.text) in keys)
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
    def _is_appendix_header(line: Line, vocab: Vocabulary) -> bool:
        cells = [re.sub(r"\s+", "", clean(c)).casefold() for c in line.raw.split("\t")]
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
        wanted = {heading_key(h): role for role, h in self.vocab.headings.items()}
        found: dict[str, int] = {}
        for i in range(self.body_end):
            role = wanted.get(heading_key(self.lines[i].text)) if self.lines[i].text else None
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
            prose = len(text) > 80 or text.endswith((".", ":", ";", ",", "!", "?")) or NUMBERED.match(text)
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

    def section_range(self, role: str) -> tuple[int, int] | None:
        """Indices of the lines of a section, heading excluded; None when the heading is missing."""
        if role not in self.headings:
            return None
        start = self.headings[role] + 1
        later = [i for i in self.headings.values() if i >= start]
        # The last section ends where the signatures begin.
        end = min(later) if later else self.signature_start
        return start, max(start, end)

    def section_lines(self, role: str) -> list[Line] | None:
        span = self.section_range(role)
        return None if span is None else self.lines[span[0] : span[1]]

    def find(self, role: str, patterns: tuple[str, ...]) -> Found | None:
        """The first figure a pattern finds in a section, with its line."""
        lines = self.section_lines(role)
        if lines is None:
            return None
        joined = "\n".join(line.text for line in lines)
        for template in patterns:
            match = pattern(template, self.vocab).search(joined)
            if match:
                # A pattern without a figure (such as "nobody withdrew") gives the words it matched.
                value = match["value"] if "value" in match.re.groupindex else match[0]
                return Found(value, lines[joined.count("\n", 0, match.start())].number)
        return None

    def require_section(self, role: str) -> list[Line]:
        lines = self.section_lines(role)
        if lines is None:
            raise DecisionFormatError(
                f"the section '{self.vocab.headings[role]}' was not found: "
                "the text may be cut off, or be another document",
                part=role,
            )
        return lines

    # -- converting figures, so that every failure is a DecisionFormatError --

    def read_amount(self, found: Found, part: str) -> Decimal:
        try:
            return parse_amount(found.value)
        except FinnishNumberError as exc:
            raise DecisionFormatError(str(exc), part=part, line=found.line) from exc

    @overload
    def read_date(self, found: Found, part: str) -> date: ...
    @overload
    def read_date(self, found: Found | None, part: str) -> date | None: ...

    def read_date(self, found: Found | None, part: str) -> date | None:
        if found is None:
            return None
        try:
            return parse_date(found.value)
        except FinnishNumberError as exc:
            raise DecisionFormatError(str(exc), part=part, line=found.line) from exc

    def read_count(self, found: Found | None, part: str) -> int | None:
        if found is None:
            return None
        try:
            return COUNT_READERS[self.vocab.language](found.value)
        except FinnishNumberError as exc:
            raise DecisionFormatError(str(exc), part=part, line=found.line) from exc
