"""Comparing names: normal forms, edit distance, and when a misspelling may be corrected.

Precision before recall: a wrong body that looks right is the worst error a grant system can make
(the money is booked to another municipality and no one notices), while an unresolved name only
costs a person a look. So a misspelling is corrected only when it is close to one name and clearly
further from every other:

- a name of fewer than 7 letters is never corrected ("Sala" could be Salla or Salo, "Vaala" is one
  letter from "Vaasa", and their genitives "Vaalan" and "Vaasan" too);
- up to 11 letters, one edit; from 12 letters, two ("Lapinjärvi" and "Lappajärvi", both
  municipalities, are two edits apart);
- a correction that changes the first letter is allowed only for names of 10 letters or more, and
  then only one edit: "Valtimo" and "Paltamo" are two different municipalities two edits apart;
- the runner-up (the closest other body) must be at least 3 edits further away for names under
  8 letters or first-letter changes, and 2 for the others.

Pure Python and the standard library only.
"""

from __future__ import annotations

import re

from avustus.rules.collation import fold

# Distances are computed up to this bound only: enough to accept a match and to see every runner-up
# within the widest margin.
CUTOFF = 4

# Case-folded NFKC text with one kind of hyphen and single spaces between words: the rules' own fold.
normalise = fold


def compact(text: str) -> str:
    """The letters and digits of the normalised text only: "Kunta-yhtymä " and "kuntayhtymä" agree."""
    return "".join(ch for ch in normalise(text) if ch.isalnum())


def spaced(text: str) -> str:
    """Normalised text without punctuation other than hyphens, to tell a difference in spacing."""
    return " ".join(re.sub(r"[^\w\s-]", "", normalise(text)).split())


def distance(a: str, b: str, cutoff: int = CUTOFF) -> int:
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


def allowed_distance(letters: int, first_letter_changed: bool = False) -> int:
    """How many edits a misspelling of a name this long may have (see the module's docstring)."""
    if letters < 7:
        return 0
    if first_letter_changed:
        return 1 if letters >= 10 else 0
    return 1 if letters < 12 else 2


def required_margin(letters: int, first_letter_changed: bool = False) -> int:
    """How many edits further the runner-up must be for a correction to be accepted."""
    return 3 if letters < 8 or first_letter_changed else 2


def acceptable(text: str, key: str, edits: int, runner_up: int) -> bool:
    """Whether ``text`` may be read as ``key`` at ``edits`` edits when the closest other body is ``runner_up`` away."""
    letters = min(len(text), len(key))
    changed = text[:1] != key[:1]
    return edits <= allowed_distance(letters, changed) and runner_up - edits >= required_margin(letters, changed)
