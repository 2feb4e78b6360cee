"""A recovery's principal is the money the recipient still holds: attributed, and limited, after what an earlier
decided recovery or an approved settlement's amount to return took back (``settlement.recovery._taken_back``).

The project of ``_through_two_payments``: 43 643,81 paid on 15.7.2020 (EARLY) and 29 000,00 on 20.11.2020
(LATE), 72 643,81 in all. The reference rate is 0,00 % throughout 2020-2022 (settlement/data/reference-rates.csv),
so section 24 interest is 0 + 3 = 3 % a year, a day's interest principal x 3 / 100 / 365 (rules.interest).

The code's own rules: ``settlement.recovery._left_to_recover`` "What was paid less what the project's other decided
recoveries take: no euro is recovered twice"; ``rules.interest`` "the money paid last is the money left unused,
so it bears interest from its own, later, payment day" and ``attribute_next`` "returns in parts bear the same
interest as one return would (the money paid last is the money returned first)".
"""

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest

from avustus.errors import Conflict, Invalid
from avustus.rules.interest import round_half_up
from avustus.settlement import recovery as service
from avustus.settlement import services as settlement
from tests.settlement.test_end_to_end import _final_accepted, _settled, _through_two_payments

pytestmark = pytest.mark.django_db

EARLY, LATE = date(2020, 7, 15), date(2020, 11, 20)
DUE = date(2022, 12, 15)


def _start(cast, amount):
    on = date(2022, 9, 5)
    return service.start_recovery(cast.project, actor=cast.official, section=22, subsection=1, amount=amount,
                                  reasons="Hankkeen kustannuksia käytettiin muuhun tarkoitukseen.",
                                  known_on=date(2022, 9, 1), deadline=on + timedelta(days=25), on=on,
                                  version=service.cases_version(cast.project))


def _decide(cast, recovery, on=date(2022, 10, 10)):
    _snapshot, digest = service.recovery_preview(recovery, actor=cast.official, due_on=DUE, on=on)
    prepared = service.prepare_recovery(recovery, actor=cast.official, due_on=DUE, version=digest, on=on)
    return service.sign_recovery(prepared, actor=cast.second_official, version=prepared.sha256, on=on)


def _by_hand(principal: str, paid_on: date, until: date) -> Fraction:
    return Fraction(Decimal(principal)) * 3 * (until - paid_on).days / (100 * 365)


def test_a_second_recovery_takes_the_money_the_first_left_not_the_latest_payment_again(cast):
    """Recovery 1 (40 000,00) is decided: its attribution is 29 000,00 of LATE + 11 000,00 of EARLY. What the
    recipient still holds is 43 643,81 - 11 000,00 = 32 643,81, all of it paid on EARLY; ``_left_to_recover``
    agrees (it lets a second recovery of exactly 32 643,81 through).

    Recovery 2 of 32 643,81 must therefore be attributed wholly to EARLY, and its interest to the due date
    15.12.2022 is 883 days (15.7.2020 -> 15.12.2022) at 3 %:
        32 643,81 x 3 x 883 / 36 500 = 2 369,1357 -> 2 369,14.
    The code attributes it to the latest payments first *again*, ignoring recovery 1: 29 000,00 of LATE (whose
    29 000,00 recovery 1 already took) + 3 643,81 of EARLY:
        29 000 x 3 x 755 / 36 500 + 3 643,81 x 3 x 883 / 36 500 = 1 799,59 + 264,45 = 2 064,04,
    305,10 too little (29 000 x 3 % x 128 days between EARLY and LATE), and LATE's 29 000,00 is attributed
    twice (58 000,00 across the two decisions) while EARLY's 32 643,81 is never attributed.
    """
    _through_two_payments(cast)
    first = _decide(cast, _start(cast, "40 000,00"))
    assert first.snapshot["computation"]["attribution"] == [{"paid_on": "2020-11-20", "amount": "29000.00"},
                                                            {"paid_on": "2020-07-15", "amount": "11000.00"}]
    second = _start(cast, "32 643,81")  # exactly what is left to recover: accepted
    snapshot, _digest = service.recovery_preview(second, actor=cast.official, due_on=DUE, on=date(2022, 10, 10))
    attributed_to_late = sum(Decimal(p["amount"]) for s in (first.snapshot, snapshot)
                             for p in s["computation"]["attribution"] if p["paid_on"] == "2020-11-20")
    assert attributed_to_late <= Decimal("29000.00"), "LATE's 29 000,00 attributed more than once"
    assert snapshot["computation"]["attribution"] == [{"paid_on": "2020-07-15", "amount": "32643.81"}]
    assert snapshot["computation"]["interest"] == str(round_half_up(_by_hand("32643.81", EARLY, DUE))) == "2369.14"


def test_a_recovery_cannot_take_back_what_the_settlement_return_already_returned(cast, storage):
    """Settlement: final report accepts 20 000,00, final grant 85 % = 17 000,00, paid 72 643,81, so 55 643,81 to
    return; the recipient returns all of it on 1.3.2021. It now holds 72 643,81 - 55 643,81 = 17 000,00 of the
    grant. A recovery (688/2001 s. 21(1): "jo maksettu valtionavustus takaisin perittäväksi") can take back at
    most those 17 000,00; the service's own refusal reads "more than is left to recover of what was paid".

    ``_left_to_recover`` subtracts only other decided recoveries from what was paid, never a settlement's returns,
    so a recovery of the whole 72 643,81 is accepted: 55 643,81 would be collected a second time.
    """
    _through_two_payments(cast)
    _final_accepted(cast, "20 000,00")
    done = _settled(cast)
    assert done.to_return == Decimal("55643.81")
    settlement.record_return(done, actor=cast.official, returned_on=date(2021, 3, 1), amount="55 643,81",
                             version=settlement.returns_version(done))
    assert settlement.left_to_return(done) == Decimal("0.00")
    with pytest.raises(Invalid) as refused:
        _start(cast, "72 643,81")
    assert "left to recover of what was paid (17\u00a0000,00\u00a0€)" in refused.value.message_dict["amount"][0]


