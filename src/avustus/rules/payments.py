"""How much of a grant may be paid now, and how many instalments it is paid in.

The 2020 decision: "The grant is paid as a rule in three instalments on the basis of a payment application.
The last instalment is paid after the final reporting, taking the realised costs into account", and the
grant is "at most 85 % of the eligible costs, VAT not accepted". So what may be paid at any time is the aid
rate of the eligible VAT-free costs accepted so far, never more than the grant, less what has been paid;
never negative (an overpayment is returned through settlement, not netted here), cut down to the cent
(rounding up would pay a cent beyond the legal rate).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from avustus.rules.money import CENT, euros

ZERO = Decimal("0.00")


def entitlement(aid_rate: Decimal, accepted_costs: Decimal, grant: Decimal) -> Decimal:
    """What the accepted costs entitle the recipient to in all: the aid rate of them, capped at the grant."""
    if not Decimal(0) <= aid_rate <= Decimal(1):
        raise ValueError(f"aid rate must be between 0 and 1, not {aid_rate}")
    costs, cap = euros(accepted_costs), euros(grant)
    if costs < 0 or cap < 0:
        raise ValueError("costs and the grant cannot be negative")
    return min(cap, (costs * aid_rate).quantize(CENT, rounding=ROUND_DOWN))


def payable_now(aid_rate: Decimal, accepted_costs: Decimal, grant: Decimal, paid: Decimal) -> Decimal:
    """What may be paid now: the entitlement so far less what was paid, never negative, down to the cent."""
    already = euros(paid)
    if already < 0:
        raise ValueError("what was paid cannot be negative")
    return max(ZERO, entitlement(aid_rate, accepted_costs, grant) - already)


def approved_cap(grant: Decimal, aid_rate: Decimal, eligible_budget: Decimal) -> Decimal:
    """The most the approved budget can bring: the aid rate of its eligible VAT-free costs, or the grant when lower."""
    return entitlement(aid_rate, eligible_budget, grant)


def instalment_count(call_instalments: int, extra_allowed: int = 0) -> int:
    """How many instalments a project is paid in: the call's number, plus any an official allowed with reasons."""
    if call_instalments < 1 or extra_allowed < 0:
        raise ValueError("a grant is paid in at least one instalment; extra instalments cannot be negative")
    return call_instalments + extra_allowed


# Why an instalment cannot be applied for (None when it can).
NO_MORE_INSTALMENTS = "no_more_instalments"
LAST_WAITS_FOR_FINAL_REPORT = "last_waits_for_final_report"
SETTLEMENT_FIRST = "settlement_first"
NOTHING_PAYABLE = "nothing_payable"


def refusal(number: int, count: int, *, final_report_accepted: bool, settlement_approved: bool,
            payable: Decimal) -> str | None:
    """Why instalment ``number`` of ``count`` cannot be applied for now, or None.

    The last instalment waits for the final report's acceptance ("Viimeinen erä maksetaan loppuraportoinnin
    jälkeen toteutuneet kustannukset huomioiden"); once the final report is accepted, what is paid is the
    settlement's last instalment, so it waits for the settlement's approval by a second person as well. Every
    instalment needs something payable.
    """
    if number < 1 or number > count:
        return NO_MORE_INSTALMENTS
    if number == count and not final_report_accepted:
        return LAST_WAITS_FOR_FINAL_REPORT
    if final_report_accepted and not settlement_approved:
        return SETTLEMENT_FIRST
    if payable <= 0:
        return NOTHING_PAYABLE
    return None


@dataclass(frozen=True)
class Instalment:
    accepted_costs: Decimal  # accepted eligible VAT-free costs to date when it was paid
    amount: Decimal


def pay_in_instalments(aid_rate: Decimal, grant: Decimal, costs_to_date: Iterable[Decimal]) -> list[Instalment]:
    """Each instalment paid at its payable amount, given the accepted costs to date at each application.

    What settlement reconciles: the sum of these is the entitlement of the last costs to date, whatever the
    path, as long as costs to date never decrease.
    """
    paid = ZERO
    instalments = []
    for costs in costs_to_date:
        amount = payable_now(aid_rate, costs, grant, paid)
        instalments.append(Instalment(euros(costs), amount))
        paid += amount
    return instalments
