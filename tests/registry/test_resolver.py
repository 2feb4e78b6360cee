"""Resolving names of public bodies as real documents write them, and refusing to guess."""

import json
import re
import subprocess
import sys
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from avustus.registry.resolver import (
    Body,
    Registry,
    Resolution,
    compact,
    distance,
    load_registry,
    normalise,
    resolve,
)
from tests.conftest import SEED

REGISTRY = load_registry()
MUNICIPALITIES = REGISTRY.municipalities()


def key_of(name_fi: str) -> str:
    return next(b.key for b in REGISTRY.bodies if b.name_fi == name_fi)


# --- Names from the decision of 26.2.2020 -----------------------------------------------------------

SEED_NAMES = [
    ("Espoon kaupunki", "049"),
    ("Tampere", "837"),
    ("Hämeenlinnan kaupungille", "109"),
    ("Kangasalan kaupunki", "211"),
    ("Lestijärven kunnalle", "421"),
    ("Naantalın kaupunki", "529"),
    ("Pargas stad", "445"),
    ("Kimitoö", "322"),
    ("Mäntälä", "505"),
    ("Uuikaupunki", "895"),
    ("Esbo stad", "049"),
    ("Helsingfors", "091"),
    ("Etelä-Karjalan sosiaali- ja terveydenhuollon kuntayhtymä", "eksote"),
    ("Espoon seudun koulutus kunta-yhtymä Omnia", "omnia"),
    ("Kotkan-Haminan seudun koulutus-kuntayhtymä", "ekami"),
    ("Ylä-Savon koulutus kuntayhtymä", "ysao"),
    ("Ylä-Savon SOTE kuntayhtymä", "ylasavon-sote"),
    ("Keusote", "keusote"),
    ("Kainuun liitto", "kainuun-liitto"),
    ("Kaustisen seutukunta", "kaustisen-seutukunta"),
    ("Pietarsaaren SOTE", "pietarsaaren-sote"),
    ("Pietarsaaren kaupunki", "598"),
    ("Vaasan kaupunki", "905"),
    ("Kauniaisten kaupungille", "235"),
    ("Paraisten kaupungille", "445"),
    ("Nousiaisten kunnalle", "538"),
    ("Karvia", "230"),
    ("Siikainen", "747"),
    ("Mänttä-Vilppulan kaupungille", "508"),
    ("Forssa...", "061"),
    ("Seinäjoen kaupunki", "743"),
    ("Liedon kunta", "423"),
    ("Iisalmen kaupunki", "140"),
    ("Kuopion kaupunki", "297"),
    ("Hollolan kunta", "098"),
]


@pytest.mark.parametrize(("name", "key"), SEED_NAMES)
def test_seed_names_resolve(name, key):
    result = resolve(name)
    assert result.body is not None, result.error
    assert result.body.key == key
    assert result.error is None and result.candidates == ()


@pytest.mark.parametrize(
    ("name", "note"),
    [
        ("Mäntälä", "corrected misspelling of 'Mäntsälä'"),
        ("Kimitoö", "corrected misspelling of 'Kimitoön'"),
        ("Uuikaupunki", "corrected misspelling of 'Uusikaupunki'"),
        ("Naantalın kaupunki", "dotless 'ı' read as 'i'"),
        ("Pargas stad", "Swedish name"),
        ("Helsingfors", "Swedish name"),
        ("Hämeenlinnan kaupungille", "inflected form"),
        ("Forssa...", "trailing ellipsis removed"),
        ("Espoon seudun koulutus kunta-yhtymä Omnia", "spaces or hyphens differ"),
        ("Keusote", "alias"),
        ("Hollolan kaupunki", "Hollola is a kunta"),
    ],
)
def test_what_was_done_is_noted(name, note):
    result = resolve(name)
    assert result.body is not None
    assert note in result.note


@pytest.mark.parametrize("name", ["Tampere", "Karvia", "Kainuun liitto", "HELSINKI", "  Espoo  "])
def test_exact_names_carry_no_note(name):
    assert resolve(name).note is None


