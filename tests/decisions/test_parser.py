"""The parser of collective decision texts, on the decision of 26.2.2020 and on damaged copies of it.

Every figure of the seed is asserted, so that a change to the parser that reads one figure
differently fails here rather than in a finding nobody reads. Damaged copies must be refused with a
``DecisionFormatError`` that names the part, and never with any other exception.
"""

import dataclasses
import re
import subprocess
import sys
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from avustus.decisions.importing.cells import split_applicant_cell
from avustus.decisions.importing.finnish import (
    FinnishNumberError,
    parse_amount,
    parse_count,
    parse_date,
    parse_percentage,
)
from avustus.decisions.importing.parser import parse_decision, parse_decision_bytes
from avustus.decisions.importing.result import DecisionFormatError, ParsedDecision, Signatory
from tests.conftest import SEED

SEED_TEXT = SEED.read_text(encoding="utf-8")
PARSED = parse_decision(SEED_TEXT)

FIRST_GROUP = "Sähköisen asioinnin, viestinnän ja osallisuuden hankkeet"
SECOND_GROUP = "Muut hankkeet"

# number: (recipient, amount, project as written)
GRANTS = {
    1: ("Hämeenlinnan kaupungille", "112200", "Kaupunki taskussa -hankkeeseen"),
    2: ("Kiuruveden kaupungille", "181500",
        "Sähköiset lomakkeet ja niiden käsittelyn prosessit haltuun kuntien yhteistyönä -hankkeeseen"),
    3: ("Kuusamon kaupungille", "722500", "Osallisuuden ja asiakaspalvelujen digimuutos 3.0 –hankkeeseen"),
    4: ("Lappeenrannan kaupungille", "172100", "Modulaarinen sähköinen asiointi sekä integraatiopalvelu –hankkeeseen"),
    5: ("Lestijärven kunnalle", "166600", "KASE Smart Countryside –hankkeeseen"),
    6: ("Mänttä-Vilppulan kaupungille", "135900", "Saavutettava, vetovoimainen ja kestävä kunta –hankkeeseen"),
    7: ("Nousiaisten kunnalle", "153000", "Kuntahyppy ePalveluihin –hankkeeseen"),
    8: ("Nurmijärven kunnalle", "544000", "Älykäs asiointi ja osallistuminen –hankkeeseen"),
    9: ("Oulun kaupungille", "892500",
        "Kuntalaisen modernit digitaaliset asiakaspalvelut yhdessä kehittäen –hankkeeseen"),
    10: ("Paraisten kaupungille", "75800", "Den it-smarta kommunen –hankkeeseen"),
    11: ("Seinäjoen kaupungille", "87300",
         ("Saavutettavien asiointiprosessien kehittämiseen ja suomi.fi-palveluiden tehokkaaseen ja helppoon "
         "käyttöönottoon")),
    12: ("Turun kaupungille", "437600",
         "Kohderyhmä- ja tarvelähtöinen palveluviestintä kunnissa uuden sukupolven julkaisualustalla –hankkeeseen"),
    13: ("Turun kaupungille", "424700",
         ("Asiakaslähtöinen toteutus tapahtuma-, harrastus- ja koulutusdatan hallinnoimiselle ja tarjoamiselle "
         "kohderyhmälähtöisissä näkymissä –hankkeeseen")),
    14: ("Hollolan kunnalle", "289000", "Ei tuurilla vaan tiedolla –hankkeeseen"),
    15: ("Hämeenlinnan kaupungille", "246500", "ICT-osaamisen tuen ja kehittämisen ekosysteemi –hankkeeseen"),
    16: ("Iisalmen kaupungille", "82400", "tiedolla johtamisen hankkeeseen"),
    17: ("Jyväskylän kaupungille", "507300", "Kurob-hankkeeseen"),
    18: ("Kangasalan kaupungille", "425000",
         "Kuntien toiminnan johtaminen tuotteistetun palvelukonseptin avulla –hankkeeseen"),
    19: ("Kangasalan kaupungille", "170000",
         "strategia- ja toimintaympäristötyön linkittämiseen tiedolla johtamiseen ja kunnan sidosryhmiin"),
    20: ("Kankaanpään kaupungille", "131700", "Pohjois-Satakunnan digitalisaatiohankkeeseen"),
    21: ("Kauniaisten kaupungille", "95000", "Tiedolla johtaminen osaksi valtavirtaa –hankkeeseen"),
    22: ("Naantalin kaupungille", "145700", "Prosessit pilveen, tehokkuus taivasiin hankkeeseen"),
    23: ("Pietarsaaren kaupungille", "1200000",
         ("LUMINA-hankkeeseen talous- ja HR-prosessien yhtenäistämiseen, alustojen modernisointiin sekä "
         "tehokkaiden tietojohdamisen työkalujen käyttöönottoon")),
    24: ("Porvoon kaupungille", "331900", "Keskusteleva tekoäly asiakaspalvelussa –hankkeeseen"),
    25: ("Porvoon kaupungille", "155800", "Taiteen perusopetuksen digiloikka –hankkeeseen"),
    26: ("Tuusulan kunnalle", "127500",
         "talousarvioprosessin automatisointiin ja talousarvioesityksen jakoon moderneilla työkaluilla"),
    27: ("Vantaan kaupungille", "254500",
         ("digiajan väestöennustejärjestelmän kehittämiseen kuntien talouden ja palvelutuotannon suunnittelun "
         "perustaksi")),
}  # fmt: skip

