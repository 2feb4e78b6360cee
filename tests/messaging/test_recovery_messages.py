"""Recovery in messages: the hearing request and the decision go to the lead's people and addresses, each in
their language, queued in the service's transaction."""

from datetime import date

import pytest

from avustus.messaging.models import OutboundMessage
from avustus.settlement.receivables import recovery_reference
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


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
@pytest.mark.parametrize("event", ["recovery_hearing_requested", "recovery_decided"])
def test_every_recovery_message_has_its_template_in_each_language(event, language):
    from avustus.messaging.receivers import render

    subject, body = render(event, language, {"project": "VM/2020/7", "title": "Hanke", "lead": "Kunta",
                                             "link": "https://avustus.example.fi/x/", "reasons": "Syy.",
                                             "amount": "1 000,00 €", "deadline": "1.2.2021", "due_on": "1.3.2021",
                                             "ground": "21 § 1", "interest": "3,00 €", "total": "1 003,00 €",
                                             "reference": "30000173"})
    assert "VM/2020/7" in subject and "\n" not in subject
    assert "https://avustus.example.fi/x/" in body and "{{" not in body and "1 000,00 €" in body
    if event == "recovery_decided":
        label = {"fi": "Viitenumero", "sv": "Referensnummer", "en": "Reference number"}[language]
        assert f"\n{label}: 30000173 (" in body
