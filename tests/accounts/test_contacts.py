"""Contact details and consent: the user's own, kept with when consent was given, audited; organisations'
addresses seen by officials and by those who act for them."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

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
    assert given is not None and not contacts.has_consented(user)  # not until the address is confirmed
    contacts.mark_verified(user, actor=SYSTEM)
    assert contacts.has_consented(user)
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


def test_a_new_address_is_confirmed_by_the_link_sent_to_it_and_then_consent_counts(user):
    contact = contacts.update_contact(user, email="hakija@kunta.example.fi", language="fi", consent=True, actor=user)
    assert not contact.verified and not contacts.has_consented(user)
    token = contacts.confirmation_token(contact)
    assert "hakija@kunta.example.fi" not in token  # the link names the address by a digest
    assert contacts.address_confirmed_by(user, token, actor=user) == "hakija@kunta.example.fi"

    assert contacts.confirm_address(user, token, actor=user).verified
    assert contacts.has_consented(user)
    contacts.confirm_address(user, token, actor=user)  # again: nothing more
    entry = AuditEntry.objects.get(action="contact.verified")
    assert entry.data == {"email": "hakija@kunta.example.fi", "by": "link"}


def test_a_tampered_expired_or_other_addresses_link_is_refused_and_nothing_changes(user, monkeypatch):
    from django.core import signing

    first = contacts.update_contact(user, email="vanha@kunta.example.fi", language="en", consent=True, actor=user)
    old_link = contacts.confirmation_token(first)
    current = contacts.update_contact(user, email="uusi@kunta.example.fi", language="en", consent=True, actor=user)
    link = contacts.confirmation_token(current)
    with monkeypatch.context() as past:  # a link made three days and a minute ago
        now = signing.time.time()
        past.setattr(signing.time, "time", lambda: now - contacts.CONFIRMATION_VALID.total_seconds() - 60)
        expired = contacts.confirmation_token(current)
    other = get_user_model().objects.create(username="toinen")
    others_link = contacts.confirmation_token(
        contacts.update_contact(other, email="uusi@kunta.example.fi", language="", consent=False, actor=other))
    tampered = link[:-3] + ("aaa" if not link.endswith("aaa") else "bbb")

    for token, words in ((tampered, "not valid"), ("", "not valid"), (expired, "expired"),
                         (old_link, "no longer your email address"), (others_link, "another user")):
        with pytest.raises(ValidationError) as refused, translation.override("en"):
            contacts.confirm_address(user, token, actor=user)
        assert words in " ".join(refused.value.messages)
        with pytest.raises(ValidationError):
            contacts.address_confirmed_by(user, token, actor=user)
    with pytest.raises(PermissionDenied):  # the right link, the wrong person
        contacts.confirm_address(user, link, actor=other)
    assert not ContactDetails.objects.get(user=user).verified and not contacts.has_consented(user)
    assert not AuditEntry.objects.filter(action="contact.verified").exists()


def test_the_link_is_sent_again_only_to_an_address_not_yet_confirmed(user):
    with pytest.raises(ValidationError):  # no address of their own yet
        contacts.send_confirmation(user, actor=user)
    contacts.update_contact(user, email="hakija@kunta.example.fi", language="", consent=False, actor=user)
    with pytest.raises(PermissionDenied):
        contacts.send_confirmation(user, actor=get_user_model().objects.create(username="toinen"))
    contacts.send_confirmation(user, actor=user)
    assert AuditEntry.objects.filter(action="contact.confirmation_sent").count() == 1
    contacts.mark_verified(user, actor=SYSTEM)
    with pytest.raises(ValidationError):
        contacts.send_confirmation(user, actor=user)
