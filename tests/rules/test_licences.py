from hypothesis import given
from hypothesis import strategies as st

from avustus.rules.licences import OPEN_LICENCES, is_identifier, is_open, normalise


def test_known_open_licences_are_open_in_any_case():
    for name in ("EUPL-1.2", "MIT", "Apache-2.0", "GPL-3.0-or-later", "CC-BY-4.0", "CC0-1.0"):
        assert is_open(name) and is_open(name.lower()) and normalise(name.lower()) == name


def test_non_open_or_unknown_licences_are_flagged():
    for name in ("CC-BY-NC-4.0", "CC-BY-ND-4.0", "LicenseRef-proprietary", "", "Proprietary"):
        assert not is_open(name)


def test_identifier_shape():
    assert is_identifier("LicenseRef-own-1") and is_identifier("GPL-2.0+")
    assert not is_identifier("") and not is_identifier("MIT OR <script>") and not is_identifier("a b")


@given(st.sampled_from(sorted(OPEN_LICENCES)))
def test_every_open_licence_is_a_well_formed_identifier_and_normalises_to_itself(name):
    assert is_identifier(name) and normalise(f"  {name.upper()} ") == name and is_open(name)