def test_every_recipient_and_deferred_applicant_in_the_seed_body_resolves():
    text = SEED.read_text(encoding="utf-8")
    recipients = re.findall(r"^\d+\. \*\*(.+? (?:kaupungille|kunnalle))", text, re.MULTILINE)
    deferred_section = text.split("Jatkoselvitystä edellyttävät hankkeet")[1].split("Muille avustusta")[0]
    deferred = re.findall(r"^\d+\. \*\*(.+?)\*\*,", deferred_section, re.MULTILINE)
    assert len(recipients) == 27 and len(deferred) == 6
    for name in recipients + deferred:
        result = resolve(name)
        assert result.body is not None, (name, result.error)
        assert result.body.municipal_form in {None, name.split()[-1].replace("kaupungille", "kaupunki")
                                              .replace("kunnalle", "kunta")}, name


# --- Refusals ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("seurantajäsenet", "group"),
        ("Porvoon seudun musiikkiopiston sopimuskunnat", "group"),
        ("Etelä-Karjalan kunnat /opetustoimet", "group"),
        ("Tampere + seurantajäsenet", "group"),
        ("", "empty"),
        ("   ", "empty"),
        ("...", "empty"),
        ("Kaupunki", "organisational word"),
        ("kunnalle", "organisational word"),
        ("banaanikärpänen", "no registry entry"),
        ("Valtiovarainministeriö", "no registry entry"),
        ("Sala", "ambiguous"),  # Salla and Salo, one edit each
        ("Lestijärven kunta Kaustisen seutukunta", "more than one body"),
        ("Hyvinkää, Järvenpää, Kerava", "more than one body"),
    ],
)
def test_refused_with_a_reason(name, error):
    result = resolve(name)
    assert result.body is None and result.note is None
    assert error in result.error
    assert len(result.candidates) <= 5


def test_a_group_offers_what_it_mentions():
    assert [b.name_fi for b in resolve("Porvoon seudun musiikkiopiston sopimuskunnat").candidates] == ["Porvoo"]
    assert [b.name_fi for b in resolve("Tampere + seurantajäsenet").candidates] == ["Tampere"]
    assert resolve("seurantajäsenet").candidates == ()


def test_a_regional_group_offers_the_region():
    result = resolve("Etelä-Karjalan kunnat /opetustoimet")
    assert "Etelä-Karjala" in result.error
    assert result.candidates and all(b.region_code == "09" and b.kind == "municipality" for b in result.candidates)


def test_a_tie_lists_both():
    result = resolve("Sala")
    assert "Salla and Salo" in result.error
    assert [b.name_fi for b in result.candidates[:2]] == ["Salla", "Salo"]


def test_several_bodies_are_named_not_merged():
    result = resolve("Lestijärven kunta Kaustisen seutukunta")
    assert [b.key for b in result.candidates] == ["421", "kaustisen-seutukunta"]


def test_a_near_miss_offers_candidates():
    result = resolve("Hämeenlinnan kaupunkki")  # misspelt organisational word: not read as one
    assert result.body is None
    assert result.candidates[0].name_fi == "Hämeenlinna"


def test_very_short_names_are_not_corrected():
    assert resolve("I").body is None  # one edit from Ii, but so is nearly everything that short
    assert resolve("Ii").body.name_fi == "Ii"


# --- Invariants -------------------------------------------------------------------------------------

FORMS = [
    "{name_fi}", "{name_sv}", "{genitive}", "{genitive} kaupunki", "{genitive} kunta", "{genitive} kaupungille",
    "{genitive} kunnalle", "{genitive} kaupungin", "{genitive} kunnan", "{name_sv} stad", "{name_sv} kommun",
    "{genitive} {form}", "{name_fi} {form}",
]
CASES = [str, str.upper, str.lower, str.title, lambda s: f"  {s}\t", lambda s: s.replace(" ", "  ")]


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(MUNICIPALITIES), st.sampled_from(FORMS), st.sampled_from(CASES))
def test_every_municipality_resolves_to_itself_in_every_form(body, form, case):
    if "name_sv" in form and not body.name_sv:
        return  # former municipalities: no Swedish name recorded
    name = case(form.format(name_fi=body.name_fi, name_sv=body.name_sv, genitive=body.genitive_fi,
                            form=body.municipal_form))
    result = resolve(name)
    assert result.body == body, (name, result.error)


def test_every_municipality_resolves_exhaustively():
    # How fast is measured in benchmarks/resolver.py, not asserted here.
    names = [
        (body, form.format(name_fi=body.name_fi, name_sv=body.name_sv, genitive=body.genitive_fi,
                           form=body.municipal_form))
        for body in MUNICIPALITIES for form in FORMS if body.name_sv or "name_sv" not in form
    ]
    wrong = [(name, result.error) for body, name in names if (result := resolve(name)).body != body]
    assert wrong == []


