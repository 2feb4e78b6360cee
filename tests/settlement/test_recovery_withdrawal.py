"""A prepared recovery decision sent back unsigned with reasons, audited, and prepared again; the hearing's
version refuses an answer to a case other than the one read."""

from datetime import date

import pytest
from django.utils import translation

from avustus.audit.models import AuditEntry
from avustus.errors import Conflict, Invalid, NotAllowed
from avustus.settlement import recovery as service
from avustus.settlement.models import Recovery
from tests.settlement.test_end_to_end import _through_two_payments
from tests.settlement.test_recovery import _started

pytestmark = pytest.mark.django_db

ON, DUE = date(2022, 10, 10), date(2022, 12, 15)


def _prepared(cast, recovery, due_on=DUE):
    recovery.refresh_from_db()  # the response, as the preview reads it
    _snapshot, digest = service.recovery_preview(recovery, actor=cast.official, due_on=due_on, on=ON)
    return service.prepare_recovery(recovery, actor=cast.official, due_on=due_on, version=digest, on=ON)


def test_the_signer_sends_the_decision_back_with_reasons_and_it_is_prepared_again(cast):
    _through_two_payments(cast)
    recovery = _started(cast)
    service.respond_to_hearing(recovery, actor=cast.lead, response="Kustannukset olivat hankkeen mukaisia.")
    prepared = _prepared(cast, recovery)
    first_hash = prepared.sha256
    back = service.withdraw_recovery_decision(prepared, actor=cast.second_official, version=first_hash,
                                              reasons="Eräpäivä on liian aikainen.")
    stored = Recovery.objects.get(pk=recovery.pk)
    assert (stored.status, stored.snapshot, stored.sha256, stored.due_on, stored.prepared_by) == (
        Recovery.Status.HEARING, None, "", None, None)
    assert back.withdrawn_reasons == stored.withdrawn_reasons == "Eräpäivä on liian aikainen."
    # The response stays: the hearing is over and is not asked again.
    assert stored.response == "Kustannukset olivat hankkeen mukaisia."
    entry = AuditEntry.objects.get(action="recovery.decision_withdrawn")
    assert entry.data["sha256"] == first_hash and entry.data["reasons"] == "Eräpäivä on liian aikainen."
    assert entry.data["prepared_by"] == cast.official.pk
    from avustus.web.labels import ACTIONS

    with translation.override("fi"):
        assert str(ACTIONS[entry.action]) == "takaisinperintäpäätös palautettu allekirjoittamatta"
    # The old hash signs nothing now; a new preparation with a later due date is signed.
    with pytest.raises(Conflict, match="not awaiting signature"):
        service.sign_recovery(stored, actor=cast.second_official, version=first_hash, on=ON)
    again = _prepared(cast, stored, due_on=date(2023, 1, 31))
    assert again.sha256 != first_hash
    signed = service.sign_recovery(again, actor=cast.second_official, version=again.sha256, on=ON)
    assert signed.status == Recovery.Status.DECIDED and signed.due_on == date(2023, 1, 31)


def test_the_preparer_may_send_it_back_but_not_the_lead_and_not_once_signed(cast):
    _through_two_payments(cast)
    recovery = _started(cast)
    service.respond_to_hearing(recovery, actor=cast.lead, response="Vastaus.")
    prepared = _prepared(cast, recovery)
    for actor in (cast.lead, cast.partner, cast.outsider):
        with pytest.raises(NotAllowed):
            service.withdraw_recovery_decision(prepared, actor=actor, version=prepared.sha256, reasons="Ei.")
    assert Recovery.objects.get(pk=recovery.pk).status == Recovery.Status.PREPARED
    back = service.withdraw_recovery_decision(prepared, actor=cast.official, version=prepared.sha256,
                                              reasons="Perusteluissa on virhe.")
    assert back.status == Recovery.Status.HEARING
    signed = service.sign_recovery(_prepared(cast, back), actor=cast.second_official,
                                   version=Recovery.objects.get(pk=recovery.pk).sha256, on=ON)
    with pytest.raises(Conflict, match="not awaiting signature"):
        service.withdraw_recovery_decision(signed, actor=cast.second_official, version=signed.sha256, reasons="Ei.")


def test_no_reasons_or_a_stale_hash_leave_the_prepared_decision_as_it_was(cast):
    _through_two_payments(cast)
    recovery = _started(cast)
    service.respond_to_hearing(recovery, actor=cast.lead, response="Vastaus.")
    prepared = _prepared(cast, recovery)
    with pytest.raises(Invalid) as caught:
        service.withdraw_recovery_decision(prepared, actor=cast.second_official, version=prepared.sha256,
                                           reasons="  ")
    assert caught.value.message_dict["reasons"] == ["Give the reasons for sending the decision back."]
    with pytest.raises(Conflict, match="not the one you read"):
        service.withdraw_recovery_decision(prepared, actor=cast.second_official, version="0" * 64, reasons="Ei.")
    stored = Recovery.objects.get(pk=recovery.pk)
    assert (stored.status, stored.sha256, stored.withdrawn_reasons) == (Recovery.Status.PREPARED, prepared.sha256, "")
    assert not AuditEntry.objects.filter(action="recovery.decision_withdrawn").exists()


def test_an_answer_names_the_case_it_answers(cast):
    _through_two_payments(cast)
    recovery = _started(cast)
    with pytest.raises(Conflict, match="read it again"):
        service.respond_to_hearing(recovery, actor=cast.lead, response="Vastaus.", version="0" * 64)
    assert Recovery.objects.get(pk=recovery.pk).responded_at is None
    answered = service.respond_to_hearing(recovery, actor=cast.lead, response="Vastaus.",
                                          version=service.hearing_version(recovery))
    assert answered.response == "Vastaus."
