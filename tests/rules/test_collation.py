"""Finnish alphabetical order, as the decision numbers its grants."""

from hypothesis import given
from hypothesis import strategies as st

from avustus.rules.collation import finnish_key


def test_a_with_ring_a_and_o_with_diaeresis_come_after_z_in_that_order():
    names = ["Örnsköldsvik", "Äänekoski", "Zeta", "Åbo", "Hämeenlinna", "Hamina", "Hollola", "Iisalmi"]
    assert sorted(names, key=finnish_key) == [
        "Hamina", "Hollola", "Hämeenlinna", "Iisalmi", "Zeta", "Åbo", "Äänekoski", "Örnsköldsvik"]


def test_case_does_not_matter_and_composed_letters_equal_decomposed_ones():
    assert finnish_key("ÄÄNEKOSKI") == finnish_key("äänekoski") == finnish_key("a\u0308a\u0308nekoski")


@given(st.text(alphabet="abzåäöABZÅÄÖ", max_size=8), st.text(alphabet="abzåäöABZÅÄÖ", max_size=8))
def test_case_never_changes_the_order(a, b):
    assert finnish_key(a.upper()) == finnish_key(a.lower())
    assert (finnish_key(a) < finnish_key(b)) == (finnish_key(a.upper()) < finnish_key(b.lower()))
