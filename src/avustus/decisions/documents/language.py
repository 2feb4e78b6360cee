"""The words a decision document writes around its figures, in Finnish and Swedish.

Paragraphs of prose are texts of the call (see ``calls/data``); the sentences here are the ones the
system writes because they carry figures: amounts, dates, counts and names in the right case. The
importer's vocabularies read these same sentences back, which the round-trip tests check.

Pure Python, no Django.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from avustus.rules.money import format_amount

FI_COUNT_WORDS = {1: "Yksi", 2: "Kaksi", 3: "Kolme", 4: "Neljä", 5: "Viisi", 6: "Kuusi", 7: "Seitsemän",
                  8: "Kahdeksan", 9: "Yhdeksän", 10: "Kymmenen"}
FI_GENITIVE_COUNT_WORDS = {1: "yhden", 2: "kahden", 3: "kolmen", 4: "neljän", 5: "viiden", 6: "kuuden",
                           12: "kahdentoista"}
SV_COUNT_WORDS = {1: "Ett", 2: "Två", 3: "Tre", 4: "Fyra", 5: "Fem", 6: "Sex", 7: "Sju", 8: "Åtta", 9: "Nio",
                  10: "Tio"}
SV_MONTH_WORDS = {1: "en", 2: "två", 3: "tre", 4: "fyra", 5: "fem", 6: "sex", 12: "tolv"}


def date_text(day: date) -> str:
    """26.2.2020: both languages write dates this way in Finland."""
    return f"{day.day}.{day.month}.{day.year}"


def euros_text(amount: Decimal) -> str:
    """8 268 000 or 87 360,50: whole euros without cents, as decisions write amounts in sentences."""
    return format_amount(amount, cents=False)


def percent_text(rate: Decimal) -> str:
    """85 or 85,5, for 0.85 or 0.855."""
    value = (rate * 100).normalize()
    return f"{value:f}".replace(".", ",")


# Endings of Finnish bodies' names and the allative ("to") of each: Hämeenlinnan kaupunki → kaupungille.
FI_ALLATIVE_ENDINGS = {
    "kuntayhtymä": "kuntayhtymälle",
    "seutukunta": "seutukunnalle",
    "kaupunki": "kaupungille",
    "kunta": "kunnalle",
    "liitto": "liitolle",
    "virasto": "virastolle",
}


@dataclass(frozen=True)
class Recipient:
    """What a document needs to name a body: its names, genitive and form."""

    name_fi: str
    name_sv: str
    genitive_fi: str | None
    municipal_form: str | None  # "kaupunki" or "kunta" for a municipality


def recipient_fi(r: Recipient) -> str:
    """"Hämeenlinnan kaupungille", "Lestijärven kunnalle", "Eksotelle" style allative of the recipient."""
    if r.municipal_form and r.genitive_fi:
        return f"{r.genitive_fi} {FI_ALLATIVE_ENDINGS[r.municipal_form]}"
    for ending, allative in FI_ALLATIVE_ENDINGS.items():
        if r.name_fi.endswith(ending):
            return r.name_fi[: -len(ending)] + allative
    return f"{r.name_fi}lle"


def swedish_genitive(name: str) -> str:
    """"Villmanstrands", "Kyrkslätts"; a name ending in a vowel or in s, x or z stays as it is ("Esbo", "Pargas").

    Finland-Swedish official names of municipalities put the place name in the genitive before "stad" or
    "kommun" ("Villmanstrands stad", "Korsholms kommun"), which has no ending after a vowel ("Esbo stad",
    "Lestijärvi kommun") or after s, x and z ("Helsingfors stad", "Malax kommun").
    """
    if not name or name[-1].casefold() in "aeiouyåäöéü" or name[-1].casefold() in "sxz":
        return name
    return f"{name}s"


def recipient_sv(r: Recipient) -> str:
    """"Pargas stad", "Esbo stad", "Villmanstrands stad", "Lestijärvi kommun"; other bodies by their Swedish name."""
    name = r.name_sv or r.name_fi
    if r.municipal_form:
        return f"{swedish_genitive(name)} {'stad' if r.municipal_form == 'kaupunki' else 'kommun'}"
    return name


# Titles of signatories as the Ministry writes them in Finnish, and the Swedish title of the same office
# (the Government's and the Ministry of Finance's own Swedish usage). Keys are compared case-insensitively.
SV_TITLES = {
    "kuntaministeri": "Kommunminister",
    "kunta- ja uudistusministeri": "Kommun- och reformminister",
    "kunta- ja omistajaohjausministeri": "Minister för kommunfrågor och ägarstyrning",
    "valtiovarainministeri": "Finansminister",
    "ministeri": "Minister",
    "kansliapäällikkö": "Kanslichef",
    "osastopäällikkö": "Avdelningschef",
    "alivaltiosihteeri": "Understatssekreterare",
    "valtiosihteeri": "Statssekreterare",
    "finanssineuvos": "Finansråd",
    "budjettineuvos": "Budgetråd",
    "hallitusneuvos": "Regeringsråd",
    "neuvotteleva virkamies": "Konsultativ tjänsteman",
    "erityisasiantuntija": "Specialsakkunnig",
    "johtava asiantuntija": "Ledande sakkunnig",
    "kehittämispäällikkö": "Utvecklingschef",
    "yksikön päällikkö": "Enhetschef",
    "ylitarkastaja": "Överinspektör",
    "ylitarkastaja, kuntatalous": "Överinspektör, kommunalekonomi",
    "lakimies": "Jurist",
    "hallitussihteeri": "Regeringssekreterare",
    "neuvotteleva lakimies": "Konsultativ jurist",
}


def signatory_title(title: str, lang: str) -> str:
    """The title in the document's language: the Swedish title of a known Finnish one, else as written.

    A title already written in Swedish (or one the table does not know) is kept as it is, so that an
    official can always type the exact title the document should carry.
    """
    if lang != "sv":
        return title
    return SV_TITLES.get(" ".join(title.split()).casefold(), title)


def count_word(n: int, lang: str) -> str:
    words = FI_COUNT_WORDS if lang == "fi" else SV_COUNT_WORDS
    return words.get(n, str(n))


@dataclass(frozen=True)
class Phrases:
    """Headings and figure sentences of a collective decision in one language."""

    lang: str
    headings: dict[str, str]
    appendix_title: str
    appendix_header: tuple[str, str, str]

    def appropriation(self, amount: Decimal, budget_item: str, year: int | None) -> str:
        if self.lang == "fi":
            budget = f"Valtion talousarvioon vuodelle {year}" if year else "Valtion talousarvioon"
            return f"{budget} on otettu {euros_text(amount)} euron määräraha (momentti {budget_item})."
        budget = f"I statsbudgeten för år {year}" if year else "I statsbudgeten"
        return f"{budget} har tagits in ett anslag på {euros_text(amount)} euro (moment {budget_item})."

    def received(self, deadline: date | None, received: int) -> str:
        if self.lang == "fi":
            if deadline is None:
                return f"Avustushakemuksia saapui {received}."
            return f"Ministeriön ilmoittamaan määräaikaan {date_text(deadline)} mennessä avustushakemuksia saapui {received}."
        by = f"Inom den tidsfrist som ministeriet angett, senast {date_text(deadline)}, " if deadline else ""
        sentence = f"{by}inkom {received} ansökningar om understöd."
        return sentence[0].upper() + sentence[1:]

    def withdrawn(self, withdrawn: int) -> str:
        if self.lang == "fi":
            if withdrawn == 0:
                return "Yksikään hakija ei perunut hakemustaan."
            noun = "hanke" if withdrawn == 1 else "hanketta"
            return f"{count_word(withdrawn, 'fi')} {noun} perui myöhemmin hakemuksensa."
        if withdrawn == 0:
            return "Ingen sökande återtog sin ansökan."
        return f"{count_word(withdrawn, 'sv')} projekt återtog senare sin ansökan."

    def applied_total(self, amount: Decimal) -> str:
        if self.lang == "fi":
            return f"Haettu avustusmäärä saapuneissa hakemuksissa oli yhteensä {euros_text(amount)} euroa."
        return f"Det sammanlagda ansökta beloppet i de inkomna ansökningarna var {euros_text(amount)} euro."

    def grant_bold(self, recipient: str, amount: Decimal) -> str:
        """The bold part of a grant line; ``recipient`` already in its case ("Hämeenlinnan kaupungille")."""
        if self.lang == "fi":
            return f"{recipient} ja muille hakemuksessa mainituille kunnille enintään {euros_text(amount)} euroa"
        return f"Till {recipient} och övriga kommuner som nämns i ansökan högst {euros_text(amount)} euro"

    def grant_project(self, project: str) -> str:
        """The project after the bold part: ", Kaupunki taskussa -hankkeeseen" / ", för projektet Den it-smarta kommunen"."""
        if self.lang == "fi":
            return f", {project} -hankkeeseen"
        return f", för projektet {project}"

    def amends(self, decided_on: date | None) -> str:
        when = f" {date_text(decided_on)}" if decided_on else ""
        if self.lang == "fi":
            return f"Tällä päätöksellä muutetaan ja täydennetään valtiovarainministeriön päätöstä{when}."
        return f"Genom detta beslut ändras och kompletteras finansministeriets beslut{when}."

    def granted_total(self, amount: Decimal) -> str:
        if self.lang == "fi":
            return f"Myönnettävien avustusten kokonaismäärä on {euros_text(amount)} euroa."
        return f"Det sammanlagda beloppet av de understöd som beviljas är {euros_text(amount)} euro."

    def implementation_end(self, day: date) -> str:
        if self.lang == "fi":
            return f"Hankkeiden on oltava toteutettuina ja loppuraportoinnin tehtynä viimeistään {date_text(day)}."
        return f"Projekten ska vara genomförda och slutrapporteringen gjord senast {date_text(day)}."

    def aid_rate(self, rate: Decimal) -> str:
        if self.lang == "fi":
            return (f"Myönnettävä valtionavustus voi olla enintään {percent_text(rate)} prosenttia hankkeen "
                    "valtionavustukseen oikeuttavista kustannuksista. Enimmäismäärää laskettaessa kustannuksiin "
                    "ei lueta arvonlisäveroa.")
        return (f"Statsunderstödet kan uppgå till högst {percent_text(rate)} procent av projektets godtagbara "
                "kostnader. Mervärdesskatten räknas inte in i kostnaderna när maximibeloppet beräknas.")

    def reporting_interval(self, months: int) -> str:
        if self.lang == "fi":
            word = FI_GENITIVE_COUNT_WORDS.get(months, str(months))
            return f"Väliraportit on annettava {word} kuukauden välein."
        word = SV_MONTH_WORDS.get(months, str(months))
        return f"Mellanrapporter ska lämnas med {word} månaders mellanrum."


FINNISH = Phrases(
    lang="fi",
    headings={
        "background": "Taustaa",
        "purposes": "Avustuksen kohteet",
        "applications": "Hakemukset",
        "decision": "Päätös ja sen perustelut",
        "deferred": "Jatkoselvitystä edellyttävät hankkeet",
        "terms": "Avustuksen käytön ehdot",
        "appeal": "Muutoksenhaku",
    },
    appendix_title="Liite 1",
    appendix_header=("Hakijakunta / hankehallinnoija", "Hankkeen nimi", "Haetaan"),
)
SWEDISH = Phrases(
    lang="sv",
    headings={
        "background": "Bakgrund",
        "purposes": "Understödets ändamål",
        "applications": "Ansökningar",
        "decision": "Beslut och motivering",
        "deferred": "Projekt som kräver ytterligare utredning",
        "terms": "Villkor för användningen av understödet",
        "appeal": "Sökande av ändring",
    },
    appendix_title="Bilaga 1",
    appendix_header=("Sökande kommun / projektadministratör", "Projektets namn", "Ansökt belopp"),
)
PHRASES = {"fi": FINNISH, "sv": SWEDISH}
