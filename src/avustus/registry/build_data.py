"""Build the registry's own municipality files from Statistics Finland's list of the 2020 municipalities.

    uv run python -m avustus.registry.build_data SOURCE [--output PATH] [--history PATH]

where SOURCE is ``src/avustus/registry/data/sources/municipalities-2020.csv`` and the history (by default
``sources/municipalities-history.csv`` beside it) lists the mergers since 2009 the README's sources
confirm: the code and name of the municipality that ended, its last day and its successor's code.
A municipality of 2020 that ended later (Honkajoki) gets its ``valid_to`` and ``successor_code`` in
``municipalities-2020.csv``; one that ended before 2020 (Valtimo) gets a row of its own in
``municipalities-former.csv``, with its successor's region and a genitive from the rules below.

The source (Statistics Finland, CC BY 4.0, as tabulated by rOpenGov geofi, BSD-2) gives each
municipality's code, names, region and language status. This script adds what the product needs to
write Finnish letters and read Finnish documents, and the source does not have:

- ``genitive_fi``: the genitive singular used in "Hämeenlinnan kaupunki" / "Lestijärven kunnalle".
  It comes from a few suffix rules and an explicit exception table (consonant gradation, consonant
  stems, plurals), both below so that a reviewer can check every irregular form.
- ``municipal_form``: ``kaupunki`` (city or town) or ``kunta`` (municipality), from the reviewable
  set ``KAUPUNKI_2020`` below.

The running product reads only the file written here (``registry/data/municipalities-2020.csv``),
never the source. Pure Python, no Django.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

OUTPUT = Path(__file__).resolve().parent / "data" / "municipalities-2020.csv"
FORMER_NAME = "municipalities-former.csv"
HISTORY_NAME = "municipalities-history.csv"
COLUMNS = (
    "code", "name_fi", "name_sv", "region_code", "region_name_fi", "region_name_sv",
    "language", "genitive_fi", "municipal_form", "valid_to", "successor_code",
)
EXPECTED_MUNICIPALITIES = 310

# Statistics Finland's language status (kielisuhde) of a municipality.
LANGUAGES = {
    "0": "fi",     # Finnish-speaking
    "1": "fi-sv",  # bilingual, Finnish majority
    "2": "sv",     # Swedish-speaking (the Åland Islands)
    "3": "sv-fi",  # bilingual, Swedish majority
}

# The source writes Pedersöre's Finnish name as the phrase "Pedersören kunta" ("municipality of
# Pedersöre"); every other name is the bare name, and the phrase still resolves as "<genitive> kunta".
NAME_FIXES = {"Pedersören kunta": "Pedersöre"}

# The 107 municipalities that were cities or towns (kaupunki) in 2020, by Finnish name, grouped by
# region for review. Every other municipality is a kunta.
KAUPUNKI_2020 = frozenset({
    # Uusimaa
    "Espoo", "Hanko", "Helsinki", "Hyvinkää", "Järvenpää", "Karkkila", "Kauniainen", "Kerava",
    "Lohja", "Loviisa", "Porvoo", "Raasepori", "Vantaa",
    # Varsinais-Suomi
    "Kaarina", "Laitila", "Loimaa", "Naantali", "Paimio", "Parainen", "Raisio", "Salo", "Somero",
    "Turku", "Uusikaupunki",
    # Satakunta
    "Harjavalta", "Huittinen", "Kankaanpää", "Kokemäki", "Pori", "Rauma", "Ulvila",
    # Kanta-Häme
    "Forssa", "Hämeenlinna", "Riihimäki",
    # Pirkanmaa
    "Akaa", "Ikaalinen", "Kangasala", "Mänttä-Vilppula", "Nokia", "Orivesi", "Parkano",
    "Sastamala", "Tampere", "Valkeakoski", "Virrat", "Ylöjärvi",
    # Päijät-Häme
    "Heinola", "Lahti", "Orimattila",
    # Kymenlaakso
    "Hamina", "Kotka", "Kouvola",
    # Etelä-Karjala
    "Imatra", "Lappeenranta",
    # Etelä-Savo
    "Mikkeli", "Pieksämäki", "Savonlinna",
    # Pohjois-Savo
    "Iisalmi", "Kiuruvesi", "Kuopio", "Suonenjoki", "Varkaus",
    # Pohjois-Karjala
    "Joensuu", "Kitee", "Lieksa", "Nurmes", "Outokumpu",
    # Keski-Suomi
    "Jyväskylä", "Jämsä", "Keuruu", "Saarijärvi", "Viitasaari", "Äänekoski",
    # Etelä-Pohjanmaa
    "Alajärvi", "Alavus", "Kauhajoki", "Kauhava", "Kurikka", "Lapua", "Seinäjoki", "Ähtäri",
    # Pohjanmaa
    "Kaskinen", "Kristiinankaupunki", "Närpiö", "Pietarsaari", "Uusikaarlepyy", "Vaasa",
    # Keski-Pohjanmaa
    "Kannus", "Kokkola",
    # Pohjois-Pohjanmaa
    "Haapajärvi", "Haapavesi", "Kalajoki", "Kuusamo", "Nivala", "Oulainen", "Oulu",
    "Pudasjärvi", "Pyhäjärvi", "Raahe", "Ylivieska",
    # Kainuu
    "Kajaani", "Kuhmo",
    # Lappi
    "Kemi", "Kemijärvi", "Rovaniemi", "Tornio",
    # Ahvenanmaa
    "Maarianhamina",
})
EXPECTED_KAUPUNKI = 107

# Genitives the rules below would get wrong, each checked by hand.
GENITIVE_EXCEPTIONS = {
    # Consonant gradation in the last syllable (strong grade in the nominative, weak in the genitive).
    "Hailuoto": "Hailuodon",
    "Hanko": "Hangon",
    "Harjavalta": "Harjavallan",
    "Helsinki": "Helsingin",
    "Iitti": "Iitin",
    "Juuka": "Juuan",
    "Kurikka": "Kurikan",
    "Leppävirta": "Leppävirran",
    "Lieto": "Liedon",
    "Liminka": "Limingan",
    "Luhanka": "Luhangan",
    "Luoto": "Luodon",
    "Pomarkku": "Pomarkun",
    "Punkalaidun": "Punkalaitumen",
    "Puolanka": "Puolangan",
    "Pyhäntä": "Pyhännän",
    "Toivakka": "Toivakan",
    "Turku": "Turun",
    "Vesanto": "Vesannon",
    "Vihti": "Vihdin",
    # An old i-stem (like "järvi": järven), with gradation.
    "Loppi": "Lopen",
    # Former municipalities (municipalities-history.csv), with gradation.
    "Maaninka": "Maaningan",
    "Halikko": "Halikon",
    "Kiiminki": "Kiimingin",
    "Lappi": "Lapin",
    "Noormarkku": "Noormarkun",
    "Pyhäselkä": "Pyhäselän",
    "Renko": "Rengon",
    "Sammatti": "Sammatin",
    "Vahto": "Vahdon",
    "Vihanti": "Vihannin",
    "Ylikiiminki": "Ylikiimingin",
    # Former municipalities: a consonant stem, a compound whose parts both inflect, and Statistics
    # Finland's abbreviation of "maalaiskunta" (rural municipality), whose genitive is written out.
    "Haukipudas": "Haukiputaan",
    "Tuulos": "Tuuloksen",
    "Vähäkyrö": "Vähänkyrön",
    "Jyväskylän mlk": "Jyväskylän maalaiskunnan",
    # Consonant stems.
    "Alavus": "Alavuden",
    "Kannus": "Kannuksen",
    "Muhos": "Muhoksen",
    "Nurmes": "Nurmeksen",
    "Pihtipudas": "Pihtiputaan",
    "Varkaus": "Varkauden",
    # Plural in form.
    "Virrat": "Virtain",
    # Both parts of the compound inflect.
    "Isokyrö": "Isonkyrön",
    "Uusikaarlepyy": "Uudenkaarlepyyn",
    "Uusikaupunki": "Uudenkaupungin",
    # Singular, unlike the other -inen names, which are plural in form (Kauniainen: Kauniaisten).
    "Kaustinen": "Kaustisen",
    # -e names that take -n, not -en (cf. Tampere: Tampereen).
    "Kumlinge": "Kumlingen",
    "Muurame": "Muuramen",
    "Raahe": "Raahen",
    # A qualifier after the name stays as it is.
    "Koski Tl": "Kosken Tl",
    # Already a genitive: "Pedersören kunta" (see NAME_FIXES).
    "Pedersöre": "Pedersören",
}

# The last part of a compound name, and its genitive.
COMPOUND_ENDINGS = (
    ("kaupunki", "kaupungin"),
    ("järvi", "järven"),
    ("joki", "joen"),
    ("vesi", "veden"),
    ("salmi", "salmen"),
    ("lahti", "lahden"),
    ("koski", "kosken"),
    ("niemi", "niemen"),
    ("saari", "saaren"),
    ("mäki", "mäen"),
    ("lampi", "lammen"),
    ("nummi", "nummen"),
    ("ranta", "rannan"),
    ("kumpu", "kummun"),
)

VOWELS = set("aeiouyäöå")


def finnish_genitive(name: str) -> str:
    """The Finnish genitive singular of a municipality's Finnish name, as in "<genitive> kunta"."""
    if name in GENITIVE_EXCEPTIONS:
        return GENITIVE_EXCEPTIONS[name]
    # In a hyphenated name ("Mänttä-Vilppula") only the last part inflects.
    head, sep, last = name.rpartition("-")
    if sep:
        return head + sep + finnish_genitive(last)
    for ending, genitive in COMPOUND_ENDINGS:
        if name.lower().endswith(ending):
            stem = name[: -len(ending)]
            # The ending may be the whole name (Lahti: Lahden), so keep its capital letter.
            return stem + (genitive if stem else genitive.capitalize())
    if name.endswith("nen"):
        # Place names in -nen are plural in form: Kauniainen, Kauniaisten (Kaustinen is an exception).
        return name[: -len("nen")] + "sten"
    if name.endswith("e") and not name.endswith("ee"):
        # Tampere: Tampereen, Kuortane: Kuortaneen (the e-stem doubles its vowel).
        return name + "en"
    if name[-1] in VOWELS:
        # Oulu: Oulun, Kemi: Kemin, Kitee: Kiteen, Espoo: Espoon.
        return name + "n"
    # Swedish-origin names ending in a consonant: Finström: Finströmin, Korsnäs: Korsnäsin.
    return name + "in"


