"""The Finnish case forms of municipalities' names, and the Swedish forms documents write them in.

Decisions name bodies inflected: "Oululle myönnettiin" (the allative as the recipient), "Lahdessa",
"Kuopion kaupunkiin", "Kauniaisten kaupungille". The resolver looks such forms up in a table built from
this module, so that it need not guess at endings.

The forms are generated from the name and its genitive (``genitive_fi`` in the data, which already
carries the consonant gradation and the irregular stems of ``build_data.GENITIVE_EXCEPTIONS``):

- the weak stem is the genitive without its "-n" (Lahden: Lahde-, Helsingin: Helsingi-, Vantaan:
  Vantaa-); a name plural in form (Kauniainen: Kauniaisten) takes the plural stem Kauniaisi-;
- the strong stem, for the illative, is the nominative, with the final -i of an e-stem turned to -e
  (Lahti: Lahteen, Iisalmi: Iisalmeen), or the weak stem for a consonant stem (Nurmes: Nurmekseen);
- the ending follows vowel harmony (Oulussa, Jyväskylässä), decided by the last vowel that is not
  neutral, except that a name ending in a neutral component ("-niemi", "-vesi") is front
  (Rovaniemellä, Kiuruvedellä);
- both the inessive and the adessive (and elative/ablative) series are generated for every name:
  a town takes one or the other by usage (Oulussa, Imatralla), which no rule predicts, and a form
  the town does not use names no other body either (the resolver refuses a form two bodies share).

What the rules get wrong is in ``FORM_EXCEPTIONS``, each form checked by hand. Pure Python.
"""

from __future__ import annotations

# The cases generated, in the order shown.
CASES = ("genitive", "inessive", "adessive", "illative", "allative", "elative", "ablative")

_VOWELS = set("aeiouyäöå")
_BACK, _FRONT = set("aou"), set("äöy")
# The last component of a compound with neutral vowels only, which makes the whole name front.
_NEUTRAL_ENDINGS = ("niemi", "vesi", "kemi")

# Forms the rules cannot make: names whose both parts inflect (Isokyrö: Isossakyrössä), a plural
# with its own stem (Virrat: Virroilla), and illatives with gradation in a consonant stem
# (Alavus: Alavuteen). These are added to what the rules give, never instead of it: people also
# write the regular forms ("Isonkyrön kunnassa").
FORM_EXCEPTIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "Isokyrö": {
        "inessive": ("Isossakyrössä",), "illative": ("Isoonkyröön",), "allative": ("Isollekyrölle",),
        "elative": ("Isostakyröstä",), "adessive": ("Isollakyröllä",), "ablative": ("Isoltakyröltä",),
    },
    "Uusikaupunki": {
        "inessive": ("Uudessakaupungissa",), "illative": ("Uuteenkaupunkiin",),
        "allative": ("Uudellekaupungille",), "elative": ("Uudestakaupungista",),
        "adessive": ("Uudellakaupungilla",), "ablative": ("Uudeltakaupungilta",),
    },
    "Uusikaarlepyy": {
        "inessive": ("Uudessakaarlepyyssä",), "illative": ("Uuteenkaarlepyyhyn",),
        "allative": ("Uudellekaarlepyylle",), "elative": ("Uudestakaarlepyystä",),
        "adessive": ("Uudellakaarlepyyllä",), "ablative": ("Uudeltakaarlepyyltä",),
    },
    "Virrat": {
        "genitive": ("Virtojen",), "inessive": ("Virroissa",), "adessive": ("Virroilla",),
        "illative": ("Virtoihin",), "allative": ("Virroille",), "elative": ("Virroista",),
        "ablative": ("Virroilta",),
    },
    # The adessive series of Kangasala is contracted: Kangasalla, Kangasalle, Kangasalta.
    "Kangasala": {"adessive": ("Kangasalla",), "allative": ("Kangasalle",), "ablative": ("Kangasalta",)},
    "Alavus": {"illative": ("Alavuteen",)},
    "Varkaus": {"illative": ("Varkauteen",)},
    "Pihtipudas": {"illative": ("Pihtiputaalle", "Pihtiputaaseen")},
    "Punkalaidun": {"illative": ("Punkalaitumeen",)},
}

