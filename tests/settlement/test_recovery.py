"""Recovery under sections 21–29 of Act 688/2001 by the services: the hearing, four eyes on the decision, section
29's time limits, returns in parts with interest and penalty interest to the cent, and waivers."""

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from django.utils import translation

from avustus.audit.models import AuditEntry
from avustus.errors import Conflict, Invalid, NotAllowed
from avustus.rules.interest import round_half_up
from avustus.settlement import recovery as service
from avustus.settlement.models import Recovery, RecoveryReturn
from tests.settlement.test_end_to_end import _through_two_payments

pytestmark = pytest.mark.django_db

# Paid: 43 643,81 on 15.7.2020 and 29 000,00 on 20.11.2020. The reference rate is 0,00 % to the end of 2022 and
# 2,50 % in the first half of 2023.
LATE, EARLY = date(2020, 11, 20), date(2020, 7, 15)


def _started(cast, amount="40 000,00", known_on=date(2022, 9, 1), on=date(2022, 9, 5)):
    return service.start_recovery(cast.project, actor=cast.official, section=22, subsection=1, amount=amount,
                                  reasons="Hankkeen kustannuksia käytettiin muuhun tarkoitukseen.",
                                  known_on=known_on, deadline=on + timedelta(days=25), on=on,
                                  version=service.cases_version(cast.project))


def _decided(cast, recovery, due_on=date(2022, 12, 15), on=date(2022, 10, 10)):
    snapshot, digest = service.recovery_preview(recovery, actor=cast.official, due_on=due_on, on=on)
    prepared = service.prepare_recovery(recovery, actor=cast.official, due_on=due_on, version=digest, on=on)
    return service.sign_recovery(prepared, actor=cast.second_official, version=prepared.sha256, on=on)


def _interest(principal: str, paid_on: date, until: date, rate=3) -> Fraction:
    return Fraction(Decimal(principal)) * rate * (until - paid_on).days / (100 * 365)


