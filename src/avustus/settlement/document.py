"""The settlement as a document (loppuselvitys / slutredovisning): the decision on the final grant, in Finnish or
Swedish, built from the settlement's stored snapshot (the figures, never recomputed) and the facts fixed at its
approval (``Settlement.document_data``: recipient, project, signatories, rectification instructions).

Built as the decisions' ``Document`` blocks and rendered by their renderers (HTML, the primary form, and a
Typst PDF), so that a settlement reads and prints like a decision. The words are the statute's
(statsunderstödslagen 688/2001: 20 § återbetalning, 24 § ränta, 34 § begäran om omprövning).

Pure Python, no Django.
"""

from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from avustus.decisions.documents.model import Block, BulletList, Document, Heading, Paragraph, Signatures
from avustus.decisions.vocabulary.base import date_text, percent_text
from avustus.registry.languages import DOCUMENT_LANGUAGES
from avustus.rules.money import format_amount

LANGUAGES = DOCUMENT_LANGUAGES
FORMATS = ("html", "pdf")

WORDS = {
    "fi": {
        "title": "PÄÄTÖS VALTIONAVUSTUKSEN LOPULLISESTA MÄÄRÄSTÄ (LOPPUSELVITYS)",
        "project": "Hanke {reference}: {title}. Valtionavustus on myönnetty päätöksellä {decided}.",
        "figures": "Avustuksen lopullinen määrä",
        "grant": "Myönnetty avustus enintään {amount} euroa",
        "aid_rate": "Avustuksen enimmäisosuus {rate} prosenttia hyväksyttävistä kustannuksista",
        "accepted": "Loppuraportissa hyväksytyt arvonlisäverottomat hyväksyttävät kustannukset {amount} euroa",
        "beyond_budget": "Loppuraportissa hyväksyttiin lisäksi {amount} euroa kustannuksia yli hyväksytyn "
                         "kustannusarvion kustannuslaji- ja osapuolikohtaisten rivien; niitä ei oteta huomioon "
                         "avustuksen lopullisessa määrässä",
        "final": "Avustuksen lopullinen määrä {amount} euroa",
        "paid": "Maksettu yhteensä {amount} euroa",
        "payment": "maksuerä {number}, maksettu {day}: {amount} euroa",
        "payments": "Maksetut erät",
        "last_instalment": "Avustuksesta maksetaan viimeisenä maksueränä {amount} euroa.",
        "to_return": "Avustusta on maksettu {amount} euroa enemmän kuin sen lopullinen määrä. Määrä on palautettava "
                     "valtionavustuslain 20 §:n mukaisesti. Palautettavalle määrälle maksetaan valtionavustuslain "
                     "24 §:n mukainen korko maksupäivää seuraavasta päivästä palautuspäivään asti.",
        "left_unreturned": "Avustusta on maksettu {amount} euroa enemmän kuin sen lopullinen määrä. Määrä on enintään "
                           "100 euroa, joten sitä ei vaadita palautettavaksi (valtionavustuslain 20 §).",
        "settled": "Avustus on maksettu lopullisen määränsä mukaisesti; maksettavaa tai palautettavaa ei ole.",
        "rectification": "Oikaisuvaatimus",
        "signed": "Loppuselvitys on hyväksytty sähköisesti {day}. Sen tunniste (SHA-256) on {sha256}.",
        "approver": "hyväksynyt",
        "preparer": "valmistellut",
    },
    "sv": {
        "title": "BESLUT OM DET SLUTLIGA STATSUNDERSTÖDET (SLUTREDOVISNING)",
        "project": "Projekt {reference}: {title}. Statsunderstödet har beviljats genom beslut den {decided}.",
        "figures": "Det slutliga understödet",
        "grant": "Beviljat understöd högst {amount} euro",
        "aid_rate": "Understödets maximala andel {rate} procent av de godtagbara kostnaderna",
        "accepted": "Godtagbara kostnader utan mervärdesskatt som godkänts i slutrapporten {amount} euro",
        "beyond_budget": "I slutrapporten godkändes dessutom kostnader på {amount} euro utöver raderna per "
                         "kostnadsslag och part i den godkända kostnadsberäkningen; de beaktas inte i det slutliga "
                         "understödet",
        "final": "Det slutliga understödet {amount} euro",
        "paid": "Utbetalt sammanlagt {amount} euro",
        "payment": "rat {number}, utbetald {day}: {amount} euro",
        "payments": "Utbetalda rater",
        "last_instalment": "Av understödet betalas {amount} euro ut som sista rat.",
        "to_return": "Av understödet har {amount} euro betalats ut utöver det slutliga understödet. Beloppet ska "
                     "återbetalas enligt 20 § i statsunderstödslagen. På beloppet som ska återbetalas betalas ränta "
                     "enligt 24 § i statsunderstödslagen från dagen efter utbetalningen till och med dagen för "
                     "återbetalningen.",
        "left_unreturned": "Av understödet har {amount} euro betalats ut utöver det slutliga understödet. Beloppet är "
                           "högst 100 euro och behöver därför inte återbetalas (20 § i statsunderstödslagen).",
        "settled": "Understödet har betalats ut enligt det slutliga understödet; inget ska betalas ut eller "
                   "återbetalas.",
        "rectification": "Begäran om omprövning",
        "signed": "Slutredovisningen har godkänts elektroniskt {day}. Dess kännetecken (SHA-256) är {sha256}.",
        "approver": "godkänd av",
        "preparer": "beredd av",
    },
}


