"""The parser on Swedish decisions, on how it tells the languages apart, and on Finnish variants.

Avustus renders decisions in Finnish and in Swedish, laid out like the decision of 26.2.2020, and
must read the rendered text back. Two Swedish decisions are built here: a small one whose every
figure is asserted, and the seed's figures written in Swedish, which must give the same facts as
the Finnish seed. Damaged Swedish copies must be refused with a ``DecisionFormatError`` naming the
part, as Finnish ones are.
"""

import re
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from avustus.decisions.importing import swedish
from avustus.decisions.importing.cells import split_applicant_cell
from avustus.decisions.importing.finnish import FinnishNumberError
from avustus.decisions.importing.parser import parse_decision, parse_decision_bytes
from avustus.decisions.importing.result import DecisionFormatError, ParsedDecision, Signatory
from avustus.decisions.vocabulary import VOCABULARIES
from avustus.decisions.vocabulary.fi import VOCABULARY as FINNISH
from avustus.decisions.vocabulary.sv import VOCABULARY as SWEDISH
from tests.conftest import SEED

SEED_TEXT = SEED.read_text(encoding="utf-8")
FINNISH_PARSED = parse_decision(SEED_TEXT)

NBSP = "\u00a0"


def _nbsp(text: str) -> str:
    """The text with a no-break space between the thousands of every amount, as Avustus renders it."""
    return re.sub(r"(?<=\d) (?=\d{3}\b)", NBSP, text)


# --- A small Swedish decision: 2 groups, 3 grants, 1 deferred application, 5 appendix rows -----

SMALL_PLAIN = """\
26.2.2020

Enligt sändlista

FINANSMINISTERIETS BESLUT OM UNDERSTÖD FÖR KOMMUNERNAS GEMENSAMMA DIGITALISERINGSPROJEKT

Bakgrund

I statsbudgeten för år 2019 har tagits in ett anslag på 30 000 000 euro (moment 28.90.32). Understöd kan \
beviljas kommuner och samkommuner för projekt som främjar digitalisering.

Understödets ändamål

Understöd kunde beviljas för förändringar i kommunernas verksamhet, där:

- kundorienterade serviceprocesser utvecklas
- kommunernas informationsledning förbättras.

Ansökningar

Inom den tidsfrist som ministeriet angett, senast 19.12.2019, inkom 6 ansökningar om understöd. Ett projekt \
återtog senare sin ansökan. Det sammanlagda ansökta beloppet i de inkomna ansökningarna var 1 934 567 euro. En \
förteckning över sökandena och de ansökta beloppen finns i bilaga 1.

Beslut och motivering

Understödet beviljas de kommuner som ansökt om det tillsammans, enligt projektansökan.

Projekt för elektronisk service, kommunikation och delaktighet

Ett villkor för understödet är att följande kommuner deltar i det samarbete som finansministeriet ordnar.

1. **Till Tavastehus stad och övriga kommuner som nämns i ansökan högst 112 200 euro**, för projektet Kaupunki \
taskussa,
2. **Till Lestijärvi kommun och övriga kommuner som nämns i ansökan högst 166 600 euro**, för projektet KASE Smart \
Countryside: Kuntien toimintamallien tehostaminen, digitalisaation keinoin.

Övriga projekt

Ett villkor för understödet är att följande kommuner deltar i samarbete som finansministeriet ordnar.

3. **Till Etelä-Karjalan sosiaali- ja terveydenhuollon kuntayhtymä och övriga kommuner som nämns i ansökan högst \
1 200 000 euro**, för projektet LUMINA-hanke, talous- ja HR-prosessien yhtenäistäminen. Ett villkor för \
understödet är att genomförandet beaktar Toivo-programmet.

Projekt som kräver ytterligare utredning

Om följande projekt fattas beslut separat senare, efter ytterligare utredning.

1. **Esbo stad**, kuntien varhaiskasvatuksen toiminnanohjaus- ja asiakasvuorovaikutusjärjestelmän kehittäminen,

Övriga sökande beviljas inte understöd efter en helhetsbedömning.

Det sammanlagda beloppet av de understöd som beviljas är 1 478 800 euro.

Villkor för användningen av understödet

Understödstagarna förbinder sig att dela med sig av sina erfarenheter under projektet.

Följande kostnader för projektet berättigar till statsunderstöd:

- 1) personalkostnader
- 2) resekostnader
- 3) lokalhyror
- 4) kostnader för köpta tjänster, när de har använts enbart för projektet
- 5) övriga omkostnader.

Statsunderstödet kan uppgå till högst 85 procent av projektets kostnader som berättigar till statsunderstöd. \
Mervärdesskatten räknas inte in i kostnaderna när maximibeloppet beräknas.

Projekten ska vara genomförda och slutrapporteringen gjord senast 30.11.2021.

Mellanrapporter ska lämnas med fyra månaders mellanrum.

Sökande av ändring

Ändring i detta beslut får inte sökas genom besvär. Omprövning får begäras hos finansministeriet.

Sirpa Paatero
Kommunminister

Anne-Marie Välikangas
Finansråd

Bilaga 1

Sökande kommun / projektförvaltare\tProjektets namn\tAnsökt belopp
Esbo stad (Tammerfors)\tKuntien varhaiskasvatuksen toiminnanohjaus- ja asiakasvuorovaikutusjärjestelmän \
kehittäminen\t400 000,00
Tavastehus stad (Salo)\tKaupunki taskussa\t112 200,00
Lestijärvi kommun (Halsua, Kaustinen, Toholampi och Vetil)\tKASE Smart Countryside: Kuntien toimintamallien \
tehostaminen, digitalisaation keinoin\t166 600,00
Etelä-Karjalan sosiaali- ja terveydenhuollon kuntayhtymä (Villmanstrand, Imatra)\tLUMINA-hanke, talous- ja \
HR-prosessien yhtenäistäminen\t1 200 000,00
Kimitoöns kommun (Pargas stad)\tSkärgårdens digitala tjänster\t55 767,00
\t\t1 934 567,00
"""
SMALL = _nbsp(SMALL_PLAIN)
SMALL_PARSED = parse_decision(SMALL)