def municipal_form(name: str) -> str:
    return "kaupunki" if name in KAUPUNKI_2020 else "kunta"


def read_history(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return [{k: v.strip() for k, v in row.items()} for row in csv.DictReader(f)]


def build_all(source: Path, history: Path) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The rows of the 2020 file with the later mergers applied, and the rows of the former municipalities."""
    rows = build_rows(source)
    by_code = {r["code"]: r for r in rows}
    former = []
    for event in read_history(history):
        code, successor = event["code"].zfill(3), event["successor_code"].zfill(3)
        if successor not in by_code:
            raise ValueError(f"{history.name}: successor {successor} of {code} is not a municipality of 2020")
        if code in by_code:
            row = by_code[code]
            if row["name_fi"] != event["name_fi"]:
                raise ValueError(f"{history.name}: {code} is {row['name_fi']}, not {event['name_fi']}")
        else:
            # The region is the successor's: a municipality merges with a neighbour of its own region.
            heir = by_code[successor]
            row = {
                "code": code, "name_fi": event["name_fi"], "name_sv": "",
                "region_code": heir["region_code"], "region_name_fi": heir["region_name_fi"],
                "region_name_sv": heir["region_name_sv"], "language": "",
                "genitive_fi": finnish_genitive(event["name_fi"]), "municipal_form": "",
            }
            former.append(row)
        row["valid_to"] = event["valid_to"]
        row["successor_code"] = successor
    former.sort(key=lambda r: r["code"])
    names = {r["name_fi"] for r in rows + former}
    if unknown := sorted(set(GENITIVE_EXCEPTIONS) - names):
        raise ValueError(f"GENITIVE_EXCEPTIONS names no municipality: {unknown}")
    return rows, former


def build_rows(source: Path) -> list[dict[str, str]]:
    """The rows of the registry's municipality file, from the Statistics Finland tabulation."""
    with source.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    out = []
    for row in rows:
        name_fi = row["municipality_name_fi"].strip()
        name_fi = NAME_FIXES.get(name_fi, name_fi)
        out.append({
            "code": row["kunta"].strip().zfill(3),
            "name_fi": name_fi,
            # The source pads a few Swedish names with spaces ("S:t Mårtens  ").
            "name_sv": " ".join(row["municipality_name_sv"].split()),
            # Statistics Finland writes region codes with two digits ("01"); the source drops the zero.
            "region_code": row["maakunta_code"].strip().zfill(2),
            "region_name_fi": row["maakunta_name_fi"].strip(),
            "region_name_sv": row["maakunta_name_sv"].strip(),
            "language": LANGUAGES[row["kielisuhde_code"].strip()],
            "genitive_fi": finnish_genitive(name_fi),
            "municipal_form": municipal_form(name_fi),
            "valid_to": "",
            "successor_code": "",
        })
    out.sort(key=lambda r: r["code"])
    _check(out)
    return out


def _check(rows: list[dict[str, str]]) -> None:
    """Refuse to write a file that does not describe the 2020 municipalities as this script expects."""
    names = {r["name_fi"] for r in rows}
    problems = []
    if len(rows) != EXPECTED_MUNICIPALITIES:
        problems.append(f"{len(rows)} municipalities, expected {EXPECTED_MUNICIPALITIES}")
    if len({r["code"] for r in rows}) != len(rows):
        problems.append("duplicate municipality codes")
    if unknown := sorted(KAUPUNKI_2020 - names):
        problems.append(f"KAUPUNKI_2020 names no municipality of the source: {unknown}")
    if (count := sum(r["municipal_form"] == "kaupunki" for r in rows)) != EXPECTED_KAUPUNKI:
        problems.append(f"{count} kaupunki, expected {EXPECTED_KAUPUNKI}")
    if problems:
        raise ValueError("; ".join(problems))


def write_csv(rows: list[dict[str, str]], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="the source tabulation, data/sources/municipalities-2020.csv")
    parser.add_argument("--output", type=Path, default=OUTPUT, help=f"where to write (default: {OUTPUT})")
    parser.add_argument("--history", type=Path, help=f"the mergers (default: {HISTORY_NAME} beside SOURCE)")
    args = parser.parse_args(argv)
    rows, former = build_all(args.source, args.history or args.source.with_name(HISTORY_NAME))
    write_csv(rows, args.output)
    write_csv(former, args.output.with_name(FORMER_NAME))
    print(f"wrote {len(rows)} municipalities to {args.output} and {len(former)} former ones beside it",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
