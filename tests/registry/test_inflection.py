"""Case forms of municipalities' names: real forms written by hand resolve, and the generator's rules."""

import csv
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from avustus.registry.inflection import (
    CASES,
    ORGANISATIONAL_CASES,
    finnish_case_forms,
    is_back,
    swedish_genitive,
)
from avustus.registry.resolver import load_registry, resolve

REGISTRY = load_registry()
BY_NAME = {b.name_fi: b for b in REGISTRY.municipalities()}
ATTESTED = Path(__file__).with_name("data") / "attested-forms.csv"


def _attested() -> list[tuple[str, str, str]]:
    with ATTESTED.open(encoding="utf-8") as f:
        lines = [line for line in f if not line.startswith("#")]
    return [(r["form"], r["municipality"], r["case"]) for r in csv.DictReader(lines)]


ATTESTED_FORMS = _attested()


def test_the_attested_list_is_long_and_covers_every_case():
    assert len(ATTESTED_FORMS) >= 150
    cases = {case.split(" (")[0] for _, _, case in ATTESTED_FORMS}
    assert set(CASES) <= cases
    assert {c for c in cases if c.startswith("compound")} >= {"compound allative", "compound illative",
                                                              "compound inessive", "compound elative"}
    assert all(name in BY_NAME for _, name, _ in ATTESTED_FORMS)


@pytest.mark.parametrize(("form", "name", "case"), ATTESTED_FORMS)
def test_every_attested_form_resolves_to_its_municipality(form, name, case):
    result = resolve(form)
    assert result.body == BY_NAME[name], (form, result.error, [c.name_fi for c in result.candidates])
    assert not result.corrected or result.body.valid_to is not None, result.note  # read, not corrected


@pytest.mark.parametrize(("form", "name"), [
    (form, name) for form, name, case in ATTESTED_FORMS
    if case.split(" (")[0] in CASES and " " not in form and not case.startswith("Swedish")
])
def test_every_attested_bare_form_is_generated(form, name):
    """The generator itself makes every attested bare form (not only the resolver finding it somehow)."""
    body = BY_NAME[name]
    generated = {f for variants in finnish_case_forms(body.name_fi, body.genitive_fi).values() for f in variants}
    assert form in generated


@pytest.mark.parametrize(("name", "back"), [
    ("Oulu", True), ("Jyväskylä", False), ("Seinäjoki", True), ("Rovaniemi", False), ("Kiuruvesi", False),
    ("Kemi", False), ("Iisalmi", True), ("Pieksämäki", False), ("Mänttä-Vilppula", True), ("Ii", False),
])
def test_vowel_harmony(name, back):
    assert is_back(name) is back


def test_gradation_comes_from_the_genitive_and_the_strong_grade_back_in_the_illative():
    forms = finnish_case_forms("Lahti", "Lahden")
    assert forms["inessive"] == ("Lahdessa",) and forms["illative"] == ("Lahteen",)
    forms = finnish_case_forms("Helsinki", "Helsingin")
    assert forms["allative"] == ("Helsingille",) and forms["illative"] == ("Helsinkiin",)


def test_organisational_words_in_every_case():
    assert ORGANISATIONAL_CASES["kaupunki"]["illative"] == "kaupunkiin"
    assert ORGANISATIONAL_CASES["kunta"]["allative"] == "kunnalle"
    assert resolve("Kuopion kaupungilta").body.code == "297" and resolve("Kuopion kunnasta").note.endswith(
        "Kuopio is a kaupunki")


def test_swedish_genitive():
    assert swedish_genitive("Esbo") == "Esbos" and swedish_genitive("Korsnäs") == "Korsnäs"
    assert resolve("Esbos").body.code == "049" and resolve("Helsingfors").body.code == "091"


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(REGISTRY.municipalities()), st.sampled_from(CASES), st.data())
def test_every_municipality_in_every_case_form_resolves_to_itself(body, case, data):
    """Bare and "-n kaupunki/kunta" forms, consonant gradation included; former municipalities too."""
    variants = finnish_case_forms(body.name_fi, body.genitive_fi)[case]
    form = data.draw(st.sampled_from(variants))
    assert resolve(form).body == body, form
    word = data.draw(st.sampled_from(sorted(ORGANISATIONAL_CASES)))
    compound = f"{body.genitive_fi} {ORGANISATIONAL_CASES[word][case]}"
    assert resolve(compound).body == body, compound


def test_every_case_form_of_every_municipality_resolves_exhaustively():
    wrong = []
    for body in REGISTRY.municipalities():
        for case, form in REGISTRY.case_forms(body):
            if resolve(form).body != body:
                wrong.append(form)
            if case not in CASES:
                continue
            for word in ORGANISATIONAL_CASES.values():
                if resolve(f"{body.genitive_fi} {word[case if case in word else 'nominative']}").body != body:
                    wrong.append(f"{body.genitive_fi} {word[case]}")
    assert wrong == []