CONDITIONS = {
    13: ("Turun kaupungin hallinnoimat hankkeet on myös mahdollista yhdistää.",),
    19: ("Kangasalan kaupungin hallinnoimat hankkeet on myös mahdollista yhdistää.",),
    23: (
        ("Avustuksen ehtona on, että toteutuksessa on huomioitava sosiaali- ja terveysministeriön ohjaama "
        "Toivo-ohjelman kehittäminen ja sen vaatimukset."),
    ),
    24: (
        "jonka osalta edellytetään yhteistyötä ainakin valtiovarainministeriö AuroraAI-kehittämissuunnitelman kanssa",
    ),
}

DEFERRED = [
    ("Espoon kaupunki", "kuntien varhaiskasvatuksen toiminnanohjaus- ja asiakasvuorovaikutusjärjestelmän kehittäminen"),
    ("Etelä-Karjalan sosiaali- ja terveydenhuollon kuntayhtymä", "Tieto asiakkaan tukena (TAT)-hanke"),
    ("Helsingin kaupunki", "Kaupunki omadataoperaattorina-hanke"),
    ("Kuopion kaupunki", ("Ihmislähtöisen palveluverkon suunnittelun vaatiman toimintamallin kehittäminen ja sitä "
     "tukevan tiedon tunnistaminen ja harmonisointi")),
    ("Paimion kaupunki", "varhaiskasvatuksen digitaalisen palveluprosessin kehittäminen"),
    ("Tampereen kaupunki", "edistyneen analytiikan kehittäminen lapsiperheiden palveluiden tiedolla johtamisessa"),
]  # fmt: skip


def _line_of(text: str) -> int:
    """The 1-based number of the seed line that starts with ``text``."""
    return next(i for i, line in enumerate(SEED_TEXT.split("\n"), start=1) if line.startswith(text))


def _facts(parsed: ParsedDecision, *, lines: bool = True) -> dict:
    """What a decision says, without the verbatim source quotes (``raw``, cells, prose)."""
    verbatim = {"raw", "applicant_cell", "sections", "condition"} | (set() if lines else {"line"})

    def dump(value):
        if dataclasses.is_dataclass(value):
            return {f.name: dump(getattr(value, f.name)) for f in dataclasses.fields(value) if f.name not in verbatim}
        if isinstance(value, tuple):
            return [dump(v) for v in value]
        return value

    return dump(parsed)


