"""Recovery in messages: the hearing request, the decision and a confirmed waiver go to the lead's people and
addresses, each in their language, queued in the service's transaction."""

from datetime import date

import pytest

from avustus.messaging.models import OutboundMessage
from avustus.settlement import recovery as service
from avustus.settlement import waivers
from avustus.settlement.receivables import recovery_reference
from tests.messaging.addresses import confirmed_address
from tests.messaging.test_followup import LEAD, LEAD_OFFICE, people  # noqa: F401 (fixture)
from tests.projects.conftest import cast, small_round  # noqa: F401 (fixtures)
from tests.settlement.test_end_to_end import _through_two_payments
from tests.settlement.test_recovery import _decided, _started

pytestmark = pytest.mark.django_db


def test_the_hearing_request_and_the_decision_reach_the_lead_in_its_languages(people):  # noqa: F811
    _through_two_payments(people)
    recovery = _started(people)
    asked = {m.to: m for m in OutboundMessage.objects.filter(event="recovery_hearing_requested")}
    assert set(asked) == {LEAD, LEAD_OFFICE}
    assert asked[LEAD].language == "en" and "30.9.2022" in asked[LEAD].body
    assert "40\u00a0000,00 €" in asked[LEAD_OFFICE].body and "Selvitys on annettava viimeistään 30.9.2022" in \
        asked[LEAD_OFFICE].body
    assert f"/projects/{recovery.project.reference}/recoveries/{recovery.pk}/" in asked[LEAD].body
    _decided(people, recovery, on=date(2022, 10, 1))
    decided = {m.to: m for m in OutboundMessage.objects.filter(event="recovery_decided")}
    assert set(decided) == {LEAD, LEAD_OFFICE}
    assert "Eräpäivä: 15.12.2022" in decided[LEAD_OFFICE].body and "viivästyskorkoa" in decided[LEAD_OFFICE].body
    assert "Due date: 15.12.2022" in decided[LEAD].body
    # The number to pay with, the receivables file's, in each language's payment lines.
    reference = recovery_reference(recovery)
    assert f"Eräpäivä: 15.12.2022\nViitenumero: {reference} (käyttäkää sitä maksaessanne" in decided[LEAD_OFFICE].body
    assert f"Due date: 15.12.2022\nReference number: {reference} (pay with it" in decided[LEAD].body


def test_a_waiver_reaches_the_lead_in_its_languages_once_confirmed_and_not_before(people):  # noqa: F811
    _through_two_payments(people)
    decided = _decided(people, _started(people), on=date(2022, 10, 1))
    confirmed_address(people.lead, LEAD, language="sv")
    proposed = service.waive_recovery(decided, actor=people.official, principal="15 000,00", interest=True,
                                      reasons="Takaisinperintä olisi kohtuutonta.",
                                      version=service.case_version(decided))
    # Proposed only: it changes nothing the lead owes, so the lead is not told.
    assert not OutboundMessage.objects.filter(event="recovery_waived").exists()
    waivers.confirm_waiver(decided, actor=people.second_official, version=waivers.waiver_version(proposed))
    told = {m.to: m for m in OutboundMessage.objects.filter(event="recovery_waived")}
    assert set(told) == {LEAD, LEAD_OFFICE}
    assert told[LEAD].language == "sv" and told[LEAD_OFFICE].language == "fi"
    assert told[LEAD].subject == f"Återkravet jämkat: projektet {people.project.reference}"
    assert "Krävs inte tillbaka: 15\u00a0000,00 €\nRänta och dröjsmålsränta tas inte ut." in told[LEAD].body
    assert "Kapital som återstår att återbetala: 25\u00a0000,00 €" in told[LEAD].body
    assert "Jätetään perimättä: 15\u00a0000,00 €\nKorkoa ja viivästyskorkoa ei peritä." in told[LEAD_OFFICE].body
    assert "Palautettavaa pääomaa jäljellä: 25\u00a0000,00 €" in told[LEAD_OFFICE].body
    assert "Perustelut: Takaisinperintä olisi kohtuutonta." in told[LEAD_OFFICE].body
    assert f"/projects/{people.project.reference}/recoveries/{decided.pk}/" in told[LEAD].body


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
@pytest.mark.parametrize("event", ["recovery_hearing_requested", "recovery_decided", "recovery_waived"])
def test_every_recovery_message_has_its_template_in_each_language(event, language):
    from avustus.messaging.receivers import render

    subject, body = render(event, language, {"project": "VM/2020/7", "title": "Hanke", "lead": "Kunta",
                                             "link": "https://avustus.example.fi/x/", "reasons": "Syy.",
                                             "amount": "1 000,00 €", "deadline": "1.2.2021", "due_on": "1.3.2021",
                                             "ground": "21 § 1", "interest": "3,00 €", "total": "1 003,00 €",
                                             "reference": "30000173", "waived": "500,00 €", "interest_waived": True,
                                             "waiver_reasons": "Kohtuus.", "amount_due": "500,00 €"})
    assert "VM/2020/7" in subject and "\n" not in subject
    assert "https://avustus.example.fi/x/" in body and "{{" not in body and "1 000,00 €" in body
    if event == "recovery_decided":
        label = {"fi": "Viitenumero", "sv": "Referensnummer", "en": "Reference number"}[language]
        assert f"\n{label}: 30000173 (" in body
    if event == "recovery_waived":
        section = {"fi": "26 §", "sv": "26 §", "en": "section 26"}[language]
        assert "500,00 €" in body and "Kohtuus." in body and section in body
