"""The reference rates: shipped and loaded by a migration, extended by a command or an official, audited."""

import csv
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from avustus.actors import SYSTEM
from avustus.audit.models import AuditEntry
from avustus.errors import Conflict, Invalid, NotAllowed
from avustus.settlement.models import ReferenceRate
from avustus.settlement.rates import add_reference_rate, rate_table

pytestmark = pytest.mark.usefixtures("english")

SHIPPED = Path(__file__).resolve().parents[2] / "src" / "avustus" / "settlement" / "data" / "reference-rates.csv"


def test_the_shipped_rates_are_there_after_migrate(db):
    """The test database is built by the migrations alone: the data migration put every shipped row there."""
    with SHIPPED.open(encoding="utf-8") as handle:
        shipped = {date.fromisoformat(r["valid_from"]): Decimal(r["reference_rate_percent"])
                   for r in csv.DictReader(handle)}
    assert len(shipped) == 39 and rate_table() == shipped
    assert rate_table()[date(2024, 7, 1)] == Decimal("4.50") and rate_table()[date(2025, 1, 1)] == Decimal("3.50")
    assert rate_table()[date(2025, 7, 1)] == rate_table()[date(2026, 1, 1)] == Decimal("2.50")
    assert min(shipped) == date(2007, 1, 1) and max(shipped) == date(2026, 1, 1)


def test_the_shipped_file_is_whole_half_years_end_to_end():
    with SHIPPED.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for before, after in zip(rows, rows[1:], strict=False):
        assert (date.fromisoformat(after["valid_from"]) - date.fromisoformat(before["valid_to"])).days == 1


def test_the_command_adds_a_half_year_recorded_as_the_system(db, capsys):
    call_command("reference_rate", "add", "--half-year", "2026-07-01", "--rate", "2.00")
    assert "2026 H2" in capsys.readouterr().out
    assert ReferenceRate.objects.get(half_year_start=date(2026, 7, 1)).rate == Decimal("2.00")
    entry = AuditEntry.objects.get(action="reference_rate.added")
    assert entry.actor_kind == "system" and entry.actor_id is None
    assert entry.data == {"half_year_start": "2026-07-01", "rate": "2.00"}
    call_command("reference_rate", "list", "--json")
    listed = json.loads(capsys.readouterr().out)
    assert listed[-1] == {"half_year": "2026 H2", "from": "2026-07-01", "rate": "2.00"} and len(listed) == 40


@pytest.mark.parametrize(("half_year", "rate", "words"), [
    ("2026-08-01", "2.00", "1 January or 1 July"),
    ("1.7.2026", "2.00", "YYYY-MM-DD"),
    ("2026-07-01", "2.005", "at most two decimals"),
    ("2026-07-01", "abc", "at most two decimals"),
    ("2026-07-01", "250", "not believable"),
    ("2025-01-01", "9.00", "already in the table: 3.50 %"),  # a published rate does not change
])
def test_the_command_refuses_with_exit_code_2(db, half_year, rate, words):
    with pytest.raises(CommandError, match=words) as caught:
        call_command("reference_rate", "add", "--half-year", half_year, "--rate", rate)
    assert caught.value.returncode == 2
    assert ReferenceRate.objects.count() == 39 and not AuditEntry.objects.filter(action="reference_rate.added").exists()


def test_who_may_add_a_rate(db, django_user_model, round_2020):
    from avustus.accounts.models import Role
    from avustus.accounts.services import grant_role

    stranger = django_user_model.objects.create(username="stranger")
    with pytest.raises(NotAllowed):
        add_reference_rate(date(2026, 7, 1), "2.00", actor=stranger)
    official = django_user_model.objects.create(username="official")
    grant_role(official, Role.OFFICIAL, actor=SYSTEM, programme=round_2020.programme)
    row = add_reference_rate(date(2026, 7, 1), Decimal("2.00"), actor=official)
    assert AuditEntry.objects.get(action="reference_rate.added").actor_id == official.pk and row.rate == Decimal("2.00")
    with pytest.raises(Conflict):
        add_reference_rate(date(2026, 7, 1), "2.00", actor=official)
    with pytest.raises(TypeError):
        add_reference_rate(date(2027, 1, 1), "2.00", actor=None)
    with pytest.raises(Invalid):
        add_reference_rate(date(2027, 1, 2), "2.00", actor=SYSTEM)


def test_loading_the_shipped_file_again_keeps_what_is_there(db):
    """A later release loads the file again in a new migration: rows already in the database stay as they are."""
    import importlib
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    migration = importlib.import_module("avustus.settlement.migrations.0002_shipped_reference_rates")
    ReferenceRate.objects.filter(half_year_start=date(2025, 1, 1)).update(rate=Decimal("9.99"))
    ReferenceRate.objects.filter(half_year_start=date(2007, 1, 1)).delete()
    add_reference_rate(date(2026, 7, 1), "2.00", actor=SYSTEM)
    migration.load(apps, SimpleNamespace(connection=connection))
    table = rate_table()
    assert len(table) == 40 and table[date(2007, 1, 1)] == Decimal("4.00")  # a missing row is loaded again
    assert table[date(2025, 1, 1)] == Decimal("9.99") and table[date(2026, 7, 1)] == Decimal("2.00")