# --- The seed, figure by figure --------------------------------------------------------------------


def test_heading_of_the_decision():
    assert PARSED.language == "fi"
    assert PARSED.decision_date == date(2020, 2, 26)
    assert PARSED.addressees == "Jakelussa mainitut"
    assert PARSED.title == "VALTIOVARAINMINISTERIÖN PÄÄTÖS AVUSTUKSESTA KUNTIEN DIGITALISAATION YHTEISHANKKEISIIN"


def test_background_and_applications_as_stated_in_the_body():
    assert PARSED.appropriation == Decimal("30000000.00")
    assert PARSED.budget_item == "28.90.32"
    assert PARSED.deadline == date(2019, 12, 19)
    assert (PARSED.received, PARSED.withdrawn) == (52, 1)  # "Yksi hanke perui ..."
    assert PARSED.applied_total == Decimal("24574065.00")


def test_groups_with_their_conditions():
    assert [g.heading for g in PARSED.groups] == [FIRST_GROUP, SECOND_GROUP]
    first, second = PARSED.groups
    assert first.condition.startswith("Valtiovarainministeriön myöntämän avustuksen ehtona seuraaville kunnille")
    assert first.condition.endswith("Yhteistyö voi myös mahdollistaa hankkeiden yhdistämistä.")
    assert second.condition.endswith("varmistaa projektien tuotosten yleistettävyyttä ja viestintää.")
    for group in PARSED.groups:
        assert group.condition in SEED_TEXT  # verbatim


def test_every_grant_with_recipient_amount_and_project():
    grants = PARSED.grants
    assert len(grants) == 27
    assert [g.number for g in grants] == list(range(1, 28))
    assert [g.group_heading for g in grants] == [FIRST_GROUP] * 13 + [SECOND_GROUP] * 14
    for grant in grants:
        recipient, amount, project = GRANTS[grant.number]
        assert (grant.recipient, grant.amount, grant.project) == (recipient, Decimal(f"{amount}.00"), project)
        assert grant.amount.as_tuple().exponent == -2
    assert sum(g.amount for g in grants) == Decimal("8268000.00") == PARSED.granted_total
    assert sum(g.amount for g in grants[:13]) == Decimal("4105700.00")
    assert sum(g.amount for g in grants[13:]) == Decimal("4162300.00")


def test_grant_lines_and_raw_text_are_the_source():
    source_lines = SEED_TEXT.split("\n")
    for grant in PARSED.grants:
        assert source_lines[grant.line - 1] == grant.raw
        assert grant.raw.startswith(f"{grant.number}. **")


@pytest.mark.parametrize(
    ("number", "name"),
    [
        (1, "Kaupunki taskussa"),  # "-hankkeeseen", bold closing after the project
        (3, "Osallisuuden ja asiakaspalvelujen digimuutos 3.0"),  # en dash; "3.0" is no sentence end
        (6, "Saavutettava, vetovoimainen ja kestävä kunta"),  # bold closing after "euroa"
        (12, "Kohderyhmä- ja tarvelähtöinen palveluviestintä kunnissa uuden sukupolven julkaisualustalla"),  # no comma
        (16, "tiedolla johtamisen"),  # " hankkeeseen" without a dash
        (17, "Kurob"),  # "Kurob-hankkeeseen"
        (20, "Pohjois-Satakunnan digitalisaatiohanke"),  # a compound, given in its basic form
        (22, "Prosessit pilveen, tehokkuus taivasiin"),
        (19, GRANTS[19][2]),  # a free phrase stays as it is
        (27, GRANTS[27][2]),  # ends in a full stop, which is not part of it
    ],
)
def test_project_name(number, name):
    assert PARSED.grants[number - 1].project_name == name


def test_special_conditions_of_grants():
    for grant in PARSED.grants:
        assert grant.conditions == CONDITIONS.get(grant.number, ()), grant.number