FIRST_GROUP = "Projekt för elektronisk service, kommunikation och delaktighet"
SWEDISH_SIGNATORIES = (Signatory("Sirpa Paatero", "Kommunminister"), Signatory("Anne-Marie Välikangas", "Finansråd"))
SECOND_GROUP = "Övriga projekt"


def _line_of(text: str, source: str = SMALL) -> int:
    return next(i for i, line in enumerate(source.split("\n"), start=1) if line.startswith(text))


def test_small_heading_and_language():
    p = SMALL_PARSED
    assert p.language == "sv"
    assert p.decision_date == date(2020, 2, 26)
    assert p.addressees == "Enligt sändlista"
    assert p.title == "FINANSMINISTERIETS BESLUT OM UNDERSTÖD FÖR KOMMUNERNAS GEMENSAMMA DIGITALISERINGSPROJEKT"


def test_small_background_and_applications():
    p = SMALL_PARSED
    assert (p.appropriation, p.budget_item) == (Decimal("30000000.00"), "28.90.32")
    assert p.deadline == date(2019, 12, 19)
    assert (p.received, p.withdrawn) == (6, 1)
    assert p.applied_total == Decimal("1934567.00")


def test_small_groups_grants_and_deferred():
    p = SMALL_PARSED
    assert [(g.heading, g.condition) for g in p.groups] == [
        (FIRST_GROUP, "Ett villkor för understödet är att följande kommuner deltar i det samarbete som "
         "finansministeriet ordnar."),
        (SECOND_GROUP, "Ett villkor för understödet är att följande kommuner deltar i samarbete som finansministeriet "
         "ordnar."),
    ]  # fmt: skip
    assert [(g.number, g.group_heading, g.recipient, g.amount, g.project, g.project_name, g.conditions)
            for g in p.grants] == [
        (1, FIRST_GROUP, "Tavastehus stad", Decimal("112200.00"), "Kaupunki taskussa", "Kaupunki taskussa", ()),
        (2, FIRST_GROUP, "Lestijärvi kommun", Decimal("166600.00"),
         "KASE Smart Countryside: Kuntien toimintamallien tehostaminen, digitalisaation keinoin",
         "KASE Smart Countryside: Kuntien toimintamallien tehostaminen, digitalisaation keinoin", ()),
        (3, SECOND_GROUP, "Etelä-Karjalan sosiaali- ja terveydenhuollon kuntayhtymä", Decimal("1200000.00"),
         "LUMINA-hanke, talous- ja HR-prosessien yhtenäistäminen",
         "LUMINA-hanke, talous- ja HR-prosessien yhtenäistäminen",
         ("Ett villkor för understödet är att genomförandet beaktar Toivo-programmet.",)),
    ]  # fmt: skip
    source_lines = SMALL.split("\n")
    for grant in p.grants:
        assert grant.raw == source_lines[grant.line - 1]
        assert grant.amount.as_tuple().exponent == -2
    assert p.grants[2].line == _line_of("3. **Till Etelä-Karjalan")
    assert [(d.number, d.applicant, d.project, d.line) for d in p.deferred] == [
        (1, "Esbo stad", "kuntien varhaiskasvatuksen toiminnanohjaus- ja asiakasvuorovaikutusjärjestelmän kehittäminen",
         _line_of("1. **Esbo stad**")),
    ]  # fmt: skip
    assert p.granted_total == Decimal("1478800.00") == sum(g.amount for g in p.grants)


