"""Interest on a returned or recovered grant with the reference rates in the database, for the entry points.

The rules are ``rules.interest``; this reads the rate table, turns the rules' refusals into ``Invalid`` in
the user's language, and shapes a computation as the JSON the ``interest`` command prints.
"""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from avustus.decisions.vocabulary.base import date_text
from avustus.errors import Invalid
from avustus.payments.services import euro_text
from avustus.rules.interest import InterestComputation, InterestError, MissingReferenceRate, Payment, compute_interest
from avustus.rules.money import MoneyError, parse_euros
from avustus.settlement.rates import rate_table


def _message(error: InterestError) -> str:
    if isinstance(error, MissingReferenceRate):
        # Read by officials on the screens as well as by the administrator at the command line: it says who acts.
        # The half-year as the Bank of Finland's notices write it (1.7.–31.12.2026), not a label of the code's.
        end = date(error.start.year, 6, 30) if error.start.month == 1 else date(error.start.year, 12, 31)
        return _("The reference rate for %(start_day)s–%(end_day)s is not yet in the service's table of reference "
                 "rates, so the interest cannot be computed. The Bank of Finland publishes each half-year's rate at "
                 "the end of June and of December; the service's administrator then adds it (avustus reference-rate "
                 "add --half-year %(start)s --rate RATE).") % {
            "start_day": f"{error.start.day}.{error.start.month}.", "end_day": date_text(end),
            "start": error.start.isoformat()}
    return {
        InterestError.NEGATIVE: _("An amount to return or a payment cannot be negative."),
        InterestError.NO_PAYMENTS: _("Give the day of payment, or the instalments paid."),
        InterestError.RETURNED_BEFORE_PAID: _("The day of return cannot be before a payment."),
        InterestError.DUE_BEFORE_PAID: _("The due date cannot be before a payment."),
        InterestError.MORE_THAN_PAID: _("The amount to return is more than was paid."),
    }.get(error.kind, str(error))


def interest_on(amount: Decimal, payments: Sequence[Payment] | date, returned_on: date, *,
                due_on: date | None = None) -> InterestComputation:
    """Interest (section 24) and penalty interest (section 25) on ``amount``: see ``rules.interest``.

    ``Invalid`` in the user's language for input the rules refuse, a half-year missing from the table included.
    """
    try:
        return compute_interest(amount, payments, returned_on, rate_table(), due_on=due_on)
    except InterestError as error:
        raise Invalid({"__all__": [_message(error)]}) from error


def returned_principal(amount: str | Decimal, returned_on: date) -> Decimal:
    """The principal of a part returned (of a settlement's amount to return or a recovery's), as an official gives
    it: euros and cents, more than zero, returned on a day that has come, since the day ends the interest and,
    after a due date, decides the penalty interest. ``Invalid`` in the user's language otherwise."""
    try:
        principal = parse_euros(amount)
    except MoneyError as exc:
        raise Invalid({"amount": [_("Give the amount in euros and cents, such as 1 250,00.")]}) from exc
    if principal <= 0:
        raise Invalid({"amount": [_("The amount returned is more than zero.")]})
    if returned_on > timezone.localdate():
        raise Invalid({"returned_on": [_("The date is in the future; check it.")]})
    return principal


def refuse_more_than_left(principal: Decimal, left: Decimal, field: str = "amount") -> None:
    """A return (or a waiver, on ``field``) of more than is left to return is refused, naming what is left."""
    if principal > left:
        raise Invalid({field: [_("The amount is more than is left to return (%(left)s).") % {"left": euro_text(left)}]})


def computation_as_dict(result: InterestComputation) -> dict:
    """The computation as JSON-ready values: totals and lines, amounts as strings with cents, rates in percent.

    ``from`` and ``to`` are inclusive. Each line's ``amount`` is rounded for showing; the totals are the exact
    sums of the lines rounded once (see ``rules.interest``), so the lines shown may add up to a cent apart.
    """
    return {
        "interest": str(result.interest),
        "penalty_interest": str(result.penalty_interest),
        "principal": str(result.principal),
        "attribution": [{"paid_on": p.paid_on.isoformat(), "amount": str(p.amount)} for p in result.attribution],
        "periods": [
            {"kind": p.kind, "from": p.start.isoformat(), "to": p.end.isoformat(), "days": p.days,
             "rate": str(p.rate), "amount": str(p.amount), "principal": str(p.principal),
             "paid_on": p.paid_on.isoformat() if p.paid_on else None}
            for p in result.periods
        ],
    }