def test_deferred_applications():
    assert [(d.number, d.applicant, d.project) for d in PARSED.deferred] == [
        (i, applicant, project) for i, (applicant, project) in enumerate(DEFERRED, start=1)
    ]
    assert PARSED.deferred[0].line == _line_of("1. **Espoon kaupunki**")
    assert PARSED.deferred[0].raw == SEED_TEXT.split("\n")[PARSED.deferred[0].line - 1]


def test_terms_of_use():
    assert PARSED.aid_rate == Decimal("0.85")
    assert PARSED.implementation_end == date(2021, 11, 30)
    assert PARSED.reporting_interval_months == 4  # "neljän kuukauden välein"
    assert PARSED.cost_categories == (
        "henkilöstökustannukset",
        "matkakustannukset",
        "toimitilojen vuokrat",
        ("ostetun tai käyttöluvalla hankitun tutkimuksen, tietämyksen sekä konsultoinnin ja vastaavien palveluiden "
        "kustannukset, kun niitä on käytetty yksinomaan hanketta varten"),
        ("muut toimintakustannukset, mukaan lukien suoraan hankkeesta aiheutuvat materiaalien, tarvikkeiden ja "
        "vastaavien tuotteiden kustannukset"),
    )


def test_signatories():
    assert PARSED.signatories == (
        Signatory("Sirpa Paatero", "Kuntaministeri"),
        Signatory("Anne-Marie Välikangas", "Finanssineuvos"),
    )


def test_prose_sections_verbatim():
    assert list(PARSED.sections) == [
        "Taustaa",
        "Avustuksen kohteet",
        "Hakemukset",
        "Päätös ja sen perustelut",
        "Avustuksen käytön ehdot",
        "Muutoksenhaku",
    ]
    for text in PARSED.sections.values():
        assert text in SEED_TEXT and text == text.strip("\n")
    assert PARSED.sections["Hakemukset"].startswith("Ministeriön ilmoittamaan määräaikaan 19.12.2019")
    assert PARSED.sections["Muutoksenhaku"].endswith("Oikaisuvaatimus tehdään valtiovarainministeriölle.")
    assert "Sirpa Paatero" not in PARSED.sections["Muutoksenhaku"]
    assert PARSED.sections["Avustuksen käytön ehdot"].startswith("Yllä mainittujen ehtojen lisäksi")


def test_appendix_rows_and_total():
    rows = PARSED.appendix
    assert len(rows) == 51 == PARSED.received - PARSED.withdrawn
    assert [r.row for r in rows] == list(range(1, 52))
    assert sum(r.amount for r in rows) == Decimal("24574065.00") == PARSED.appendix_total == PARSED.applied_total
    assert all(r.amount.as_tuple().exponent == -2 for r in rows)
    source_lines = SEED_TEXT.split("\n")
    for r in rows:
        assert source_lines[r.line - 1] == r.raw
        assert r.raw.split("\t")[0] == r.applicant_cell
    # The first row, the rows after the blank lines that interrupt the table, and the last one.
    assert (rows[0].lead, rows[0].project, rows[0].amount) == (
        "Espoon kaupunki",
        ("Kuntien varhaiskasvatuksen toiminnanohjaus- ja asiakasvuorovaikutusjärjestelmän kehittäminen avoimella "
        "lähdekoodilla Espoon eVaka-toteutukseen pohjautuen"),
        Decimal("3400000.00"),
    )
    assert rows[15].lead == "Kajaanin kaupunki" and rows[15].line == _line_of("Kajaanin kaupunki")
    assert rows[32].lead == "Oulun kaupunki"
    assert rows[48].lead == "Vantaan kaupunki" and rows[48].amount == Decimal("1411948.00")
    assert rows[1].amount == Decimal("364437.50")
    assert rows[7].project == '"Ei tuurilla vaan tiedolla"'  # quotes as written
    assert (rows[-1].lead, rows[-1].amount) == ("Ylivieskan kaupunki", Decimal("110500.00"))