def _euros(value: str) -> str:
    return format_amount(Decimal(value))


def _day(value: str) -> str:
    return date_text(date.fromisoformat(value)) if value else ""


def _in(data: dict, key: str, lang: str) -> str:
    value = data.get(key) or {}
    return (value.get(lang) or value.get("fi") or "") if isinstance(value, dict) else str(value)


def build_settlement_document(snapshot: dict, sha256: str, data: dict, lang: str) -> Document:
    """The settlement's document in ``lang``: every figure from ``snapshot``, written to the cent."""
    words = WORDS[lang]
    blocks: list[Block] = [Paragraph(words["project"].format(
        reference=snapshot["project"], title=data["title"], decided=_day(data["decided_on"])))]
    blocks.append(Heading(words["figures"]))
    # Costs accepted beyond the approved budget's lines (``rules.budget_caps``; not in settlements made before).
    beyond = sum((Decimal(line["accepted"]) - Decimal(line["counted"])
                  for line in snapshot.get("costs_beyond_budget", [])), Decimal("0.00"))
    blocks.append(BulletList((
        words["grant"].format(amount=_euros(snapshot["grant"])),
        words["aid_rate"].format(rate=percent_text(Decimal(snapshot["aid_rate"]))),
        words["accepted"].format(amount=_euros(snapshot["accepted_costs"])),
        *([words["beyond_budget"].format(amount=_euros(str(beyond)))] if beyond else []),
        words["final"].format(amount=_euros(snapshot["final_grant"])),
        words["paid"].format(amount=_euros(snapshot["paid"])),
    )))
    if snapshot["payments"]:
        blocks.append(Heading(words["payments"], level=2))
        blocks.append(BulletList(tuple(
            words["payment"].format(number=p["number"], day=_day(p["paid_on"]), amount=_euros(p["amount"]))
            for p in snapshot["payments"])))
    if Decimal(snapshot["last_instalment"]):
        blocks.append(Paragraph(words["last_instalment"].format(amount=_euros(snapshot["last_instalment"]))))
    elif Decimal(snapshot["to_return"]):
        blocks.append(Paragraph(words["to_return"].format(amount=_euros(snapshot["to_return"]))))
    elif Decimal(snapshot["left_unreturned"]):
        blocks.append(Paragraph(words["left_unreturned"].format(amount=_euros(snapshot["left_unreturned"]))))
    else:
        blocks.append(Paragraph(words["settled"]))
    blocks.append(Heading(words["rectification"]))
    blocks += [Paragraph(chunk.strip()) for chunk in _in(data, "rectification", lang).split("\n\n") if chunk.strip()]
    blocks.append(Signatures(((data["approved_by"], words["approver"]), (data["prepared_by"], words["preparer"]))))
    blocks.append(Paragraph(words["signed"].format(day=_day(data["approved_on"]), sha256=sha256)))
    return Document(lang=lang, title=words["title"], date_text=_day(data["approved_on"]),
                    addressees=_in(data, "recipient", lang), blocks=tuple(blocks), issuer=_in(data, "issuer", lang))


def render_settlement(snapshot: dict, sha256: str, data: dict, lang: str, fmt: str) -> bytes:
    """One document's bytes; the same stored data always gives the same bytes (the PDF dated noon of approval)."""
    if lang not in LANGUAGES or fmt not in FORMATS:
        raise ValueError(f"a settlement document is one of {LANGUAGES} × {FORMATS}, not {lang}.{fmt}")
    document = build_settlement_document(snapshot, sha256, data, lang)
    if fmt == "html":
        from avustus.decisions.documents.html import render_html

        return render_html(document).encode()
    from avustus.decisions.documents.pdf import render_pdf  # Typst loads only when a PDF is asked for

    day = date.fromisoformat(data["approved_on"])
    return render_pdf(document, timestamp=datetime.combine(day, time(12), tzinfo=ZoneInfo("Europe/Helsinki")))
