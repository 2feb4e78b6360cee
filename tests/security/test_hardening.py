"""Deployment hardening: production settings, cookies, passwords, the Content Security Policy and downloads."""

import base64
import hashlib
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from avustus.applications import attachments
from avustus.applications import services as applications
from avustus.registry.models import Organisation
from tests.applications.test_attachments import make_pdf

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "avustus"


def run_avustus(tmp_path, *args, **env):
    return subprocess.run(
        [sys.executable, "-m", "avustus", *args], capture_output=True, text=True,
        env={"PATH": os.environ.get("PATH", ""), "AVUSTUS_DATA_DIR": str(tmp_path), **env},
    )


def production_env(**extra):
    return {"AVUSTUS_SECRET_KEY": secrets.token_urlsafe(64), "AVUSTUS_ALLOWED_HOSTS": "avustus.example.fi", **extra}


def test_production_settings_pass_the_deployment_check(tmp_path):
    result = run_avustus(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_without_https_the_deployment_check_complains(tmp_path):
    # The switch is real: a deployment that turns HTTPS off hears about it.
    result = run_avustus(tmp_path, "check", "--deploy", "--fail-level", "WARNING",
                         **production_env(AVUSTUS_HTTPS="0"))
    assert result.returncode != 0 and "security.W008" in result.stderr + result.stdout


def test_the_demo_and_the_tests_run_on_plain_http(client, db):
    # No AVUSTUS_ALLOWED_HOSTS here, as in `avustus demo`: no redirect to https://127.0.0.1.
    assert not settings.SECURE_SSL_REDIRECT and not settings.SESSION_COOKIE_SECURE
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_session_cookie_is_http_only_same_site_and_ends_with_the_browser(client, django_user_model):
    cache.clear()
    django_user_model.objects.create_user(username="virkailija", password="oikea-salasana-123")
    response = client.post("/login/", {"username": "virkailija", "password": "oikea-salasana-123"})
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert not cookie["expires"] and not cookie["max-age"]  # gone when the browser closes
    assert 0 < settings.SESSION_COOKIE_AGE <= 8 * 60 * 60  # and after a working day even if it stays open
    assert settings.CSRF_COOKIE_HTTPONLY


@pytest.mark.django_db
def test_passwords_are_hashed_with_argon2(django_user_model):
    assert settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    user = django_user_model.objects.create_user(username="hakija", password="oikea-salasana-123")
    assert user.password.startswith("argon2")


@pytest.mark.django_db
def test_forms_without_a_csrf_token_are_refused():
    client = Client(enforce_csrf_checks=True)
    assert client.post("/login/", {"username": "x", "password": "y"}).status_code == 403
    assert client.post(reverse("set_language"), {"language": "sv"}).status_code == 403


def test_pages_carry_a_strict_content_security_policy(client, db):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert directives["form-action"] == "'self'" and directives["base-uri"] == "'self'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response["X-Frame-Options"] == "DENY"


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style", re.I), "<style> block"),
    (re.compile(r"\sstyle\s*=", re.I), "style= attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "inline event handler"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_no_template_has_inline_script_or_style():
    found = []
    for template in TEMPLATES.glob("*/templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        found += [f"{template.relative_to(TEMPLATES)}: {what}" for pattern, what in INLINE if pattern.search(text)]
    assert not found, "the Content Security Policy would block these:\n" + "\n".join(found)


def test_decision_documents_may_use_their_own_stylesheet_and_no_other(client, round_2020):
    from avustus.decisions.models import Decision

    decision = Decision.objects.filter(call=round_2020).first()
    response = client.get(reverse("decision-document", args=[decision.pk, "fi", "html"]))
    if response.status_code == 404:
        pytest.skip("the bundled round's decision is not public")
    style = re.search(r"<style>(.*?)</style>", response.content.decode(), re.S).group(1)
    allowed = "'sha256-" + base64.b64encode(hashlib.sha256(style.encode()).digest()).decode() + "'"
    policy = response["Content-Security-Policy"]
    style_src = next(d for d in policy.split(";") if d.strip().startswith("style-src"))
    assert allowed in style_src and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_api_docs_page_works_under_the_policy(client, db):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Content-Security-Policy" in response
    # Its scripts are files of this origin; the one inline <script> holds JSON, which no browser runs.
    assert not [m for m in re.findall(r"<script[^>]*>", html) if "src=" not in m and "application/json" not in m]


@pytest.mark.django_db
def test_attachments_download_and_never_render_from_this_origin(client, open_call, applicant_of):
    user = applicant_of("109")
    application = applications.create_draft(open_call, actor=user, organisation=Organisation.objects.get(code="109"))
    attachment = attachments.add_attachment(
        application, SimpleUploadedFile("suunnitelma.html", make_pdf()), actor=user)
    client.force_login(user)
    response = client.get(reverse("attachment", args=[application.reference, attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="suunnitelma.html.pdf"' in response["Content-Disposition"]
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    # Its own policy, not the site's: a sandbox with no origin and no scripts.
    assert "sandbox" in response["Content-Security-Policy"]
    assert "default-src 'none'" in response["Content-Security-Policy"]
    b"".join(response.streaming_content)
    response.close()


def test_public_pages_and_static_files_stay_cacheable_and_private_ones_do_not(client, django_user_model):
    """Cache-Control: private, no-store on what is not public; public pages and static files as before (#10)."""
    from avustus.web.middleware import NO_STORE

    home = client.get("/")
    assert home.status_code == 200 and "no-store" not in home.get("Cache-Control", "")
    static = client.get("/static/avustus/avustus.css")
    assert static.status_code == 200 and "no-store" not in static.get("Cache-Control", "")
    assert client.get("/login/")["Cache-Control"] == NO_STORE
    assert client.get("/my/applications/")["Cache-Control"] == NO_STORE  # the redirect to the login page too
    assert client.get("/api/v1/applications/X-1", HTTP_AUTHORIZATION="Bearer x")["Cache-Control"] == NO_STORE
    client.force_login(django_user_model.objects.create(username="jaettu-kone"))
    assert client.get("/")["Cache-Control"] == NO_STORE  # a public page, but the menu shows who is signed in