def _row(cell_start: str):
    return next(r for r in PARSED.appendix if r.applicant_cell.startswith(cell_start))


@pytest.mark.parametrize(
    ("cell_start", "lead", "partners", "notes"),
    [
        ("Hyvinkää", "Kerava", ("Hyvinkää", "Järvenpää", "Nurmijärvi", "Sipoo", "Tuusula"),
         ["lead marked '(hankehallinnoija)' inside the list"]),
        ("Lestijärven kunta", "Lestijärven kunta",
         ("Kaustisen seutukunta", "Halsua", "Kaustinen", "Lestijärvi", "Toholampi", "Veteli"),
         [("second name 'Kaustisen seutukunta' after the lead 'Lestijärven kunta' before the parenthesis; "
          "kept as a partner")]),
        ("Pietarsaaren kaupunki", "Pietarsaaren kaupunki", ("Pietarsaaren SOTE", "Vaasan kaupunki"),
         ["no parentheses: the first name 'Pietarsaaren kaupunki' is taken as the lead"]),
        ("Seinäjoen kaupunki", "Seinäjoen kaupunki", ("Jyväskylä", "Valkeakoski"),
         ["closing parenthesis without an opening one"]),
        ("Porvoon kaupunki (Porvoon seudun", "Porvoon kaupunki",
         ("Porvoon seudun musiikkiopiston sopimuskunnat", "Loviisa", "Mäntsälä", "Pukkila", "Lapinjärvi", "Pornainen",
          "Rusko", "Vaasa", "Kuopio", "Hämeenlinna", "Nousiainen", "Valkeakoski", "Laukaa", "Raisio", "Lappeenranta",
          "Uuikaupunki", "Paimio", "Forssa"),
         ["second parenthesised group 'Rusko (...)' in the lead cell", "list ends with '...'",
          "'Porvoon seudun musiikkiopiston sopimuskunnat' names a group, not a single body"]),
        ("Espoon kaupunki", "Espoon kaupunki", ("Tampere", "seurantajäsenet"),
         ["names joined with '+' ('Tampere + seurantajäsenet')", "'seurantajäsenet' names a group, not a single body"]),
        ("Etelä-Karjalan", "Etelä-Karjalan sosiaali- ja terveydenhuollon kuntayhtymä", ("Etelä-Karjalan kunnat",),
         ["'/opetustoimet' after 'Etelä-Karjalan kunnat' read as a qualifier, not as another partner",
          "'Etelä-Karjalan kunnat' names a group, not a single body"]),
        ("Jyväskylä (Jyväskylä", "Jyväskylä",
         ("Jyväskylä", "Riihimäki", "Kokkola", "Pirkkala", "Asikkala", "Hollola", "Nokia", "Ylöjärvi", "Hämeenlinna",
          "Uurainen", "Janakkala"),
         ["lead 'Jyväskylä' repeated among the partners"]),
        ("Kankaanpää", "Kankaanpää", ("Honkajoki", "Jämijärvi", "Karvia", "Siikainen", "Pomarkku"), []),
        ("Naantal", "Naantalın kaupunki", ("Salo", "Paimio"),
         ["unusual letter 'ı' (latin small letter dotless i) in 'Naantalın'"]),
        ("Espoon seudun", "Espoon seudun koulutus kunta-yhtymä Omnia",
         ("Järvenpää", "Lempäälä", "Laitila", "Tuusula", "Salo", "Kotkan-Haminan seudun koulutus-kuntayhtymä"), []),
        ("Hollolan kunta (Heinola", "Hollolan kunta", ("Heinola", "Asikkala", "Orimattila"), []),
    ],
)  # fmt: skip
def test_odd_lead_cells_are_split_and_noted(cell_start, lead, partners, notes):
    row = _row(cell_start)
    assert (row.lead, row.partners) == (lead, partners)
    assert list(row.notes) == notes


