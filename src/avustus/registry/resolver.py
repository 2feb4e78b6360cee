"""The registry of Finnish public bodies, and which body a name as written in a document means.

Documents name municipalities and joint authorities in many ways: in Finnish or Swedish, inflected
("Hämeenlinnan kaupungille"), with an organisational word ("Pargas stad"), with spaces broken inside
a word ("koulutus kunta-yhtymä") or misspelt ("Mäntälä"). ``Registry.resolve`` maps such a name to
one ``Body`` and says in ``Resolution.note`` how it read the name whenever it did more than look it
up. It never guesses: a group of bodies, a name about equally close to two bodies, or anything it
cannot place comes back unresolved, with the reason and the closest candidates.

Resolution goes from strict to lenient and stops at the first step that settles the name:

1. the whole name, as a Finnish name, alias, Finnish genitive or Swedish name of a body;
2. a name that denotes a group ("Etelä-Karjalan kunnat", "seurantajäsenet") is refused;
3. the name without a trailing organisational word ("kaupunki", "kunnalle", "stad", ...), among
   municipalities;
4. a misspelling, accepted only when one body is clearly the closest.

Names are compared after NFKC normalisation, case folding and reading a dotless "ı" as "i", on their
letters and digits only, so that spaces, hyphens and dots inside a name do not matter. The lookup
tables are built once per registry; the misspelling pass runs only when no table has the name.

The data are the two CSV files in ``registry/data`` (see the README there), read through
``importlib.resources``. Pure Python and the standard library only; Django is not imported.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources

from avustus.rules.collation import finnish_key, fold

MUNICIPALITY = "municipality"
OTHER_KINDS = ("joint_authority", "regional_council", "sub_region", "other")
MAX_CANDIDATES = 5

# Organisational words a document writes after a municipality's name, and the form they claim.
# Finnish nominative and common cases; Swedish indefinite, definite and genitive.
ORGANISATIONAL_WORDS = {
    "kaupunki": "kaupunki", "kaupungin": "kaupunki", "kaupungille": "kaupunki",
    "kaupungilta": "kaupunki", "kaupungissa": "kaupunki",
    "kunta": "kunta", "kunnan": "kunta", "kunnalle": "kunta", "kunnalta": "kunta", "kunnassa": "kunta",
    "stad": "kaupunki", "staden": "kaupunki", "stads": "kaupunki",
    "kommun": "kunta", "kommunen": "kunta", "kommuns": "kunta",
}
_NOMINATIVES = {"kaupunki", "kunta", "stad", "kommun", "staden", "kommunen"}

# A word ending like this makes the name a plural group ("sopimuskunnat", "seurantajäsenet").
_GROUP_WORD = re.compile(
    r"(kunnat|kuntien|kaupungit|kaupunkien|jäsenet|jäsenten|kommuner|kommunerna|städer|städerna|medlemmar)$"
)

# Genitives of the region names, to recognise "Etelä-Karjalan kunnat" as the municipalities of a region.
REGION_GENITIVES = {
    "01": "Uudenmaan", "02": "Varsinais-Suomen", "04": "Satakunnan", "05": "Kanta-Hämeen",
    "06": "Pirkanmaan", "07": "Päijät-Hämeen", "08": "Kymenlaakson", "09": "Etelä-Karjalan",
    "10": "Etelä-Savon", "11": "Pohjois-Savon", "12": "Pohjois-Karjalan", "13": "Keski-Suomen",
    "14": "Etelä-Pohjanmaan", "15": "Pohjanmaan", "16": "Keski-Pohjanmaan", "17": "Pohjois-Pohjanmaan",
    "18": "Kainuun", "19": "Lapin", "21": "Ahvenanmaan",
}

# What kind of name a lookup key is, in the order preferred when one key names a body twice
# (most Finnish-speaking municipalities have the same Finnish and Swedish name).
_FINNISH, _ALIAS, _GENITIVE, _SWEDISH = "Finnish name", "alias", "genitive", "Swedish name"
_PREFERENCE = (_FINNISH, _ALIAS, _GENITIVE, _SWEDISH)

# Misspellings: distances are computed up to this bound only. It is enough to accept a match (at
# most 2 edits) and to see a runner-up that makes it doubtful (less than 2 edits further away).
_CUTOFF = 3


@dataclass(frozen=True)
class Body:
    key: str  # municipality code for municipalities ("109"), else the slug from other-bodies.csv
    kind: str  # "municipality" | "joint_authority" | "regional_council" | "sub_region" | "other"
    code: str | None  # 3-digit Statistics Finland code for municipalities, else None
    name_fi: str
    name_sv: str
    region_code: str | None
    region_name_fi: str | None
    region_name_sv: str | None
    language: str | None  # fi | sv | fi-sv | sv-fi for municipalities
    municipal_form: str | None  # kaupunki | kunta
    genitive_fi: str | None
    member_codes: tuple[str, ...] = ()

    @property
    def display_name(self) -> str:
        return self.name_fi


@dataclass(frozen=True)
class Resolution:
    query: str
    body: Body | None
    error: str | None = None  # set when body is None: why
    candidates: tuple[Body, ...] = ()  # closest bodies when unresolved (at most 5), best first
    note: str | None = None  # how the name was read when it was not an exact match

    # Parts of a note that say the source itself was wrong, as opposed to the ordinary ways of
    # writing a name ("'kaupunki' removed", "Swedish name", "genitive form").
    _CORRECTIONS = ("misspelling", "dotless", "ellipsis", "written as a", "spaces or hyphens")

    @property
    def corrected(self) -> bool:
        """Whether reading the name needed a correction of the source that a reader should be told of."""
        note = self.note
        return note is not None and any(marker in note for marker in self._CORRECTIONS)

    def to_json(self) -> dict:
        if self.body is not None:
            return {"query": self.query, **_describe(self.body)}
        return {"query": self.query, "error": self.error, "candidates": [_describe(c) for c in self.candidates]}


def _describe(body: Body) -> dict:
    return {"resolved_name": body.name_fi, "kind": body.kind, "code": body.code}


# --- Comparing names --------------------------------------------------------------------------------

# Case-folded NFKC text with one kind of hyphen and single spaces between words: the rules' own fold.
normalise = fold


def compact(text: str) -> str:
    """The letters and digits of the normalised text only: "Kunta-yhtymä " and "kuntayhtymä" agree."""
    return "".join(ch for ch in normalise(text) if ch.isalnum())


def distance(a: str, b: str, cutoff: int = _CUTOFF) -> int:
    """Damerau–Levenshtein distance (optimal string alignment), or ``cutoff + 1`` once beyond cutoff."""
    if abs(len(a) - len(b)) > cutoff:
        return cutoff + 1
    before: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, before[j - 2] + 1)  # two adjacent letters swapped
            current[j] = value
        if min(current) > cutoff:
            return cutoff + 1
        before, previous = previous, current
    return min(previous[-1], cutoff + 1)


def allowed_distance(letters: int) -> int:
    """How many edits a misspelling may have: 1 for names up to 7 letters, 2 for longer, 0 below 4.

    Very short names get no tolerance: "Ii" is one edit away from too many strings.
    """
    if letters < 4:
        return 0
    return 1 if letters <= 7 else 2


def _spaced(text: str) -> str:
    """Normalised text without punctuation other than hyphens, to tell a difference in spacing."""
    return " ".join(re.sub(r"[^\w\s-]", "", normalise(text)).split())


# --- The registry -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Near:
    """How close a name came to one of a body's lookup keys in the misspelling pass."""

    distance: int
    key: str  # the lookup key it came close to
    text: str  # the form of the name that came close
    removed: str | None  # the organisational word removed from the name, if any