def test_every_other_body_resolves_by_every_name():
    for body in REGISTRY.bodies:
        if body.kind == "municipality":
            continue
        for name in [body.name_fi, body.name_sv, *REGISTRY.aliases(body.key)]:
            if name:
                assert resolve(name).body == body, name
                assert resolve(name.replace(" ", "")).body == body, name


def test_no_way_of_writing_a_name_belongs_to_two_bodies():
    owners: dict[str, set[str]] = {}
    for body in REGISTRY.bodies:
        for name, _ in REGISTRY.names_of(body):
            owners.setdefault(compact(name), set()).add(body.key)
    assert {k: v for k, v in owners.items() if len(v) > 1} == {}


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_any_text_gives_a_well_formed_resolution(text):
    result = resolve(text)
    assert isinstance(result, Resolution) and result.query == text
    assert (result.body is None) != (result.error is None)
    if result.body is None:
        assert result.note is None and len(result.candidates) <= 5
    else:
        assert result.candidates == ()
    json.dumps(result.to_json())


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(["kunta", "kaupunki", "stad", "Kaupunki", "kommunen", "-", " ", ".", "...", "/"]), max_size=6
    )
)
def test_organisational_words_and_punctuation_alone_never_resolve(parts):
    assert resolve(" ".join(parts)).body is None


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(MUNICIPALITIES), st.data())
def test_a_one_letter_slip_in_a_long_name_is_corrected_or_refused_never_misread(body, data):
    name = body.name_fi
    i = data.draw(st.integers(0, len(name) - 1))
    slipped = name[:i] + name[i + 1:]  # a dropped letter
    result = resolve(slipped)
    if result.body is not None and compact(slipped) not in {compact(n) for n, _ in REGISTRY.names_of(result.body)}:
        # Accepted as a misspelling: then it must be this body, unless the slip made another name.
        assert result.body == body or distance(compact(slipped), compact(result.body.name_fi)) <= 1, slipped


# --- JSON, lookups and search -----------------------------------------------------------------------


def test_to_json_when_resolved():
    assert resolve("Hämeenlinnan kaupungille").to_json() == {
        "query": "Hämeenlinnan kaupungille", "resolved_name": "Hämeenlinna", "kind": "municipality", "code": "109",
    }
    assert resolve("Keusote").to_json() == {
        "query": "Keusote", "resolved_name": "Keski-Uudenmaan sote-kuntayhtymä", "kind": "joint_authority",
        "code": None,
    }


def test_to_json_when_not_resolved():
    data = resolve("Sala").to_json()
    assert set(data) == {"query", "error", "candidates"}
    assert data["candidates"][0] == {"resolved_name": "Salla", "kind": "municipality", "code": "732"}


def test_bodies_and_lookups():
    # The 310 municipalities of 2020, the 10 that merged into others from 2015 to 2019 and the 97 of
    # 2009-2013 the history lists (sources/municipalities-history.csv).
    assert len(MUNICIPALITIES) == 417 and len(REGISTRY.municipalities(on=date(2020, 2, 26))) == 310
    assert len(REGISTRY.municipalities(on=date(2021, 1, 1))) == 309  # Honkajoki merged into Kankaanpää
    assert len(REGISTRY.bodies) == 417 + 9
    hml = REGISTRY.by_key("109")
    assert (hml.name_fi, hml.name_sv, hml.display_name) == ("Hämeenlinna", "Tavastehus", "Hämeenlinna")
    assert (hml.region_code, hml.region_name_fi, hml.region_name_sv) == ("05", "Kanta-Häme", "Egentliga Tavastland")
    assert (hml.language, hml.municipal_form, hml.genitive_fi, hml.code) == ("fi", "kaupunki", "Hämeenlinnan", "109")
    with pytest.raises(KeyError):
        REGISTRY.by_key("nonexistent")
    assert load_registry() is REGISTRY


def test_municipalities_are_in_finnish_alphabetical_order():
    names = [b.name_fi for b in MUNICIPALITIES]
    assert names[0] == "Akaa" and names[-2:] == ["Ähtäri", "Äänekoski"]
    assert names.index("Vöyri") < names.index("Ylitornio")