def test_small_terms_signatures_and_sections():
    p = SMALL_PARSED
    assert p.aid_rate == Decimal("0.85")
    assert p.implementation_end == date(2021, 11, 30)
    assert p.reporting_interval_months == 4
    assert p.cost_categories == (
        "personalkostnader",
        "resekostnader",
        "lokalhyror",
        "kostnader för köpta tjänster, när de har använts enbart för projektet",
        "övriga omkostnader",
    )
    assert p.signatories == SWEDISH_SIGNATORIES
    assert list(p.sections) == [
        "Bakgrund",
        "Understödets ändamål",
        "Ansökningar",
        "Beslut och motivering",
        "Villkor för användningen av understödet",
        "Sökande av ändring",
    ]
    for text in p.sections.values():
        assert text in SMALL
    assert p.sections["Sökande av ändring"].endswith("Omprövning får begäras hos finansministeriet.")
    assert "Sirpa Paatero" not in p.sections["Sökande av ändring"]


def test_small_appendix():
    p = SMALL_PARSED
    assert [(r.row, r.lead, r.partners, r.amount, r.notes) for r in p.appendix] == [
        (1, "Esbo stad", ("Tammerfors",), Decimal("400000.00"), ()),
        (2, "Tavastehus stad", ("Salo",), Decimal("112200.00"), ()),
        (3, "Lestijärvi kommun", ("Halsua", "Kaustinen", "Toholampi", "Vetil"), Decimal("166600.00"), ()),
        (4, "Etelä-Karjalan sosiaali- ja terveydenhuollon kuntayhtymä", ("Villmanstrand", "Imatra"),
         Decimal("1200000.00"), ()),
        (5, "Kimitoöns kommun", ("Pargas stad",), Decimal("55767.00"), ()),
    ]  # fmt: skip
    assert p.appendix[2].project == p.grants[1].project  # colon and comma kept
    assert p.appendix_total == Decimal("1934567.00") == p.applied_total == sum(r.amount for r in p.appendix)
    assert len(p.appendix) == p.received - p.withdrawn
    source_lines = SMALL.split("\n")
    assert all(source_lines[r.line - 1] == r.raw for r in p.appendix)


def test_plain_spaces_crlf_and_bytes_read_the_same():
    assert SMALL != SMALL_PLAIN
    assert parse_decision(SMALL_PLAIN) == parse_decision(SMALL_PLAIN.replace("\n", "\r\n"))
    plain = parse_decision(SMALL_PLAIN)
    assert (plain.grants, plain.appendix_total, plain.applied_total) == (
        tuple(g.__class__(**{**g.__dict__, "raw": g.raw.replace(NBSP, " ")}) for g in SMALL_PARSED.grants),
        SMALL_PARSED.appendix_total,
        SMALL_PARSED.applied_total,
    )
    assert parse_decision_bytes(b"\xef\xbb\xbf" + SMALL.encode()) == SMALL_PARSED


@pytest.mark.parametrize(
    ("old", "new", "field", "value"),
    [
        ("Ett projekt återtog", "Två projekt återtog", "withdrawn", 2),
        ("Ett projekt återtog", "Tio projekt återtog", "withdrawn", 10),
        ("Ett projekt återtog", "3 projekt återtog", "withdrawn", 3),
        ("Ett projekt återtog senare sin ansökan.", "Ingen sökande återtog sin ansökan.", "withdrawn", 0),
        ("Ett projekt återtog senare sin ansökan. ", "", "withdrawn", 0),
        ("Inom den tidsfrist som ministeriet angett, senast 19.12.2019, inkom", "Inkom", "deadline", None),
        ("Inom den tidsfrist som ministeriet angett, senast 19.12.2019, inkom", "Inkom", "received", 6),
        ("I statsbudgeten för år 2019 har", "I statsbudgeten har", "appropriation", Decimal("30000000.00")),
        ("med fyra månaders", "med en månads", "reporting_interval_months", 1),  # the singular, as documents write it
        ("med fyra månaders", "med tre månaders", "reporting_interval_months", 3),
        ("med fyra månaders", "med sex månaders", "reporting_interval_months", 6),
        ("med fyra månaders", "med tolv månaders", "reporting_interval_months", 12),
        ("med fyra månaders", "med 5 månaders", "reporting_interval_months", 5),
        ("högst 85 procent", "högst 80,5 procent", "aid_rate", Decimal("0.805")),
    ],
)
def test_wordings_of_the_figures(old, new, field, value):
    assert old in SMALL
    assert getattr(parse_decision(SMALL.replace(old, new)), field) == value


def test_bold_headings_and_figures():
    text = SMALL.replace("\nBakgrund\n", "\n**Bakgrund**\n").replace("inkom 6", "inkom **6**")
    text = text.replace("\tAnsökt belopp", "\t**Ansökt belopp**").replace("\nAnsökningar\n", "\n# ANSÖKNINGAR:\n")
    parsed = parse_decision(text)
    assert (parsed.language, parsed.received, parsed.appendix_total) == ("sv", 6, SMALL_PARSED.appendix_total)