def test_row_without_a_lead():
    row = next(r for r in PARSED.appendix if r.applicant_cell == "")
    assert (row.row, row.lead, row.partners, row.notes) == (48, "", (), ("no lead named",))
    assert row.project == "Talousarvioprosessin automatisointi ja talousarvioesityksen jako moderneilla työkaluilla"
    assert row.amount == Decimal("127500.00")


def test_only_the_odd_rows_have_notes():
    noted = {r.row for r in PARSED.appendix if r.notes}
    assert noted == {1, 3, 9, 14, 27, 30, 36, 39, 40, 48}


def test_results_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        PARSED.grants[0].amount = Decimal("1.00")


def test_parser_imports_nothing_of_django():
    code = (
        "import sys, avustus.decisions.importing.parser as p; "
        "sys.exit(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


# --- Split of a lead cell, by itself ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "lead", "partners"),
    [
        ("Toivakka (Muurame)", "Toivakka", ("Muurame",)),
        ("Turku", "Turku", ()),
        ("  ", "", ()),
        ("Helsinki (Espoo, Porvoo", "Helsinki", ("Espoo", "Porvoo")),
        ("(Espoo, Porvoo)", "", ("Espoo", "Porvoo")),
        ("A-kunta (B/C)", "A-kunta", ("B", "C")),
        ("**Hollolan kunta** (Heinola ja Asikkala)", "Hollolan kunta", ("Heinola", "Asikkala")),
    ],
)
def test_split_applicant_cell(cell, lead, partners):
    got_lead, got_partners, _ = split_applicant_cell(cell)
    assert (got_lead, got_partners) == (lead, partners)


@given(st.text(max_size=200))
def test_split_applicant_cell_never_fails(cell):
    lead, partners, notes = split_applicant_cell(cell)
    assert isinstance(lead, str) and all(isinstance(p, str) and p for p in partners)
    assert all(isinstance(n, str) and n for n in notes)


# --- Finnish figures ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("24 574 065,00", "24574065.00"),
        ("3\u00a0400\u00a0000,00", "3400000.00"),
        ("3\u202f400\u202f000,00", "3400000.00"),
        ("112 200 euroa", "112200.00"),
        ("112200", "112200.00"),
        ("364 437,50", "364437.50"),
        ("0,05", "0.05"),
    ],
)
def test_parse_amount(text, amount):
    assert parse_amount(text) == Decimal(amount)
    assert parse_amount(text).as_tuple().exponent == -2


@pytest.mark.parametrize(
    "text", ["", "12x 000,00", "24 574 06", "24 574 065,0", "1.200,00", "-5", "1,5 milj.", "9" * 40,
             "1 000 000 000 000,00"]
)
def test_parse_amount_refuses(text):
    with pytest.raises(FinnishNumberError):
        parse_amount(text)


# Up to the largest amount the database stores (12 digits of euros); larger ones are refused.
@given(st.decimals(min_value=0, max_value=Decimal("999999999999.99"), places=2),
       st.sampled_from([" ", "\u00a0", "\u202f"]))
def test_parse_amount_reads_what_finnish_writes(amount, space):
    whole, cents = f"{amount:.2f}".split(".")
    grouped = f"{int(whole):,}".replace(",", space)
    assert parse_amount(f"{grouped},{cents}") == amount


def test_parse_date_count_and_percentage():
    assert parse_date("26.2.2020") == date(2020, 2, 26)
    assert parse_date("05.03.2021") == date(2021, 3, 5)
    for bad in ("31.2.2020", "2020-02-26", "26.2.20"):
        with pytest.raises(FinnishNumberError):
            parse_date(bad)
    assert [parse_count(w) for w in ("Yksi", "neljän", "kaksitoista", "52")] == [1, 4, 12, 52]
    with pytest.raises(FinnishNumberError):
        parse_count("muutama")
    assert parse_percentage("85") == Decimal("0.85")
    assert parse_percentage("85,5") == Decimal("0.855")


