"""Lines of a decision's text and the small readers of them that every part of the parser shares.

Pure Python, standard library only.
"""

import re
from dataclasses import dataclass

from avustus.decisions.importing.finnish import AMOUNT_PATTERN, DATE_PATTERN, plain_spaces
from avustus.decisions.vocabulary.base import Vocabulary

NUMBERED = re.compile(r"^(?P<number>\d{1,4})\.(?:\s+|(?=[^\d\s.]))(?P<rest>.*)$", re.DOTALL)


def clean(text: str) -> str:
    """Text as the patterns expect it: no markdown bold, all white space folded to single spaces."""
    return re.sub(r"\s+", " ", plain_spaces(text.replace("**", ""))).strip()


def pattern(template: str, vocab: Vocabulary) -> re.Pattern:
    # str.replace, not str.format: the templates are regular expressions full of braces.
    expanded = (
        template.replace("{amount}", rf"(?P<value>{AMOUNT_PATTERN})")
        .replace("{date}", rf"(?P<value>{DATE_PATTERN})")
        .replace("{count}", rf"(?P<value>{vocab.count_pattern})")
    )
    return re.compile(expanded, re.IGNORECASE)


def heading_key(text: str) -> str:
    # Headings may be written "Taustaa:", "# Taustaa" or "TAUSTAA".
    return text.strip().lstrip("#").strip().rstrip(":").strip().casefold()


@dataclass(frozen=True)
class Line:
    number: int  # 1-based
    raw: str  # exactly as in the source, without the line end
    text: str  # cleaned (see clean)


@dataclass(frozen=True)
class Found:
    """A figure found in a section: its text and the line it is on."""

    value: str
    line: int


def numbered(text: str) -> tuple[int, str]:
    """The number and the rest of an entry known to be numbered: "12. Espoon kaupunki, …" → (12, "Espoon …")."""
    match = NUMBERED.match(text)
    if match is None:
        raise ValueError(f"not a numbered entry: {text[:40]!r}")
    return int(match["number"]), match["rest"]


def verbatim(lines: list[Line]) -> str:
    return "\n".join(line.raw for line in lines).strip("\n")


def row_cells(raw: str) -> list[str]:
    """The tab-separated cells of a row, without trailing empty cells beyond the third."""
    cells = raw.split("\t")
    while len(cells) > 3 and not cells[-1].strip():
        cells.pop()
    return cells


def numbered_entries(paragraph: list[Line]) -> list[list[Line]]:
    """Numbered entries of a paragraph; a line that is not numbered continues the entry before it."""
    entries: list[list[Line]] = []
    for line in paragraph:
        if NUMBERED.match(line.text) or not entries:
            entries.append([line])
        else:
            entries[-1].append(line)
    return entries


def looks_like_heading(text: str) -> bool:
    return len(text) <= 150 and text[:1].isupper() and not text.endswith((".", ":", ",", ";", "!", "?"))


def split_sentences(text: str) -> list[str]:
    """Sentences split at a full stop followed by a space and a capital ("3.0 –hanke" stays whole)."""
    sentences, start = [], 0
    for match in re.finditer(r"\.\s+", text):
        following = text[match.end() : match.end() + 1]
        if following.isupper():
            sentences.append(text[start : match.start() + 1])
            start = match.end()
    sentences.append(text[start:])
    return [s.strip() for s in sentences if s.strip()]
