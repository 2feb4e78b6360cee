"""Contact details and consent: the user's own, kept with when consent was given, audited; organisations'
addresses seen by officials and by those who act for them."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError

from avustus.accounts import contacts
from avustus.accounts.models import ContactDetails, Role
from avustus.actors import SYSTEM
from avustus.audit.models import AuditEntry
from avustus.registry.models import Organisation
from tests.evaluation.conftest import person  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    return get_user_model().objects.create(username="hakija", email="tili@example.fi")


def test_the_user_sets_their_address_language_and_consent_with_its_time(user):
    assert contacts.address_of(user) == "tili@example.fi"  # the account's email until they give one
    contact = contacts.update_contact(user, email="hakija@kunta.example.fi", language="sv", consent=True,
                                      actor=user)
    assert (contact.email, contact.language, contact.electronic_consent) == ("hakija@kunta.example.fi", "sv", True)
    given = contact.consent_given_at
    assert given is not None and contacts.has_consented(user)
    assert contacts.language_of(user) == "sv"

    again = contacts.update_contact(user, email="hakija@kunta.example.fi", language="en", consent=True, actor=user)
    assert again.consent_given_at == given  # consent kept is not consent given anew

    withdrawn = contacts.update_contact(user, email="hakija@kunta.example.fi", language="en", consent=False,
                                        actor=user)
    assert (withdrawn.electronic_consent, withdrawn.consent_given_at) == (False, None)
    assert not contacts.has_consented(user)
    entries = AuditEntry.objects.filter(action="contact.updated").order_by("id")
    assert [e.data["after"]["consent"] for e in entries] == [True, True, False]


def test_a_changed_address_is_unverified_again(user):
    contacts.update_contact(user, email="a@example.fi", language="", consent=False, actor=user)
    assert contacts.mark_verified(user, actor=SYSTEM).verified
    assert not contacts.update_contact(user, email="b@example.fi", language="", consent=False, actor=user).verified


def test_bad_contact_details_are_refused_and_nothing_changes(user):
    contacts.update_contact(user, email="a@example.fi", language="fi", consent=False, actor=user)
    for email, language, consent in (("not an address", "fi", False), ("a@example.fi", "de", False),
                                     ("", "fi", True)):
        with pytest.raises(ValidationError):
            contacts.update_contact(user, email=email, language=language, consent=consent, actor=user)
    other = get_user_model().objects.create(username="virkailija")
    with pytest.raises(PermissionDenied):  # no one consents on another's behalf
        contacts.update_contact(user, email="a@example.fi", language="fi", consent=True, actor=other)
    stored = ContactDetails.objects.get(user=user)
    assert (stored.email, stored.language, stored.electronic_consent) == ("a@example.fi", "fi", False)


def test_the_language_is_the_users_else_the_organisations_else_finnish(open_call, user):
    kokkola = Organisation.objects.get(code="272")  # bilingual, Finnish majority
    jakobstad = Organisation.objects.get(code="598")  # bilingual, Swedish majority
    assert (contacts.language_of(user, jakobstad), contacts.language_of(user, kokkola),
            contacts.language_of(user)) == ("sv", "fi", "fi")
    contacts.update_contact(user, email="", language="en", consent=False, actor=user)
    assert contacts.language_of(user, jakobstad) == "en"


def test_organisation_addresses_are_seen_by_officials_and_its_own_people_only(round_2020, applicant_of, person):
    hameenlinna = Organisation.objects.get(code="109")
    own = applicant_of("109")
    stranger = applicant_of("853")
    official = person("virkailija", round_2020.programme, Role.OFFICIAL)
    contacts.add_organisation_address(hameenlinna, "kirjaamo@hameenlinna.example.fi", actor=own)
    contacts.add_organisation_address(hameenlinna, "kirjaamo@hameenlinna.example.fi", actor=SYSTEM)  # once
    with pytest.raises(PermissionDenied):
        contacts.add_organisation_address(hameenlinna, "vaara@example.fi", actor=stranger)
    for viewer in (own, official, SYSTEM):
        assert [a.email for a in contacts.organisation_addresses(hameenlinna, actor=viewer)] == [
            "kirjaamo@hameenlinna.example.fi"]
    with pytest.raises(PermissionDenied):
        contacts.organisation_addresses(hameenlinna, actor=stranger)


def test_an_address_is_removed_with_an_audit_entry_by_whoever_may_set_it(open_call, applicant_of):
    hameenlinna = Organisation.objects.get(code="109")
    address = contacts.add_organisation_address(hameenlinna, "vanha@example.fi", actor=SYSTEM)
    with pytest.raises(PermissionDenied):
        contacts.remove_organisation_address(address, actor=applicant_of("853"))
    contacts.remove_organisation_address(address, actor=applicant_of("109"))
    assert not hameenlinna.addresses.exists()
    assert AuditEntry.objects.filter(action="organisation.address_removed").count() == 1
