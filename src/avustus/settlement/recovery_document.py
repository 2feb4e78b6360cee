"""A recovery decision as a document (fi/sv), built from its prepared snapshot like a grant decision.

``build_recovery_document`` (pure: the snapshot, who signed and when) gives a ``decisions.documents.model``
``Document``: the matter, the decision, the reasons, the hearing, the computation line by line (the principal
attributed to the latest payments first, section 24 interest to the due date) with the reference number to pay
with (the receivables file's), that section 25 penalty interest runs after the due date, the provisions applied
and the rectification instructions (the call's own text, with what a request must contain). ``render_recovery``
renders it with the decisions' renderers: HTML (the primary form), text, or a Typst PDF.
"""

from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from avustus.decisions.documents.html import render_html
from avustus.decisions.documents.model import Block, BulletList, Document, Heading, Paragraph, Signatures
from avustus.decisions.documents.text import render_text
from avustus.decisions.vocabulary.base import date_text
from avustus.rules.money import format_amount

FORMATS = ("html", "txt", "pdf")

WORDS = {
    "fi": {
        "title": "PÄÄTÖS VALTIONAVUSTUKSEN TAKAISINPERINNÄSTÄ",
        "draft": "LUONNOS",
        "matter": "Asia",
        "matter_text": "Valtionavustuksen takaisinperintä. Hanke {project}: {title}. Myönnetty avustus {grant} euroa.",
        "decision": "Päätös",
        # The recipient's name stays in the nominative, in brackets: "määrää X:n maksamaan" would need each
        # organisation's name declined ("Hämeenlinnan kaupungin"), which a template cannot do.
        "decision_text": "{issuer} määrää valtionavustuslain (688/2001) {section} §:n {subsection} momentin nojalla "
                         "avustuksen saajan ({recipient}) maksamaan takaisin {amount} euroa sekä lain 24 §:n "
                         "mukaista korkoa {interest} euroa, yhteensä {total} euroa, viimeistään {due_on} "
                         "(eräpäivä).",
        "reasons": "Perustelut",
        "hearing": "Asianosaisen kuuleminen",
        "hearing_text": "Avustuksen saajalle on {sent} varattu tilaisuus antaa selvitys asiasta {deadline} mennessä "
                        "(hallintolaki 434/2003, 34 §).",
        "response": "Avustuksen saaja antoi selvityksen {day}: {response}",
        "no_response": "Avustuksen saaja ei antanut selvitystä määräaikaan mennessä.",
        "computation": "Laskelma",
        "attribution": "Takaisin perittävä määrä kohdistetaan viimeksi maksettuihin eriin (viimeksi maksettu raha "
                       "on käyttämättä jäänyt raha):",
        "paid": "{amount} euroa erästä, joka maksettiin {paid_on}",
        "interest": "Korko (24 §): viitekorko + 3 prosenttiyksikköä, kultakin päivältä maksupäivää seuraavasta "
                    "päivästä eräpäivään {due_on} asti, 365 päivää vuodessa:",
        "line": "{principal} euroa (maksettu {paid_on}), {start}–{end}, {days} päivää, {rate} %: {amount} euroa",
        "interest_total": "Korko yhteensä {interest} euroa. Rivien luvut on pyöristetty sentteihin; yhteismäärä on "
                          "laskettu tarkoista luvuista ja pyöristetty kerran.",
        "total": "Maksettava yhteensä {total} euroa viimeistään {due_on}.",
        "payment": "Maksaessanne käyttäkää viitenumeroa {reference}: sen avulla maksu kohdistetaan tähän "
                   "päätökseen.",
        "penalty": "Viivästyskorko",
        "penalty_text": "Jos takaisin perittävää määrää ei makseta viimeistään eräpäivänä, maksamattomalle määrälle "
                        "on eräpäivää seuraavasta päivästä maksupäivään asti maksettava valtionavustuslain 25 §:n "
                        "mukaista vuotuista viivästyskorkoa korkolain (633/1982) 4 §:n 1 momentin mukaan "
                        "(viitekorko + 7 prosenttiyksikköä). Korkoa ja viivästyskorkoa peritään vain pääomalle.",
        "provisions": "Sovelletut säännökset",
        "provisions_text": "Valtionavustuslaki (688/2001) {section}, 24, 25, 26 ja 29 §; hallintolaki (434/2003) 34 "
                           "ja 49 a–49 g §; korkolaki (633/1982) 4 ja 12 §.",
        "rectification": "Oikaisuvaatimusohje",
        "rectification_text": "Oikaisuvaatimus tehdään kirjallisesti. Siinä on ilmoitettava päätös, johon haetaan "
                              "oikaisua, millaista oikaisua vaaditaan ja millä perusteilla, sekä vaatimuksen tekijän "
                              "nimi ja yhteystiedot (hallintolaki 49 c §). Määräaikaa laskettaessa "
                              "tiedoksisaantipäivää ei lueta mukaan.",
        "signer": "ratkaisija",
        "preparer": "esittelijä",
    },
    "sv": {
        "title": "BESLUT OM ÅTERKRAV AV STATSUNDERSTÖD",
        "draft": "UTKAST",
        "matter": "Ärende",
        "matter_text": "Återkrav av statsunderstöd. Projekt {project}: {title}. Beviljat understöd {grant} euro.",
        "decision": "Beslut",
        "decision_text": "{issuer} bestämmer med stöd av {section} § {subsection} mom. i statsunderstödslagen "
                         "(688/2001) att {recipient} ska betala tillbaka {amount} euro jämte ränta enligt 24 § i lagen "
                         "{interest} euro, sammanlagt {total} euro, senast {due_on} (förfallodag).",
        "reasons": "Motivering",
        "hearing": "Hörande av part",
        "hearing_text": "Understödstagaren har {sent} getts tillfälle att ge en utredning i ärendet senast {deadline} "
                        "(förvaltningslagen 434/2003, 34 §).",
        "response": "Understödstagaren gav sin utredning {day}: {response}",
        "no_response": "Understödstagaren gav ingen utredning inom utsatt tid.",
        "computation": "Beräkning",
        "attribution": "Det återkrävda beloppet hänförs till de senast utbetalda posterna (de pengar som betalades "
                       "sist är de som blev oanvända):",
        "paid": "{amount} euro av posten som betalades {paid_on}",
        "interest": "Ränta (24 §): referensräntan + 3 procentenheter, för varje dag från dagen efter "
                    "betalningsdagen till och med förfallodagen {due_on}, 365 dagar om året:",
        "line": "{principal} euro (betalt {paid_on}), {start}–{end}, {days} dagar, {rate} %: {amount} euro",
        "interest_total": "Räntan sammanlagt {interest} euro. Radernas belopp är avrundade till cent; summan är "
                          "beräknad av de exakta beloppen och avrundad en gång.",
        "total": "Att betala sammanlagt {total} euro senast {due_on}.",
        "payment": "Använd referensnumret {reference} när ni betalar: med det hänförs betalningen till detta "
                   "beslut.",
        "penalty": "Dröjsmålsränta",
        "penalty_text": "Om det återkrävda beloppet inte betalas senast på förfallodagen, ska för det obetalda "
                        "beloppet från dagen efter förfallodagen till betalningsdagen betalas årlig dröjsmålsränta "
                        "enligt 25 § i statsunderstödslagen enligt 4 § 1 mom. i räntelagen (633/1982) "
                        "(referensräntan + 7 procentenheter). Ränta och dröjsmålsränta tas ut endast på kapitalet.",
        "provisions": "Tillämpade bestämmelser",
        "provisions_text": "Statsunderstödslagen (688/2001) {section}, 24, 25, 26 och 29 §; förvaltningslagen "
                           "(434/2003) 34 § och 49 a–49 g §; räntelagen (633/1982) 4 och 12 §.",
        "rectification": "Anvisning för begäran om omprövning",
        "rectification_text": "Begäran om omprövning ska framställas skriftligen. I den ska anges det beslut som "
                              "begäran gäller, hur beslutet ska ändras och på vilka grunder, samt namn och "
                              "kontaktuppgifter för den som framställer begäran (49 c § i förvaltningslagen). "
                              "Dagen för delfåendet räknas inte in i tidsfristen.",
        "signer": "avgörare",
        "preparer": "föredragande",
    },
}


