"""Change requests in messages: a request to the officials, a rejection with its reasons and an amending decision
with its rectification instructions to the lead (copies to partners), each in the recipient's language."""

from datetime import date

import pytest

from avustus.changes import services as changes
from avustus.messaging.models import OutboundMessage
from tests.changes.conftest import previewed
from tests.messaging.test_followup import LEAD, LEAD_OFFICE, OFFICIAL, PARTNER_OFFICE, SECOND, people, sent  # noqa: F401
from tests.projects.conftest import cast, room_for_an_extension, small_round  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def _extension(cast):
    room_for_an_extension(cast.project.call)  # an extension to 31.12.2021 allowed
    return changes.submit_request(cast.project, actor=cast.lead, kind="extension", reasons="Toimittaja viivästyi.",
                                  new_end=date(2021, 12, 31))


def test_a_request_goes_to_the_officials_and_a_rejection_tells_the_lead_why(people):
    request = _extension(people)
    messages = sent("change_request_submitted")
    assert set(messages) == {OFFICIAL, SECOND}
    assert "Toimittaja viivästyi." in messages[OFFICIAL].body and "31.12.2021" in messages[OFFICIAL].body
    assert messages[SECOND].subject.startswith("Ändringsansökan")
    changes.reject_request(request, actor=people.official, version=request.version, reasons="Ei perusteita.")
    rejected = sent("change_request_rejected")
    assert set(rejected) == {LEAD, LEAD_OFFICE}
    assert "Ei perusteita." in rejected[LEAD].body and rejected[LEAD].subject.endswith("was rejected")
    assert not OutboundMessage.objects.filter(event="change_decision").exists()


def test_an_amending_decision_is_notified_with_rectification_instructions(people):
    request = _extension(people)
    request = changes.approve_request(request, actor=people.official, version=request.version)
    assert not OutboundMessage.objects.filter(event="change_decision").exists()  # not before the second official
    decision = changes.confirm_request(request, actor=people.second_official, version=request.version,
                                       confirmed=True, shown=previewed(request, people.second_official))
    messages = sent("change_decision")
    assert set(messages) == {LEAD, LEAD_OFFICE, PARTNER_OFFICE}
    finnish = messages[LEAD_OFFICE].body
    assert "Oikaisuvaatimusohje" in finnish and "30 päivän kuluessa" in finnish
    assert f"/changes/decisions/{decision.pk}/fi/" in finnish
    assert "Tiedoksi" in messages[PARTNER_OFFICE].body
    assert "rectification" in messages[LEAD].body and "30 days" in messages[LEAD].body
