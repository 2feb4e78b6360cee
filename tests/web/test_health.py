"""The probes: /livez answers without the database, /healthz says whether the database answers and is migrated."""

import json

import pytest
from django.db.utils import OperationalError
from django.test import Client

from avustus.web import health


@pytest.mark.django_db
def test_healthz_is_ok_when_the_database_answers_with_every_migration():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok", "database": "ok"}
    assert response["Cache-Control"] == "private, no-store"  # a proxy must not keep an old answer


@pytest.mark.django_db
def test_healthz_is_503_when_a_migration_is_not_applied(monkeypatch):
    monkeypatch.setattr(health, "_expected", {*health._migrations_on_disk(), ("calls", "9999_not_yet")})
    response = Client().get("/healthz")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["migrations_pending"] == 1 and body["first_pending"] == "calls.9999_not_yet"


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_does_not_answer(monkeypatch):
    def refuse(self):
        raise OperationalError("connection refused")

    monkeypatch.setattr(health.MigrationRecorder, "applied_migrations", refuse)
    response = Client().get("/healthz")
    assert response.status_code == 503 and response["Retry-After"]
    assert json.loads(response.content)["database"] == "unreachable"


def test_livez_touches_no_database_and_passes_the_middleware():
    # No django_db mark: pytest-django refuses any database access here.
    response = Client().get("/livez")
    assert response.status_code == 200 and json.loads(response.content) == {"status": "ok"}
    assert response["X-Frame-Options"] == "DENY" and "Content-Security-Policy" in response
    assert Client().post("/livez").status_code == 405
