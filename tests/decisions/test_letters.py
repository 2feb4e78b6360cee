"""Letters to recipients: in their language, with their own outcome and a computed rectification deadline."""

import datetime

import pytest

from avustus.applications.models import Application
from avustus.decisions.documents.render import letter_language, render_letter

pytestmark = pytest.mark.django_db


def _app(call, title_start):
    return Application.objects.get(call=call, title__startswith=title_start)


def test_a_granted_application_gets_its_amount_conditions_and_deadline(round_2020):
    app = _app(round_2020, "Kaupunki taskussa")
    text = render_letter(app, fmt="txt", sent_on=datetime.date(2020, 2, 27), by="letter").decode()
    assert letter_language(app) == "fi"
    assert (
        "Hämeenlinnan kaupungille ja muille hakemuksessa mainituille kunnille valtionavustusta "
        "enintään 112\u00a0200 euroa" in text
    )
    assert "Valtiovarainministeriön myöntämän avustuksen ehtona" in text  # the group's condition
    # Sent by letter on Thursday 27.2.2020: received 5.3.2020, thirty days end on Saturday 4.4 → Monday 6.4.2020.
    assert "tiedoksi 5.3.2020" in text and "viimeistään 6.4.2020" in text
    assert "Liite: valtiovarainministeriön päätös 26.2.2020" in text
    assert text.count("112\u00a0200,00") == 1  # the appendix row of the attached decision


def test_a_swedish_speaking_municipality_gets_a_swedish_letter(round_2020):
    app = _app(round_2020, "Den it-smarta kommunen")  # Pargas, Swedish-majority bilingual
    assert letter_language(app) == "sv"
    text = render_letter(app, fmt="txt").decode()
    assert "beviljat Pargas stad och övriga kommuner" in text and "75\u00a0800 euro" in text
    assert "inom 30 dagar" in text
    assert "Bilaga: finansministeriets beslut 26.2.2020" in text
    finnish = render_letter(app, lang="fi", fmt="txt").decode()  # a bilingual body may choose
    assert "Paraisten kaupungille" in finnish


def test_deferred_and_rejected_applications(round_2020):
    deferred = render_letter(_app(round_2020, "Varhaiskasvatuksen digitaalinen palveluprosessi"), fmt="txt").decode()
    assert "päättää hakemuksesta erikseen myöhemmin" in deferred
    rejected = render_letter(_app(round_2020, "Työaika näkyväksi kunnissa"), fmt="html").decode()
    assert "ei päätöksellään 26.2.2020 myöntänyt hakemukselle avustusta" in rejected
