"""Refusals of the follow-up speak the user's language."""

import pytest
from django.utils import translation

from avustus.errors import Invalid
from avustus.payments import services as payments


@pytest.mark.parametrize(("lang", "words"), [("fi", "tarkistenumerot"), ("sv", "kontrollsiffror"),
                                             ("en", "check digits")])
def test_a_mistyped_iban_is_explained_in_the_users_language(cast, lang, words):
    with translation.override(lang), pytest.raises(Invalid) as caught:
        payments.register_account(cast.project, "FI21 1234 5600 0007 86", "Kankaanpää", actor=cast.lead)
    assert words in caught.value.args[0]["iban"][0]
