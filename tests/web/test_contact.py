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


def _link(message) -> str:
    """The path of the link in a confirmation message."""
    (line,) = [line for line in message.body.splitlines() if "/my/contact/confirm/" in line]
    return line[line.index("/my/contact/confirm/"):].strip()


def test_a_saved_address_is_sent_a_link_that_confirms_it(client, open_call, hameenlinna_applicant):
    from avustus.messaging.models import OutboundMessage

    client.force_login(hameenlinna_applicant)
    client.post(reverse("my-contact"), {"email": "hakija@hameenlinna.example.fi", "language": "sv", "consent": "yes"})
    message = OutboundMessage.objects.get(event="address_confirmation")
    assert (message.to, message.language, message.user) == ("hakija@hameenlinna.example.fi", "sv",
                                                             hameenlinna_applicant)
    assert message.subject == "Bekräfta er e-postadress"
    page = client.get(reverse("my-contact"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The address has not been confirmed yet." in page and "not notified to you electronically" in page
    assert reverse("my-contact-send-link") in page

    link = _link(message)
    asked = client.get(link)
    assert asked.status_code == 200 and "hakija@hameenlinna.example.fi" in asked.content.decode()
    # Opening the link (a mail system's scanner does) confirms nothing.
    assert not ContactDetails.objects.get(user=hameenlinna_applicant).verified
    confirmed = client.post(link)
    assert confirmed.status_code == 302 and confirmed["Location"] == reverse("my-contact")
    assert ContactDetails.objects.get(user=hameenlinna_applicant).verified
    page = client.get(reverse("my-contact"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The address has been confirmed." in page and reverse("my-contact-send-link") not in page


def test_a_link_to_an_address_no_longer_the_users_is_refused_in_their_language(client, open_call,
                                                                                 hameenlinna_applicant):
    from avustus.messaging.models import OutboundMessage

    client.force_login(hameenlinna_applicant)
    client.post(reverse("my-contact"), {"email": "vanha@hameenlinna.example.fi", "language": "", "consent": "yes"})
    old_link = _link(OutboundMessage.objects.get(event="address_confirmation"))
    client.post(reverse("my-contact"), {"email": "uusi@hameenlinna.example.fi", "language": "", "consent": "yes"})
    notice = OutboundMessage.objects.get(event="address_changed")  # the old address is told
    assert notice.to == "vanha@hameenlinna.example.fi" and "uusi@hameenlinna.example.fi" in notice.body

    for link in (old_link, old_link[:-6] + "xxxxx/"):
        refused = client.post(link, HTTP_ACCEPT_LANGUAGE="fi")
        assert refused.status_code == 422
        assert "Linkki" in refused.content.decode() and 'role="alert"' in refused.content.decode()
    assert not ContactDetails.objects.get(user=hameenlinna_applicant).verified


def test_the_link_is_sent_again_on_request(client, open_call, hameenlinna_applicant):
    from avustus.messaging.models import OutboundMessage

    client.force_login(hameenlinna_applicant)
    client.post(reverse("my-contact"), {"email": "hakija@hameenlinna.example.fi", "language": "fi"})
    again = client.post(reverse("my-contact-send-link"), follow=True, HTTP_ACCEPT_LANGUAGE="fi")
    assert "hakija@hameenlinna.example.fi" in again.content.decode()
    assert OutboundMessage.objects.filter(event="address_confirmation").count() == 2
