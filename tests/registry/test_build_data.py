"""The registry's municipality file: built from the source tabulation kept beside it, with genitives and city status."""

import csv
from pathlib import Path

import pytest

from avustus.registry import build_data
from avustus.registry.build_data import KAUPUNKI_2020, build_all, build_rows, finnish_genitive

REPO = Path(__file__).resolve().parents[2]
SHARED_CSV = REPO / "src" / "avustus" / "registry" / "data" / "sources" / "municipalities-2020.csv"
SHIPPED_CSV = REPO / "src" / "avustus" / "registry" / "data" / "municipalities-2020.csv"
FORMER_CSV = SHIPPED_CSV.with_name("municipalities-former.csv")
HISTORY_CSV = SHARED_CSV.with_name("municipalities-history.csv")
DATA_README = SHIPPED_CSV.with_name("README.md")


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def rows() -> dict[str, dict[str, str]]:
    """The shipped rows by Finnish name."""
    return {r["name_fi"]: r for r in _read(SHIPPED_CSV)}


def test_shipped_file_is_what_the_script_builds_from_the_source():
    # Someone who edits the data file by hand, or the script without running it, is caught here.
    assert (_read(SHIPPED_CSV), _read(FORMER_CSV)) == build_all(SHARED_CSV, HISTORY_CSV)


def test_script_writes_the_files(tmp_path):
    out = tmp_path / "municipalities.csv"
    assert build_data.main([str(SHARED_CSV), "--output", str(out), "--history", str(HISTORY_CSV)]) == 0
    assert out.read_text(encoding="utf-8") == SHIPPED_CSV.read_text(encoding="utf-8")
    assert out.with_name("municipalities-former.csv").read_text(encoding="utf-8") == FORMER_CSV.read_text(
        encoding="utf-8")


def test_the_2020_file_alone_has_no_history():
    assert all(r["valid_to"] == r["successor_code"] == "" for r in build_rows(SHARED_CSV))


@pytest.mark.parametrize(("name", "code", "valid_to", "successor"), [
    ("Valtimo", "911", "2019-12-31", "541"),  # into Nurmes, 1.1.2020
    ("Honkajoki", "099", "2020-12-31", "214"),  # into Kankaanpää, 1.1.2021
    ("Nastola", "532", "2015-12-31", "398"),  # into Lahti, 1.1.2016
    ("Juankoski", "174", "2016-12-31", "297"),  # into Kuopio, 1.1.2017
])
def test_mergers(name, code, valid_to, successor):
    rows = {r["name_fi"]: r for r in _read(SHIPPED_CSV) + _read(FORMER_CSV)}
    assert (rows[name]["code"], rows[name]["valid_to"], rows[name]["successor_code"]) == (code, valid_to, successor)


def test_history_is_consistent(tmp_path):
    rows, former = build_all(SHARED_CSV, HISTORY_CSV)
    codes = {r["code"] for r in rows}
    assert not codes & {r["code"] for r in former}
    # The merger of Karstula, Kannonkoski, Kivijärvi and Kyyjärvi planned for 2022 did not happen.
    assert {r["name_fi"] for r in former} >= {"Valtimo", "Maaninka"}
    assert not {"Karstula", "Kannonkoski", "Kivijärvi", "Kyyjärvi"} & {r["name_fi"] for r in former}
    bad = tmp_path / "history.csv"
    bad.write_text("code,name_fi,valid_to,successor_code,source\n099,Honkajärvi,2020-12-31,214,x\n", encoding="utf-8")
    with pytest.raises(ValueError, match="Honkajoki"):
        build_all(SHARED_CSV, bad)
    bad.write_text("code,name_fi,valid_to,successor_code,source\n911,Valtimo,2019-12-31,999,x\n", encoding="utf-8")
    with pytest.raises(ValueError, match="successor"):
        build_all(SHARED_CSV, bad)


def test_columns_and_counts(rows):
    with SHIPPED_CSV.open(encoding="utf-8") as f:
        header = f.readline().strip().split(",")
    assert header == list(build_data.COLUMNS)
    assert len(rows) == 310
    assert sum(r["municipal_form"] == "kaupunki" for r in rows.values()) == 107
    assert {r["language"] for r in rows.values()} == {"fi", "sv", "fi-sv", "sv-fi"}
    assert all(len(r["code"]) == 3 and r["code"].isdigit() for r in rows.values())
    assert all(len(r["region_code"]) == 2 and r["region_code"].isdigit() for r in rows.values())
    assert all(r["name_sv"] == " ".join(r["name_sv"].split()) for r in rows.values())


def test_every_source_municipality_is_kept_with_its_code_and_names():
    source = {r["kunta"]: r for r in _read(SHARED_CSV)}
    shipped = {r["code"]: r for r in _read(SHIPPED_CSV)}
    assert set(shipped) == set(source)
    for code, row in shipped.items():
        assert row["name_sv"] == " ".join(source[code]["municipality_name_sv"].split())
        assert row["name_fi"] == source[code]["municipality_name_fi"] or (code, row["name_fi"]) == ("599", "Pedersöre")


@pytest.mark.parametrize(
    ("name", "language"),
    [
        ("Tampere", "fi"), ("Helsinki", "fi-sv"), ("Parainen", "sv-fi"), ("Maarianhamina", "sv"),
        ("Pietarsaari", "sv-fi"),
    ],
)
def test_language_status(rows, name, language):
    assert rows[name]["language"] == language