class Registry:
    """The known public bodies, with lookup tables built once for fast resolution."""

    def __init__(self, bodies: Iterable[Body], aliases: Mapping[str, Iterable[str]] | None = None):
        """``aliases`` maps a body's key to other ways documents write it ("Eksote")."""
        self.bodies: tuple[Body, ...] = tuple(bodies)
        self._by_key = {b.key: b for b in self.bodies}
        if len(self._by_key) != len(self.bodies):
            raise ValueError("registry keys are not unique")
        self._aliases = {key: tuple(names) for key, names in (aliases or {}).items()}
        if unknown := sorted(set(self._aliases) - set(self._by_key)):
            raise ValueError(f"aliases for unknown registry keys: {unknown}")

        # lookup key (compact) -> {body key: what kind of name the key is for that body}
        self._index: dict[str, dict[str, str]] = {}
        self._municipal_index: dict[str, dict[str, str]] = {}
        self._spelling: dict[str, str] = {}  # lookup key -> the name as the registry writes it
        for body in self.bodies:
            indexes = [self._index] + ([self._municipal_index] if body.kind == MUNICIPALITY else [])
            for text, how in self.names_of(body):
                key = compact(text)
                if not key:
                    continue
                self._spelling.setdefault(key, text)
                for index in indexes:
                    hows = index.setdefault(key, {})
                    if body.key not in hows or _PREFERENCE.index(how) < _PREFERENCE.index(hows[body.key]):
                        hows[body.key] = how
        self._municipalities = sorted(
            (b for b in self.bodies if b.kind == MUNICIPALITY), key=lambda b: finnish_key(b.name_fi)
        )
        self._regions: dict[str, str] = {}  # compact region name or genitive -> region code
        for body in self._municipalities:
            if body.region_code is None:  # a municipality outside any region names none to look up
                continue
            self._regions[compact(body.region_name_fi or "")] = body.region_code
            if body.region_code in REGION_GENITIVES:
                self._regions[compact(REGION_GENITIVES[body.region_code])] = body.region_code
        # (normalised name, body) pairs for the typeahead; genitives are not names one types.
        self._search_names = [
            (normalise(text), body) for body in self.bodies for text, how in self.names_of(body) if how != _GENITIVE
        ]

    # Lookups ------------------------------------------------------------------------------------------

    def by_key(self, key: str) -> Body:
        return self._by_key[key]

    def municipalities(self) -> list[Body]:
        """All municipalities, in Finnish alphabetical order."""
        return list(self._municipalities)

    def aliases(self, key: str) -> tuple[str, ...]:
        """Other ways documents write the body with this key (none for municipalities)."""
        return self._aliases.get(key, ())

    def names_of(self, body: Body) -> list[tuple[str, str]]:
        """Every way of writing the body the registry knows, with what kind of name each is."""
        names = [(body.name_fi, _FINNISH)]
        names += [(alias, _ALIAS) for alias in self.aliases(body.key)]
        if body.genitive_fi:
            names.append((body.genitive_fi, _GENITIVE))
        if body.name_sv:
            names.append((body.name_sv, _SWEDISH))
        return names

    def search(self, text: str, limit: int = 10) -> list[Body]:
        """Bodies whose Finnish or Swedish name (or alias) starts with or contains the text, for a typeahead.

        The whole name first, then names that start with the text, then names with a word that
        starts with it, then names that contain it; alphabetically within each.
        """
        query = normalise(text)
        if not query or limit <= 0:
            return []
        rank: dict[str, int] = {}
        for name, body in self._search_names:
            if name == query:
                r = 0
            elif name.startswith(query):
                r = 1
            elif any(word.startswith(query) for word in re.split(r"[\s/-]+", name)):
                r = 2
            elif query in name:
                r = 3
            else:
                continue
            rank[body.key] = min(r, rank.get(body.key, r))
        ordered = sorted(rank, key=lambda k: (rank[k], finnish_key(self._by_key[k].name_fi)))
        return [self._by_key[k] for k in ordered[:limit]]

    # Resolution ---------------------------------------------------------------------------------------

    def resolve(self, name: str) -> Resolution:
        """The one body a name as written in a document means, or why there is none."""
        notes: list[str] = []
        text = re.sub(r"\s*(\.\.\.|…)\s*$", "", name)
        if text != name and compact(text):
            notes.append("trailing ellipsis removed")
        if "ı" in text:
            notes.append("dotless 'ı' read as 'i'")
        words = normalise(text).split()
        whole = compact(text)
        if not whole:
            return Resolution(name, None, error="empty name")

        # 1. The whole name as the registry knows it.
        if whole in self._index:
            return self._found(name, self._index[whole], whole, notes, written=text)

        # 2. A group of bodies is not one body, however close its words are to a name.
        if any(_GROUP_WORD.search(compact(word)) for word in words):
            return self._group(name, words)

        # 3. A municipality's name or genitive, followed by an organisational word.
        last = compact(words[-1])
        if last in ORGANISATIONAL_WORDS:
            rest = compact(" ".join(words[:-1]))
            if not rest:
                return Resolution(name, None, error=f"only the organisational word '{words[-1]}', no name")
            if rest in self._municipal_index:
                notes.append(f"'{last}' removed" if last in _NOMINATIVES else f"inflected form, '{last}' removed")
                return self._found(name, self._municipal_index[rest], rest, notes, claimed=ORGANISATIONAL_WORDS[last])
            # A Swedish official name puts the place in the genitive: "Villmanstrands stad", "Korsholms kommun".
            base = rest[:-1] if rest.endswith("s") else ""
            found = self._municipal_index.get(base, {})
            # A name the same in both languages is indexed as Finnish; its Swedish name is still the base.
            if base and found and all(how == _SWEDISH or compact(self._by_key[key].name_sv) == base
                                      for key, how in found.items()):
                notes.append(f"'{last}' removed")
                return self._found(name, found, base, notes, claimed=ORGANISATIONAL_WORDS[last])

        # 4. A misspelling, if one body is clearly the closest; else unresolved.
        return self._misspelt(name, words, notes)

    def _found(
        self,
        query: str,
        found: dict[str, str],
        key: str,
        notes: list[str],
        written: str | None = None,
        claimed: str | None = None,
    ) -> Resolution:
        """The resolution for a lookup key that matched: one body, or ambiguous if it names several."""
        if len(found) > 1:
            bodies = sorted((self._by_key[k] for k in found), key=lambda b: finnish_key(b.name_fi))
            names = " and ".join(b.name_fi for b in bodies)
            return Resolution(
                query, None, error=f"ambiguous: the name fits {names}", candidates=tuple(bodies[:MAX_CANDIDATES])
            )
        ((body_key, how),) = found.items()
        body = self._by_key[body_key]
        notes = list(notes)
        spelling = self._spelling[key]
        if how == _SWEDISH:
            notes.append("Swedish name")
        elif how == _ALIAS:
            notes.append(f"alias '{spelling}'")
        elif how == _GENITIVE and claimed is None:
            notes.append("genitive form")
        if written is not None and how in (_FINNISH, _ALIAS) and _spaced(written) != _spaced(spelling):
            notes.append(f"spaces or hyphens differ from '{spelling}'")
        notes += self._form_mismatch(body, claimed)
        return Resolution(query, body, note="; ".join(notes) or None)

    @staticmethod
    def _form_mismatch(body: Body, claimed: str | None) -> list[str]:
        if claimed and body.municipal_form and claimed != body.municipal_form:
            return [f"written as a {claimed}, but {body.name_fi} is a {body.municipal_form}"]
        return []

    def _group(self, query: str, words: list[str]) -> Resolution:
        """A name that denotes several bodies: refused, with the bodies and region it mentions."""
        named = self._named_in(words)
        regions = list(dict.fromkeys(c for w in words if (c := self._regions.get(compact(w)))))
        members = [b for code in regions for b in self._municipalities if b.region_code == code and b not in named]
        error = "names a group of bodies, not a single body"
        if regions:
            region = next(b.region_name_fi for b in self._municipalities if b.region_code == regions[0])
            error = f"names a group of bodies in the region {region}, not a single body"
        return Resolution(query, None, error=error, candidates=tuple(named + members)[:MAX_CANDIDATES])

    def _misspelt(self, query: str, words: list[str], notes: list[str]) -> Resolution:
        # What the name may be a misspelling of: the whole name among all bodies, and the name
        # without its organisational word among municipalities.
        variants: list[tuple[str, dict[str, dict[str, str]], str | None]] = [
            (compact(" ".join(words)), self._index, None)
        ]
        last = compact(words[-1])
        if len(words) > 1 and last in ORGANISATIONAL_WORDS:
            variants.append((compact(" ".join(words[:-1])), self._municipal_index, last))

        best: dict[str, _Near] = {}  # body key -> its closest lookup key
        for text, index, removed in variants:
            if len(text) < 4:
                continue
            for key, hows in index.items():
                d = distance(text, key)
                if d > _CUTOFF:
                    continue
                for body_key in hows:
                    if body_key not in best or d < best[body_key].distance:
                        best[body_key] = _Near(d, key, text, removed)
        ranked = sorted(best, key=lambda k: (best[k].distance, finnish_key(self._by_key[k].name_fi)))

        if ranked:
            first = best[ranked[0]]
            if first.distance <= allowed_distance(min(len(first.key), len(first.text))):
                # Accept only a clear winner: every other body at least 2 edits further away.
                close = [self._by_key[k] for k in ranked if best[k].distance < first.distance + 2]
                if len(close) > 1:
                    tied = [self._by_key[k].name_fi for k in ranked if best[k].distance == first.distance]
                    if len(tied) > 1:
                        error = "ambiguous: equally close to " + " and ".join(tied[:MAX_CANDIDATES])
                    else:
                        error = f"ambiguous: {close[0].name_fi} is not clearly closer than {close[1].name_fi}"
                    return Resolution(query, None, error=error, candidates=tuple(close[:MAX_CANDIDATES]))
                body = close[0]
                notes = [*notes, f"corrected misspelling of '{self._spelling[first.key]}'"]
                if first.removed is not None:
                    notes.append(f"'{first.removed}' removed")
                    notes += self._form_mismatch(body, ORGANISATIONAL_WORDS[first.removed])
                return Resolution(query, body, note="; ".join(notes))

        # Unresolved: say whether it names several bodies, and offer the closest ones.
        named = self._named_in(words)
        candidates = list(named)
        for body in [self._by_key[k] for k in ranked] + self.search(" ".join(words), limit=MAX_CANDIDATES):
            if body not in candidates:
                candidates.append(body)
        if len(named) > 1:
            error = "names more than one body: " + ", ".join(b.name_fi for b in named)
        else:
            error = "no registry entry matches"
        return Resolution(query, None, error=error, candidates=tuple(candidates[:MAX_CANDIDATES]))

    def _named_in(self, words: list[str], longest: int = 8) -> list[Body]:
        """Bodies named by runs of the words, left to right, the longest run at each place winning.

        In "Lestijärven kunta Kaustisen seutukunta" that is Lestijärvi and the Kaustinen sub-region,
        not also the municipality of Kaustinen.
        """
        bodies: list[Body] = []
        start = 0
        while start < len(words):
            for end in range(min(len(words), start + longest), start, -1):
                found = self._index.get(compact(" ".join(words[start:end])))
                if found:
                    bodies += [self._by_key[k] for k in found if self._by_key[k] not in bodies]
                    start = end
                    break
            else:
                start += 1
        return bodies


