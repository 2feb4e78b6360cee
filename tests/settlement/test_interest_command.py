"""``avustus interest``: the JSON the issue specifies, a readable table, and refusals with exit code 2."""

import json
import os
import re
import subprocess
import sys
import tempfile
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from avustus.actors import SYSTEM
from avustus.settlement.rates import add_reference_rate

pytestmark = pytest.mark.usefixtures("english")


def interest(capsys, *args):
    call_command("interest", *args)
    return capsys.readouterr().out


def test_json_shape_with_a_due_date_passed(db, capsys):
    out = interest(capsys, "--amount", "10000", "--paid-on", "2023-05-15", "--due-on", "2024-01-15",
                   "--returned-on", "2024-02-10", "--json")
    report = json.loads(out)
    assert report["interest"] == "453.01" and report["penalty_interest"] == "81.92"
    assert [{k: p[k] for k in ("kind", "from", "to", "days", "rate", "amount")} for p in report["periods"]] == [
        {"kind": "interest", "from": "2023-05-16", "to": "2023-06-30", "days": 46, "rate": "5.50", "amount": "69.32"},
        {"kind": "interest", "from": "2023-07-01", "to": "2023-12-31", "days": 184, "rate": "7.00", "amount": "352.88"},
        {"kind": "interest", "from": "2024-01-01", "to": "2024-01-15", "days": 15, "rate": "7.50", "amount": "30.82"},
        {"kind": "penalty", "from": "2024-01-16", "to": "2024-02-10", "days": 26, "rate": "11.50", "amount": "81.92"},
    ]


def test_instalments_are_attributed_latest_first(db, capsys):
    out = interest(capsys, "--amount", "40 000,00", "--instalment", "2023-03-01=50000",
                   "--instalment", "2023-09-01=30000", "--returned-on", "2023-12-31", "--json")
    report = json.loads(out)
    assert report["attribution"] == [{"paid_on": "2023-09-01", "amount": "30000.00"},
                                     {"paid_on": "2023-03-01", "amount": "10000.00"}]
    assert [(p["principal"], p["paid_on"], p["days"]) for p in report["periods"]] == [
        ("30000.00", "2023-09-01", 121), ("10000.00", "2023-03-01", 121), ("10000.00", "2023-03-01", 184)]
    assert report["interest"] == "1231.37" and report["penalty_interest"] == "0.00"


def test_a_readable_table_without_json(db, capsys):
    out = interest(capsys, "--amount", "1000.15", "--paid-on", "2023-12-01", "--returned-on", "2024-01-31")
    rows = out.splitlines()
    assert rows[1].split() == ["interest", "2023-12-02", "2023-12-31", "30", "7.00", "1000.15", "5.75"]
    assert rows[2].split() == ["interest", "2024-01-01", "2024-01-31", "31", "7.50", "1000.15", "6.37"]
    assert "Interest (section 24): 12.13" in out  # the exact sum rounded once, not 5.75 + 6.37
    assert "Penalty interest (section 25): 0.00" in out


@pytest.mark.parametrize(("args", "words"), [
    (("--amount", "100", "--paid-on", "1.5.2024", "--returned-on", "2024-06-01"), "--paid-on must be a date"),
    (("--amount", "100", "--paid-on", "2024-05-01", "--returned-on", "2024-02-30"), "--returned-on must be a date"),
    (("--amount", "1e3x", "--paid-on", "2024-05-01", "--returned-on", "2024-06-01"), "--amount must be an amount"),
    (("--amount", "-100", "--paid-on", "2024-05-01", "--returned-on", "2024-06-01"), "cannot be negative"),
    (("--amount", "100", "--paid-on", "2024-05-01", "--returned-on", "2024-04-30"), "before a payment"),
    (("--amount", "100", "--paid-on", "2024-05-01", "--due-on", "2024-04-01", "--returned-on", "2024-06-01"),
     "due date cannot be before"),
    (("--amount", "100", "--instalment", "2024-05-01", "--returned-on", "2024-06-01"), "DATE=AMOUNT"),
    (("--amount", "100", "--instalment", "2024-05-01=50", "--returned-on", "2024-06-01"), "more than was paid"),
    (("--amount", "100", "--paid-on", "2026-06-01", "--returned-on", "2027-01-02"),
     "reference rate for 1.7.–31.12.2026 is not yet in the service's table"),
])
def test_bad_input_exits_with_code_2_saying_why(db, args, words):
    with pytest.raises(CommandError, match=re.escape(words)) as caught:
        call_command("interest", *args)
    assert caught.value.returncode == 2


def test_the_missing_half_year_named_is_the_first_one_missing(db):
    add_reference_rate(date(2026, 7, 1), "2.00", actor=SYSTEM)
    with pytest.raises(CommandError, match=re.escape("1.1.–30.6.2027")) as caught:
        call_command("interest", "--amount", "100", "--paid-on", "2026-06-01", "--returned-on", "2027-01-02")
    assert caught.value.returncode == 2


def test_errors_in_the_users_language(db):
    with translation.override("fi"), pytest.raises(CommandError, match=re.escape("1.7.–31.12.2026")) as caught:
        call_command("interest", "--amount", "100", "--paid-on", "2026-06-01", "--returned-on", "2027-01-02")
    assert "viitekorko" in str(caught.value)
    with translation.override("sv"), pytest.raises(CommandError, match="Referensräntan för 1.7.–31.12.2026") as caught:
        call_command("interest", "--amount", "100", "--paid-on", "2026-06-01", "--returned-on", "2027-01-02")
    with translation.override("sv"), pytest.raises(CommandError, match="före en utbetalning"):
        call_command("interest", "--amount", "100", "--paid-on", "2026-06-01", "--returned-on", "2026-01-02")


def test_as_users_run_it_on_a_fresh_data_directory():
    """``avustus --lang fi interest ...`` sets up the embedded database, rates included, with no other step."""
    with tempfile.TemporaryDirectory() as data_dir:
        env = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", data_dir),
               "AVUSTUS_DATA_DIR": data_dir, "PYTHONWARNINGS": "ignore"}
        avustus = [sys.executable, "-m", "avustus"]
        done = subprocess.run([*avustus, "interest", "--amount", "36500", "--paid-on", "2024-02-27", "--returned-on",
                               "2024-03-02", "--json"], capture_output=True, text=True, env=env, timeout=600)
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["interest"] == "30.00"
        late = subprocess.run([*avustus, "interest", "--amount", "100", "--paid-on", "2026-06-01", "--returned-on",
                               "2027-01-02", "--lang", "fi"], capture_output=True, text=True, env=env, timeout=600)
        assert late.returncode == 2 and "Traceback" not in late.stderr
        assert "Viitekorko ajalle 1.7.–31.12.2026 puuttuu vielä palvelun viitekorkotaulukosta" in late.stderr
