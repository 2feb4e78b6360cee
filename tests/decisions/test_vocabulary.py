"""Each sentence the documents write is read back by the same language's vocabulary, figure for figure.

The round-trip tests render whole decisions; these check every figure sentence by itself over a range of
figures (counts written as words and as digits, amounts with and without cents, every interval), so a
wording changed on one side only fails here, naming the sentence.
"""

from datetime import date
from decimal import Decimal

import pytest

from avustus.decisions.importing import finnish, swedish
from avustus.decisions.importing.finnish import parse_amount, parse_date, parse_percentage
from avustus.decisions.importing.lines import clean, pattern
from avustus.decisions.vocabulary import PHRASES, VOCABULARIES

READ_COUNT = {"fi": finnish.parse_count, "sv": swedish.parse_count}
LANGUAGES = sorted(PHRASES)


def _read(lang: str, patterns: tuple[str, ...], sentence: str) -> str | None:
    vocab = VOCABULARIES[lang]
    for template in patterns:
        match = pattern(template, vocab).search(clean(sentence))
        if match:
            return match["value"] if "value" in match.re.groupindex else match[0]
    return None


def test_every_language_both_writes_and_reads():
    assert set(PHRASES) == set(VOCABULARIES) == {"fi", "sv"}
    for lang in LANGUAGES:
        phrases, vocab = PHRASES[lang], VOCABULARIES[lang]
        assert phrases.lang == vocab.language == lang
        assert vocab.headings == {r: h for r, h in phrases.headings.items() if r != "deferred"}
        assert vocab.deferred_heading == phrases.headings["deferred"]
        assert vocab.appendix_columns == phrases.appendix_header


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("amount", ["8268000", "87360.50", "1", "999999999"])
def test_amount_sentences_read_back(lang, amount):
    phrases, vocab = PHRASES[lang], VOCABULARIES[lang]
    value = Decimal(amount)
    whole = value.quantize(Decimal("1")) if value == value.to_integral() else value
    for sentence, patterns in (
        (phrases.appropriation(value, "28.90.35", 2020), vocab.appropriation),
        (phrases.applied_total(value), vocab.applied_total),
        (phrases.granted_total(value), vocab.granted_total),
    ):
        found = _read(lang, patterns, sentence)
        assert found is not None, sentence
        assert parse_amount(found) == whole, sentence
    assert _read(lang, vocab.budget_item, phrases.appropriation(value, "28.90.35", None)) == "28.90.35"


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("n", [0, 1, 2, 7, 10, 11, 12, 52])
def test_count_sentences_read_back(lang, n):
    phrases, vocab = PHRASES[lang], VOCABULARIES[lang]
    deadline = date(2019, 12, 19)
    received = phrases.received(deadline, n)
    assert READ_COUNT[lang](_read(lang, vocab.received, received)) == n
    assert parse_date(_read(lang, vocab.deadline, received)) == deadline
    withdrawn = phrases.withdrawn(n)
    if n == 0:
        assert _read(lang, vocab.withdrawn_none, withdrawn) is not None, withdrawn
    else:
        assert _read(lang, vocab.withdrawn_none, withdrawn) is None, withdrawn
        assert READ_COUNT[lang](_read(lang, vocab.withdrawn, withdrawn)) == n, withdrawn
    if n:
        interval = phrases.reporting_interval(n)
        assert READ_COUNT[lang](_read(lang, vocab.reporting_interval, interval)) == n, interval


@pytest.mark.parametrize("lang", LANGUAGES)
def test_date_and_rate_sentences_read_back(lang):
    phrases, vocab = PHRASES[lang], VOCABULARIES[lang]
    end = date(2022, 12, 31)
    assert parse_date(_read(lang, vocab.implementation_end, phrases.implementation_end(end))) == end
    for rate in (Decimal("0.85"), Decimal("0.855"), Decimal("1")):
        assert parse_percentage(_read(lang, vocab.aid_rate, phrases.aid_rate(rate))) == rate


def test_swedish_sentences_agree_in_number():
    from avustus.decisions.vocabulary.sv import SwedishPhrases

    phrases = SwedishPhrases()
    assert phrases.received(None, 1) == "Inkom 1 ansökan om understöd."
    assert phrases.received(None, 51) == "Inkom 51 ansökningar om understöd."
    assert phrases.withdrawn(1) == "Ett projekt återtog senare sin ansökan."
    assert phrases.withdrawn(2) == "Två projekt återtog senare sina ansökningar."
    assert phrases.reporting_interval(1).endswith("en månads mellanrum.")
    assert phrases.reporting_interval(4).endswith("fyra månaders mellanrum.")