# The organisational words after a genitive ("Kuopion kaupunkiin"), in every case.
ORGANISATIONAL_CASES: dict[str, dict[str, str]] = {
    "kaupunki": {
        "nominative": "kaupunki", "genitive": "kaupungin", "inessive": "kaupungissa", "adessive": "kaupungilla",
        "illative": "kaupunkiin", "allative": "kaupungille", "elative": "kaupungista", "ablative": "kaupungilta",
    },
    "kunta": {
        "nominative": "kunta", "genitive": "kunnan", "inessive": "kunnassa", "adessive": "kunnalla",
        "illative": "kuntaan", "allative": "kunnalle", "elative": "kunnasta", "ablative": "kunnalta",
    },
}


def is_back(word: str) -> bool:
    """Whether endings take a, o, u (back vowels) rather than ä, ö, y: Oulussa, Jyväskylässä."""
    lowered = word.lower()
    last = lowered.rsplit("-", 1)[-1].rsplit(" ", 1)[-1]
    if last.endswith(_NEUTRAL_ENDINGS):
        return False
    for ch in reversed(last):
        if ch in _BACK:
            return True
        if ch in _FRONT:
            return False
    return False


def _harmonise(ending: str, back: bool) -> str:
    return ending if back else ending.translate(str.maketrans("aou", "äöy"))


def _split_qualifier(name: str) -> tuple[str, str]:
    """ "Koski Tl" -> ("Koski", " Tl"): a qualifier after the name stays as it is."""
    head, sep, tail = name.partition(" ")
    if sep and len(tail) <= 3 and tail[:1].isupper():
        return head, sep + tail
    return name, ""


def _long_vowel(stem: str) -> bool:
    lowered = stem.lower()
    return len(lowered) >= 2 and lowered[-1] in _VOWELS and lowered[-1] == lowered[-2]


def finnish_case_forms(name: str, genitive: str) -> dict[str, tuple[str, ...]]:
    """The name in the seven cases decisions use, each with its variants, from the name and its genitive."""
    name, qualifier = _split_qualifier(name)
    genitive, _ = _split_qualifier(genitive)
    back = is_back(name)
    forms: dict[str, list[str]] = {case: [] for case in CASES}
    forms["genitive"].append(genitive)
    plural = genitive.endswith("sten") and name.endswith("nen")
    if plural:
        weak = genitive[: -len("ten")] + "i"  # Kauniaisten: Kauniaisi-
        strong = weak
    else:
        weak = genitive[:-1] if genitive.endswith("n") else genitive
        if name[-1] in _VOWELS and not (name.endswith("e") and genitive.endswith("een")):
            strong = name
            if name.endswith("vesi"):
                strong = name[: -len("vesi")] + "vete"  # Kiuruvesi: Kiuruveteen
            elif name.endswith("i") and weak.endswith("e"):
                strong = name[:-1] + "e"  # Lahti: Lahteen, Iisalmi: Iisalmeen
        else:
            strong = weak  # Nurmes: Nurmekseen, Tampere: Tampereeseen
    for case, ending in (("inessive", "ssa"), ("adessive", "lla"), ("allative", "lle"),
                         ("elative", "sta"), ("ablative", "lta")):
        forms[case].append(weak + _harmonise(ending, back))
    if _long_vowel(strong):
        # Vantaa: Vantaaseen; Hyvinkää: Hyvinkäähän; Joensuu: Joensuuhun.
        forms["illative"] += [strong + "seen", strong + "h" + strong[-1] + "n"]
    elif strong[-1] in _VOWELS:
        forms["illative"].append(strong + strong[-1] + "n")  # Oulu: Ouluun, Kemi: Kemiin
    for case, extra in FORM_EXCEPTIONS.get(name, {}).items():
        forms[case] += [f for f in extra if f not in forms[case]]
    return {case: tuple(f + qualifier for f in values) for case, values in forms.items()}


def swedish_genitive(name: str) -> str:
    """Esbo: Esbos; a name ending in -s, -x or -z takes no ending (Korsnäs)."""
    return name if name[-1:].lower() in {"s", "x", "z"} else name + "s"