def test_grant_without_bold_and_with_a_condition_clause():
    text = SMALL.replace(
        "1. **Till Tavastehus stad och övriga kommuner som nämns i ansökan högst 112\u00a0200 euro**, för projektet "
        "Kaupunki taskussa,",
        "1. Till Tavastehus stad högst 112\u00a0200 euro, för projektet Kaupunki taskussa, förutsatt att projektet "
        "samarbetar med AuroraAI,",
    )
    grant = parse_decision(text).grants[0]
    assert (grant.recipient, grant.amount) == ("Tavastehus stad", Decimal("112200.00"))
    assert grant.project == "Kaupunki taskussa"
    assert grant.conditions == ("förutsatt att projektet samarbetar med AuroraAI",)


# --- The seed's figures, written in Swedish ------------------------------------------------------

SWEDISH_RECIPIENTS = {
    "Hämeenlinnan kaupungille": "Tavastehus stad",
    "Kiuruveden kaupungille": "Kiuruvesi stad",
    "Kuusamon kaupungille": "Kuusamo stad",
    "Lappeenrannan kaupungille": "Villmanstrand stad",
    "Lestijärven kunnalle": "Lestijärvi kommun",
    "Mänttä-Vilppulan kaupungille": "Mänttä-Vilppula stad",
    "Nousiaisten kunnalle": "Nousis kommun",
    "Nurmijärven kunnalle": "Nurmijärvi kommun",
    "Oulun kaupungille": "Uleåborg stad",
    "Paraisten kaupungille": "Pargas stad",
    "Seinäjoen kaupungille": "Seinäjoki stad",
    "Turun kaupungille": "Åbo stad",
    "Hollolan kunnalle": "Hollola kommun",
    "Iisalmen kaupungille": "Idensalmi stad",
    "Jyväskylän kaupungille": "Jyväskylä stad",
    "Kangasalan kaupungille": "Kangasala stad",
    "Kankaanpään kaupungille": "Kankaanpää stad",
    "Kauniaisten kaupungille": "Grankulla stad",
    "Naantalin kaupungille": "Nådendal stad",
    "Pietarsaaren kaupungille": "Jakobstad stad",
    "Porvoon kaupungille": "Borgå stad",
    "Tuusulan kunnalle": "Tusby kommun",
    "Vantaan kaupungille": "Vanda stad",
}
SWEDISH_DEFERRED = ["Esbo stad", "Etelä-Karjalan sosiaali- ja terveydenhuollon kuntayhtymä", "Helsingfors stad",
                    "Kuopio stad", "Pemar stad", "Tammerfors stad"]  # fmt: skip
SWEDISH_CONDITIONS = {
    13: ("Åbo stads projekt kan också slås samman.",),
    19: ("Kangasala stads projekt kan också slås samman.",),
    23: ("Ett villkor för understödet är att genomförandet beaktar Toivo-programmet och dess krav.",),
    24: ("förutsatt att samarbete sker åtminstone med finansministeriets utvecklingsplan AuroraAI",),
}
SWEDISH_CATEGORIES = ("personalkostnader", "resekostnader", "lokalhyror",
                      "kostnader för köpt forskning och konsulttjänster, när de har använts enbart för projektet",
                      "övriga omkostnader, inklusive kostnader för material och förnödenheter")  # fmt: skip


def _euros(amount: Decimal) -> str:
    return f"{int(amount):,}".replace(",", NBSP)


def _grant_line(grant) -> str:
    bold = (
        f"{grant.number}. **Till {SWEDISH_RECIPIENTS[grant.recipient]} och övriga kommuner som nämns i ansökan "
        f"högst {_euros(grant.amount)} euro**"
    )
    conditions = SWEDISH_CONDITIONS.get(grant.number, ())
    if grant.number == 24:  # a clause inside the project's sentence
        return f"{bold}, för projektet {grant.project_name}, {conditions[0]},"
    end = "." if grant.number in (13, 27) or conditions else ","
    return " ".join([f"{bold}, för projektet {grant.project_name}{end}", *conditions])


def _translated_appendix() -> str:
    """The seed's Appendix 1 with a Swedish header and Swedish conjunctions in the lead cells."""
    table = SEED_TEXT[SEED_TEXT.index("Hakijakunta / hankehallinnoija") :].split("\n")
    table[0] = "Sökande kommun / projektförvaltare\tProjektets namn\tAnsökt belopp"
    for i, line in enumerate(table[1:], start=1):
        cells = line.split("\t")
        cells[0] = re.sub(r"(?<!-) ja ", " och ", cells[0]).replace("(hankehallinnoija)", "(projektförvaltare)")
        table[i] = "\t".join(cells)
    return _nbsp("\n".join(table))


