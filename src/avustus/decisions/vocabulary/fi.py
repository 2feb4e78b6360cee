"""Finnish: the phrases a Finnish decision and letter write, and the vocabulary that reads them back.

Each sentence the documents write (``FinnishPhrases``) has its reading pattern in ``VOCABULARY``
below it; the words both use (headings, the appendix's title and header, number words) are written
once, above both. The round-trip tests (render, then import) check that the two agree.
"""

from datetime import date
from decimal import Decimal

from avustus.decisions.vocabulary.base import (
    Phrases,
    Recipient,
    Vocabulary,
    date_text,
    euros_text,
    percent_text,
    title_pattern,
)

# --- Words both sides use ---------------------------------------------------------------------------

# Number words 1-12 in the nominative ("Yksi hanke perui ...") and the genitive ("neljän kuukauden välein").
NOMINATIVE_NUMBERS = {1: "yksi", 2: "kaksi", 3: "kolme", 4: "neljä", 5: "viisi", 6: "kuusi", 7: "seitsemän",
                      8: "kahdeksan", 9: "yhdeksän", 10: "kymmenen", 11: "yksitoista", 12: "kaksitoista"}
GENITIVE_NUMBERS = {1: "yhden", 2: "kahden", 3: "kolmen", 4: "neljän", 5: "viiden", 6: "kuuden", 7: "seitsemän",
                    8: "kahdeksan", 9: "yhdeksän", 10: "kymmenen", 11: "yhdentoista", 12: "kahdentoista"}
# What the importer reads: every form of every number word.
NUMBER_WORDS = {word: n for table in (NOMINATIVE_NUMBERS, GENITIVE_NUMBERS) for n, word in table.items()}

HEADINGS = {
    "background": "Taustaa",
    "purposes": "Avustuksen kohteet",
    "applications": "Hakemukset",
    "decision": "Päätös ja sen perustelut",
    "deferred": "Jatkoselvitystä edellyttävät hankkeet",
    "terms": "Avustuksen käytön ehdot",
    "appeal": "Muutoksenhaku",
}
APPENDIX_TITLE = "Liite 1"
APPENDIX_HEADER = ("Hakijakunta / hankehallinnoija", "Hankkeen nimi", "Haetaan")
DEFAULT_TITLE = "VALTIONAVUSTUSPÄÄTÖS"  # the decision's title when the call's texts give none

# Endings of Finnish bodies' names and the allative ("to") of each: Hämeenlinnan kaupunki → kaupungille.
ALLATIVE_ENDINGS = {
    "kuntayhtymä": "kuntayhtymälle",
    "seutukunta": "seutukunnalle",
    "kaupunki": "kaupungille",
    "kunta": "kunnalle",
    "liitto": "liitolle",
    "virasto": "virastolle",
}

# --- Writing ------------------------------------------------------------------------------------------

# Counts the documents write in words: "Yksi hanke perui ...", "neljän kuukauden välein".
COUNT_WORDS = {n: NOMINATIVE_NUMBERS[n].capitalize() for n in range(1, 11)}
INTERVAL_WORDS = {n: GENITIVE_NUMBERS[n] for n in (1, 2, 3, 4, 5, 6, 12)}


class FinnishPhrases(Phrases):
    lang = "fi"
    headings = HEADINGS
    appendix_title = APPENDIX_TITLE
    appendix_header = APPENDIX_HEADER

    def recipient(self, r: Recipient) -> str:
        """"Hämeenlinnan kaupungille", "Lestijärven kunnalle", "Eksotelle" style allative of the recipient."""
        if r.municipal_form and r.genitive_fi:
            return f"{r.genitive_fi} {ALLATIVE_ENDINGS[r.municipal_form]}"
        for ending, allative in ALLATIVE_ENDINGS.items():
            if r.name_fi.endswith(ending):
                return r.name_fi[: -len(ending)] + allative
        return f"{r.name_fi}lle"

    def formal_name(self, r: Recipient) -> str:
        return f"{r.genitive_fi} {r.municipal_form}"

    def appropriation(self, amount: Decimal, budget_item: str, year: int | None) -> str:
        budget = f"Valtion talousarvioon vuodelle {year}" if year else "Valtion talousarvioon"
        return f"{budget} on otettu {euros_text(amount)} euron määräraha (momentti {budget_item})."

    def received(self, deadline: date | None, received: int) -> str:
        if deadline is None:
            return f"Avustushakemuksia saapui {received}."
        return (f"Ministeriön ilmoittamaan määräaikaan {date_text(deadline)} mennessä "
                f"avustushakemuksia saapui {received}.")

    def withdrawn(self, withdrawn: int) -> str:
        if withdrawn == 0:
            return "Yksikään hakija ei perunut hakemustaan."
        noun = "hanke" if withdrawn == 1 else "hanketta"
        return f"{COUNT_WORDS.get(withdrawn, str(withdrawn))} {noun} perui myöhemmin hakemuksensa."

    def applied_total(self, amount: Decimal) -> str:
        return f"Haettu avustusmäärä saapuneissa hakemuksissa oli yhteensä {euros_text(amount)} euroa."

    def grant_bold(self, recipient: str, amount: Decimal) -> str:
        return f"{recipient} ja muille hakemuksessa mainituille kunnille enintään {euros_text(amount)} euroa"

    def grant_project(self, project: str) -> str:
        return f", {project} -hankkeeseen"

    def amends(self, decided_on: date | None) -> str:
        when = f" {date_text(decided_on)}" if decided_on else ""
        return f"Tällä päätöksellä muutetaan ja täydennetään valtiovarainministeriön päätöstä{when}."

    def granted_total(self, amount: Decimal) -> str:
        return f"Myönnettävien avustusten kokonaismäärä on {euros_text(amount)} euroa."

    def implementation_end(self, day: date) -> str:
        return f"Hankkeiden on oltava toteutettuina ja loppuraportoinnin tehtynä viimeistään {date_text(day)}."

    def aid_rate(self, rate: Decimal) -> str:
        return (f"Myönnettävä valtionavustus voi olla enintään {percent_text(rate)} prosenttia hankkeen "
                "valtionavustukseen oikeuttavista kustannuksista. Enimmäismäärää laskettaessa kustannuksiin "
                "ei lueta arvonlisäveroa.")

    def reporting_interval(self, months: int) -> str:
        return f"Väliraportit on annettava {INTERVAL_WORDS.get(months, str(months))} kuukauden välein."


