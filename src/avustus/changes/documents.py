"""A project's amending decision (muutospäätös / ändringsbeslut) as a ``decisions.documents`` ``Document``.

Built from the decision's snapshot with the decisions' own blocks and renderers (HTML, text): the same page
layout, and the call's own rectification instructions (``texts.rectification``) as the letters carry them.
The wording is the Ministry's, in Finnish and Swedish, held here as the decisions' vocabulary holds its own.

Pure Python, no Django.
"""

from datetime import date
from decimal import Decimal

from avustus.decisions.documents.build import _prose
from avustus.decisions.documents.html import render_html
from avustus.decisions.documents.model import Block, BulletList, Document, Heading, Paragraph, Signatures
from avustus.decisions.vocabulary.base import date_text
from avustus.registry.languages import DOCUMENT_LANGUAGES
from avustus.rules.money import format_amount

LANGUAGES = DOCUMENT_LANGUAGES

WORDS: dict[str, dict] = {
    "fi": {
        "title": "Muutospäätös",
        "subject": "Valtionavustuksen {reference} ({title}) ehtojen muuttaminen",
        "asked": "{lead} on {submitted} hakenut muutosta valtionavustuspäätökseen {decided} myönnetyn "
                 "valtionavustuksen käyttöön: {kind}.",
        "reasons": "Hakemuksen perustelut",
        "decision": "Päätös",
        "approved": "Valtiovarainministeriö hyväksyy haetun muutoksen. Muilta osin valtionavustuspäätös ja sen "
                    "ehdot ovat voimassa sellaisinaan.",
        "extension": "Hankkeen toteutusaikaa jatketaan {before} alkaen {after} asti. Loppuraportti on "
                     "toimitettava viimeistään {final}.",
        "move": "{amount} euroa siirretään kustannuslajista {source} ({source_member}) kustannuslajiin {target} "
                "({target_member}).",
        "add": "Hankkeeseen liittyy osatoteuttajaksi {name}.",
        "remove": "{name} ei enää ole hankkeen osatoteuttaja.",
        "grounds": "Perustelut",
        "rectification": "Oikaisuvaatimusohje",
        "kinds": {"extension": "toteutusajan jatkaminen", "budget": "kustannusarvion muuttaminen",
                  "partners": "osatoteuttajien muuttaminen"},
    },
    "sv": {
        "title": "Ändringsbeslut",
        "subject": "Ändring av villkoren för statsunderstöd {reference} ({title})",
        "asked": "{lead} har {submitted} ansökt om ändring i användningen av det statsunderstöd som beviljats "
                 "genom statsunderstödsbeslutet {decided}: {kind}.",
        "reasons": "Motivering till ansökan",
        "decision": "Beslut",
        "approved": "Finansministeriet godkänner den ändring som ansökts. I övrigt gäller "
                    "statsunderstödsbeslutet och dess villkor oförändrade.",
        "extension": "Projektets genomförandetid förlängs från {before} till {after}. Slutrapporten ska lämnas in "
                     "senast {final}.",
        "move": "{amount} euro överförs från kostnadsslaget {source} ({source_member}) till kostnadsslaget "
                "{target} ({target_member}).",
        "add": "{name} ansluter sig till projektet som delgenomförare.",
        "remove": "{name} är inte längre delgenomförare i projektet.",
        "grounds": "Motivering",
        "rectification": "Anvisning om begäran om omprövning",
        "kinds": {"extension": "förlängning av genomförandetiden", "budget": "ändring av kostnadsberäkningen",
                  "partners": "ändring av delgenomförarna"},
    },
}


def _day(text: str | None) -> str:
    return date_text(date.fromisoformat(text)) if text else ""


def _name(names: dict, lang: str) -> str:
    return (names.get("sv") or names["fi"]) if lang == "sv" else names["fi"]


def _changes(snapshot: dict, lang: str) -> list[str]:
    words = WORDS[lang]
    change = snapshot["change"]
    if change["kind"] == "extension":
        return [words["extension"].format(before=_day(change["end_before"]), after=_day(change["new_end"]),
                                          final=_day(change["final_report_due"]))]
    if change["kind"] == "budget":
        return [words["move"].format(amount=format_amount(Decimal(m["amount"])), source=_name(m["source"], lang),
                                     source_member=_name(m["source_member"], lang), target=_name(m["target"], lang),
                                     target_member=_name(m["target_member"], lang))
                for m in change["moves"]]
    return ([words["add"].format(name=_name(n, lang)) for n in change["added"]]
            + [words["remove"].format(name=_name(n, lang)) for n in change["removed"]])


def build_change_decision(snapshot: dict, lang: str) -> Document:
    """The amending decision in ``lang``: the request, what is decided, the grounds, rectification, signatures."""
    words = WORDS[lang]
    project = snapshot["project"]
    change = snapshot["change"]
    blocks: list[Block] = [
        Heading(words["subject"].format(reference=project["reference"], title=project["title"])),
        Paragraph(words["asked"].format(lead=_name(project["lead"], lang), submitted=_day(change["submitted_on"]),
                                        decided=_day(project["decided_on"]), kind=words["kinds"][change["kind"]])),
        Heading(words["reasons"], level=2),
        Paragraph(change["reasons"]),
        Heading(words["decision"]),
        Paragraph(words["approved"]),
        BulletList(tuple(_changes(snapshot, lang))),
    ]
    if snapshot["decision"]["reasons"]:
        blocks += [Heading(words["grounds"]), Paragraph(snapshot["decision"]["reasons"])]
    blocks.append(Heading(words["rectification"]))
    blocks += _prose(snapshot, "rectification", lang)
    blocks.append(Signatures(tuple((person["name"], person["title"]) for person in snapshot["decision"]["signed_by"])))
    return Document(lang=lang, title=words["title"], date_text=_day(snapshot["decision"]["decided_on"]),
                    addressees=_name(project["lead"], lang), blocks=tuple(blocks),
                    issuer=_name(snapshot["issuer"], lang) if snapshot.get("issuer") else "")


def render_change_decision(snapshot: dict, lang: str) -> str:
    return render_html(build_change_decision(snapshot, lang))
