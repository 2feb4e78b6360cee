"""A decision document as an ordered list of blocks, independent of the format it is rendered to.

Building the document (what it says, in which language) is separate from rendering it (plain
text, HTML, PDF): every renderer walks the same blocks, so the formats cannot drift apart. All
text in the blocks is final: figures formatted, names inflected, in the document's language.

Pure Python, no Django.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Heading:
    """A section heading ("Taustaa", "Päätös ja sen perustelut") or a group heading (level 2)."""

    text: str
    level: int = 1


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class BulletList:
    items: tuple[str, ...]
    numbered: bool = False  # "1) henkilöstökustannukset": the numbers are part of the list's meaning


@dataclass(frozen=True)
class Entry:
    """A numbered entry of the decision: ``<number>. **<bold>**<rest>``.

    ``bold`` is the part the decision sets in bold: the recipient and the amount of a grant, or the
    applicant of a deferred application; ``rest`` follows it as written, starting with its own
    punctuation (", Kaupunki taskussa -hankkeeseen,").
    """

    number: int
    bold: str
    rest: str


@dataclass(frozen=True)
class Signatures:
    people: tuple[tuple[str, str], ...]  # (name, title), the decision-maker first


@dataclass(frozen=True)
class Table:
    """Appendix 1: one row per application (applicants, project, amount) and a total."""

    title: str  # "Liite 1"
    header: tuple[str, str, str]
    rows: tuple[tuple[str, str, str], ...]
    total: str


Block = Heading | Paragraph | BulletList | Entry | Signatures | Table


@dataclass(frozen=True)
class Document:
    lang: str  # "fi" or "sv"
    title: str  # the document's title, also the PDF's title metadata
    date_text: str  # "26.2.2020"
    addressees: str  # "Jakelussa mainitut"
    blocks: tuple[Block, ...]
    issuer: str = ""  # "Valtiovarainministeriö", for the header of each page
