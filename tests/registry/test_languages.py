"""Which language a reader's or a recipient's documents are in: one choice, ``registry.languages.document_language``,
for letters, decisions, settlements, recovery decisions and the links to them."""

import pytest

from avustus.registry.languages import document_language
from avustus.registry.models import Organisation


def _body(language: str) -> Organisation:
    return Organisation(key=f"test-{language}", kind=Organisation.Kind.MUNICIPALITY, name_fi="Testi", language=language)


@pytest.mark.parametrize(("language", "expected"), [("fi", "fi"), ("sv", "sv"), ("en", "fi"), ("", "fi"),
                                                    (None, "fi"), ("SV", "fi"), ("sv-fi", "fi")])
def test_a_language_documents_are_written_in_is_kept_and_any_other_is_finnish(language, expected):
    assert document_language(language) == expected


@pytest.mark.parametrize(("body_language", "expected"), [("sv", "sv"), ("sv-fi", "sv"), ("fi-sv", "fi"), ("fi", "fi")])
def test_without_a_language_of_its_own_the_organisation_decides_by_its_majority_language(body_language, expected):
    body = _body(body_language)
    assert document_language(organisation=body) == expected
    assert document_language("en", body) == expected  # English is no document language: the body's counts


def test_a_persons_own_document_language_comes_before_the_organisations():
    assert document_language("fi", _body("sv")) == "fi"
    assert document_language("sv", _body("fi")) == "sv"