def _translated_seed() -> str:
    f = FINNISH_PARSED
    first = [_grant_line(g) for g in f.grants[:13]]
    second = [_grant_line(g) for g in f.grants[13:]]
    deferred = [f"{d.number}. **{name}**, {d.project}," for d, name in zip(f.deferred, SWEDISH_DEFERRED, strict=True)]
    categories = [f"- {i}) {c}" for i, c in enumerate(SWEDISH_CATEGORIES, start=1)]
    categories[-1] += "."
    parts = [
        "26.2.2020", "Enligt sändlista",
        "FINANSMINISTERIETS BESLUT OM UNDERSTÖD FÖR KOMMUNERNAS GEMENSAMMA DIGITALISERINGSPROJEKT",
        "Bakgrund",
        f"I statsbudgeten för år 2019 har tagits in ett anslag på {_euros(f.appropriation)} euro (moment "
        f"{f.budget_item}).",
        "Understödets ändamål", "Understöd kunde beviljas för förändringar i kommunernas verksamhet.",
        "Ansökningar",
        f"Inom den tidsfrist som ministeriet angett, senast 19.12.2019, inkom {f.received} ansökningar om understöd. "
        f"Ett projekt återtog senare sin ansökan. Det sammanlagda ansökta beloppet i de inkomna ansökningarna var "
        f"{_euros(f.applied_total)} euro.",
        "Beslut och motivering",
        "Finansministeriet beslutar på basis av ansökningarna att bevilja understöd enligt följande.",
        "Projekt för elektronisk service, kommunikation och delaktighet",
        "Ett villkor för understödet är att följande kommuner deltar i det samarbete som finansministeriet ordnar.",
        "\n".join(first[:5]), "\n".join(first[5:]),
        "Övriga projekt", "Ett villkor för understödet är att följande kommuner deltar i samarbete.",
        "\n".join(second[:10]), "\n".join(second[10:]),
        "Projekt som kräver ytterligare utredning",
        "Om följande projekt fattas beslut separat senare, efter ytterligare utredning.",
        "\n".join(deferred),
        "Övriga sökande beviljas inte understöd efter en helhetsbedömning.",
        f"Det sammanlagda beloppet av de understöd som beviljas är {_euros(f.granted_total)} euro.",
        "Villkor för användningen av understödet",
        "Utöver de villkor som nämns ovan ska understödstagarna dela med sig av sina erfarenheter.",
        "Till de godtagbara kostnaderna hör:", "\n".join(categories),
        "Statsunderstödet kan uppgå till högst 85 procent av projektets kostnader som berättigar till statsunderstöd. "
        "Mervärdesskatten räknas inte in i kostnaderna när maximibeloppet beräknas.",
        "Projekten ska vara genomförda och slutrapporteringen gjord senast 30.11.2021.",
        "Mellanrapporter ska lämnas med fyra månaders mellanrum.",
        "Sökande av ändring", "Ändring i detta beslut får inte sökas genom besvär.",
        "\n\n", "Sirpa Paatero\nKommunminister", "\n\n", "Anne-Marie Välikangas\nFinansråd",
        "Bilaga 1", _translated_appendix(),
    ]  # fmt: skip
    return "\n\n".join(parts)


TRANSLATED = _translated_seed()
TRANSLATED_PARSED = parse_decision(TRANSLATED)


def test_translated_seed_has_the_seeds_figures():
    sv, fi = TRANSLATED_PARSED, FINNISH_PARSED
    assert sv.language == "sv"
    for name in ("decision_date", "appropriation", "budget_item", "deadline", "received", "withdrawn",
                 "applied_total", "granted_total", "aid_rate", "implementation_end", "reporting_interval_months",
                 "appendix_total", "signatories"):  # fmt: skip
        expected = SWEDISH_SIGNATORIES if name == "signatories" else getattr(fi, name)
        assert getattr(sv, name) == expected, name
    assert sv.cost_categories == SWEDISH_CATEGORIES


def test_translated_seed_grants_and_deferred():
    sv, fi = TRANSLATED_PARSED, FINNISH_PARSED
    assert [g.heading for g in sv.groups] == [FIRST_GROUP, SECOND_GROUP]
    assert len(sv.grants) == 27
    for s, f in zip(sv.grants, fi.grants, strict=True):
        assert (s.number, s.amount) == (f.number, f.amount)
        assert s.recipient == SWEDISH_RECIPIENTS[f.recipient]
        assert s.project == s.project_name == f.project_name, s.number
        assert s.conditions == SWEDISH_CONDITIONS.get(s.number, ()), s.number
        assert s.group_heading == (FIRST_GROUP if s.number <= 13 else SECOND_GROUP)
    assert sum(g.amount for g in sv.grants) == sv.granted_total
    assert [(d.applicant, d.project) for d in sv.deferred] == [
        (name, d.project) for name, d in zip(SWEDISH_DEFERRED, fi.deferred, strict=True)
    ]


def test_translated_seed_appendix_splits_like_the_finnish_one():
    sv, fi = TRANSLATED_PARSED, FINNISH_PARSED
    assert len(sv.appendix) == 51
    for s, f in zip(sv.appendix, fi.appendix, strict=True):
        assert (s.row, s.lead, s.partners, s.project, s.amount) == (f.row, f.lead, f.partners, f.project, f.amount)
        assert bool(s.notes) == bool(f.notes), s.row
    hyvinkaa = next(r for r in sv.appendix if r.applicant_cell.startswith("Hyvinkää"))
    assert hyvinkaa.notes == ("lead marked '(projektförvaltare)' inside the list",)


