"""Splitting the lead cell of Appendix 1 into the lead and its partners, noting what is odd about it.

Pure Python, standard library only.
"""

import re
import string
import unicodedata

from avustus.decisions.importing.lines import clean
from avustus.decisions.vocabulary import fi
from avustus.decisions.vocabulary.base import Vocabulary

# Letters expected in names of Finnish and Swedish bodies; any other letter is worth a note
# (the seed has a dotless "ı" in "Naantalın", which no registry lookup would find).
_EXPECTED_LETTERS = set(string.ascii_letters + "ÅÄÖåäöÉéÜüŠšŽž")


def split_applicant_cell(cell: str, vocab: Vocabulary = fi.VOCABULARY) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """(lead, partners, notes) of an appendix cell such as "Hollolan kunta (Heinola, Asikkala, Orimattila)".

    The lead is the text before the first parenthesis, the partners are the names inside it.
    Cells that do not follow that form are split as sensibly as they allow, and each departure is
    recorded as a note so that it becomes a finding rather than a silent guess. Names are not
    resolved here.
    """
    notes: list[str] = []
    text = clean(cell)
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
