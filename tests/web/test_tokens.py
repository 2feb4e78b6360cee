"""The API tokens page: a user makes a token (shown once), sees their tokens and revokes one after confirming."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from avustus.accounts import tokens
from avustus.accounts.models import ApiToken

pytestmark = pytest.mark.django_db


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create(username="kayttaja")


@pytest.fixture
def client(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_menu_links_to_the_page_when_logged_in(client):
    assert reverse("api-tokens") in client.get(reverse("home")).content.decode()
    assert reverse("api-tokens") not in Client().get(reverse("home")).content.decode()
    assert Client().get(reverse("api-tokens")).status_code == 302  # to the login page


def test_a_token_is_shown_once_and_works(client, user):
    response = client.post(reverse("api-tokens"), {"name": "Raportointi", "expires_in": "30"})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    value = re.search(r'value="(avustus_[^"]+)"', response.content.decode()).group(1)
    assert tokens.authenticate(value).user == user
    assert tokens.authenticate(value).name == "Raportointi"
    page = client.get(reverse("api-tokens")).content.decode()
    assert value not in page and "Raportointi" in page and value[:12] in page


def test_a_bad_lifetime_is_refused_with_a_message(client):
    response = client.post(reverse("api-tokens"), {"expires_in": "1000"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422 and not ApiToken.objects.exists()
    assert 'role="alert"' in response.content.decode()


def test_revoking_asks_first_and_then_revokes(client, user):
    token, value = tokens.create_token(user, actor=user)
    url = reverse("revoke-api-token", args=[token.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200 and token.hint in confirm.content.decode()
    assert tokens.authenticate(value) is not None  # looking at the question revokes nothing
    assert client.post(url).status_code == 302
    assert tokens.authenticate(value) is None


def test_another_users_token_is_not_found(client, django_user_model):
    other = django_user_model.objects.create(username="toinen")
    token, value = tokens.create_token(other, actor=other)
    url = reverse("revoke-api-token", args=[token.pk])
    assert client.get(url).status_code == 404 and client.post(url).status_code == 404
    assert tokens.authenticate(value) is not None