# --- What a copy may look like and still be the same decision ------------------------------------


def test_crlf_and_byte_order_mark():
    crlf = SEED_TEXT.replace("\n", "\r\n")
    assert parse_decision(crlf) == PARSED  # the raw quotes too: line ends are not part of a line
    assert parse_decision(SEED_TEXT.replace("\n", "\r")) == PARSED
    assert parse_decision_bytes(b"\xef\xbb\xbf" + crlf.encode()) == PARSED


@given(st.sampled_from(["\u00a0", "\u202f", "\u2009"]))
def test_no_break_spaces_in_numbers(space):
    text = re.sub(r"(?<=\d) (?=\d{3}\b)", space, SEED_TEXT)
    assert text != SEED_TEXT
    assert _facts(parse_decision(text)) == _facts(PARSED)


def test_extra_blank_lines():
    more = SEED_TEXT.replace("\n\n", "\n\n\n\n")
    assert _facts(parse_decision(more), lines=False) == _facts(PARSED, lines=False)
    # Every line on its own, even a signatory's name and title.
    spread = SEED_TEXT.replace("\n", "\n\n")
    assert _facts(parse_decision(spread), lines=False) == _facts(PARSED, lines=False)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(min_value=0, max_value=len(SEED_TEXT)), min_size=1, max_size=40))
def test_bold_markup_anywhere(positions):
    text = SEED_TEXT
    for position in sorted(positions, reverse=True):
        text = text[:position] + "**" + text[position:]
    assert _facts(parse_decision(text)) == _facts(PARSED)


def test_bold_headings_and_figures():
    text = SEED_TEXT.replace("\nTaustaa\n", "\n**Taustaa**\n").replace("26.2.2020", "**26.2.2020**")
    text = text.replace("saapui 52", "saapui **52**").replace("\tHaetaan", "\t**Haetaan**")
    assert _facts(parse_decision(text)) == _facts(PARSED)


# --- Damaged copies --------------------------------------------------------------------------------


def _cut_before(marker: str) -> str:
    assert marker in SEED_TEXT
    return SEED_TEXT[: SEED_TEXT.index(marker)]


@pytest.mark.parametrize(
    ("text", "part"),
    [
        ("", "document"),
        ("   \n\n\t\n", "document"),
        ("Lorem ipsum dolor sit amet, consectetur adipiscing elit.\n" * 40, "document"),
        (_cut_before("Hakemukset\n"), "applications"),
        (_cut_before("avustushakemuksia saapui"), "applications"),
        (_cut_before("Päätös ja sen perustelut"), "decision"),
        (_cut_before("1. **Hämeenlinnan"), "grants"),
        (_cut_before("14. **Hollolan"), "granted_total"),
        (_cut_before("Myönnettävien avustusten kokonaismäärä"), "granted_total"),
        (_cut_before("Avustuksen käytön ehdot"), "signatures"),
        (_cut_before("Sirpa Paatero"), "signatures"),
        (_cut_before("Hakijakunta / hankehallinnoija"), "appendix"),
        (_cut_before("Hollolan kunta (Heinola"), "appendix_total"),
        (_cut_before("Kaupunki taskussa\t112") + "Kaupunki tas", "appendix_total"),
        (SEED_TEXT.replace("\t\t24 574 065,00", ""), "appendix_total"),
        (SEED_TEXT.replace("\t\t24 574 065,00", "\t\t24 574"), "appendix_total"),
        (SEED_TEXT.replace("\t\t24 574 065,00", "\t\t24 574 06"), "appendix_total"),
        (SEED_TEXT.replace("Kaupunki taskussa\t112 200,00", "Kaupunki taskussa\t12x 000,00"), "appendix"),
        (SEED_TEXT.replace("Kaupunki taskussa\t112 200,00", "Kaupunki taskussa 112 200,00"), "appendix"),
        (SEED_TEXT.replace("26.2.2020", "26.2.20"), "date"),
        (SEED_TEXT.replace("26.2.2020", "30.2.2020"), "date"),
        (SEED_TEXT.replace("VALTIOVARAINMINISTERIÖN PÄÄTÖS", "Valtiovarainministeriön päätös").replace(
            "AVUSTUKSESTA KUNTIEN DIGITALISAATION YHTEISHANKKEISIIN", "avustuksesta"), "title"),
        (SEED_TEXT.replace("enintään 112 200 euroa", "enintään 112 200"), "grants"),
    ],
    ids=[
        "empty", "blank", "lorem-ipsum", "cut-before-applications", "cut-in-applications", "cut-before-decision",
        "cut-before-grants", "cut-in-grant-list", "cut-before-granted-total", "cut-before-terms",
        "cut-before-signatures", "cut-before-appendix", "cut-in-appendix", "cut-in-appendix-row", "no-total-row",
        "total-cut-at-a-space", "total-cut-in-a-group", "bad-amount", "row-without-tabs", "short-year",
        "no-such-day", "no-title", "grant-without-currency",
    ],
)  # fmt: skip
def test_damaged_copies_are_refused(text, part):
    with pytest.raises(DecisionFormatError) as refused:
        parse_decision(text)
    assert refused.value.part == part
    assert str(refused.value)