def _day(value: str | None) -> str:
    return date_text(date.fromisoformat(value)) if value else ""


def _euros(value: str) -> str:
    return format_amount(Decimal(value))


def _text(snapshot: dict, key: str, lang: str) -> str:
    value = snapshot.get("texts", {}).get(key) or {}
    return (value.get(lang) or value.get("fi") or "").strip()


def build_recovery_document(snapshot: dict, lang: str, *, decided_on: date | None = None,
                            signer: str = "", preparer: str = "") -> Document:
    """The decision in ``lang`` (fi or sv); without ``decided_on`` it is the draft shown to the signer."""
    w = WORDS[lang]
    computation = snapshot["computation"]
    ground = snapshot["ground"]
    due_on = _day(snapshot["due_on"])
    recipient = snapshot["recipient"].get(lang) or snapshot["recipient"]["fi"]
    issuer = _text(snapshot, "issuer", lang)
    blocks: list[Block] = [
        Heading(w["matter"]),
        Paragraph(w["matter_text"].format(project=snapshot["project"], title=snapshot["title"],
                                          grant=_euros(snapshot["grant"]))),
        Heading(w["decision"]),
        Paragraph(w["decision_text"].format(
            issuer=issuer, section=ground["section"], subsection=ground["subsection"], recipient=recipient,
            amount=_euros(snapshot["amount"]), interest=_euros(computation["interest"]),
            total=_euros(snapshot["total"]), due_on=due_on)),
        Heading(w["reasons"]),
        *[Paragraph(chunk.strip()) for chunk in snapshot["reasons"].split("\n\n") if chunk.strip()],
        Heading(w["hearing"]),
        Paragraph(w["hearing_text"].format(sent=_day(snapshot["hearing"]["sent_on"]),
                                           deadline=_day(snapshot["hearing"]["deadline"]))),
        Paragraph(w["response"].format(day=_day(snapshot["hearing"]["responded_on"]),
                                       response=snapshot["hearing"]["response"])
                  if snapshot["hearing"]["response"] else w["no_response"]),
        Heading(w["computation"]),
        Paragraph(w["attribution"]),
        BulletList(tuple(w["paid"].format(amount=_euros(p["amount"]), paid_on=_day(p["paid_on"]))
                         for p in computation["attribution"])),
        Paragraph(w["interest"].format(due_on=due_on)),
        BulletList(tuple(w["line"].format(principal=_euros(p["principal"]), paid_on=_day(p["paid_on"]),
                                          start=_day(p["from"]), end=_day(p["to"]), days=p["days"],
                                          rate=p["rate"].replace(".", ","), amount=_euros(p["amount"]))
                         for p in computation["periods"] if p["kind"] == "interest")),
        Paragraph(w["interest_total"].format(interest=_euros(computation["interest"]))),
        Paragraph(w["total"].format(total=_euros(snapshot["total"]), due_on=due_on)),
        *([Paragraph(w["payment"].format(reference=snapshot["reference"]))] if snapshot.get("reference") else []),
        Heading(w["penalty"]),
        Paragraph(w["penalty_text"]),
        Heading(w["provisions"]),
        Paragraph(w["provisions_text"].format(section=ground["section"])),
        Heading(w["rectification"]),
    ]
    own = _text(snapshot, "rectification", lang)
    if own:
        blocks.append(Paragraph(own))
    blocks.append(Paragraph(w["rectification_text"]))
    if decided_on is not None:
        blocks.append(Signatures(tuple((name, title) for name, title in ((signer, w["signer"]),
                                                                         (preparer, w["preparer"])) if name)))
    return Document(lang=lang, title=w["title"] if decided_on else f"{w['title']} ({w['draft']})",
                    date_text=date_text(decided_on) if decided_on else "", addressees=recipient,
                    blocks=tuple(blocks), issuer=issuer)


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def with_reference(recovery) -> dict:
    """The prepared snapshot with the reference number the recipient pays with: stored in it since the number
    was added to the decision; for a decision prepared before, the same number (it is the case's id with its
    check digit, as in the receivables file) filled in."""
    from avustus.settlement.receivables import recovery_reference

    snapshot = recovery.snapshot
    return snapshot if snapshot.get("reference") else {**snapshot, "reference": recovery_reference(recovery)}


def recovery_document(recovery, lang: str) -> Document:
    """The recovery's decision as prepared (a draft until it is signed), in ``lang``."""
    if not recovery.snapshot:
        raise ValueError("the recovery decision has not been prepared")
    return build_recovery_document(with_reference(recovery), lang, decided_on=recovery.decided_on,
                                   signer=_name(recovery.signed_by), preparer=_name(recovery.prepared_by))


def render_recovery(recovery, lang: str, fmt: str) -> bytes:
    """The decision as ``fmt`` (html, txt or pdf) in ``lang``."""
    if lang not in WORDS or fmt not in FORMATS:
        raise ValueError(f"no {fmt} in {lang}")
    document = recovery_document(recovery, lang)
    if fmt == "html":
        return render_html(document).encode()
    if fmt == "txt":
        return render_text(document).encode()
    from avustus.decisions.documents.pdf import render_pdf  # Typst loads only when a PDF is asked for

    day = recovery.decided_on or date.fromisoformat(recovery.snapshot["prepared_on"])
    return render_pdf(document, timestamp=datetime.combine(day, time(12), tzinfo=ZoneInfo("Europe/Helsinki")))
