"""``avustus interest``: interest and penalty interest on a returned or recovered grant, line by line.

    avustus interest --amount 10000 --paid-on 2023-05-15 --due-on 2024-01-15 --returned-on 2024-02-10 --json

With instalments, the amount to return is attributed to the latest payments first (the money paid last is the
money left unused)::

    avustus interest --amount 40000 --instalment 2023-03-01=50000 --instalment 2023-09-01=30000 \
        --returned-on 2023-12-31

``--json`` prints ``{"interest", "penalty_interest", "principal", "attribution", "periods": [{"kind", "from",
"to", "days", "rate", "amount", "principal", "paid_on"}]}``: ``from`` and ``to`` inclusive, ``rate`` the annual
rate applied in percent (the reference rate + 3, or + 7 for penalty interest), amounts as strings with cents.
Only each kind's total is rounded: a line's amount is shown rounded. Bad input, and a half-year missing from
the reference rates, exit with code 2 and say why in the user's language.
"""

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from avustus.errors import Invalid
from avustus.rules.interest import INTEREST, Payment
from avustus.rules.money import MoneyError, parse_euros
from avustus.settlement.interest import computation_as_dict, interest_on

EXIT_BAD_INPUT = 2


def _refuse(message: str) -> CommandError:
    return CommandError(message, returncode=EXIT_BAD_INPUT)


def _day(option: str, value: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise _refuse(_("%(option)s must be a date as YYYY-MM-DD, not %(value)r.")
                      % {"option": option, "value": value}) from None


def _amount(option: str, value: str):
    try:
        return parse_euros(value)
    except MoneyError:
        raise _refuse(_("%(option)s must be an amount of euros with at most two decimals, such as 1250.50, "
                        "not %(value)r.") % {"option": option, "value": value}) from None


def _instalment(value: str) -> Payment:
    day, sep, amount = value.partition("=")
    if not sep:
        raise _refuse(_("--instalment is DATE=AMOUNT, such as 2020-05-04=120000.00, not %(value)r.")
                      % {"value": value})
    return Payment(_day("--instalment", day), _amount("--instalment", amount))


class Command(BaseCommand):
    help = "Interest (section 24) and penalty interest (section 25) on an amount to return, line by line."

    def add_arguments(self, parser):
        parser.add_argument("--amount", required=True, help="the amount to return, in euros")
        paid = parser.add_mutually_exclusive_group(required=True)
        paid.add_argument("--paid-on", metavar="YYYY-MM-DD", help="the day the amount was paid")
        paid.add_argument("--instalment", action="append", metavar="YYYY-MM-DD=AMOUNT",
                          help="an instalment paid, repeated for each; the amount comes from the latest first")
        parser.add_argument("--due-on", metavar="YYYY-MM-DD", help="the due date set for the return, if any")
        parser.add_argument("--returned-on", required=True, metavar="YYYY-MM-DD", help="the day of return")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args, **options):
        amount = _amount("--amount", options["amount"])
        if options["instalment"]:
            payments: list[Payment] | date = [_instalment(value) for value in options["instalment"]]
        else:
            payments = _day("--paid-on", options["paid_on"])
        due_on = _day("--due-on", options["due_on"]) if options["due_on"] else None
        returned_on = _day("--returned-on", options["returned_on"])
        try:
            result = interest_on(amount, payments, returned_on, due_on=due_on)
        except Invalid as error:
            raise _refuse(" ".join(error.messages)) from error
        report = computation_as_dict(result)
        if options["json"]:
            self.stdout.write(json.dumps(report, indent=2))
            return
        # The table's words have a context of their own: "from", "days" and the like mean other things elsewhere.
        # Each written out: extraction sees only literals, and a word in a loop would leave the catalogues.
        header = [pgettext("interest table", "kind"), pgettext("interest table", "from"),
                  pgettext("interest table", "to"), pgettext("interest table", "days"),
                  pgettext("interest table", "rate %"), pgettext("interest table", "principal"),
                  pgettext("interest table", "amount")]
        self.stdout.write(f"{header[0]:<18} {header[1]:<10} {header[2]:<10} {header[3]:>5} {header[4]:>7} "
                          f"{header[5]:>14} {header[6]:>12}")
        for line in report["periods"]:
            kind = (pgettext("interest table", "interest") if line["kind"] == INTEREST
                    else pgettext("interest table", "penalty interest"))
            self.stdout.write(f"{kind:<18} {line['from']:<10} {line['to']:<10} {line['days']:>5} {line['rate']:>7} "
                              f"{line['principal']:>14} {line['amount']:>12}")
        self.stdout.write(_("Interest (section 24): %(amount)s") % {"amount": report["interest"]})
        self.stdout.write(_("Penalty interest (section 25): %(amount)s") % {"amount": report["penalty_interest"]})
        self.stdout.write(_("Each total is the exact sum of its lines rounded once to the cent; the lines are shown "
                            "rounded."))
