"""The project's outputs page: the lead enters and removes outputs for reuse, an official marks them checked (the
box ticked), a partner reads; bad input is said by field in the user's language and stores nothing."""

import pytest
from django.test import Client
from django.urls import reverse

from avustus.audit.models import AuditEntry
from avustus.reports.models import ProjectOutput
from tests.projects.conftest import cast, person  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def _client(user, lang="fi") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=lang)
    client.force_login(user)
    return client


def test_the_lead_enters_an_output_and_an_official_checks_it(cast):
    url = reverse("project-outputs", args=[cast.project.reference])
    lead = _client(cast.lead)
    page = lead.get(url).content.decode()
    assert 'id="o-kind"' in page and "Lisää tuotos" in page
    assert url in _client(cast.lead).get(reverse("project", args=[cast.project.reference])).content.decode()
    response = lead.post(url, {"kind": "vocabulary", "title": "Asiointisanasto",
                               "address": "https://tietomallit.suomi.fi/model/asiointi", "licence": "CC-BY-4.0"})
    assert response.status_code == 302
    output = ProjectOutput.objects.get()
    assert (output.kind, output.licence, output.added_by) == ("vocabulary", "CC-BY-4.0", cast.lead)
    official = _client(cast.official)
    check = reverse("check-project-output", args=[cast.project.reference, output.pk])
    assert f'action="{check}"' in official.get(url).content.decode()
    assert f'action="{check}"' not in lead.get(url).content.decode()
    official.post(check, {})  # without the box ticked: nothing happens
    output.refresh_from_db()
    assert output.checked_at is None
    official.post(check, {"confirm": "yes"})
    output.refresh_from_db()
    assert output.checked_by == cast.official
    remove = reverse("remove-project-output", args=[cast.project.reference, output.pk])
    lead.post(remove, {"confirm": "yes"})  # a checked output stays
    assert ProjectOutput.objects.filter(pk=output.pk).exists()
    assert AuditEntry.objects.filter(action="output.checked").count() == 1


def test_the_lead_removes_an_output_entered_by_mistake(cast):
    lead = _client(cast.lead)
    lead.post(reverse("project-outputs", args=[cast.project.reference]),
              {"kind": "document", "title": "Väärä", "address": "https://example.org/x"})
    output = ProjectOutput.objects.get()
    remove = reverse("remove-project-output", args=[cast.project.reference, output.pk])
    lead.post(remove, {})
    assert ProjectOutput.objects.exists()
    lead.post(remove, {"confirm": "yes"})
    assert not ProjectOutput.objects.exists()
    assert _client(cast.partner).post(remove, {"confirm": "yes"}).status_code == 404  # gone


def test_bad_input_is_said_by_field_in_swedish_and_nothing_is_stored(cast):
    response = _client(cast.lead, "sv").post(reverse("project-outputs", args=[cast.project.reference]),
                                             {"kind": "software", "title": "", "address": "ftp://x"})
    assert response.status_code == 422
    html = response.content.decode()
    assert 'href="#o-title"' in html and 'href="#o-address"' in html and 'href="#o-licence"' in html
    assert "Ange adressen som en webbadress som börjar med https://." in html
    assert 'aria-invalid="true"' in html and 'value="ftp://x"' in html
    assert not ProjectOutput.objects.exists()


def test_a_partner_reads_the_outputs_but_has_no_forms(cast):
    page = _client(cast.partner).get(reverse("project-outputs", args=[cast.project.reference]))
    assert page.status_code == 200
    assert 'id="o-kind"' not in page.content.decode()
    assert _client(cast.outsider).get(reverse("project-outputs", args=[cast.project.reference])).status_code == 404