def test_error_names_the_line_of_a_bad_amount():
    damaged = SEED_TEXT.replace("Kaupunki taskussa\t112 200,00", "Kaupunki taskussa\t12x 000,00")
    with pytest.raises(DecisionFormatError) as refused:
        parse_decision(damaged)
    line = _line_of("Hämeenlinnan kaupunki (Salo)")
    assert refused.value.line == line
    assert "'12x 000,00'" in str(refused.value) and f"(line {line})" in str(refused.value)


def test_missing_total_row_message():
    with pytest.raises(DecisionFormatError, match="Appendix 1 total row not found: the text may be cut off"):
        parse_decision(SEED_TEXT.replace("\t\t24 574 065,00", ""))


def test_binary_files_are_refused():
    for data in (bytes(range(256)) * 10, b"\x89PNG\r\n\x1a\n\x00\x00", "ÄÖ".encode("latin-1") * 50):
        with pytest.raises(DecisionFormatError) as refused:
            parse_decision_bytes(data)
        assert refused.value.part == "encoding"


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=len(SEED_TEXT)))
def test_a_cut_copy_is_refused_or_complete(cut):
    """Cut anywhere, the seed either reads in full or is refused: it is never read half-way."""
    try:
        parsed = parse_decision(SEED_TEXT[:cut])
    except DecisionFormatError:
        return
    assert _facts(parsed) == _facts(PARSED)


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=SEED_TEXT.count("\n")))
def test_a_copy_missing_a_line_is_refused_or_read(dropped):
    lines = SEED_TEXT.split("\n")
    del lines[dropped]
    try:
        parsed = parse_decision("\n".join(lines))
    except DecisionFormatError:
        return
    assert isinstance(parsed, ParsedDecision)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_are_refused_or_read(data):
    try:
        parse_decision_bytes(data)
    except DecisionFormatError:
        pass


@settings(max_examples=150, deadline=None)
@given(
    st.text(alphabet=st.characters(codec="utf-8"), max_size=500)
    | st.text(alphabet="\t\n *.,()0123456789 ja", max_size=500)
)
def test_any_text_is_refused_or_read(text):
    try:
        parse_decision(text)
    except DecisionFormatError:
        pass


@settings(max_examples=100, deadline=None)
@given(
    st.integers(min_value=0, max_value=len(SEED_TEXT) - 1),
    st.text(alphabet="\t\n *.,()0123456789xaä–-", min_size=1, max_size=5),
)
def test_a_copy_with_a_typo_is_refused_or_read(position, typo):
    try:
        parse_decision(SEED_TEXT[:position] + typo + SEED_TEXT[position + 1 :])
    except DecisionFormatError:
        pass