# --- Language detection ----------------------------------------------------------------------------


def test_language_is_detected():
    assert FINNISH_PARSED.language == "fi"
    assert SMALL_PARSED.language == "sv"
    assert set(VOCABULARIES) == {"fi", "sv"}
    assert (VOCABULARIES["fi"], VOCABULARIES["sv"]) == (FINNISH, SWEDISH)


def test_one_heading_is_enough_to_tell_the_language():
    # A Swedish decision cut after its first heading is still read as Swedish, and refused as such.
    with pytest.raises(DecisionFormatError) as refused:
        parse_decision(SMALL[: SMALL.index("Understödets ändamål")])
    assert refused.value.part == "applications"
    assert "'Ansökningar'" in str(refused.value)


def test_the_appendix_header_alone_tells_the_language():
    # Without headings the text is no decision, but it is refused as a Swedish one.
    table = SMALL[SMALL.index("Sökande kommun /") :]
    with pytest.raises(DecisionFormatError) as refused:
        parse_decision("26.2.2020\n\nENLIGT SÄNDLISTA\n\n" + table)
    assert refused.value.part == "applications"
    assert "'Ansökningar'" in str(refused.value)


def test_an_unrelated_text_names_headings_of_both_languages():
    with pytest.raises(DecisionFormatError) as refused:
        parse_decision("Lorem ipsum dolor sit amet.\n" * 20)
    assert refused.value.part == "document"
    assert "'Taustaa'" in str(refused.value) and "'Bakgrund'" in str(refused.value)


def test_error_messages_quote_the_language_of_the_text():
    with pytest.raises(DecisionFormatError, match="inkom N ansökningar"):
        parse_decision(SMALL.replace("inkom 6", "inkom många"))
    with pytest.raises(DecisionFormatError, match="hakemuksia saapui N"):
        parse_decision(SEED_TEXT.replace("saapui 52", "saapui monta"))


# --- Damaged Swedish copies ------------------------------------------------------------------------


def _cut_before(marker: str) -> str:
    assert marker in SMALL, marker
    return SMALL[: SMALL.index(marker)]


@pytest.mark.parametrize(
    ("text", "part"),
    [
        (_cut_before("Ansökningar\n"), "applications"),
        (_cut_before("inkom 6"), "applications"),
        (SMALL.replace("inkom 6", "inkom några"), "applications"),
        (SMALL.replace("Det sammanlagda ansökta beloppet", "Beloppet"), "applications"),
        (_cut_before("Beslut och motivering"), "decision"),
        (_cut_before("1. **Till Tavastehus"), "grants"),
        (_cut_before("3. **Till"), "granted_total"),
        (_cut_before("Det sammanlagda beloppet av"), "granted_total"),
        (_cut_before("Villkor för användningen"), "signatures"),
        (_cut_before("Sirpa Paatero"), "signatures"),
        (_cut_before("Bilaga 1"), "appendix"),
        (_cut_before("Sökande kommun /"), "appendix"),
        (_cut_before("Kimitoöns kommun"), "appendix_total"),
        (_cut_before("Kaupunki taskussa\t112") + "Kaupunki tas", "appendix_total"),
        (SMALL.replace("\t\t1\u00a0934\u00a0567,00", ""), "appendix_total"),
        (SMALL.replace("\t\t1\u00a0934\u00a0567,00", "\t\t1\u00a0934"), "appendix_total"),
        (SMALL.replace("\t112\u00a0200,00", "\t12x\u00a0200,00"), "appendix"),
        (SMALL.replace("Kaupunki taskussa\t112", "Kaupunki taskussa 112"), "appendix"),
        (SMALL.replace("26.2.2020", "26.2.20"), "date"),
        (SMALL.replace("26.2.2020", "30.2.2020"), "date"),
        (SMALL.replace("FINANSMINISTERIETS BESLUT OM UNDERSTÖD FÖR KOMMUNERNAS GEMENSAMMA DIGITALISERINGSPROJEKT",
                       "Finansministeriets beslut"), "title"),
        (SMALL.replace("högst 112\u00a0200 euro", "högst 112\u00a0200"), "grants"),
        (SMALL.replace("senast 19.12.2019", "senast 19.13.2019"), "applications"),
        (SMALL.replace("senast 30.11.2021", "senast 31.11.2021"), "terms"),
    ],
    ids=[
        "cut-before-applications", "cut-in-applications", "no-count-received", "no-applied-total",
        "cut-before-decision", "cut-before-grants", "cut-in-grant-list", "cut-before-granted-total",
        "cut-before-terms", "cut-before-signatures", "cut-before-appendix-label", "cut-before-appendix",
        "cut-in-appendix", "cut-in-appendix-row", "no-total-row", "total-cut-at-a-space", "bad-amount",
        "row-without-tabs", "short-year", "no-such-day", "no-title", "grant-without-currency", "bad-deadline",
        "bad-implementation-end",
    ],
)  # fmt: skip
def test_damaged_swedish_copies_are_refused(text, part):
    with pytest.raises(DecisionFormatError) as refused:
        parse_decision(text)
    assert refused.value.part == part
    assert str(refused.value)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=len(SMALL)))
