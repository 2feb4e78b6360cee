"""Helpers for the audit tests: raw SQL, the ``avustus audit`` command, and tampering past the triggers."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from avustus.audit import triggers


def sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def run_audit(*args) -> tuple[int, str, str]:
    """``avustus audit ARGS`` in this process: (exit status, standard output, the error if it failed)."""
    out = io.StringIO()
    try:
        call_command("audit", *args, stdout=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue(), str(exc)
    return 0, out.getvalue(), ""


def verify_json() -> tuple[int, dict]:
    status, out, _err = run_audit("verify", "--json")
    return status, json.loads(out)


@pytest.fixture
def unguarded(db):
    """The database without its immutability triggers, as an attacker with direct database access has it.

    Tamper tests must get past the triggers to show what ``verify`` sees when someone does: the triggers
    stop the application's own connection, not a database superuser who drops them first. The test's
    transaction rolls the DROP back (DDL is transactional on SQLite and PostgreSQL); installing again at
    the end covers a test that commits.
    """
    triggers.drop(connection)
    yield
    triggers.install(connection)
