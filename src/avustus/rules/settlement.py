"""Settling a grant after its final report: what it finally is, and what is still paid or to be returned.

- The **final grant** is the grant decided, or the aid rate of the eligible VAT-free costs accepted in the
  final report, whichever is less, cut down to the cent (``money.max_aid``: never above the legal maximum
  by a cent).
- The difference to what has been paid is the **last instalment** when the final grant is more, and
  otherwise an **amount to return** (Act 688/2001 section 20: "unused or overpaid grant must be returned").
- Section 20 lets the recipient leave an amount of at most 100 euros unreturned, so settlement does not
  demand it: it is **left unreturned**. (A recovery under sections 21–22 may still demand it; that is not
  settlement's business.)

So that it always reconciles, to the cent::

    paid + last_instalment − to_return − left_unreturned == final_grant
"""

from dataclasses import dataclass
from decimal import Decimal

from avustus.rules.money import euros, max_aid

# Act 688/2001 section 20(1): an amount to return of at most this much may be left unreturned.
UNRETURNED_AT_MOST = Decimal("100.00")


@dataclass(frozen=True)
class Settlement:
    """The figures of a settlement, every one in euros with cents; at most one of the last three is non-zero."""

    grant: Decimal
    accepted_costs: Decimal
    aid_rate: Decimal
    paid: Decimal
    final_grant: Decimal
    last_instalment: Decimal
    to_return: Decimal
    left_unreturned: Decimal


def final_grant(grant: Decimal, aid_rate: Decimal, accepted_costs: Decimal) -> Decimal:
    """The grant as it finally is: ``min(grant, aid_rate × accepted eligible VAT-free costs)``, down to the cent."""
    grant = euros(grant)
    if grant < 0 or euros(accepted_costs) < 0:
        raise ValueError("a grant and accepted costs are not negative")
    return min(grant, max_aid(accepted_costs, aid_rate))


def settle(grant: Decimal, aid_rate: Decimal, accepted_costs: Decimal, paid: Decimal, *,
           unreturned_at_most: Decimal = UNRETURNED_AT_MOST) -> Settlement:
    """Settle a grant: the final grant and the last instalment, or the amount to return (or to leave unreturned).

    ``aid_rate`` is a fraction (0.8 for 80 %), ``accepted_costs`` the eligible VAT-free costs accepted in the
    final report, ``paid`` what has been paid so far.
    """
    paid = euros(paid)
    if paid < 0:
        raise ValueError(f"what was paid is not negative: {paid}")
    final = final_grant(grant, aid_rate, accepted_costs)
    zero = euros(0)
    last, to_return, left = zero, zero, zero
    if final >= paid:
        last = final - paid
    elif paid - final <= unreturned_at_most:
        left = paid - final
    else:
        to_return = paid - final
    return Settlement(euros(grant), euros(accepted_costs), aid_rate, paid, final, last, to_return, left)
