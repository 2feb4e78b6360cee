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


def test_fold_makes_the_same_letters_typed_differently_compare_equal():
    from avustus.rules.collation import fold

    assert fold("  NAANTALın\u00a0 Kaupunki ") == "naantalin kaupunki"  # dotless i, no-break space
    assert fold("Mänttä–Vilppula") == "mänttä-vilppula"  # en dash
    assert fold("Ha\u0308meenlinna") == fold("HÄMEENLINNA") == "hämeenlinna"  # combining diaeresis
    assert fold("İmatra") == "imatra"  # no dot left over from the capital İ
    assert fold("ﬁnanssi") == "finanssi"  # a typographic ligature


@given(st.text(alphabet="abzåäöABZÅÄÖ -–", max_size=8))
def test_names_that_fold_alike_sort_alike(a):
    from avustus.rules.collation import fold

    assert finnish_key(a) == finnish_key(fold(a)) == finnish_key(a.replace("–", "-").upper())
