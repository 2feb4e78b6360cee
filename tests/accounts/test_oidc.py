"""OpenID Connect login against a local mock provider (oidc-provider-mock), the whole authorisation-code flow."""

import os
import subprocess
import sys
from urllib.parse import parse_qs, quote, urlsplit

import oidc_provider_mock
import pytest
import requests
from django.contrib.auth import get_user_model
from django.test import override_settings

from avustus.accounts.identity import oidc_enabled

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.accounts.urls")]


@pytest.fixture(scope="module")
def issuer():
    with oidc_provider_mock.run_server_in_thread() as server:
        host, port = server.server_address[:2]
        assert host == "127.0.0.1", host  # traffic stays on the loopback address
        yield f"http://127.0.0.1:{port}"


@pytest.fixture
def oidc_settings(issuer):
    with override_settings(
        AUTHENTICATION_BACKENDS=[
            "django.contrib.auth.backends.ModelBackend",
            "avustus.accounts.identity.OIDCBackend",
        ],
        OIDC_RP_CLIENT_ID="avustus-test",
        OIDC_RP_CLIENT_SECRET="not-a-secret",
        OIDC_OP_AUTHORIZATION_ENDPOINT=f"{issuer}/oauth2/authorize",
        OIDC_OP_TOKEN_ENDPOINT=f"{issuer}/oauth2/token",
        OIDC_OP_USER_ENDPOINT=f"{issuer}/userinfo",
        OIDC_OP_JWKS_ENDPOINT=f"{issuer}/jwks",
        OIDC_RP_SIGN_ALGO="RS256",
        # oidc-provider-mock 0.3.4 (the last for Python 3.11) signs ID tokens without a "kid" header and
        # publishes a single key; a real provider (Suomi.fi) names its keys, so production keeps the default.
        OIDC_VERIFY_KID=False,
        OIDC_RP_SCOPES="openid profile",
        OIDC_USE_PKCE=True,
        LOGIN_REDIRECT_URL_FAILURE="/login/",
    ):
        yield issuer


def put_subject(issuer: str, sub: str, **claims) -> None:
    response = requests.put(f"{issuer}/users/{quote(sub, safe='')}", json=claims, timeout=10)
    assert response.status_code == 204, response.text


def start_login(client, issuer: str, next_url: str = "/my/applications/") -> str:
    """Ask Avustus to start the flow; returns the provider's authorisation URL it redirects to."""
    response = client.get("/oidc/authenticate/", {"next": next_url})
    assert response.status_code == 302
    assert response["Location"].startswith(f"{issuer}/oauth2/authorize?")
    return response["Location"]


def answer_at_provider(authorize_url: str, form: dict) -> str:
    """Submit the provider's authorisation form; returns the callback path with its query string."""
    response = requests.post(authorize_url, data=form, allow_redirects=False, timeout=10)
    assert response.status_code == 302, response.text
    location = urlsplit(response.headers["Location"])
    assert location.path == "/oidc/callback/"
    return f"{location.path}?{location.query}"


def login_as(client, issuer: str, sub: str):
    callback = answer_at_provider(start_login(client, issuer), {"sub": sub})
    return client.get(callback)


def test_authorisation_code_flow_logs_in_and_creates_the_user_once(client, oidc_settings):
    issuer = oidc_settings
    put_subject(issuer, "210281-9988", given_name="Nordea", family_name="Demo")

    response = login_as(client, issuer, "210281-9988")

    assert response.status_code == 302
    assert response["Location"] == "/my/applications/"
    user = get_user_model().objects.get(username="oidc:210281-9988")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.session["_auth_user_backend"] == "avustus.accounts.identity.OIDCBackend"
    assert (user.first_name, user.last_name, user.email) == ("Nordea", "Demo", "")
    assert not user.has_usable_password()
    assert client.get("/my/applications/").status_code == 200

    # A second login, in a fresh session and with a changed name, finds the same user.
    client.logout()
    put_subject(issuer, "210281-9988", given_name="Nordea", family_name="Demo-Uusi")
    response = login_as(client, issuer, "210281-9988")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert get_user_model().objects.filter(username__startswith="oidc:").count() == 1
    user.refresh_from_db()
    assert user.last_name == "Demo-Uusi"


