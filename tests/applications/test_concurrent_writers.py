"""Writers at once on the embedded database: no "database is locked", nothing lost, the audit chain whole.

SQLite lets one writer at a time; with WAL, ``IMMEDIATE`` transactions (the write lock taken at BEGIN,
so no transaction fails half-way when it first writes) and a busy timeout, the others wait their turn
instead of failing. The writers are threads of their own process on a real database file
(``concurrent_helper.py``); on PostgreSQL (``DATABASE_URL``) the same runs on a scratch database.
"""

import json
import subprocess
import sys

import pytest

from tests.conftest import REPO, process_environment

pytestmark = pytest.mark.second_database

HELPER = "tests.applications.concurrent_helper"  # run as a module from the repository: it imports tests.process_setup
THREADS = 8
EACH = 4


def test_threads_creating_filling_and_submitting_at_once_all_succeed(tmp_path):
    with process_environment(tmp_path, "writers") as env:
        done = subprocess.run([sys.executable, "-m", HELPER, str(THREADS), str(EACH)], cwd=REPO, env=env,
                              capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["errors"] == []
    assert "database is locked" not in done.stderr
    assert result["submitted"] == THREADS * EACH and result["drafts"] == 0
    assert result["audit_ok"]
