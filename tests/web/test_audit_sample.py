"""The officials' audit sample on a call's funded projects page: drawn with the tick, shown, refused clearly."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from avustus.rules.sampling import draw
from avustus.settlement.models import AuditSample
from avustus.settlement.sampling import population_of
from tests.projects.conftest import cast, person  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_official_draws_and_sees_the_sample(cast):
    call = cast.project.call
    url = reverse("officials-audit-samples", args=[call.slug])
    official = _client(cast.official)
    response = official.post(url, {"size": "3", "seed": "42", "confirm": "yes"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302 and response["Location"] == url
    page = official.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    expected = draw(population_of(call), 3, 42)
    positions = [page.index(f">{reference}</a> ") for reference in expected]
    assert positions == sorted(positions) and "seed 42" in page and "Draw 1" in page
    assert AuditSample.objects.get().drawn_by == cast.official


@pytest.mark.parametrize("data, field_id, words", [
    ({"size": "3", "seed": "42"}, "sample-confirm", "Tick the box"),
    ({"size": "kolme", "confirm": "yes"}, "sample-size", "at least one project"),
    ({"size": "3", "percent": "10", "confirm": "yes"}, "sample-size", "not both"),
    ({"percent": "150", "confirm": "yes"}, "sample-percent", "at most 100"),
])
def test_bad_input_is_refused_linked_to_its_field_and_nothing_is_drawn(cast, data, field_id, words):
    url = reverse("officials-audit-samples", args=[cast.project.call.slug])
    with translation.override("en"):
        response = _client(cast.official).post(url, data, HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 422 and f'href="#{field_id}"' in page and words in page
    assert not AuditSample.objects.exists()


def test_the_refusal_in_finnish(cast):
    url = reverse("officials-audit-samples", args=[cast.project.call.slug])
    response = _client(cast.official).post(url, {"size": "0", "confirm": "yes"}, HTTP_ACCEPT_LANGUAGE="fi")
    assert response.status_code == 422 and "vähintään yksi hanke" in response.content.decode()


def test_a_decision_maker_sees_the_samples_but_does_not_draw(cast):
    url = reverse("officials-audit-samples", args=[cast.project.call.slug])
    decider = _client(cast.decision_maker)
    assert 'name="seed"' not in decider.get(url).content.decode()
    assert decider.post(url, {"size": "1", "confirm": "yes"}).status_code == 403
    assert not AuditSample.objects.exists()
