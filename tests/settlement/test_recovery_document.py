"""The recovery decision's document: fi/sv, the computation line by line, penalty interest, rectification."""

from datetime import date

import pytest

from avustus.settlement.receivables import recovery_reference
from avustus.settlement.recovery_document import render_recovery
from tests.settlement.test_end_to_end import _through_two_payments
from tests.settlement.test_recovery import _decided, _started

pytestmark = pytest.mark.django_db


def _plain(content: bytes) -> str:
    """Amounts keep their no-break spaces and the text is wrapped: one space for any run of white space."""
    return " ".join(content.decode().replace("\u00a0", " ").split())


def test_the_decision_shows_the_computation_line_by_line_in_finnish_and_swedish(cast):
    _through_two_payments(cast)
    decided = _decided(cast, _started(cast))
    fi = _plain(render_recovery(decided, "fi", "txt"))
    assert "PÄÄTÖS VALTIONAVUSTUKSEN TAKAISINPERINNÄSTÄ" in fi and "LUONNOS" not in fi
    assert "22 §:n 1 momentin nojalla" in fi and "viimeistään 15.12.2022 (eräpäivä)" in fi
    # The name stays as written, in brackets: a template cannot decline it ("Kankaanpää maksamaan" was wrong).
    assert "nojalla avustuksen saajan (Kankaanpää) maksamaan takaisin 40 000,00 euroa" in " ".join(fi.split())
    # Latest payment first, each line with its days, rate and amount.
    assert fi.index("29 000,00 euroa erästä, joka maksettiin 20.11.2020") < fi.index(
        "11 000,00 euroa erästä, joka maksettiin 15.7.2020")
    assert "29 000,00 euroa (maksettu 20.11.2020), 21.11.2020–15.12.2022, 755 päivää, 3,00 %" in fi
    assert "viivästyskorkoa korkolain (633/1982) 4 §:n 1 momentin mukaan" in fi
    assert "Oikaisuvaatimusohje" in fi and "30 päivän kuluessa" in fi
    assert "Avustuksen saaja ei antanut selvitystä" in fi
    sv = _plain(render_recovery(decided, "sv", "html"))
    assert "BESLUT OM ÅTERKRAV AV STATSUNDERSTÖD" in sv and "Anvisning för begäran om omprövning" in sv
    assert "22 § 1 mom. i statsunderstödslagen" in sv and "dröjsmålsränta" in sv
    assert "<li>29 000,00 euro (betalt 20.11.2020), 21.11.2020–15.12.2022, 755 dagar, 3,00 %" in sv


def test_a_prepared_decision_is_a_draft_and_the_pdf_renders(cast):
    from avustus.settlement import recovery as service

    _through_two_payments(cast)
    recovery = _started(cast)
    _snapshot, digest = service.recovery_preview(recovery, actor=cast.official, due_on=date(2022, 12, 15),
                                                 on=date(2022, 10, 10))
    prepared = service.prepare_recovery(recovery, actor=cast.official, due_on=date(2022, 12, 15), version=digest,
                                        on=date(2022, 10, 10))
    assert "(LUONNOS)" in render_recovery(prepared, "fi", "txt").decode()
    assert render_recovery(prepared, "sv", "pdf").startswith(b"%PDF")


def test_the_decision_says_which_reference_number_to_pay_with_in_every_form(cast):
    """The receivables file lists the decided principal under the case's reference number; the decision tells the
    recipient that number with what to pay, in both languages, as HTML, text and PDF."""
    from tests.settlement.test_documents import _pdf_text

    _through_two_payments(cast)
    decided = _decided(cast, _started(cast))
    reference = recovery_reference(decided)
    assert reference.startswith("3") and decided.snapshot["reference"] == reference  # signed with the rest
    fi = "Maksettava yhteensä 42 597,92 euroa viimeistään 15.12.2022. Maksaessanne käyttäkää viitenumeroa " \
         f"{reference}: sen avulla maksu kohdistetaan tähän päätökseen."
    sv = "Att betala sammanlagt 42 597,92 euro senast 15.12.2022. Använd referensnumret " \
         f"{reference} när ni betalar: med det hänförs betalningen till detta beslut."
    assert fi in _plain(render_recovery(decided, "fi", "txt"))
    assert f"<p>{sv.split('. ', 1)[1]}</p>" in _plain(render_recovery(decided, "sv", "html"))
    assert f"<p>{fi.split('. ', 1)[1]}</p>" in _plain(render_recovery(decided, "fi", "html"))
    for lang, words in (("fi", "viitenumeroa"), ("sv", "referensnumret")):
        text = " ".join(_pdf_text(render_recovery(decided, lang, "pdf")).replace("\u00a0", " ").split())
        assert f"{words} {reference}" in text


def test_a_decision_prepared_before_the_number_was_stored_shows_the_same_number(cast):
    from avustus.settlement.models import Recovery

    _through_two_payments(cast)
    decided = _decided(cast, _started(cast))
    older = Recovery.objects.get(pk=decided.pk)
    older.snapshot = {key: value for key, value in older.snapshot.items() if key != "reference"}
    assert f"viitenumeroa {recovery_reference(decided)}:" in _plain(render_recovery(older, "fi", "txt"))