# --- Loading ----------------------------------------------------------------------------------------


def _read_csv(name: str) -> list[dict[str, str]]:
    text = resources.files("avustus.registry").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split("|") if part.strip())


def load_data() -> tuple[list[Body], dict[str, tuple[str, ...]]]:
    """The bodies of the two data files shipped with the package, and the other bodies' aliases by key."""
    municipalities = [
        Body(
            key=row["code"],
            kind=MUNICIPALITY,
            code=row["code"],
            name_fi=row["name_fi"],
            name_sv=row["name_sv"],
            region_code=row["region_code"],
            region_name_fi=row["region_name_fi"],
            region_name_sv=row["region_name_sv"],
            language=row["language"],
            municipal_form=row["municipal_form"],
            genitive_fi=row["genitive_fi"],
        )
        for row in _read_csv("municipalities-2020.csv")
    ]
    regions = {b.region_code: (b.region_name_fi, b.region_name_sv) for b in municipalities}
    others: list[Body] = []
    aliases: dict[str, tuple[str, ...]] = {}
    for row in _read_csv("other-bodies.csv"):
        if row["kind"] not in OTHER_KINDS:
            raise ValueError(f"other-bodies.csv: unknown kind {row['kind']!r} for {row['key']!r}")
        region = row["region_code"] or None
        region_fi, region_sv = regions.get(region, (None, None))
        others.append(
            Body(
                key=row["key"],
                kind=row["kind"],
                code=None,
                name_fi=row["name_fi"],
                name_sv=row["name_sv"],
                region_code=region,
                region_name_fi=region_fi,
                region_name_sv=region_sv,
                language=None,
                municipal_form=None,
                genitive_fi=None,
                member_codes=_split(row["member_codes"]),
            )
        )
        aliases[row["key"]] = _split(row["aliases"])
    return municipalities + others, aliases


@functools.cache
def load_registry() -> Registry:
    """The registry of the data files shipped with the package, built once per process."""
    bodies, aliases = load_data()
    return Registry(bodies, aliases)


def resolve(name: str) -> Resolution:
    """Which body a name as written in a document means: ``load_registry().resolve(name)``."""
    return load_registry().resolve(name)
