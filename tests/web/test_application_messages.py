"""Officials see the messages sent about an application (what, to whom, when, status) on its screening page and
in its history; applicants do not see the officials' pages at all."""

import pytest
from django.urls import reverse

from avustus import events
from avustus.accounts import contacts
from avustus.accounts.models import Role
from avustus.actors import SYSTEM
from avustus.applications.models import Application
from avustus.messaging.models import OutboundMessage
from tests.evaluation.conftest import person  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(draft_application):
    contacts.add_organisation_address(draft_application.lead.organisation, "kirjaamo@hameenlinna.example.fi",
                                      actor=SYSTEM)
    Application.objects.filter(pk=draft_application.pk).update(status="submitted")
    draft_application.refresh_from_db()
    events.application_submitted.send(Application, application=draft_application, actor=SYSTEM)
    OutboundMessage.objects.update(status="failed", attempts=2, last_error="SMTPDataError: 451 try later")
    return draft_application


@pytest.mark.parametrize("route", ["officials-screen", "application-history"])
def test_officials_see_what_was_sent_to_whom_and_its_status(client, submitted, person, route):
    client.force_login(person("virkailija", submitted.call.programme, Role.OFFICIAL))
    body = client.get(reverse(route, args=[submitted.reference]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "kirjaamo@hameenlinna.example.fi" in body
    assert f"Hakemus {submitted.reference} on vastaanotettu" in body  # the subject as sent, in Finnish
    assert "SMTPDataError: 451 try later" in body


def test_an_applicant_does_not_see_the_officials_table(client, submitted, hameenlinna_applicant):
    client.force_login(hameenlinna_applicant)
    assert client.get(reverse("application-history", args=[submitted.reference])).status_code == 404
    assert "kirjaamo@hameenlinna.example.fi" not in client.get(
        reverse("application", args=[submitted.reference])).content.decode()