PHRASES = FinnishPhrases()

# The letter to one applicant (``documents.letter``); its placeholders are filled with figures and names.
LETTER = {
    "title": "PÄÄTÖS VALTIONAVUSTUSHAKEMUKSEEN",
    "application": "Hakemus {reference}: {title}. Haettu avustus {applied} euroa.",
    "granted": "Valtiovarainministeriö on päätöksellään {date} myöntänyt {recipient} ja muille hakemuksessa "
    "mainituille kunnille valtionavustusta enintään {amount} euroa hankkeeseen {title}.",
    "deferred": "Valtiovarainministeriö päättää hakemuksesta erikseen myöhemmin lisäselvitysten jälkeen. "
    "Ministeriö on yhteydessä hakijaan.",
    "rejected": "Valtiovarainministeriö ei päätöksellään {date} myöntänyt hakemukselle avustusta.",
    "withdrawn": "Hakija on perunut hakemuksensa.",
    "conditions": "Avustuksen ehdot",
    "rectification": "Oikaisuvaatimus",
    "deadline": "Päätös on lähetetty {sent} {by}. Sen katsotaan tulleen tiedoksi {received}, ja oikaisuvaatimus "
    "on tehtävä viimeistään {deadline}.",
    "no_deadline": "Oikaisuvaatimus on tehtävä {days} päivän kuluessa päätöksen tiedoksisaannista.",
    "letter": "kirjeenä",
    "electronic": "sähköisesti",
    "appendix": "Liite: valtiovarainministeriön päätös {date}",
}

# --- Reading ------------------------------------------------------------------------------------------

VOCABULARY = Vocabulary(
    language="fi",
    headings={role: text for role, text in HEADINGS.items() if role != "deferred"},
    deferred_heading=HEADINGS["deferred"],
    appendix_columns=APPENDIX_HEADER,
    appendix_label=title_pattern(APPENDIX_TITLE),
    appropriation=(r"{amount}\s+euron\s+määräraha",),
    budget_item=(r"\bmomentti\s+(?P<value>\d{2}\.\d{2}\.\d{2})\b",),
    deadline=(r"määräaikaan\s+{date}\s+mennessä", r"{date}\s+päättyneen\s+avustushaun"),
    received=(r"hakemuksia\s+saapui\s+{count}\b",),
    withdrawn=(r"\b{count}\s+(?:hanke|hakija|hakemus)\w*\s+(?:\w+\s+)?peru",),
    withdrawn_none=(r"\byksikään\s+(?:hanke|hakija|hakemus)\w*\s+ei\s+peru", r"\bei\s+yksikään\s+\w+\s+peru"),
    applied_total=(r"haettu\s+avustusmäärä\b[^.]*?\byhteensä\s+{amount}\s+euroa",),
    granted_total=(r"kokonaismäärä\s+on\s+{amount}\s+euroa",),
    aid_rate=(r"enintään\s+(?P<value>\d{1,3}(?:,\d{1,4})?)\s+prosenttia",),
    implementation_end=(r"viimeistään\s+{date}",),
    reporting_interval=(r"\b{count}\s+kuukauden\s+välein",),
    grant_amount=r"(?:enintään\s+)?{amount}\s*(?:euroa|€)(?!\w)",
    recipient_prefix="",
    co_recipients=r"\s+ja\s+muille\s+(?:hakemuksessa\s+mainituille\s+)?(?:kunnille|kuntayhtymille)"
    r"(?:\s+ja\s+kuntayhtymille)?$",
    project_prefix="",
    condition_clause=r",\s*(?=(?:jonka|joiden)\s+(?:osalta|ehtona)\b|edellyttäen\b)",
    project_suffix="hankkeeseen",
    project_noun="hanke",
    lead_marker="hankehallinnoija",
    conjunction="ja",
    body_words=("kaupunki", "kunta", "kuntayhtymä", "seutukunta", "stad", "kommun", "samkommun"),
    group_endings=("kunnat", "jäsenet", "kuntayhtymät", "kommuner"),
    number_words=NUMBER_WORDS,
    examples={
        "received": "hakemuksia saapui N",
        "applied_total": "Haettu avustusmäärä ... yhteensä N euroa",
        "granted_total": "Myönnettävien avustusten kokonaismäärä on N euroa",
        "grant": "... enintään N euroa",
    },
)
