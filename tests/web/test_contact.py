"""The contact details page: a signed-in user sets their own address, language and consent; a bad address is
refused with its message and nothing stored; officials see an organisation's addresses on its page."""

import pytest
from django.urls import reverse

from avustus.accounts import contacts
from avustus.accounts.models import ContactDetails, Role
from avustus.actors import SYSTEM
from avustus.registry.models import Organisation
from tests.evaluation.conftest import person  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def test_the_user_saves_their_contact_details_and_consent(client, open_call, hameenlinna_applicant):
    client.force_login(hameenlinna_applicant)
    page = client.get(reverse("my-contact"))
    assert page.status_code == 200 and "434/2003" in page.content.decode()

    saved = client.post(reverse("my-contact"), {"email": "hakija@hameenlinna.example.fi", "language": "sv",
                                                "consent": "yes"})
    assert saved.status_code == 302
    contact = ContactDetails.objects.get(user=hameenlinna_applicant)
    assert (contact.email, contact.language, contact.electronic_consent) == ("hakija@hameenlinna.example.fi", "sv",
                                                                             True)
    assert contact.consent_given_at is not None


def test_a_bad_address_is_shown_and_nothing_is_stored(client, open_call, hameenlinna_applicant):
    client.force_login(hameenlinna_applicant)
    refused = client.post(reverse("my-contact"), {"email": "ei osoite", "language": "fi", "consent": "yes"},
                          HTTP_ACCEPT_LANGUAGE="fi")
    assert refused.status_code == 422
    body = refused.content.decode()
    assert 'href="#contact-email"' in body and 'aria-invalid="true"' in body
    assert not ContactDetails.objects.exists()


def test_officials_see_an_organisations_addresses_the_public_does_not(client, round_2020, person):
    hameenlinna = Organisation.objects.get(code="109")
    contacts.add_organisation_address(hameenlinna, "kirjaamo@hameenlinna.example.fi", actor=SYSTEM, verified=True)
    url = reverse("organisation", args=[hameenlinna.key])
    assert "kirjaamo@hameenlinna.example.fi" not in client.get(url).content.decode()
    client.force_login(person("virkailija", round_2020.programme, Role.OFFICIAL))
    assert "kirjaamo@hameenlinna.example.fi" in client.get(url).content.decode()