# The decision of 26.2.2020 calls these a kaupunki or a kunta.
SEED_KAUPUNKI = [
    "Hämeenlinna", "Kiuruvesi", "Kuusamo", "Lappeenranta", "Mänttä-Vilppula", "Oulu", "Parainen", "Seinäjoki",
    "Turku", "Iisalmi", "Jyväskylä", "Kangasala", "Kankaanpää", "Kauniainen", "Naantali", "Pietarsaari", "Porvoo",
    "Vantaa", "Espoo", "Helsinki", "Kuopio", "Paimio", "Tampere", "Kajaani", "Kalajoki", "Pori", "Ylivieska",
]
SEED_KUNTA = ["Lestijärvi", "Nousiainen", "Nurmijärvi", "Tuusula", "Hollola", "Lieto"]


@pytest.mark.parametrize("name", SEED_KAUPUNKI)
def test_seed_cities_are_kaupunki(rows, name):
    assert rows[name]["municipal_form"] == "kaupunki"


@pytest.mark.parametrize("name", SEED_KUNTA)
def test_seed_municipalities_are_kunta(rows, name):
    assert rows[name]["municipal_form"] == "kunta"


def test_city_list_names_only_real_municipalities(rows):
    assert KAUPUNKI_2020 <= set(rows)


@pytest.mark.parametrize(
    ("name", "genitive"),
    [
        ("Helsinki", "Helsingin"), ("Turku", "Turun"), ("Lahti", "Lahden"), ("Kauniainen", "Kauniaisten"),
        ("Parainen", "Paraisten"), ("Nousiainen", "Nousiaisten"), ("Siikainen", "Siikaisten"), ("Virrat", "Virtain"),
        ("Uusikaupunki", "Uudenkaupungin"), ("Kiuruvesi", "Kiuruveden"), ("Seinäjoki", "Seinäjoen"),
        ("Lieto", "Liedon"), ("Lappeenranta", "Lappeenrannan"), ("Hanko", "Hangon"),
        ("Mänttä-Vilppula", "Mänttä-Vilppulan"), ("Tampere", "Tampereen"), ("Iisalmi", "Iisalmen"),
        # Forms the decision of 26.2.2020 writes.
        ("Hämeenlinna", "Hämeenlinnan"), ("Kuusamo", "Kuusamon"), ("Lestijärvi", "Lestijärven"),
        ("Nurmijärvi", "Nurmijärven"), ("Oulu", "Oulun"), ("Hollola", "Hollolan"), ("Jyväskylä", "Jyväskylän"),
        ("Kangasala", "Kangasalan"), ("Kankaanpää", "Kankaanpään"), ("Naantali", "Naantalin"),
        ("Pietarsaari", "Pietarsaaren"), ("Porvoo", "Porvoon"), ("Tuusula", "Tuusulan"), ("Vantaa", "Vantaan"),
        ("Espoo", "Espoon"), ("Kuopio", "Kuopion"), ("Paimio", "Paimion"), ("Kajaani", "Kajaanin"),
        ("Kalajoki", "Kalajoen"), ("Pori", "Porin"), ("Ylivieska", "Ylivieskan"),
        # Irregular forms worth guarding.
        ("Kaustinen", "Kaustisen"), ("Loppi", "Lopen"), ("Vihti", "Vihdin"), ("Juuka", "Juuan"),
        ("Isokyrö", "Isonkyrön"), ("Uusikaarlepyy", "Uudenkaarlepyyn"), ("Kristiinankaupunki", "Kristiinankaupungin"),
        ("Punkalaidun", "Punkalaitumen"), ("Pihtipudas", "Pihtiputaan"), ("Varkaus", "Varkauden"),
        ("Nurmes", "Nurmeksen"), ("Outokumpu", "Outokummun"), ("Rautalampi", "Rautalammen"),
        ("Kirkkonummi", "Kirkkonummen"), ("Pälkäne", "Pälkäneen"), ("Raahe", "Raahen"), ("Kitee", "Kiteen"),
        ("Harjavalta", "Harjavallan"), ("Leppävirta", "Leppävirran"), ("Toivakka", "Toivakan"),
        ("Finström", "Finströmin"), ("Koski Tl", "Kosken Tl"), ("Pedersöre", "Pedersören"),
    ],
)
def test_genitive(rows, name, genitive):
    assert finnish_genitive(name) == genitive
    assert rows[name]["genitive_fi"] == genitive


def test_nen_names_are_plural_except_kaustinen(rows):
    # Finnish place names in -nen are plural in form ("Kauniaisten kaupunki"); Kaustinen is singular.
    for name, row in rows.items():
        if name.endswith("nen"):
            expected = "Kaustisen" if name == "Kaustinen" else name[:-3] + "sten"
            assert row["genitive_fi"] == expected, name


def test_every_genitive_ends_in_n_and_keeps_the_start_of_the_name(rows):
    for name, row in rows.items():
        genitive = row["genitive_fi"].removesuffix(" Tl")
        assert genitive.endswith("n"), name
        # Only the compounds whose first part inflects change their first three letters.
        assert genitive.startswith(name[:3]) or name in {"Uusikaupunki", "Uusikaarlepyy"}, name


def test_the_script_refuses_a_source_it_does_not_expect(tmp_path):
    source = tmp_path / "short.csv"
    lines = SHARED_CSV.read_text(encoding="utf-8").splitlines()
    source.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")  # one municipality missing
    with pytest.raises(ValueError, match="309 municipalities"):
        build_rows(source)


def test_attribution_is_shipped_beside_the_data():
    first_line = DATA_README.read_text(encoding="utf-8").splitlines()[0]
    for credit in ("Statistics Finland", "CC BY 4.0", "geofi", "BSD-2"):
        assert credit in first_line
