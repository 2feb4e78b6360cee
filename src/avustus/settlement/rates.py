"""The reference rates table: read it for the interest rules, list it, add a newly published half-year."""

from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from avustus.accounts.permissions import check_keeps_reference_rates
from avustus.audit.chain import record
from avustus.errors import Conflict, Invalid
from avustus.rules.interest import half_year_label, is_half_year_start
from avustus.rules.money import MoneyError, euros
from avustus.settlement.models import ReferenceRate

# The ECB's rates have stayed within these bounds; a figure outside them is a typing error, not a rate.
LOWEST, HIGHEST = Decimal("-5.00"), Decimal("25.00")


def rate_table() -> dict[date, Decimal]:
    """Every half-year's reference rate, by the half-year's first day, as ``rules.interest`` takes it."""
    return dict(ReferenceRate.objects.values_list("half_year_start", "rate"))


def reference_rates() -> list[ReferenceRate]:
    return list(ReferenceRate.objects.order_by("half_year_start"))


def parse_rate(text: str | Decimal) -> Decimal:
    """A rate in percent as typed (``2.00``, ``2,5``); ``Invalid`` for anything else."""
    try:
        rate = euros(str(text).strip().replace(",", "."))  # two decimals at most, as the Bank publishes them
    except MoneyError:
        raise Invalid({"rate": [_("A reference rate is a number of percent with at most two decimals, such as "
                                  "2.50, not %(value)s.") % {"value": text}]}) from None
    if not LOWEST <= rate <= HIGHEST:
        raise Invalid({"rate": [_("A reference rate of %(rate)s %% is not believable; check the Bank of "
                                  "Finland's figure.") % {"rate": rate}]})
    return rate


def add_reference_rate(half_year_start: date, rate: Decimal | str, *, actor) -> ReferenceRate:
    """Add the reference rate the Bank of Finland published for the half-year starting ``half_year_start``.

    A half-year already in the table is refused (``Conflict``): a published rate does not change.
    """
    check_keeps_reference_rates(actor, _("You may not add reference rates."))
    if not is_half_year_start(half_year_start):
        raise Invalid({"half_year": [_("A half-year starts on 1 January or 1 July, not on %(day)s.")
                                     % {"day": half_year_start.isoformat()}]})
    value = parse_rate(rate)
    try:
        with transaction.atomic():
            existing = ReferenceRate.objects.select_for_update().filter(half_year_start=half_year_start).first()
            if existing is not None:
                raise Conflict(_("The reference rate for %(half_year)s is already in the table: %(rate)s %%.")
                               % {"half_year": half_year_label(half_year_start), "rate": existing.rate})
            row = ReferenceRate.objects.create(half_year_start=half_year_start, rate=value)
            record("reference_rate.added", row, actor=actor,
                   data={"half_year_start": half_year_start.isoformat(), "rate": str(value)})
    except IntegrityError:  # added by someone else meanwhile
        raise Conflict(_("The reference rate for %(half_year)s is already in the table.")
                       % {"half_year": half_year_label(half_year_start)}) from None
    return row


def ensure_shipped_rates() -> None:
    """The shipped reference rates, loaded as ``avustus migrate`` loads them (the data migration's own function),
    if the table has lost them: a database flushed since its migrations (a transactional test's, the demo's
    after one) has; rows already there are kept."""
    import importlib
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    if ReferenceRate.objects.filter(half_year_start__in=[date(2020, 7, 1), date(2021, 7, 1)]).count() == 2:
        return
    migration = importlib.import_module("avustus.settlement.migrations.0002_shipped_reference_rates")
    migration.load(apps, SimpleNamespace(connection=connection))
