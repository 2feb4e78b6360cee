"""The template filters that show figures one way everywhere."""

from decimal import Decimal

import pytest
from django.utils import translation

from avustus.web.templatetags.avustus import score


@pytest.mark.parametrize(("value", "fi", "sv"), [
    (Decimal("74.2900000000000"), "74,29", "74,29"),
    (Decimal("74.295"), "74,3", "74,3"),
    (Decimal("80.00"), "80", "80"),
    (74.5, "74,5", "74,5"),
    ("66.666666", "66,67", "66,67"),
    (None, "–", "–"),
])
def test_a_score_has_at_most_two_decimals_in_the_readers_locale(value, fi, sv):
    with translation.override("fi"):
        assert score(value) == fi
    with translation.override("sv"):
        assert score(value) == sv
    with translation.override("en"):  # English screens write numbers as in Finland (avustus.formats)
        assert score(value) == fi
