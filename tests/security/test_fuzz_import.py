"""Damaged collective decisions: the importer refuses them clearly and writes nothing, or imports them whole.

Each example starts from the seed decision and damages it the way files get damaged: lines deleted,
duplicated or swapped, a line rewritten, figures made huge, the file cut short, saved in another
encoding, or empty. Whatever comes out, ``import_decision`` and ``avustus import-decision`` either
store a round or refuse with the importer's documented errors (``DecisionFormatError`` naming the part
of the decision, ``RoundConflict``), and a refusal leaves every table exactly as it was.
"""

import re

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from avustus.actors import SYSTEM
from avustus.decisions.importing.result import DecisionFormatError
from avustus.decisions.round_import import RoundConflict, import_decision

pytestmark = pytest.mark.django_db

# The parts DecisionFormatError names (see decisions/importing/parser.py); a new one belongs here too.
PARTS = {"appendix", "appendix_total", "applications", "date", "deferred", "document", "encoding",
         "granted_total", "grants", "signatures", "terms", "title", "appropriation", "amount", "percentage"}

FUZZ = settings(max_examples=60, derandomize=True, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])


def _seed_lines() -> list[str]:
    from tests.conftest import SEED

    return SEED.read_text(encoding="utf-8").split("\n")


SEED_LINES = _seed_lines()
NUMBER = re.compile(r"\d[\d\s\u00a0.,]*\d|\d")


@st.composite
def damaged_decisions(draw) -> bytes:
    """The seed decision, damaged in one to four ways, as the bytes of a file."""
    if draw(st.integers(0, 19)) == 0:
        return draw(st.sampled_from([b"", b"\n\n", b"\xef\xbb\xbf", b"\x00\x01binary"]))
    lines = list(SEED_LINES)
    for _ in range(draw(st.integers(1, 4))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        operation = draw(st.sampled_from(["delete", "duplicate", "swap", "rewrite", "huge", "shorten", "insert"]))
        if operation == "delete":
            del lines[i]
        elif operation == "duplicate":
            lines.insert(i, lines[i])
        elif operation == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif operation == "rewrite":
            lines[i] = draw(st.text(max_size=80))
        elif operation == "huge":
            figure = draw(st.sampled_from(["9" * 40, "1e999", "-0", "NaN", "1 000 000 000 000 000,00", "0,001"]))
            lines[i] = NUMBER.sub(figure, lines[i], count=1)
        elif operation == "shorten":
            lines[i] = lines[i][: draw(st.integers(0, max(0, len(lines[i]) - 1)))]
        else:
            lines.insert(i, draw(st.text(alphabet=st.characters(codec="utf-8"), max_size=40)))
    text = "\n".join(lines)
    encoding = ("utf-8" if draw(st.integers(0, 7))
                else draw(st.sampled_from(["utf-8-sig", "latin-1", "cp1252", "utf-16"])))
    data = text.encode(encoding, errors="replace")
    if draw(st.integers(0, 4)) == 0:
        data = data[: draw(st.integers(0, len(data)))]
    return data


def _counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def _check_refusal(exc: Exception) -> None:
    if isinstance(exc, DecisionFormatError):
        assert exc.part in PARTS, f"an unknown part {exc.part!r}: {exc}"
        assert exc.message.strip(), "a refusal without a message"
    else:
        assert str(exc).strip()


@pytest.fixture
def imported(seed_text):
    """The undamaged round is already there: damaged texts of it are conflicts or, with --replace, replacements."""
    import_decision(seed_text.encode(), actor=SYSTEM, source_name="seed")


@FUZZ
@given(data=damaged_decisions(), replace=st.booleans())
def test_a_damaged_decision_is_imported_whole_or_refused_without_a_trace(imported, data, replace):
    before = _counts()
    with transaction.atomic():
        try:
            import_decision(data, actor=SYSTEM, source_name="damaged.txt", replace=replace)
        except (DecisionFormatError, RoundConflict) as exc:
            _check_refusal(exc)
            assert _counts() == before, "a refused import changed the database"
        # An import that succeeded is undone, so that every example starts from the same round.
        transaction.set_rollback(True)


@settings(FUZZ, max_examples=15)
@given(data=damaged_decisions())
def test_the_command_refuses_a_damaged_file_with_a_message_and_writes_nothing(tmp_path, data):
    path = tmp_path / "paatos.txt"
    path.write_bytes(data)
    before = _counts()
    with transaction.atomic():
        try:
            call_command("import_decision", str(path), stdout=_Discard())
        except CommandError as exc:
            assert "paatos.txt" in str(exc) and len(str(exc)) > len(str(path)) + 10, str(exc)
            assert _counts() == before, "a refused import changed the database"
        transaction.set_rollback(True)


class _Discard:
    def write(self, text: str) -> None:
        pass

    def flush(self) -> None:
        pass