def test_a_recovery_heard_decided_by_two_and_returned_in_two_parts_to_the_cent(cast):
    _through_two_payments(cast)
    recovery = _started(cast)
    assert recovery.status == Recovery.Status.HEARING and recovery.hearing_deadline == date(2022, 9, 30)
    with pytest.raises(Conflict, match="being heard"):
        service.recovery_preview(recovery, actor=cast.official, due_on=date(2022, 12, 15), on=date(2022, 9, 20))
    service.respond_to_hearing(recovery, actor=cast.lead, response="Kustannukset olivat hankkeen mukaisia.")
    with pytest.raises(Conflict, match="already"):
        service.respond_to_hearing(recovery, actor=cast.lead, response="Toinen vastaus.")
    recovery.refresh_from_db()
    snapshot, digest = service.recovery_preview(recovery, actor=cast.official, due_on=date(2022, 12, 15),
                                                on=date(2022, 10, 10))
    # Latest payments first: 29 000,00 of 20.11.2020, then 11 000,00 of 15.7.2020, each to the due date at 3 %.
    assert snapshot["computation"]["attribution"] == [{"paid_on": "2020-11-20", "amount": "29000.00"},
                                                      {"paid_on": "2020-07-15", "amount": "11000.00"}]
    expected = round_half_up(_interest("29000", LATE, date(2022, 12, 15)) + _interest("11000", EARLY,
                                                                                      date(2022, 12, 15)))
    assert snapshot["computation"]["interest"] == str(expected)
    assert snapshot["total"] == str(Decimal("40000.00") + expected)
    assert snapshot["hearing"]["response"] == "Kustannukset olivat hankkeen mukaisia."

    with pytest.raises(Conflict, match="read it again"):
        service.prepare_recovery(recovery, actor=cast.official, due_on=date(2022, 12, 15), version="0" * 64,
                                 on=date(2022, 10, 10))
    prepared = service.prepare_recovery(recovery, actor=cast.official, due_on=date(2022, 12, 15), version=digest,
                                        on=date(2022, 10, 10))
    with pytest.raises(NotAllowed):
        service.sign_recovery(prepared, actor=cast.official, version=prepared.sha256, on=date(2022, 10, 10))
    with pytest.raises(NotAllowed):
        service.sign_recovery(prepared, actor=cast.lead, version=prepared.sha256, on=date(2022, 10, 10))
    with pytest.raises(Conflict, match="not the one you read"):
        service.sign_recovery(prepared, actor=cast.second_official, version="f" * 64, on=date(2022, 10, 10))
    decided = service.sign_recovery(prepared, actor=cast.second_official, version=prepared.sha256,
                                    on=date(2022, 10, 11))
    assert (decided.status, decided.decided_on, decided.signed_by) == (Recovery.Status.DECIDED, date(2022, 10, 11),
                                                                       cast.second_official)

    # Before the due date: interest only, on 10 000,00 of the latest payment.
    first = service.record_recovery_return(decided, actor=cast.official, returned_on=date(2022, 12, 1),
                                           amount="10 000,00", version=service.case_version(decided))
    assert (first.interest, first.penalty_interest) == (
        round_half_up(_interest("10000", LATE, date(2022, 12, 1))), Decimal("0.00"))
    # After it: interest to the due date on the rest (19 000,00 of 20.11.2020 and 11 000,00 of 15.7.2020) and
    # penalty interest on 30 000,00 from 16.12.2022: 16 days at 7 %, then 41 days at 2,50 + 7 = 9,50 %.
    second = service.record_recovery_return(decided, actor=cast.official, returned_on=date(2023, 2, 10),
                                            amount="30 000,00", version=service.case_version(decided))
    assert second.interest == round_half_up(_interest("19000", LATE, date(2022, 12, 15))
                                            + _interest("11000", EARLY, date(2022, 12, 15)))
    penalty = Fraction(30000) * 7 * 16 / (100 * 365) + Fraction(30000) * Fraction("9.5") * 41 / (100 * 365)
    assert second.penalty_interest == round_half_up(penalty)
    assert [p["rate"] for p in second.computation["periods"] if p["kind"] == "penalty"] == ["7.00", "9.50"]
    assert service.amount_due(decided) == Decimal("0.00")
    with pytest.raises(Invalid, match="more than is left"):
        service.record_recovery_return(decided, actor=cast.official, returned_on=date(2023, 2, 11), amount="0,01",
                                       version=service.case_version(decided))
    actions = list(AuditEntry.objects.filter(action__startswith="recovery.").values_list("action", flat=True))
    assert actions == ["recovery.started", "recovery.response", "recovery.prepared", "recovery.decided",
                       "recovery.returned", "recovery.returned"]


def test_the_decision_waits_for_the_deadline_when_no_response_comes(cast):
    _through_two_payments(cast)
    recovery = _started(cast)
    with pytest.raises(Conflict, match="being heard"):
        service.recovery_preview(recovery, actor=cast.official, due_on=date(2022, 12, 15), on=date(2022, 9, 30))
    snapshot, _digest = service.recovery_preview(recovery, actor=cast.official, due_on=date(2022, 12, 15),
                                                 on=date(2022, 10, 1))
    assert snapshot["hearing"]["response"] == "" and snapshot["hearing"]["responded_on"] is None