def test_after_a_settlement_return_a_recovery_bears_interest_from_the_money_still_held(cast, storage):
    """As above, 55 643,81 returned on 1.3.2021; by the attribution's rule (latest payments first) the return took
    LATE's 29 000,00 and 26 643,81 of EARLY. The 17 000,00 the recipient still holds were paid on EARLY.

    A recovery of those 17 000,00, due 15.12.2022: 883 days from EARLY at 3 %:
        17 000 x 3 x 883 / 36 500 = 1 233,78 (1 233,7808...).
    The code attributes the 17 000,00 to LATE, which the recipient returned in full in the settlement:
        17 000 x 3 x 755 / 36 500 = 1 054,93, i.e. 178,85 too little.
    """
    _through_two_payments(cast)
    _final_accepted(cast, "20 000,00")
    done = _settled(cast)
    settlement.record_return(done, actor=cast.official, returned_on=date(2021, 3, 1), amount="55 643,81",
                             version=settlement.returns_version(done))
    recovery = _start(cast, "17 000,00")
    snapshot, _digest = service.recovery_preview(recovery, actor=cast.official, due_on=DUE, on=date(2022, 10, 10))
    assert snapshot["computation"]["attribution"] == [{"paid_on": "2020-07-15", "amount": "17000.00"}]
    assert snapshot["computation"]["interest"] == str(round_half_up(_by_hand("17000", EARLY, DUE))) == "1233.78"


@pytest.mark.xfail(strict=True, reason="open: settlement and payments count what was paid gross of decided "
                   "recoveries; whether a recovered amount may be paid again on later costs is the funder's to say")
def test_a_settlement_after_a_returned_recovery_does_not_demand_the_recovered_money_again(cast, storage):
    """Paid 72 643,81. A recovery of 10 000,00 is decided (due 15.12.2022) and returned in full on 1.12.2022; the
    recipient now holds 62 643,81. The final report then accepts 20 000,00 of costs: final grant 85 % = 17 000,00.

    rules.settlement's own reconciliation: "paid + last_instalment - to_return - left_unreturned == final_grant",
    i.e. after settlement the recipient keeps exactly the final grant. So the amount to return is
        62 643,81 - 17 000,00 = 45 643,81.
    ``settlement.services._snapshot`` settles on ``paid_total`` (72 643,81, gross of what the recovery took back)
    and demands 55 643,81: the 10 000,00 already recovered is collected a second time and the recipient ends with
    72 643,81 - 10 000,00 - 55 643,81 = 7 000,00, not the final grant of 17 000,00.
    """
    _through_two_payments(cast)
    recovery = _decide(cast, _start(cast, "10 000,00"))
    service.record_recovery_return(recovery, actor=cast.official, returned_on=date(2022, 12, 1), amount="10 000,00",
                                   version=service.case_version(recovery))
    assert service.amount_due(recovery) == Decimal("0.00")
    _final_accepted(cast, "20 000,00")
    snapshot, _digest = settlement.settlement_preview(cast.project, actor=cast.official)
    assert snapshot["final_grant"] == "17000.00"
    assert snapshot["to_return"] == "45643.81"


def test_a_decision_prepared_before_another_was_decided_is_not_signed(cast):
    """Two cases prepared side by side: the first signed takes LATE's 29 000,00; the second was attributed to the
    money held when it was prepared (LATE again), so signing it is refused until it is prepared again, and then it
    is attributed to EARLY."""
    _through_two_payments(cast)
    on = date(2022, 10, 10)
    first, second = _start(cast, "29 000,00"), _start(cast, "10 000,00")
    prepared = []
    for recovery in (first, second):
        _snapshot, digest = service.recovery_preview(recovery, actor=cast.official, due_on=DUE, on=on)
        prepared.append(service.prepare_recovery(recovery, actor=cast.official, due_on=DUE, version=digest, on=on))
    assert prepared[1].snapshot["computation"]["attribution"] == [{"paid_on": "2020-11-20", "amount": "10000.00"}]
    service.sign_recovery(prepared[0], actor=cast.second_official, version=prepared[0].sha256, on=on)
    with pytest.raises(Conflict, match="prepared again"):
        service.sign_recovery(prepared[1], actor=cast.second_official, version=prepared[1].sha256, on=on)
    prepared[1].refresh_from_db()
    assert prepared[1].status == prepared[1].Status.PREPARED
    again = service.withdraw_recovery_decision(prepared[1], actor=cast.second_official, version=prepared[1].sha256,
                                               reasons="Toinen takaisinperintä päätettiin ensin.")
    snapshot, _digest = service.recovery_preview(again, actor=cast.official, due_on=DUE, on=on)
    assert snapshot["computation"]["attribution"] == [{"paid_on": "2020-07-15", "amount": "10000.00"}]