def test_other_bodies_are_consistent():
    codes = {b.code for b in MUNICIPALITIES}
    regions = {b.region_code for b in MUNICIPALITIES}
    others = [b for b in REGISTRY.bodies if b.kind != "municipality"]
    assert {b.kind for b in others} == {"joint_authority", "regional_council", "sub_region", "other"}
    for body in others:
        assert body.code is None and body.region_code in regions and body.region_name_fi
        assert set(body.member_codes) <= codes, body.key
        assert all(body.region_code == REGISTRY.by_key(c).region_code for c in body.member_codes), body.key
    kainuu = {b.code for b in MUNICIPALITIES if b.region_code == "18"}
    assert set(REGISTRY.by_key("kainuun-liitto").member_codes) == kainuu
    kase = REGISTRY.by_key("kaustisen-seutukunta").member_codes
    assert sorted(REGISTRY.by_key(c).name_fi for c in kase) == [
        "Halsua", "Kaustinen", "Lestijärvi", "Toholampi", "Veteli"
    ]


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("Hämeenl", "Hämeenlinna"), ("helsingf", "Helsinki"),
        ("eksote", "Etelä-Karjalan sosiaali- ja terveydenhuollon kuntayhtymä"),
        ("Tampere", "Tampere"), ("vilppula", "Vilppula"),
        ("savon", "Etelä-Karjalan sosiaali- ja terveydenhuollon kuntayhtymä"),
    ],
)
def test_search(text, first):
    found = REGISTRY.search(text)
    if text == "savon":
        # Substring matches: Savonlinna by prefix first, then the Ylä-Savon bodies by word.
        assert found[0].name_fi == "Savonlinna"
        assert {"ysao", "ylasavon-sote"} <= {b.key for b in found}
    else:
        assert found[0].name_fi == first
    if text == "vilppula":
        # The former Vilppula by its exact name first, then the body it became part of, by word.
        assert "Mänttä-Vilppula" in [b.name_fi for b in found]


def test_search_limits_and_empty_text():
    assert REGISTRY.search("") == [] and REGISTRY.search("   ") == []
    assert len(REGISTRY.search("a", limit=3)) == 3
    assert REGISTRY.search("zzzz") == []


# --- Building blocks --------------------------------------------------------------------------------


def test_normalise_and_compact():
    assert normalise("  NAANTALın\u00a0 Kaupunki ") == "naantalin kaupunki"
    assert normalise("Mänttä–Vilppula") == "mänttä-vilppula"  # en dash
    assert normalise("Ha\u0308meenlinna") == "hämeenlinna"  # combining diaeresis
    assert compact("koulutus kunta-yhtymä") == compact("koulutuskuntayhtymä")
    assert compact("S:t Mårtens") == "stmårtens"


@pytest.mark.parametrize(
    ("a", "b", "d"),
    [("mäntälä", "mäntsälä", 1), ("kimitoö", "kimitoön", 1), ("turku", "turku", 0), ("salo", "slao", 1),
     ("abc", "xyz", 3), ("a", "abcdefgh", 5)],  # beyond the cutoff of 4: 5
)
def test_distance(a, b, d):
    assert distance(a, b) == d


def test_a_registry_can_be_built_from_bodies():
    body = Body("x", "other", None, "Testivirasto", "", None, None, None, None, None, None)
    registry = Registry([body], {"x": ["TV"]})
    assert registry.resolve("tv").body == body and registry.resolve("Testivirastto").body == body
    with pytest.raises(ValueError):
        Registry([body, body])
    with pytest.raises(ValueError):
        Registry([body], {"y": ["Y"]})


def test_the_resolver_does_not_need_django():
    code = "import sys, avustus.registry.resolver as r; r.resolve('Tampere'); print('django' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize(("written", "code"), [
    ("Villmanstrands stad", "405"), ("Villmanstrand stad", "405"), ("Uleåborgs stad", "564"),
    ("Korsholms kommun", "499"), ("Esbo stad", "049"),
    # Åland: the same name in Finnish and Swedish (indexed as Finnish), still a genitive in Swedish.
    ("Kökars kommun", "318"), ("Sunds kommun", "771"), ("Saltviks kommun", "736"),
])
def test_swedish_names_in_the_genitive_before_stad_or_kommun(written, code):
    """Official Swedish names put the place in the genitive ("Villmanstrands stad"), as Swedish decisions write them."""
    found = resolve(written)
    assert found.body.code == code and not found.corrected
