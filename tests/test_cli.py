"""The ``avustus`` command as users type it: a fresh data directory, the messages' language, exit codes."""

import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import pytest

from avustus.cli import language_from_environment

DECISION = Path(__file__).parent / "data" / "kuntadigi-2020-02-26.txt"


def run(*args, env: dict, cwd=None) -> subprocess.CompletedProcess:
    base = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", tempfile.gettempdir())}
    return subprocess.run([sys.executable, "-m", "avustus", *args], capture_output=True, text=True,
                          env={**base, **env}, cwd=cwd, timeout=600)


@pytest.mark.parametrize(("environ", "expected"), [
    ({}, "en"), ({"LANG": "C.UTF-8"}, "en"), ({"LANG": "fi_FI.UTF-8"}, "fi"), ({"LANG": "sv_FI.UTF-8"}, "sv"),
    ({"LC_ALL": "sv_SE.UTF-8", "LANG": "fi_FI.UTF-8"}, "sv"), ({"LANG": "de_DE.UTF-8"}, "en"),
    ({"LC_MESSAGES": "fi", "LANG": "en_GB.UTF-8"}, "fi"),
    ({"LANGUAGE": "sv_FI:fi", "LANG": "fi_FI.UTF-8"}, "sv"), ({"LANGUAGE": "de:fi", "LANG": "en_GB.UTF-8"}, "fi"),
    ({"LANGUAGE": "de", "LANG": "fi_FI.UTF-8"}, "fi"), ({"LANGUAGE": "", "LANG": "sv_FI.UTF-8"}, "sv"),
])
def test_the_language_comes_from_the_environment_as_gettext_reads_it(environ, expected):
    assert language_from_environment(environ) == expected


def test_import_decision_on_a_fresh_data_directory_sets_up_the_embedded_database(tmp_path):
    result = run("import-decision", str(DECISION), env={"AVUSTUS_DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "no such table" not in result.stderr
    assert "avustus migrate" in result.stderr  # it says what it did
    assert "Imported round" in result.stdout and "51 applications" in result.stdout


@pytest.mark.parametrize(("env", "args", "words"), [
    ({"LANG": "sv_FI.UTF-8"}, (), "ansökningsomgången 'nope' finns inte"),
    ({"LANG": "fi_FI.UTF-8"}, (), "hakukierrosta 'nope' ei ole"),
    ({"LANG": "C.UTF-8"}, (), "no round 'nope'"),
    ({"LANG": "fi_FI.UTF-8"}, ("--lang", "sv"), "ansökningsomgången 'nope' finns inte"),
])
def test_errors_speak_the_users_language(tmp_path, env, args, words):
    # render-decision has its own --lang (the document's language): the messages' one goes before the command.
    result = run(*args, "render-decision", "nope", "--lang", "sv", "-o", str(tmp_path / "x.txt"),
                 env={"AVUSTUS_DATA_DIR": str(tmp_path), **env})
    assert result.returncode == 1
    assert words in result.stderr and "Traceback" not in result.stderr


def test_lang_after_a_command_without_its_own(tmp_path):
    result = run("import-decision", str(tmp_path / "missing.txt"), "--lang", "fi",
                 env={"AVUSTUS_DATA_DIR": str(tmp_path), "LANG": "sv_FI.UTF-8"})
    assert result.returncode == 1 and "tiedostoa" in result.stderr and "ei voi lukea" in result.stderr


def test_an_unknown_language_is_refused(tmp_path):
    result = run("--lang", "de", "import-decision", "x", env={"AVUSTUS_DATA_DIR": str(tmp_path)})
    assert result.returncode == 2 and "--lang must be one of fi, sv, en" in result.stderr


def _postgres():
    psycopg = pytest.importorskip("psycopg")
    try:
        return psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True, connect_timeout=3)
    except psycopg.OperationalError:
        pytest.skip("no PostgreSQL at 127.0.0.1:5432")


def test_an_unmigrated_server_database_is_refused_with_what_to_run(tmp_path):
    connection = _postgres()
    name = f"avustus_cli_{uuid.uuid4().hex[:10]}"
    connection.execute(f'CREATE DATABASE "{name}"')
    try:
        env = {"AVUSTUS_DATA_DIR": str(tmp_path), "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{name}"}
        result = run("import-decision", str(DECISION), env={**env, "LANG": "fi_FI.UTF-8"})
        assert result.returncode == 2, result.stderr
        assert "Aja ensin: avustus migrate" in result.stderr and "Traceback" not in result.stderr
        result = run("--lang", "en", "render-decision", "x", "-o", str(tmp_path / "x"), env=env)
        assert result.returncode == 2 and "Run first: avustus migrate" in result.stderr
    finally:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.close()


def test_an_unreachable_database_is_refused_with_what_to_check(tmp_path):
    env = {"AVUSTUS_DATA_DIR": str(tmp_path), "DATABASE_URL": "postgres://postgres@127.0.0.1:1/none",
           "LANG": "sv_FI.UTF-8"}
    result = run("import-decision", str(DECISION), env=env)
    assert result.returncode == 2 and "Databasen kan inte användas" in result.stderr
    assert "Traceback" not in result.stderr


def test_every_command_of_ours_prints_its_help():
    """argparse formats help with ``%``: a lazy translation as a help text crashed ``avustus outbox --help``."""
    from django.core.management import get_commands, load_command_class

    ours = {name: app for name, app in get_commands().items() if app.startswith("avustus")}
    assert {"outbox", "worker", "remind", "serve", "interest", "export"} <= set(ours)
    for name, app in ours.items():
        parser = load_command_class(app, name).create_parser("avustus", name)
        assert parser.format_help().startswith("usage: avustus ")
