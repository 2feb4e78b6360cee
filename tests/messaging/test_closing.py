"""The end of a grant in messages: the final report filed (to the programme's officials), returned or accepted, the
settlement approved, each queued in the service's transaction to the lead's people and addresses in their languages
(the settlement's also as copies to the partners), and nothing when the step is refused."""

from decimal import Decimal

import pytest

from avustus.errors import Conflict
from avustus.messaging.models import OutboundMessage
from avustus.payments.payment_file import RECEIVABLE_PREFIX, reference_of
from avustus.reports import final
from avustus.reports.services import CostInput
from avustus.settlement import services as settlement
from tests.messaging.test_followup import (  # noqa: F401 (fixture)
    LEAD,
    LEAD_OFFICE,
    OFFICIAL,
    PARTNER_OFFICE,
    SECOND,
    people,
    sent,
)
from tests.projects.conftest import cast, small_round  # noqa: F401 (fixtures)
from tests.reports.test_final import attach_statement, file_final
from tests.settlement.test_end_to_end import _final_accepted, _through_two_payments

pytestmark = pytest.mark.django_db


def test_a_filed_final_report_is_announced_to_the_programmes_officials_and_again_when_filed_again(
        people, storage):  # noqa: F811
    report = file_final(people, [CostInput("cost-1", 0, "20 000,00")])
    messages = sent("final_report_submitted")
    assert set(messages) == {OFFICIAL, SECOND}  # the lead, who filed it, is not told
    assert messages[OFFICIAL].subject == f"Hankkeen {people.project.reference} loppuraportti on saapunut"
    assert messages[SECOND].subject == f"Slutrapporten för projektet {people.project.reference} har kommit in"
    assert f"/projects/{people.project.reference}/final/" in messages[OFFICIAL].body
    final.return_final_report(report, final.CONTENT, actor=people.official,
                              version=final.final_report_version(report), reasons="Vaikutukset puuttuvat.")
    file_final(people, [CostInput("cost-1", 0, "20 000,00")])
    again = list(OutboundMessage.objects.filter(event="final_report_submitted").order_by("pk"))
    assert len(again) == 4
    ref = people.project.reference
    assert {m.subject for m in again[2:]} == {f"Hankkeen {ref} loppuraportti on saapunut uudelleen",
                                             f"Slutrapporten för projektet {ref} har kommit in på nytt"}


def test_a_returned_final_report_tells_the_lead_why_in_their_language(people, storage):  # noqa: F811
    report = file_final(people, [CostInput("cost-1", 0, "20 000,00")])
    assert not sent("final_report_returned")
    final.return_final_report(report, final.FINANCES, actor=people.official,
                              version=final.final_report_version(report), reasons="Tilintarkastajan lausunto puuttuu.")
    messages = sent("final_report_returned")
    assert set(messages) == {LEAD, LEAD_OFFICE}
    assert messages[LEAD].language == "en" and "finances" in messages[LEAD].body
    assert "Tilintarkastajan lausunto puuttuu." in messages[LEAD].body
    assert messages[LEAD_OFFICE].subject.startswith("Hankkeen") and "taloudellisesta" in messages[LEAD_OFFICE].body
    assert f"/projects/{people.project.reference}/" in messages[LEAD].body


def test_acceptance_is_told_once_both_reviews_accept_and_a_refused_step_queues_nothing(people, storage):  # noqa: F811
    report = file_final(people, [CostInput("cost-1", 0, "20 000,00")])
    attach_statement(people, report)
    report = final.accept_final_report(report, final.CONTENT, actor=people.official,
                                       version=final.final_report_version(report))
    assert not sent("final_report_accepted")
    with pytest.raises(Conflict):
        final.return_final_report(report, final.FINANCES, actor=people.official, version="stale", reasons="x")
    assert not sent("final_report_returned")
    final.accept_final_report(report, final.FINANCES, actor=people.second_official,
                              version=final.final_report_version(report))
    messages = sent("final_report_accepted")
    assert set(messages) == {LEAD, LEAD_OFFICE}
    assert "20,000.00" not in messages[LEAD].body and "20\u00a0000,00 €" in messages[LEAD].body


def test_the_settlement_approved_gives_the_amount_to_return_and_its_reference(people, storage):  # noqa: F811
    _through_two_payments(people)
    _final_accepted(people, "20 000,00")
    _snapshot, digest = settlement.settlement_preview(people.project, actor=people.official)
    made = settlement.settle(people.project, actor=people.official, version=digest)
    assert not sent("settlement_approved")
    made = settlement.approve_settlement(made, actor=people.second_official, version=made.sha256)
    assert made.to_return == Decimal("55643.81")
    messages = sent("settlement_approved")
    assert set(messages) == {LEAD, LEAD_OFFICE, PARTNER_OFFICE}
    reference = reference_of(RECEIVABLE_PREFIX, made.pk)
    assert "55\u00a0643,81 €" in messages[LEAD].body and reference in messages[LEAD].body
    assert messages[PARTNER_OFFICE].body.startswith("Tiedoksi hankkeen osatoteuttajalle")
    assert "Viimeinen maksuerä" not in messages[LEAD_OFFICE].body