def test_a_cut_swedish_copy_is_refused_or_complete(cut):
    try:
        parsed = parse_decision(SMALL[:cut])
    except DecisionFormatError:
        return
    assert parsed == SMALL_PARSED


@settings(max_examples=100, deadline=None)
@given(
    st.integers(min_value=0, max_value=len(SMALL) - 1),
    st.text(alphabet="\t\n *.,()0123456789xaåö–-", min_size=1, max_size=5),
)
def test_a_swedish_copy_with_a_typo_is_refused_or_read(position, typo):
    try:
        parsed = parse_decision(SMALL[:position] + typo + SMALL[position + 1 :])
    except DecisionFormatError:
        return
    assert isinstance(parsed, ParsedDecision)


# --- Swedish figures and lead cells ----------------------------------------------------------------


def test_swedish_count_words():
    words = ["en", "Ett", "två", "Tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "Tio", "elva", "tolv", "52"]
    assert [swedish.parse_count(w) for w in words] == [1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 52]
    with pytest.raises(swedish.SwedishNumberError):
        swedish.parse_count("några")
    assert issubclass(swedish.SwedishNumberError, FinnishNumberError)


@pytest.mark.parametrize(
    ("cell", "lead", "partners"),
    [
        ("Tavastehus stad (Salo)", "Tavastehus stad", ("Salo",)),
        ("Borgå stad (Grankulla, Träskända och Riihimäki)", "Borgå stad", ("Grankulla", "Träskända", "Riihimäki")),
        ("Kårkulla samkommun (Pargas stad och Kimitoöns kommun)", "Kårkulla samkommun",
         ("Pargas stad", "Kimitoöns kommun")),
        ("Etelä-Karjalan sosiaali- ja terveydenhuollon kuntayhtymä (Villmanstrand)",
         "Etelä-Karjalan sosiaali- ja terveydenhuollon kuntayhtymä", ("Villmanstrand",)),
        ("Social- och hälsovårdssamkommun (Vasa)", "Social- och hälsovårdssamkommun", ("Vasa",)),
        ("Hyvinge, Kervo (projektförvaltare) Sibbo och Tusby", "Kervo", ("Hyvinge", "Sibbo", "Tusby")),
        # Decree 893/2019's term; the older one above is still read.
        ("Hyvinge, Kervo (projektadministratör) Sibbo och Tusby", "Kervo", ("Hyvinge", "Sibbo", "Tusby")),
    ],
)  # fmt: skip
def test_swedish_lead_cells(cell, lead, partners):
    assert split_applicant_cell(cell, SWEDISH)[:2] == (lead, partners)


# --- Finnish as Avustus renders it -----------------------------------------------------------------


def _finnish(*replacements: tuple[str, str]) -> ParsedDecision:
    text = SEED_TEXT
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    return parse_decision(text)


def test_finnish_rendered_wordings():
    parsed = _finnish(
        ("Hanke tulee olla toteutettu ja loppuraportointi tehtynä viimeistään 30.11.2021.",
         "Hankkeiden on oltava toteutettuina ja loppuraportoinnin tehtynä viimeistään 30.11.2021."),
        ("Väliraportointia hankkeiden etenemisestä ja avustuksen käytöstä on suoritettava Hankesalkku-välineellä "
         "neljän kuukauden välein olevin, erikseen ilmoitettavin, määräajoin.",
         "Väliraportit on annettava neljän kuukauden välein."),
        ("Valtion talousarvioon vuodelle 2019 on otettu 30 000 000 euron määräraha (momentti 28.90.32 "
         "Valtionavustus kuntien kannustinjärjestelmiin, siirtomääräraha 3 v.), jolta voidaan myöntää avustusta "
         "kunnille ja kuntayhtymille digitalisaatiota edistäviin hankkeisiin.",
         "Valtion talousarvioon on otettu 30 000 000 euron määräraha (momentti 28.90.32)."),
        ("Myönnettävän valtionavustuksen enimmäismäärä voi olla enintään 85 prosenttia",
         "Myönnettävä valtionavustus voi olla enintään 85 prosenttia"),
    )  # fmt: skip
    assert (parsed.implementation_end, parsed.reporting_interval_months) == (date(2021, 11, 30), 4)
    assert (parsed.appropriation, parsed.budget_item, parsed.aid_rate) == (
        Decimal("30000000.00"), "28.90.32", Decimal("0.85"))  # fmt: skip


@pytest.mark.parametrize(
    ("sentence", "withdrawn"),
    [
        ("Yksikään hakija ei perunut hakemustaan.", 0),
        ("Kaksi hanketta perui myöhemmin hakemuksensa.", 2),
        ("Kymmenen hanketta perui myöhemmin hakemuksensa.", 10),
        ("12 hanketta perui myöhemmin hakemuksensa.", 12),
    ],
)
def test_finnish_withdrawn_counts(sentence, withdrawn):
    parsed = _finnish(("Yksi hanke perui myöhemmin hakemuksensa.", sentence))
    assert parsed.withdrawn == withdrawn
    assert parsed.received == 52


def test_finnish_received_without_a_deadline():
    parsed = _finnish(
        ("Ministeriön ilmoittamaan määräaikaan 19.12.2019 mennessä avustushakemuksia saapui 52.",
         "Avustushakemuksia saapui 52."),
    )  # fmt: skip
    # The deadline is then read from the background ("19.12.2019 päättyneen avustushaun").
    assert (parsed.received, parsed.deadline) == (52, date(2019, 12, 19))


def test_finnish_appendix_label_before_the_table():
    for label in ("Liite 1", "LIITE 1", "**Liite 1**", "Liite 1."):
        parsed = _finnish(("\nHakijakunta / hankehallinnoija", f"\n{label}\n\nHakijakunta / hankehallinnoija"))
        assert parsed.signatories == FINNISH_PARSED.signatories, label
        assert parsed.appendix == tuple(
            r.__class__(**{**r.__dict__, "line": r.line + 2}) for r in FINNISH_PARSED.appendix
        )
    # Right under the last title, without a blank line.
    parsed = _finnish(("Finanssineuvos\n", "Finanssineuvos\nLiite 1\n"))
    assert parsed.signatories == FINNISH_PARSED.signatories


# --- Cost categories are found by their form, in either language -----------------------------------

SEED_INTRO = "Valtionavustukseen oikeuttavia, hyväksyttäviä kustannuksia ovat hankkeesta aiheutuvat:"


def test_finnish_cost_categories_do_not_depend_on_the_intro():
    for intro in ("Avustusta voidaan käyttää seuraaviin kuluihin:", "Kulut", ""):
        assert _finnish((SEED_INTRO, intro)).cost_categories == FINNISH_PARSED.cost_categories, intro


def test_cost_categories_are_the_first_numbered_list_of_the_terms():
    # A later numbered list of the terms is not read as cost categories.
    later = "Selvitykseen on liitettävä:\n\n- 1) tilintarkastajan lausunto\n- 2) kirjanpidon ote\n\n"
    parsed = _finnish(("Avustus saadaan valtionavustuslain 13", later + "Avustus saadaan valtionavustuslain 13"))
    assert parsed.cost_categories == FINNISH_PARSED.cost_categories
    # Blank lines between the items; items written "1)" without the dash.
    spread = SMALL.replace("\n- 2) resekostnader\n", "\n\n2) resekostnader\n\n")
    assert parse_decision(spread).cost_categories == SMALL_PARSED.cost_categories
    # An item broken across lines continues on a line in lower case right under it.
    broken = SMALL.replace("köpta tjänster, när de", "köpta tjänster,\nnär de")
    assert parse_decision(broken).cost_categories == SMALL_PARSED.cost_categories


def test_cost_categories_stop_at_a_gap_in_the_numbering():
    parsed = parse_decision(SMALL.replace("- 3) lokalhyror", "- 4) lokalhyror"))
    assert parsed.cost_categories == ("personalkostnader", "resekostnader")
    assert parse_decision(SMALL.replace("- 1) personalkostnader\n", "")).cost_categories == ()


# --- Where Avustus puts the implementation end ------------------------------------------------------


def test_implementation_end_stated_in_the_decision_section():
    # Rendered decisions end the section "Beslut och motivering" with it, before the terms.
    sentence = "Projekten ska vara genomförda och slutrapporteringen gjord senast 30.11.2021.\n\n"
    moved = SMALL.replace(sentence, "").replace(
        "Villkor för användningen av understödet\n", sentence + "Villkor för användningen av understödet\n"
    )
    assert moved != SMALL
    assert parse_decision(moved).implementation_end == date(2021, 11, 30)
    assert parse_decision(SMALL.replace(sentence, "")).implementation_end is None
    # In Finnish likewise; one stated in the terms wins.
    finnish = "Hankkeiden on oltava toteutettuina ja loppuraportoinnin tehtynä viimeistään 30.11.2022.\n\n"
    parsed = _finnish(("Avustuksen käytön ehdot\n", finnish + "Avustuksen käytön ehdot\n"))
    assert parsed.implementation_end == date(2021, 11, 30)
    parsed = _finnish(
        ("Avustuksen käytön ehdot\n", finnish + "Avustuksen käytön ehdot\n"),
        ("Hanke tulee olla toteutettu ja loppuraportointi tehtynä viimeistään 30.11.2021.", ""),
    )
    assert parsed.implementation_end == date(2022, 11, 30)
    with pytest.raises(DecisionFormatError) as refused:
        parse_decision(moved.replace("senast 30.11.2021", "senast 31.11.2021"))
    assert refused.value.part == "decision"
