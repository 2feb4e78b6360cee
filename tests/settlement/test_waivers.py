"""Four eyes on a section 26 waiver: one official proposes it, and it takes effect only when a second person who
may sign recovery decisions, not its proposer, confirms it as they read it; either may decline it instead."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from avustus.audit.models import AuditEntry
from avustus.errors import Conflict, Invalid, NotAllowed
from avustus.settlement import recovery as service
from avustus.settlement import waivers
from avustus.settlement.models import RecoveryWaiver
from avustus.settlement.receivables import produce_receivables_file
from avustus.settlement.selectors import unfiled_recoveries
from tests.settlement.test_end_to_end import _through_two_payments
from tests.settlement.test_recovery import _decided, _started

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

DECIDED_ON = date(2022, 10, 10)


def _proposed(cast, recovery, principal="15 000,00", interest=False, reasons="Kohtuus.", by=None):
    return service.waive_recovery(recovery, actor=by or cast.official, principal=principal, interest=interest,
                                  reasons=reasons, version=service.case_version(recovery))


def _waived(cast, recovery, principal="15 000,00", interest=False, reasons="Kohtuus.", by=None, confirmer=None):
    """A waiver proposed by an official (``by``) and confirmed by a second person (``confirmer``) as read."""
    proposed = _proposed(cast, recovery, principal, interest, reasons, by)
    return waivers.confirm_waiver(recovery, actor=confirmer or cast.second_official,
                                  version=waivers.waiver_version(proposed))


def _signed(cast):
    _through_two_payments(cast)
    return _decided(cast, _started(cast), on=DECIDED_ON)


def test_a_proposed_waiver_changes_nothing_due_until_a_second_person_confirms_it(cast):
    decided = _signed(cast)
    proposed = _proposed(cast, decided, principal="15 000,00", interest=True)
    assert proposed.status == RecoveryWaiver.Status.PROPOSED
    # Not in force: the amount due, the interest, the receivables the page and the file would list are as decided.
    assert service.amount_due(decided) == Decimal("40000.00") and service.waived_total(decided) == Decimal("0.00")
    assert not service.interest_waived(decided)
    assert [r.to_collect for r in unfiled_recoveries(None)] == [Decimal("40000.00")]
    charged = service.record_recovery_return(decided, actor=cast.official, returned_on=date(2022, 12, 1),
                                             amount="1 000,00", version=service.case_version(decided))
    assert charged.interest > 0 and charged.computation["interest_waived"] is False
    assert AuditEntry.objects.filter(action="recovery.waiver_proposed").count() == 1
    assert not AuditEntry.objects.filter(action="recovery.waived").exists()

    confirmed = waivers.confirm_waiver(decided, actor=cast.decision_maker,
                                       version=waivers.waiver_version(service.proposed_waiver(decided)))
    assert (confirmed.status, confirmed.confirmed_by, confirmed.proposed_by) == (
        RecoveryWaiver.Status.CONFIRMED, cast.decision_maker, cast.official)
    assert service.amount_due(decided) == Decimal("24000.00") and service.interest_waived(decided)
    assert [r.to_collect for r in unfiled_recoveries(None)] == [Decimal("24000.00")]
    entry = AuditEntry.objects.get(action="recovery.waived")
    assert entry.data["principal"] == "15000.00" and entry.data["left"] == "24000.00"
    assert entry.data["proposed_by"] == cast.official.pk
    after = service.record_recovery_return(decided, actor=cast.official, returned_on=date(2022, 12, 2),
                                           amount="1 000,00", version=service.case_version(decided))
    assert (after.interest, after.penalty_interest) == (Decimal("0.00"), Decimal("0.00"))


def test_the_receivables_file_counts_a_waiver_only_once_confirmed(cast):
    decided = _signed(cast)
    _proposed(cast, decided, principal="40 000,00", interest=True)
    made = produce_receivables_file(DECIDED_ON, actor=cast.decision_maker)
    assert made is not None and ";40000,00;" in made.content


def test_the_proposer_cannot_confirm_nor_can_who_may_not_sign(cast, person):
    from avustus.accounts.models import Role

    decided = _signed(cast)
    version = waivers.waiver_version(_proposed(cast, decided))
    auditor = person("tarkastaja", cast.project.call.programme, Role.AUDITOR)
    for actor in (cast.official, cast.lead, cast.partner, auditor):
        with pytest.raises(NotAllowed):
            waivers.confirm_waiver(decided, actor=actor, version=version)
    with pytest.raises(NotAllowed, match="did not propose it"):
        waivers.confirm_waiver(decided, actor=cast.official, version=version)
    assert service.amount_due(decided) == Decimal("40000.00")
    assert RecoveryWaiver.objects.get().status == RecoveryWaiver.Status.PROPOSED


def test_a_confirmation_of_a_waiver_other_than_the_one_read_is_refused(cast):
    decided = _signed(cast)
    first = _proposed(cast, decided, principal="5 000,00")
    read = waivers.waiver_version(first)
    waivers.decline_waiver(decided, actor=cast.second_official, version=read, reasons="Ei perusteita.")
    # Declined and proposed again with another amount: the confirmer read the first.
    second = _proposed(cast, decided, principal="20 000,00")
    with pytest.raises(Conflict, match="changed after you opened it"):
        waivers.confirm_waiver(decided, actor=cast.second_official, version=read)
    # A return recorded after the page was read changes what it showed too.
    shown = waivers.waiver_version(second)
    service.record_recovery_return(decided, actor=cast.official, returned_on=date(2022, 12, 1), amount="1 000,00",
                                   version=service.case_version(decided))
    with pytest.raises(Conflict, match="changed after you opened it"):
        waivers.confirm_waiver(decided, actor=cast.second_official, version=shown)
    assert service.amount_due(decided) == Decimal("39000.00")
    assert RecoveryWaiver.objects.get(pk=second.pk).status == RecoveryWaiver.Status.PROPOSED


def test_a_waiver_confirmed_twice_takes_effect_once(cast):
    decided = _signed(cast)
    version = waivers.waiver_version(_proposed(cast, decided, principal="5 000,00"))
    waivers.confirm_waiver(decided, actor=cast.second_official, version=version)
    with pytest.raises(Conflict, match="No waiver of this case awaits confirmation"):
        waivers.confirm_waiver(decided, actor=cast.second_official, version=version)
    with pytest.raises(Conflict, match="No waiver of this case awaits confirmation"):
        waivers.decline_waiver(decided, actor=cast.second_official, version=version, reasons="Myöhässä.")
    assert service.amount_due(decided) == Decimal("35000.00")
    assert AuditEntry.objects.filter(action="recovery.waived").count() == 1


def test_returns_recorded_meanwhile_are_checked_again_on_confirmation(cast):
    decided = _signed(cast)
    _proposed(cast, decided, principal="30 000,00")
    # Nothing waived yet: the return is checked against the whole amount decided and recorded.
    service.record_recovery_return(decided, actor=cast.official, returned_on=date(2022, 12, 1), amount="15 000,00",
                                   version=service.case_version(decided))
    with pytest.raises(Conflict, match="Only 25\u00a0000,00\u00a0€ of the principal is left to return now"):
        waivers.confirm_waiver(decided, actor=cast.second_official,
                               version=waivers.waiver_version(service.proposed_waiver(decided)))
    assert service.amount_due(decided) == Decimal("25000.00")


def test_one_proposal_at_a_time_and_a_declined_one_frees_the_case(cast):
    decided = _signed(cast)
    first = _proposed(cast, decided, principal="5 000,00")
    with pytest.raises(Conflict, match="awaits confirmation"):
        _proposed(cast, decided, principal="1 000,00", by=cast.second_official)
    assert "waive" not in service.recovery_steps(cast.official, decided)
    assert {"confirm_waiver", "decline_waiver"} <= service.recovery_steps(cast.second_official, decided)
    assert "confirm_waiver" not in service.recovery_steps(cast.official, decided)
    assert "decline_waiver" in service.recovery_steps(cast.official, decided)  # the proposer withdraws it
    assert not service.recovery_steps(cast.lead, decided) & {"confirm_waiver", "decline_waiver"}
    version = waivers.waiver_version(first)
    with pytest.raises(NotAllowed):
        waivers.decline_waiver(decided, actor=cast.lead, version=version, reasons="Ei.")
    with pytest.raises(Invalid, match="reasons"):
        waivers.decline_waiver(decided, actor=cast.second_official, version=version, reasons=" ")
    declined = waivers.decline_waiver(decided, actor=cast.second_official, version=version,
                                      reasons="Kohtuullistamiselle ei ole perusteita.")
    assert (declined.status, declined.declined_by, declined.declined_reasons) == (
        RecoveryWaiver.Status.DECLINED, cast.second_official, "Kohtuullistamiselle ei ole perusteita.")
    assert service.amount_due(decided) == Decimal("40000.00")
    assert AuditEntry.objects.get(action="recovery.waiver_declined").data["reasons"] == declined.declined_reasons
    # The case is free again: the proposer withdraws the next one themselves.
    again = _proposed(cast, decided, principal="1 000,00")
    waivers.decline_waiver(decided, actor=cast.official, version=waivers.waiver_version(again),
                           reasons="Väärä summa.")
    assert "waive" in service.recovery_steps(cast.official, decided)


def test_the_database_keeps_one_proposal_per_case_and_a_confirmed_waiver_unchanged(cast):
    decided = _signed(cast)
    waiver = _waived(cast, decided, principal="5 000,00")
    _proposed(cast, decided, principal="1 000,00")
    with pytest.raises(IntegrityError), transaction.atomic():
        RecoveryWaiver.objects.create(recovery=decided, principal=Decimal(1), reasons="Toinen.")

    def refused(sql, params) -> bool:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql, params)
        except IntegrityError:
            return True
        return False

    for sql, params in (("UPDATE settlement_recoverywaiver SET principal = 40000 WHERE id = %s", [waiver.pk]),
                        ("UPDATE settlement_recoverywaiver SET status = 'declined' WHERE id = %s", [waiver.pk]),
                        ("UPDATE settlement_recoverywaiver SET confirmed_by_id = NULL WHERE id = %s", [waiver.pk]),
                        ("DELETE FROM settlement_recoverywaiver WHERE id = %s", [waiver.pk])):
        assert refused(sql, params), sql
    pending = service.proposed_waiver(decided)
    # A proposal's amount never changes; its status does, once.
    assert refused("UPDATE settlement_recoverywaiver SET principal = 2 WHERE id = %s", [pending.pk])
    assert not refused("UPDATE settlement_recoverywaiver SET status = 'declined' WHERE id = %s", [pending.pk])
    assert refused("UPDATE settlement_recoverywaiver SET status = 'proposed' WHERE id = %s", [pending.pk])
