"""The shape of the code, checked: packages depend in one direction, HTTP stays at the entry points,
role sets are named once, and no module grows past what a reader takes in (docs/architecture.md)."""

import ast
import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "avustus"

# Each package may import only the packages before it. Top-level modules that are leaves (errors, texts, actors,
# events, settings) may be imported by anyone; the entry points come last.
ORDER = ["rules", "errors", "texts", "actors", "formats", "registry", "audit", "accounts", "calls", "applications",
         "evaluation", "decisions", "projects", "reports", "payments", "changes", "settlement", "messaging", "opendata",
         "ops", "api", "web", "urls", "cli"]
LEAVES = {"errors", "texts", "actors", "events", "settings", "formats", "prepared", "__init__", "__main__", "wsgi"}
ENTRY_POINTS = {"api", "web", "urls", "cli"}
MAX_LINES = 600


def _modules():
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        yield path


def _unit(path: Path) -> str:
    """The package or top-level module a file belongs to: ``evaluation``, ``api``, ``errors``."""
    rel = path.relative_to(SRC)
    return rel.parts[0].removesuffix(".py")


def _imports(path: Path) -> set[str]:
    """Every avustus unit the file imports, at the top or inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "avustus" and len(parts) > 1:
                found.add(parts[1])
    return found


def _is_entry_point(path: Path) -> bool:
    return _unit(path) in ENTRY_POINTS or "management" in path.relative_to(SRC).parts


def test_packages_import_only_packages_before_them():
    wrong = []
    for path in _modules():
        unit = _unit(path)
        if unit in LEAVES or _is_entry_point(path) and unit not in ORDER:
            continue
        rank = ORDER.index(unit) if unit in ORDER else None
        for imported in _imports(path) - {unit} - LEAVES:
            if "management" in path.relative_to(SRC).parts and imported not in ENTRY_POINTS:
                continue  # a command is an entry point: it may call any stage, but no screen
            if rank is None or imported not in ORDER or ORDER.index(imported) > rank:
                wrong.append(f"{path.relative_to(SRC)} imports avustus.{imported}")
    assert not wrong, "imports against the package order:\n" + "\n".join(wrong)


def test_http_stays_at_the_entry_points():
    wrong = []
    for path in _modules():
        if _is_entry_point(path):
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"^\s*(from django\.http|import django\.http|from avustus\.web|import avustus\.web)", text, re.M):
            wrong.append(str(path.relative_to(SRC)))
    assert not wrong, "django.http or avustus.web imported outside the entry points:\n" + "\n".join(wrong)


def test_role_sets_are_named_only_in_accounts():
    pattern = re.compile(r"\(\s*Role\.[A-Z_]+\s*,\s*(Role\.[A-Z_]+\s*,?\s*)*\)")
    wrong = [str(p.relative_to(SRC)) for p in _modules()
             if _unit(p) != "accounts" and pattern.search(p.read_text(encoding="utf-8"))]
    assert not wrong, "a tuple of roles written outside accounts/:\n" + "\n".join(wrong)


def test_no_module_is_longer_than_a_reader_takes_in():
    long = [f"{p.relative_to(SRC)}: {n}" for p in _modules()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES]
    assert not long, f"modules over {MAX_LINES} lines:\n" + "\n".join(long)