def test_a_recovery_out_of_time_is_refused_naming_the_limit_and_its_day(cast):
    _through_two_payments(cast)
    with pytest.raises(Conflict, match=r"within a year of learning.*1\.9\.2022"):
        _started(cast, known_on=date(2021, 9, 1), on=date(2022, 9, 2))
    with pytest.raises(Conflict, match=r"ten years.*20\.11\.2030"):
        _started(cast, known_on=date(2030, 11, 1), on=date(2030, 11, 21))
    # Started in time, but the year ran out before the signature.
    recovery = _started(cast, known_on=date(2022, 1, 10), on=date(2022, 1, 10))
    _snapshot, digest = service.recovery_preview(recovery, actor=cast.official, due_on=date(2023, 3, 1),
                                                 on=date(2022, 2, 10))
    prepared = service.prepare_recovery(recovery, actor=cast.official, due_on=date(2023, 3, 1), version=digest,
                                        on=date(2022, 2, 10))
    with pytest.raises(Conflict, match=r"within a year.*10\.1\.2023"):
        service.sign_recovery(prepared, actor=cast.second_official, version=prepared.sha256, on=date(2023, 1, 11))
    prepared.refresh_from_db()
    assert prepared.status == Recovery.Status.PREPARED and prepared.signed_by is None


def test_the_hearing_ends_before_the_last_day_the_recovery_can_be_decided(cast):
    """The decision waits for the hearing: a deadline on or after section 29's last day (or in year 9999, which the
    security test sent) would hold the case open until the time to decide had run out."""
    _through_two_payments(cast)

    def start(deadline):
        return service.start_recovery(cast.project, actor=cast.official, section=22, subsection=1, amount="1 000,00",
                                      reasons="Peruste.", known_on=date(2022, 9, 1), deadline=deadline,
                                      on=date(2022, 9, 5), version=service.cases_version(cast.project))

    said = {}
    for deadline in (date(9999, 12, 31), date(2023, 9, 1), date(2024, 1, 1)):
        with pytest.raises(Invalid) as refused:
            start(deadline)
        assert list(refused.value.message_dict) == ["deadline"]
        said[deadline] = refused.value.message_dict["deadline"][0]
    assert said[date(9999, 12, 31)].startswith("The date must be in the years")
    assert said[date(2023, 9, 1)] == said[date(2024, 1, 1)] == (
        "The response deadline must be before 1.9.2023, the last day on which the recovery can be decided "
        "(section 29 of the Act on Discretionary Government Transfers).")
    assert not Recovery.objects.exists()
    assert start(date(2023, 8, 31)).hearing_deadline == date(2023, 8, 31)


def test_a_ground_known_in_the_future_is_said_with_the_rest_and_the_amount_is_checked_again_under_the_lock(cast):
    from unittest import mock

    _through_two_payments(cast)
    with pytest.raises(Invalid) as refused:
        service.start_recovery(cast.project, actor=cast.official, section=22, subsection=1, amount="1 000,00",
                               reasons=" ", known_on=date(2022, 9, 6), deadline=date(2022, 9, 20),
                               on=date(2022, 9, 5), version=service.cases_version(cast.project))
    assert refused.value.message_dict == {"reasons": ["Give the reasons for the recovery."],
                                          "known_on": ["The day the ground became known cannot be in the future."]}
    # What was paid is read again under the project's lock: a payment or a case may have come since the form's
    # check (here: the check made before the lock is taken to have passed).
    with mock.patch.object(service, "start_errors", return_value={}), pytest.raises(Invalid) as refused:
        _started(cast, amount="72 643,82")
    assert refused.value.message_dict["amount"][0].startswith("The amount to recover is more than was paid")
    assert not Recovery.objects.exists()


def test_only_officials_start_and_only_the_lead_answers(cast):
    _through_two_payments(cast)
    for actor in (cast.lead, cast.partner, cast.outsider, cast.decision_maker):
        # In the user's language: the refusal is marked for the catalogues (these tests read English otherwise).
        refusal = "Takaisinperintöjä käsittelevät vain ohjelman virkailijat"
        with translation.override("fi"), pytest.raises(NotAllowed, match=refusal):
            service.start_recovery(cast.project, actor=actor, section=21, subsection=1, amount="1,00", reasons="x",
                                   known_on=date(2022, 9, 1), deadline=date(2022, 10, 1), on=date(2022, 9, 5),
                                   version=service.cases_version(cast.project))
    recovery = _started(cast)
    for actor in (cast.partner, cast.outsider, cast.official):
        with pytest.raises(NotAllowed):
            service.respond_to_hearing(recovery, actor=actor, response="Ei.")
    assert Recovery.objects.count() == 1


