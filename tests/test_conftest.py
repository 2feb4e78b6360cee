"""CI's second run keeps only what touches the database: the filter in tests/conftest.py."""

from pathlib import Path
from types import SimpleNamespace

from tests.conftest import pytest_collection_modifyitems


def _item(path: str, fixtures=(), marker: str | None = None):
    return SimpleNamespace(path=Path(path), fixturenames=list(fixtures),
                           get_closest_marker=lambda name: object() if name == marker else None)


def _run(monkeypatch, value):
    if value is None:
        monkeypatch.delenv("AVUSTUS_DATABASE_TESTS_ONLY", raising=False)
    else:
        monkeypatch.setenv("AVUSTUS_DATABASE_TESTS_ONLY", value)
    items = [_item("tests/rules/test_money.py"), _item("tests/web/test_views.py", marker="django_db"),
             _item("tests/api/test_api.py", fixtures=("client", "db")),
             _item("tests/security/test_crash.py", marker="second_database"),
             _item("tests/browser/test_public_pages.py", fixtures=("live_server",))]
    deselected = []
    config = SimpleNamespace(hook=SimpleNamespace(pytest_deselected=lambda items: deselected.extend(items)))
    kept = list(items)
    pytest_collection_modifyitems(config, kept)
    return [str(i.path) for i in kept], [str(i.path) for i in deselected]


def test_the_second_run_keeps_database_tests_and_the_process_tests_only(monkeypatch):
    kept, dropped = _run(monkeypatch, "1")
    assert kept == ["tests/web/test_views.py", "tests/api/test_api.py", "tests/security/test_crash.py"]
    assert dropped == ["tests/rules/test_money.py", "tests/browser/test_public_pages.py"]


def test_without_the_variable_everything_runs(monkeypatch):
    kept, dropped = _run(monkeypatch, None)
    assert len(kept) == 5 and dropped == []