def test_subjects_without_email_or_names_are_accepted(client, oidc_settings):
    login_as(client, oidc_settings, "no-claims-subject")
    user = get_user_model().objects.get(username="oidc:no-claims-subject")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_denied_authorisation_logs_nobody_in(client, oidc_settings):
    callback = answer_at_provider(start_login(client, oidc_settings), {"action": "deny"})
    assert "error=access_denied" in callback

    response = client.get(callback)

    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert "_auth_user_id" not in client.session
    assert not get_user_model().objects.filter(username__startswith="oidc:").exists()


def test_callback_without_a_started_flow_logs_nobody_in(client, oidc_settings):
    # A code obtained in another browser session is useless here: this session never started a flow.
    other = type(client)()
    callback = answer_at_provider(start_login(other, oidc_settings), {"sub": "intruder"})

    response = client.get(callback)

    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert "_auth_user_id" not in client.session
    assert not get_user_model().objects.filter(username="oidc:intruder").exists()


def test_forged_state_is_refused(client, oidc_settings):
    authorize_url = start_login(client, oidc_settings)
    callback = answer_at_provider(authorize_url, {"sub": "forger"})
    state = parse_qs(urlsplit(callback).query)["state"][0]
    response = client.get(callback.replace(f"state={state}", "state=forged"))

    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_password_login_still_works_with_oidc_on(client, oidc_settings, django_user_model):
    django_user_model.objects.create_user("virkailija", password="demo-virkailija")
    response = client.post("/login/", {"username": "virkailija", "password": "demo-virkailija"})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_login_page_offers_suomi_fi_only_when_enabled(client, oidc_settings):
    assert oidc_enabled()
    page = client.get("/login/", {"next": "/my/applications/"}).content.decode()
    assert ">Kirjaudu Suomi.fi-tunnistuksella</a>" in page  # in the default language, Finnish
    assert 'href="/oidc/authenticate/?next=/my/applications/"' in page

    with override_settings(AUTHENTICATION_BACKENDS=["django.contrib.auth.backends.ModelBackend"]):
        assert not oidc_enabled()
        assert "/oidc/" not in client.get("/login/").content.decode()


def test_settings_switch_on_only_with_the_issuer_variable(tmp_path):
    """The settings block and the URL line: off by default, on with AVUSTUS_OIDC_ISSUER (no network needed)."""
    probe = (
        "import django; django.setup();"
        "from django.conf import settings; from django.urls import reverse;"
        "from avustus.accounts.identity import oidc_enabled;"
        "print(oidc_enabled(), settings.AUTHENTICATION_BACKENDS[0]);"
        "print(reverse('oidc_authentication_init') if oidc_enabled() else '-');"
        "print(getattr(settings, 'OIDC_OP_JWKS_ENDPOINT', '-'), getattr(settings, 'OIDC_RP_SIGN_ALGO', '-'))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("AVUSTUS_OIDC_")}
    env |= {"DJANGO_SETTINGS_MODULE": "avustus.settings", "AVUSTUS_DATA_DIR": str(tmp_path)}
    off = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)
    assert off.stdout.split("\n")[:3] == ["False django.contrib.auth.backends.ModelBackend", "-", "- -"]

    env |= {"AVUSTUS_OIDC_ISSUER": "http://127.0.0.1:9400/", "AVUSTUS_OIDC_CLIENT_ID": "x"}
    on = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)
    assert on.stdout.split("\n")[:3] == [
        "True django.contrib.auth.backends.ModelBackend",
        "/oidc/authenticate/",
        "http://127.0.0.1:9400/jwks RS256",
    ]