def test_bad_input_is_refused_by_field_and_nothing_is_stored(cast):
    _through_two_payments(cast)
    with pytest.raises(Invalid) as error:
        service.start_recovery(cast.project, actor=cast.official, section=23, subsection=1, amount="kymppi",
                               reasons=" ", known_on=date(2022, 9, 1), deadline=date(2022, 9, 5),
                               on=date(2022, 9, 5), version=service.cases_version(cast.project))
    assert set(error.value.message_dict) == {"ground", "amount", "reasons", "deadline"}
    with pytest.raises(Invalid, match="more than was paid"):
        _started(cast, amount="72 643,82")
    with pytest.raises(Invalid, match="future"):
        _started(cast, known_on=date(2022, 9, 6))
    # A day before the grant was decided is a typing error, not a time limit passed (which it was said to be).
    with pytest.raises(Invalid) as error:
        _started(cast, known_on=date(2001, 1, 1))
    assert error.value.message_dict == {
        "known_on": [f"The ground cannot have become known before the grant was decided on "
                     f"{cast.project.decided_on:%-d.%-m.%Y}."]}
    assert not Recovery.objects.exists()


def test_a_waiver_lowers_the_amount_due_and_waived_interest_is_not_charged(cast):
    _through_two_payments(cast)
    decided = _decided(cast, _started(cast), on=date(2022, 10, 1))
    with pytest.raises(NotAllowed):
        service.waive_recovery(decided, actor=cast.lead, principal="1 000,00", interest=False, reasons="Kohtuus.",
                               version=service.case_version(decided))
    with pytest.raises(Invalid, match="reasons"):
        service.waive_recovery(decided, actor=cast.official, principal="1 000,00", interest=False, reasons="",
                               version=service.case_version(decided))
    with pytest.raises(Invalid, match="more than is left"):
        service.waive_recovery(decided, actor=cast.official, principal="40 000,01", interest=False, reasons="x",
                               version=service.case_version(decided))
    from tests.settlement.test_waivers import _waived  # it builds on this module's cases

    _waived(cast, decided, principal="15 000,00", interest=False,
            reasons="Takaisinperintä olisi kohtuutonta osittain.")
    assert service.amount_due(decided) == Decimal("25000.00")
    before = service.record_recovery_return(decided, actor=cast.official, returned_on=date(2022, 12, 1),
                                            amount="5 000,00", version=service.case_version(decided))
    assert before.interest > 0
    _waived(cast, decided, principal="0", interest=True, reasons="Korot anteeksi.")
    after = service.record_recovery_return(decided, actor=cast.official, returned_on=date(2023, 2, 10),
                                           amount="20 000,00", version=service.case_version(decided))
    assert (after.interest, after.penalty_interest) == (Decimal("0.00"), Decimal("0.00"))
    assert after.computation["interest_waived"] is True and Decimal(after.computation["penalty_interest"]) > 0
    assert service.amount_due(decided) == Decimal("0.00")
    assert AuditEntry.objects.filter(action="recovery.waived").count() == 2
    assert RecoveryReturn.objects.count() == 2


def test_returns_and_waivers_wait_for_the_decision(cast):
    _through_two_payments(cast)
    recovery = _started(cast)
    with pytest.raises(Conflict, match="not been decided"):
        service.record_recovery_return(recovery, actor=cast.official, returned_on=date(2022, 12, 1), amount="1,00",
                                       version=service.case_version(recovery))
    with pytest.raises(Conflict, match="not been decided"):
        service.waive_recovery(recovery, actor=cast.official, principal="1,00", interest=False, reasons="x",
                               version=service.case_version(recovery))


