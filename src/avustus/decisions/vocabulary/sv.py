"""Swedish: the phrases a Swedish decision and letter write, and the vocabulary that reads them back.

Finland's Swedish, in the statutes' own terms (understöd, statsunderstöd, projektadministratör for the
lead). Each sentence the documents write (``SwedishPhrases``) has its reading pattern in ``VOCABULARY``
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

# Number words 1-12, "one" in the neuter ("ett projekt"); "en" is its common gender ("en månad").
NUMBERS = {1: "ett", 2: "två", 3: "tre", 4: "fyra", 5: "fem", 6: "sex", 7: "sju", 8: "åtta", 9: "nio", 10: "tio",
           11: "elva", 12: "tolv"}
ONE_COMMON = "en"
# What the importer reads: every form of every number word.
NUMBER_WORDS = {ONE_COMMON: 1, **{word: n for n, word in NUMBERS.items()}}

HEADINGS = {
    "background": "Bakgrund",
    "purposes": "Understödets ändamål",
    "applications": "Ansökningar",
    "decision": "Beslut och motivering",
    "deferred": "Projekt som kräver ytterligare utredning",
    "terms": "Villkor för användningen av understödet",
    "appeal": "Sökande av ändring",
}
APPENDIX_TITLE = "Bilaga 1"
# "Projektadministratör" is the Swedish term of Decree 893/2019 for the lead (hankehallinnoija).
APPENDIX_HEADER = ("Sökande kommun / projektadministratör", "Projektets namn", "Ansökt belopp")
DEFAULT_TITLE = "BESLUT OM STATSUNDERSTÖD"  # the decision's title when the call's texts give none

# Titles of signatories as the Ministry writes them in Finnish, and the Swedish title of the same office
# (the Government's and the Ministry of Finance's own Swedish usage). Keys are compared case-insensitively.
TITLES = {
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

# --- Writing ------------------------------------------------------------------------------------------

# Counts the documents write in words: "Ett projekt återtog ...", "med fyra månaders mellanrum".
COUNT_WORDS = {n: NUMBERS[n].capitalize() for n in range(1, 11)}
INTERVAL_WORDS = {n: ONE_COMMON if n == 1 else NUMBERS[n] for n in (1, 2, 3, 4, 5, 6, 12)}


def genitive(name: str) -> str:
    """"Villmanstrands", "Kyrkslätts"; a name ending in a vowel or in s, x or z stays as it is ("Esbo", "Pargas").

    Finland-Swedish official names of municipalities put the place name in the genitive before "stad" or
    "kommun" ("Villmanstrands stad", "Korsholms kommun"), which has no ending after a vowel ("Esbo stad",
    "Lestijärvi kommun") or after s, x and z ("Helsingfors stad", "Malax kommun").
    """
    if not name or name[-1].casefold() in "aeiouyåäöéü" or name[-1].casefold() in "sxz":
        return name
    return f"{name}s"


class SwedishPhrases(Phrases):
    lang = "sv"
    headings = HEADINGS
    appendix_title = APPENDIX_TITLE
    appendix_header = APPENDIX_HEADER

    def recipient(self, r: Recipient) -> str:
        """"Pargas stad", "Esbo stad", "Villmanstrands stad", "Lestijärvi kommun"; other bodies by Swedish name."""
        name = r.name_sv or r.name_fi
        if r.municipal_form:
            return f"{genitive(name)} {'stad' if r.municipal_form == 'kaupunki' else 'kommun'}"
        return name

    def formal_name(self, r: Recipient) -> str:
        return self.recipient(r)

    def signatory_title(self, title: str) -> str:
        """The Swedish title of a known Finnish one, else as written.

        A title already written in Swedish (or one the table does not know) is kept as it is, so that an
        official can always type the exact title the document should carry.
        """
        return TITLES.get(" ".join(title.split()).casefold(), title)

    def appropriation(self, amount: Decimal, budget_item: str, year: int | None) -> str:
        budget = f"I statsbudgeten för år {year}" if year else "I statsbudgeten"
        return f"{budget} har tagits in ett anslag på {euros_text(amount)} euro (moment {budget_item})."

    def received(self, deadline: date | None, received: int) -> str:
        by = f"Inom den tidsfrist som ministeriet angett, senast {date_text(deadline)}, " if deadline else ""
        sentence = f"{by}inkom {received} {'ansökan' if received == 1 else 'ansökningar'} om understöd."
        return sentence[0].upper() + sentence[1:]

    def withdrawn(self, withdrawn: int) -> str:
        if withdrawn == 0:
            return "Ingen sökande återtog sin ansökan."
        own = "sin ansökan" if withdrawn == 1 else "sina ansökningar"
        return f"{COUNT_WORDS.get(withdrawn, str(withdrawn))} projekt återtog senare {own}."

    def applied_total(self, amount: Decimal) -> str:
        return f"Det sammanlagda ansökta beloppet i de inkomna ansökningarna var {euros_text(amount)} euro."

    def grant_bold(self, recipient: str, amount: Decimal) -> str:
        return f"Till {recipient} och övriga kommuner som nämns i ansökan högst {euros_text(amount)} euro"

    def grant_project(self, project: str) -> str:
        return f", för projektet {project}"

    def amends(self, decided_on: date | None) -> str:
        when = f" {date_text(decided_on)}" if decided_on else ""
        return f"Genom detta beslut ändras och kompletteras finansministeriets beslut{when}."

    def granted_total(self, amount: Decimal) -> str:
        return f"Det sammanlagda beloppet av de understöd som beviljas är {euros_text(amount)} euro."

    def implementation_end(self, day: date) -> str:
        return f"Projekten ska vara genomförda och slutrapporteringen gjord senast {date_text(day)}."

    def aid_rate(self, rate: Decimal) -> str:
        return (f"Statsunderstödet kan uppgå till högst {percent_text(rate)} procent av projektets godtagbara "
                "kostnader. Mervärdesskatten räknas inte in i kostnaderna när maximibeloppet beräknas.")

    def reporting_interval(self, months: int) -> str:
        noun = "månads" if months == 1 else "månaders"
        return f"Mellanrapporter ska lämnas med {INTERVAL_WORDS.get(months, str(months))} {noun} mellanrum."


PHRASES = SwedishPhrases()

# The letter to one applicant (``documents.letter``); its placeholders are filled with figures and names.
LETTER = {
    "title": "BESLUT OM ANSÖKAN OM STATSUNDERSTÖD",
    "application": "Ansökan {reference}: {title}. Ansökt understöd {applied} euro.",
    "granted": "Finansministeriet har genom sitt beslut {date} beviljat {recipient} och övriga kommuner som nämns "
    "i ansökan statsunderstöd på högst {amount} euro för projektet {title}.",
    "deferred": "Finansministeriet fattar beslut om ansökan separat senare efter ytterligare utredning. "
    "Ministeriet kontaktar sökanden.",
    "rejected": "Finansministeriet beviljade genom sitt beslut {date} inte understöd för ansökan.",
    "withdrawn": "Sökanden har återtagit sin ansökan.",
    "conditions": "Villkor för understödet",
    "rectification": "Begäran om omprövning",
    "deadline": "Beslutet har sänts {sent} {by}. Det anses ha delgetts {received}, och begäran om omprövning "
    "ska framställas senast {deadline}.",
    "no_deadline": "Begäran om omprövning ska framställas inom {days} dagar från delfåendet av beslutet.",
    "letter": "per brev",
    "electronic": "elektroniskt",
    "appendix": "Bilaga: finansministeriets beslut {date}",
}

# --- Reading ------------------------------------------------------------------------------------------

VOCABULARY = Vocabulary(
    language="sv",
    headings={role: text for role, text in HEADINGS.items() if role != "deferred"},
    deferred_heading=HEADINGS["deferred"],
    appendix_columns=APPENDIX_HEADER,
    appendix_label=title_pattern(APPENDIX_TITLE),
    appropriation=(r"\banslag\s+på\s+{amount}\s+euro\b",),
    budget_item=(r"\bmoment\s+(?P<value>\d{2}\.\d{2}\.\d{2})\b",),
    deadline=(r"\btidsfrist\b[^.]*?\bsenast\s+{date}", r"\bsenast\s+{date}\s*,?\s+inkom\b"),
    received=(r"\binkom\s+{count}\s+ansök",),
    withdrawn=(r"\b{count}\s+(?:projekt|sökande|ansökningar|ansökan)\s+(?:\w+\s+)?återt",),
    withdrawn_none=(r"\b(?:ingen|inget)\s+(?:sökande|projekt|ansökan)\s+(?:\w+\s+)?återt",),
    applied_total=(r"\bansökta\s+beloppet\b[^.]*?\bvar\s+{amount}\s+euro\b",),
    granted_total=(r"\bunderstöd\s+som\s+beviljas\s+(?:är|uppgår\s+till)\s+{amount}\s+euro\b",),
    aid_rate=(r"\bhögst\s+(?P<value>\d{1,3}(?:,\d{1,4})?)\s+procent",),
    implementation_end=(r"\bslutrapporteringen\s+gjord\s+senast\s+{date}", r"\bsenast\s+{date}"),
    reporting_interval=(r"\b{count}\s+månad(?:er)?s\s+mellanrum",),
    grant_amount=r"(?:högst\s+)?{amount}\s*(?:euro|€)(?!\w)",
    recipient_prefix=r"^till\s+",
    co_recipients=r"\s+och\s+övriga\s+(?:kommuner|samkommuner)(?:\s+och\s+samkommuner)?"
    r"(?:\s+som\s+nämns\s+i\s+ansökan)?$",
    project_prefix=r"^för\s+projektet\s+",
    condition_clause=r",\s*(?=(?:för\s+vilket|för\s+vilka|vars)\s|förutsatt\s+att\b|under\s+förutsättning\s+att\b)",
    project_suffix="",
    project_noun="projekt",
    lead_marker="projektadministratör",
    conjunction="och",
    # Bodies without a Swedish name are written in Finnish in a Swedish decision too.
    body_words=("stad", "kommun", "samkommun", "förbund", "kaupunki", "kunta", "kuntayhtymä", "seutukunta"),
    group_endings=("kommuner", "medlemmar", "samkommuner", "kunnat", "jäsenet", "kuntayhtymät"),
    number_words=NUMBER_WORDS,
    examples={
        "received": "inkom N ansökningar",
        "applied_total": "Det sammanlagda ansökta beloppet ... var N euro",
        "granted_total": "Det sammanlagda beloppet av de understöd som beviljas är N euro",
        "grant": "Till ... högst N euro",
    },
    # Swedish decisions rendered before 2026 called the lead "projektförvaltare".
    old_appendix_columns=(("Sökande kommun / projektförvaltare", "Projektets namn", "Ansökt belopp"),),
    old_lead_markers=("projektförvaltare",),
)
