"""The registry of Finnish public bodies, and which body a name as written in a document means.

Documents name municipalities and joint authorities in many ways: in Finnish or Swedish, inflected
("Hämeenlinnan kaupungille", "Oululle", "Lahdessa"), with an organisational word ("Pargas stad"), with
spaces broken inside a word ("koulutus kunta-yhtymä") or misspelt ("Mäntälä"). ``Registry.resolve``
maps such a name to one ``Body`` and says in ``Resolution.note`` how it read the name whenever it did
more than look it up. It never guesses: a group of bodies, a name about equally close to two bodies,
a form two bodies share, or anything it cannot place comes back unresolved, with the reason and the
closest candidates, so that the caller asks a person.

Resolution goes from strict to lenient and stops at the first step that settles the name:

1. the whole name, as a Finnish name, alias, Finnish genitive or Swedish name of a body;
2. the whole name as a Finnish case form of a municipality ("Oululle", "Kauniaisissa"; see
   ``inflection.py``);
3. a name that denotes a group ("Etelä-Karjalan kunnat", "seurantajäsenet") is refused;
4. the name without a trailing organisational word in any case ("kaupunki", "kunnalle",
   "kaupunkiin", "stad", ...), among municipalities;
5. a misspelling, accepted only when one body is clearly the closest (``matching.acceptable``).

Bodies as they were: a municipality merged into another keeps its name in the registry with the
last day it existed and its successor. ``resolve(name, on=day)`` prefers the bodies that existed on
that day (a decision's date), corrects misspellings only towards them, and notes a name of a body
that no longer existed then. Without a day, every body is eligible, so that an old name still
resolves to the body as it was.

Names are compared after NFKC normalisation, case folding and reading a dotless "ı" as "i", on their
letters and digits only, so that spaces, hyphens and dots inside a name do not matter. The lookup
tables are built once per registry; the misspelling pass runs only when no table has the name.

The data are the CSV files in ``registry/data`` (see the README there), read by ``bodies.py``.
Pure Python and the standard library only; Django is not imported.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from avustus.registry.bodies import MUNICIPALITY, OTHER_KINDS, Body, load_data
from avustus.registry.inflection import ORGANISATIONAL_CASES, finnish_case_forms, swedish_genitive
from avustus.registry.matching import CUTOFF, acceptable, compact, distance, normalise, spaced
from avustus.rules.collation import finnish_key

__all__ = [
    "MUNICIPALITY", "OTHER_KINDS", "Body", "Registry", "Resolution", "compact", "distance", "load_data",
    "load_registry", "normalise", "resolve",
]

MAX_CANDIDATES = 5

# Organisational words a document writes after a municipality's name, and the form they claim:
# the Finnish words in every case ("Kuopion kaupunkiin", "Kuusamon kaupungille"); Swedish
# indefinite, definite and genitive.
ORGANISATIONAL_WORDS = {
    **{form: word for word, cases in ORGANISATIONAL_CASES.items() for form in cases.values()},
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


@dataclass(frozen=True)
class Resolution:
    query: str
    body: Body | None
    error: str | None = None  # set when body is None: why
    candidates: tuple[Body, ...] = ()  # closest bodies when unresolved (at most 5), best first
    note: str | None = None  # how the name was read when it was not an exact match

    # Parts of a note that say the source itself was wrong, or that a person should look, as opposed
    # to the ordinary ways of writing a name ("'kaupunki' removed", "Swedish name", "genitive form").
    _CORRECTIONS = ("misspelling", "dotless", "ellipsis", "written as a", "spaces or hyphens", "no longer existed")

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
    described: dict = {"resolved_name": body.name_fi, "kind": body.kind, "code": body.code}
    if body.valid_to is not None:
        described["valid_to"] = body.valid_to.isoformat()
        described["successor"] = body.successor_code
    return described


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
        # compact case form -> {body key: which case}; a form that is a name (the genitive) is above.
        self._forms: dict[str, dict[str, str]] = {}
        for body in self.bodies:
            for case, text in self.case_forms(body):
                if (key := compact(text)) not in self._index:
                    self._forms.setdefault(key, {}).setdefault(body.key, case)
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

    def municipalities(self, on: date | None = None) -> list[Body]:
        """The municipalities (those that existed on ``on``, if given), in Finnish alphabetical order."""
        return [b for b in self._municipalities if on is None or b.valid_on(on)]

    def successor(self, body: Body) -> Body | None:
        """The body a former municipality became part of, if the registry knows it."""
        return self._by_key.get(body.successor_code) if body.successor_code else None

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

    def case_forms(self, body: Body) -> list[tuple[str, str]]:
        """A municipality's name in every case the resolver reads (Finnish cases, Swedish genitive), as pairs."""
        if body.kind != MUNICIPALITY or not body.genitive_fi:
            return []
        forms = finnish_case_forms(body.name_fi, body.genitive_fi)
        found = [(case, form) for case, variants in forms.items() for form in variants]
        if body.name_sv:
            found.append(("Swedish genitive", swedish_genitive(body.name_sv)))  # "Esbos"
        return found

    def search(self, text: str, limit: int = 10, on: date | None = None) -> list[Body]:
        """Bodies whose Finnish or Swedish name (or alias) starts with or contains the text, for a typeahead.

        The whole name first, then names that start with the text, then names with a word that
        starts with it, then names that contain it; alphabetically within each. With ``on``, only
        bodies that existed on that day.
        """
        query = normalise(text)
        if not query or limit <= 0:
            return []
        rank: dict[str, int] = {}
        for name, body in self._search_names:
            if on is not None and not body.valid_on(on):
                continue
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

    def resolve(self, name: str, on: date | None = None) -> Resolution:
        """The one body a name as written in a document means, or why there is none.

        ``on`` is the date of the document: bodies that existed then are preferred, and a name of a
        body that no longer existed then is resolved with a note saying so.
        """
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
            return self._found(name, self._index[whole], whole, notes, on, written=text)

        # 2. A Finnish case form of a municipality's name.
        if whole in self._forms:
            found = self._forms[whole]
            cases = sorted(set(found.values()))
            return self._found(name, found, whole, [*notes, f"inflected form ({', '.join(cases)})"], on)

        # 3. A group of bodies is not one body, however close its words are to a name.
        if any(_GROUP_WORD.search(compact(word)) for word in words):
            return self._group(name, words)

        # 4. A municipality's name or genitive, followed by an organisational word.
        last = compact(words[-1])
        if last in ORGANISATIONAL_WORDS:
            rest = compact(" ".join(words[:-1]))
            if not rest:
                return Resolution(name, None, error=f"only the organisational word '{words[-1]}', no name")
            if rest in self._municipal_index:
                notes.append(f"'{last}' removed" if last in _NOMINATIVES else f"inflected form, '{last}' removed")
                return self._found(
                    name, self._municipal_index[rest], rest, notes, on, claimed=ORGANISATIONAL_WORDS[last]
                )
            # A Swedish official name puts the place in the genitive: "Villmanstrands stad", "Korsholms kommun".
            base = rest[:-1] if rest.endswith("s") else ""
            found = self._municipal_index.get(base, {})
            # A name the same in both languages is indexed as Finnish; its Swedish name is still the base.
            if base and found and all(how == _SWEDISH or compact(self._by_key[key].name_sv) == base
                                      for key, how in found.items()):
                notes.append(f"'{last}' removed")
                return self._found(name, found, base, notes, on, claimed=ORGANISATIONAL_WORDS[last])

        # 5. A misspelling, if one body is clearly the closest; else unresolved.
        return self._misspelt(name, words, notes, on)

    def _found(
        self,
        query: str,
        found: dict[str, str],
        key: str,
        notes: list[str],
        on: date | None,
        written: str | None = None,
        claimed: str | None = None,
    ) -> Resolution:
        """The resolution for a lookup key that matched: one body, or ambiguous if it names several."""
        if len(found) > 1 and on is not None:
            # Two bodies of the same name, one of them gone by the document's date: the one that existed.
            current = {k: how for k, how in found.items() if self._by_key[k].valid_on(on)}
            found = current if len(current) == 1 else found
        if len(found) > 1:
            bodies = sorted((self._by_key[k] for k in found), key=lambda b: finnish_key(b.name_fi))
            names = " and ".join(b.name_fi for b in bodies)
            return Resolution(
                query, None, error=f"ambiguous: the name fits {names}", candidates=tuple(bodies[:MAX_CANDIDATES])
            )
        ((body_key, how),) = found.items()
        body = self._by_key[body_key]
        notes = list(notes)
        spelling = self._spelling.get(key, key)
        if how == _SWEDISH:
            notes.append("Swedish name")
        elif how == _ALIAS:
            notes.append(f"alias '{spelling}'")
        elif how == _GENITIVE and claimed is None:
            notes.append("genitive form")
        if written is not None and how in (_FINNISH, _ALIAS) and spaced(written) != spaced(spelling):
            notes.append(f"spaces or hyphens differ from '{spelling}'")
        notes += self._form_mismatch(body, claimed)
        notes += self._validity(body, on)
        return Resolution(query, body, note="; ".join(notes) or None)

    def _validity(self, body: Body, on: date | None) -> list[str]:
        """What a reader must know of a former municipality: what it became, and whether it still existed."""
        if body.valid_to is None:
            return []
        successor = self.successor(body)
        became = f"merged into {successor.name_fi} ({successor.code})" if successor else "ended"
        note = f"{body.name_fi} {became} after {body.valid_to.isoformat()}"
        if on is not None and not body.valid_on(on):
            note += f"; it no longer existed on {on.isoformat()}"
        return [note]

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

    def nearest(self, text: str, on: date | None = None, removed: str | None = None) -> dict[str, _Near]:
        """Every body with a name within ``CUTOFF`` edits of ``text`` (compact), with its closest name."""
        best: dict[str, _Near] = {}
        index = self._index if removed is None else self._municipal_index
        for key, hows in index.items():
            if abs(len(key) - len(text)) > CUTOFF:
                continue
            d = distance(text, key)
            if d > CUTOFF:
                continue
            for body_key in hows:
                if on is not None and not self._by_key[body_key].valid_on(on):
                    continue
                if body_key not in best or d < best[body_key].distance:
                    best[body_key] = _Near(d, key, text, removed)
        return best

    def _misspelt(self, query: str, words: list[str], notes: list[str], on: date | None) -> Resolution:
        # What the name may be a misspelling of: the whole name among all bodies, and the name
        # without its organisational word among municipalities.
        best = self.nearest(compact(" ".join(words)), on)
        last = compact(words[-1])
        if len(words) > 1 and last in ORGANISATIONAL_WORDS:
            for body_key, near in self.nearest(compact(" ".join(words[:-1])), on, removed=last).items():
                if body_key not in best or near.distance < best[body_key].distance:
                    best[body_key] = near
        ranked = sorted(best, key=lambda k: (best[k].distance, finnish_key(self._by_key[k].name_fi)))

        if ranked:
            first = best[ranked[0]]
            runner_up = best[ranked[1]].distance if len(ranked) > 1 else CUTOFF + 1
            if acceptable(first.text, first.key, first.distance, runner_up):
                body = self._by_key[ranked[0]]
                notes = [*notes, f"corrected misspelling of '{self._spelling[first.key]}'"]
                if first.removed is not None:
                    notes.append(f"'{first.removed}' removed")
                    notes += self._form_mismatch(body, ORGANISATIONAL_WORDS[first.removed])
                notes += self._validity(body, on)
                return Resolution(query, body, note="; ".join(notes))
            tied = [self._by_key[k].name_fi for k in ranked if best[k].distance == first.distance]
            if len(tied) > 1 and first.distance <= 2:
                error = "ambiguous: equally close to " + " and ".join(tied[:MAX_CANDIDATES])
                return Resolution(query, None, error=error,
                                  candidates=tuple(self._by_key[k] for k in ranked[:MAX_CANDIDATES]))
            if len(ranked) > 1 and first.distance <= 2 and runner_up <= first.distance + 2:
                error = (f"ambiguous: {self._by_key[ranked[0]].name_fi} is not clearly closer than "
                         f"{self._by_key[ranked[1]].name_fi}")
                return Resolution(query, None, error=error,
                                  candidates=tuple(self._by_key[k] for k in ranked[:MAX_CANDIDATES]))

        # Unresolved: say whether it names several bodies, and offer the closest ones.
        named = self._named_in(words)
        candidates = list(named)
        for body in [self._by_key[k] for k in ranked] + self.search(" ".join(words), limit=MAX_CANDIDATES, on=on):
            if body not in candidates:
                candidates.append(body)
        if len(named) > 1:
            error = "names more than one body: " + ", ".join(b.name_fi for b in named)
        elif ranked and best[ranked[0]].distance <= 2:
            error = f"not close enough to any one body to be corrected (nearest: {self._by_key[ranked[0]].name_fi})"
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


@functools.cache
def load_registry() -> Registry:
    """The registry of the data files shipped with the package, built once per process."""
    bodies, aliases = load_data()
    return Registry(bodies, aliases)


def resolve(name: str, on: date | None = None) -> Resolution:
    """Which body a name as written in a document means: ``load_registry().resolve(name, on)``."""
    return load_registry().resolve(name, on)