def test_the_programmes_decision_maker_may_sign_but_not_prepare(cast):
    _through_two_payments(cast)
    recovery = _started(cast)
    with pytest.raises(NotAllowed):
        service.recovery_preview(recovery, actor=cast.decision_maker, due_on=date(2022, 12, 15),
                                 on=date(2022, 10, 10))
    _snapshot, digest = service.recovery_preview(recovery, actor=cast.official, due_on=date(2022, 12, 15),
                                                 on=date(2022, 10, 10))
    prepared = service.prepare_recovery(recovery, actor=cast.official, due_on=date(2022, 12, 15), version=digest,
                                        on=date(2022, 10, 10))
    signed = service.sign_recovery(prepared, actor=cast.decision_maker, version=prepared.sha256, on=date(2022, 10, 10))
    assert signed.signed_by == cast.decision_maker and signed.status == Recovery.Status.DECIDED


def test_a_response_arriving_after_the_preview_makes_it_stale(cast):
    _through_two_payments(cast)
    recovery = _started(cast)
    # After the deadline the decision may be prepared without a response; a late one still counts.
    _snapshot, digest = service.recovery_preview(recovery, actor=cast.official, due_on=date(2022, 12, 15),
                                                 on=date(2022, 10, 10))
    service.respond_to_hearing(recovery, actor=cast.lead, response="Myöhästynyt vastaus.")
    with pytest.raises(Conflict, match="read it again"):
        service.prepare_recovery(recovery, actor=cast.official, due_on=date(2022, 12, 15), version=digest,
                                 on=date(2022, 10, 10))
    recovery.refresh_from_db()
    assert recovery.status == Recovery.Status.HEARING and recovery.snapshot is None


def test_a_return_dated_after_today_is_refused_and_nothing_is_kept(cast):
    """A recovered amount is recorded as returned on a day that has come: a future day would also decide whether
    penalty interest runs and for how long."""
    from django.utils import timezone

    from tests.settlement.test_services import rates_until

    _through_two_payments(cast)
    decided = _decided(cast, _started(cast))
    tomorrow = timezone.localdate() + timedelta(days=1)
    rates_until(tomorrow)
    with pytest.raises(Invalid, match="future") as refused:
        service.record_recovery_return(decided, actor=cast.official, returned_on=tomorrow, amount="1 000,00",
                                       version=service.case_version(decided))
    assert set(refused.value.message_dict) == {"returned_on"}
    assert not RecoveryReturn.objects.exists()
    assert not AuditEntry.objects.filter(action="recovery.returned").exists()
    assert service.amount_due(decided) == Decimal("40000.00")


def test_decided_recoveries_together_never_exceed_what_was_paid(cast):
    """Each case was checked against all that was paid (72 643,81), so two decisions of 40 000,00 recovered more
    than the project ever received: a second decision, or a new case, may take only what the decided ones left."""
    _through_two_payments(cast)
    first, second = _started(cast), _started(cast)
    for recovery in (first, second):
        _snapshot, digest = service.recovery_preview(recovery, actor=cast.official, due_on=date(2022, 12, 15),
                                                     on=date(2022, 10, 10))
        service.prepare_recovery(recovery, actor=cast.official, due_on=date(2022, 12, 15), version=digest,
                                 on=date(2022, 10, 10))
    first.refresh_from_db()
    second.refresh_from_db()
    service.sign_recovery(first, actor=cast.second_official, version=first.sha256, on=date(2022, 10, 11))
    with pytest.raises(Conflict, match="left to recover.*32\u00a0643,81\u00a0€"):
        service.sign_recovery(second, actor=cast.second_official, version=second.sha256, on=date(2022, 10, 11))
    second.refresh_from_db()
    assert second.status == Recovery.Status.PREPARED and second.signed_by is None
    with pytest.raises(Invalid) as refused:
        _started(cast, amount="32 643,82")
    assert "left to recover of what was paid (32\u00a0643,81\u00a0€)" in refused.value.message_dict["amount"][0]
    assert Recovery.objects.count() == 2
    assert _started(cast, amount="32 643,81").amount == Decimal("32643.81")
