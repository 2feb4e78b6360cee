"""Every text the code and templates mark for translation has a Finnish and a Swedish translation in the
catalogues: a text missing from them is shown in English to every user (an export's status "queued" and
"failed" were, until this test). The catalogues are extracted again, as ``makemessages`` would, from a copy of
the package, so the repository's own files are left as they are."""

import ast
import contextlib
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

import avustus

pytestmark = pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext's xgettext is not installed")


def _entries(po: Path) -> list[str]:
    return [block for block in po.read_text(encoding="utf-8").split("\n\n") if "msgid " in block]


def _missing(po: Path) -> list[str]:
    """The entries that are new (no translation) or only guessed (``fuzzy``), header and obsolete ones aside."""
    missing = []
    for block in _entries(po):
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        if not lines or "Project-Id-Version" in block:
            continue  # an obsolete entry, or the header
        flags = " ".join(line for line in lines if line.startswith("#,"))
        msgstr = block.split("msgstr", 1)[1] if "msgstr" in block else ""
        if "fuzzy" in flags or msgstr.strip() in ('""', '[0] ""'):
            missing.append(block)
    return missing


def test_every_marked_text_has_a_finnish_and_a_swedish_translation(tmp_path):
    package = Path(avustus.__file__).parent
    copy = tmp_path / "avustus"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo", "data", "static"))
    with contextlib.chdir(copy):
        call_command("makemessages", locale=["fi", "sv"], ignore_patterns=["migrations/*"], no_obsolete=True,
                     verbosity=0)
    for language in ("fi", "sv"):
        missing = _missing(copy / "locale" / language / "LC_MESSAGES" / "django.po")
        assert missing == [], f"{language}: {len(missing)} texts without a translation:\n\n" + "\n\n".join(missing)


def test_the_check_finds_a_text_without_a_translation(tmp_path):
    po = tmp_path / "django.po"
    po.write_text('msgid ""\nmsgstr ""\n"Project-Id-Version: avustus\\n"\n\n'
                  'msgid "ready"\nmsgstr "valmis"\n\n'
                  '#, fuzzy\n#| msgctxt "outbox"\n#| msgid "queued"\nmsgid "queued"\nmsgstr "jonossa"\n\n'
                  'msgid "running"\nmsgstr ""\n', encoding="utf-8")
    assert [block.splitlines()[-2] for block in _missing(po)] == ['msgid "queued"', 'msgid "running"']


TRANSLATING = {"_", "gettext", "gettext_lazy", "pgettext", "pgettext_lazy"}
MARKING = {"gettext_noop", "gettext_lazy", "_noop"}


def _translated_by_name(tree: ast.AST) -> list[tuple[int, str]]:
    """``_(NAME)`` or ``_(module.NAME)``: a text translated where it is used but written elsewhere."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in TRANSLATING \
                and node.args and isinstance(node.args[-1], ast.Name | ast.Attribute):
            argument = node.args[-1]
            found.append((node.lineno, argument.id if isinstance(argument, ast.Name) else argument.attr))
    return found


def _module_constants(tree: ast.Module) -> dict[str, ast.expr]:
    return {target.id: node.value for node in tree.body if isinstance(node, ast.Assign)
            for target in node.targets if isinstance(target, ast.Name)}


def _unmarked(package: Path) -> list[str]:
    """Every text translated by name whose constant is not marked for extraction, as ``file:line NAME``.
    Extraction sees only literals inside a marking call: a constant written as a plain string would never
    reach the catalogues, and the first test could not notice."""
    trees = {path: ast.parse(path.read_text(encoding="utf-8")) for path in package.rglob("*.py")
             if "migrations" not in path.parts}
    constants: dict[str, ast.expr] = {}
    for tree in trees.values():
        constants.update(_module_constants(tree))  # type: ignore[arg-type]
    unmarked = []
    for path, tree in trees.items():
        for line, name in _translated_by_name(tree):
            value = constants.get(name)
            marked = (isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in MARKING
                      and bool(value.args) and isinstance(value.args[0], ast.Constant))
            if not marked:
                unmarked.append(f"{path.relative_to(package)}:{line} {name}")
    return unmarked


def test_every_text_translated_by_name_is_marked_where_it_is_written():
    assert _unmarked(Path(avustus.__file__).parent) == []


def test_the_check_finds_a_constant_not_marked(tmp_path):
    (tmp_path / "refusals.py").write_text(
        'from django.utils.translation import gettext as _, gettext_noop\n'
        'MARKED = gettext_noop("Only officials.")\n'
        'PLAIN = "Only the lead."\n'
        'def refuse():\n    return _(MARKED), _(PLAIN)\n', encoding="utf-8")
    assert _unmarked(tmp_path) == ["refusals.py:5 PLAIN"]
