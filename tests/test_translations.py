"""Every text the code and templates mark for translation has a Finnish and a Swedish translation in the
catalogues: a text missing from them is shown in English to every user (an export's status "queued" and
"failed" were, until this test). The catalogues are extracted again, as ``makemessages`` would, from a copy of
the package, so the repository's own files are left as they are."""

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
