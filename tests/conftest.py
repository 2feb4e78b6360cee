"""Fixtures shared by the whole suite: the seed decision and the 2020 round loaded through the real import."""

import os
from contextlib import contextmanager
from pathlib import Path

import pytest

from avustus.actors import SYSTEM

REPO = Path(__file__).resolve().parents[1]
# The Ministry of Finance's collective decision of 26.2.2020 (a public decision of an authority), as text.
SEED = REPO / "tests" / "data" / "kuntadigi-2020-02-26.txt"

DATABASE_FIXTURES = {"db", "transactional_db", "live_server"}  # and whatever builds on them


def pytest_collection_modifyitems(config, items):
    """With ``AVUSTUS_DATABASE_TESTS_ONLY=1`` (CI's second run, on PostgreSQL) only the tests that touch the
    database run: the pure ones and the browser tests gave the same answer on the first run, on SQLite."""
    if os.environ.get("AVUSTUS_DATABASE_TESTS_ONLY") != "1":
        return
    keep, drop = [], []
    for item in items:
        browser = "browser" in item.path.parts
        touches = any(item.get_closest_marker(m) for m in ("django_db", "second_database")) or bool(
            DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())))
        (keep if touches and not browser else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(autouse=True)
def _language_of_the_thread_reset():
    """A request handled in-process leaves its language active in the thread (LocaleMiddleware does not
    undo it), so a test that asked in Swedish would make the next one's messages Swedish."""
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture
def english():
    """The commands and services speak the user's language; a test that reads their words reads them in English."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def postgresql_only():
    """For a race on row locks (``tests/races.py``): skipped on SQLite, which runs one writer at a time."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite runs one writer at a time")


@pytest.fixture
def storage(tmp_path, settings):
    """Each test its own file storage, so that what is left behind can be counted: the folder."""
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path / "files"}}}
    return tmp_path / "files"


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture
def round_2020(db):
    """The 2020 round as the demo loads it: the bundled facts through ``import_parsed``."""
    from avustus.decisions.bundled import bundled_decision
    from avustus.decisions.round_import import import_parsed

    return import_parsed(bundled_decision(), actor=SYSTEM, source_name="bundled 2020 round").call


@pytest.fixture
def official(round_2020, django_user_model):
    """A presenting official of the 2020 round's programme."""
    from avustus.accounts.models import Role
    from avustus.accounts.services import grant_role

    user = django_user_model.objects.create(username="virkailija")
    grant_role(user, Role.OFFICIAL, actor=SYSTEM, programme=round_2020.programme)
    return user


@pytest.fixture
def official_of(db):
    """A function making a presenting official of the given call's programme."""
    from django.contrib.auth import get_user_model

    from avustus.accounts.models import Role
    from avustus.accounts.services import grant_role

    def make(call):
        user = get_user_model().objects.create(username=f"virkailija-{call.slug}")
        grant_role(user, Role.OFFICIAL, actor=SYSTEM, programme=call.programme)
        return user

    return make


@pytest.fixture
def open_call(db):
    """A published call of the joint-project kind, open until 16.15 Helsinki time thirty days from now."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from avustus.calls.models import Call, CostCategory, Exclusion, Programme
    from avustus.registry.services import sync_registry

    sync_registry()
    programme, _ = Programme.objects.get_or_create(slug="kuntadigi", defaults={"name_fi": "Kuntien digitalisaatio"})
    closes = timezone.localtime() + timedelta(days=30)
    call = Call.objects.create(
        programme=programme, slug="kuntadigi-2026", title_fi="Yhteishankkeet 2026", status=Call.Status.PUBLISHED,
        opens_at=timezone.now() - timedelta(days=1), closes_at=closes.replace(hour=16, minute=15, second=0,
                                                                              microsecond=0),
        aid_rate=Decimal("0.85"), min_municipalities=2, lead_kinds=["municipality", "joint_authority"],
        partner_kinds=["municipality", "joint_authority"],
        plan_fields=[{"key": "objectives", "required": True, "max_length": 5000,
                      "label": {"fi": "Tavoitteet", "sv": "Mål", "en": "Objectives"}}],
    )
    for i, (code, name) in enumerate((("staff", "henkilöstökustannukset"), ("travel", "matkakustannukset"),
                                      ("services", "palvelujen ostot")), start=1):
        CostCategory.objects.create(call=call, code=code, position=i, name_fi=name)
    CostCategory.objects.create(call=call, code="hardware", position=9, name_fi="laitteet", eligible=False)
    Exclusion.objects.create(call=call, code="social_health", name_fi="sosiaali- ja terveydenhuolto",
                             keywords_fi=["sosiaali- ja terveys", "sote"], keywords_sv=["social- och hälsovård"])
    return call


@pytest.fixture
def applicant_of(db):
    """A function making a user who acts for the municipality with the given code."""
    from django.contrib.auth import get_user_model

    from avustus.accounts.models import Role
    from avustus.accounts.services import grant_role
    from avustus.registry.models import Organisation

    def make(code: str, username: str | None = None):
        user = get_user_model().objects.create(username=username or f"hakija-{code}")
        # The system grants it (actor None), as `avustus demo` does.
        grant_role(user, Role.APPLICANT, actor=SYSTEM, organisation=Organisation.objects.get(code=code))
        return user

    return make


@pytest.fixture
def hameenlinna_applicant(applicant_of):
    """A user acting for Hämeenlinna (109), the lead of most applications in the tests.

    Needs the registry loaded: ask for ``open_call`` or ``round_2020`` too.
    """
    return applicant_of("109")


@pytest.fixture
def draft_application(open_call, hameenlinna_applicant):
    """A new draft of the open call, led by Hämeenlinna, started through the service."""
    from avustus.applications.services import create_draft
    from avustus.registry.models import Organisation

    return create_draft(open_call, actor=hameenlinna_applicant, organisation=Organisation.objects.get(code="109"))


@contextmanager
def process_environment(tmp_path, prefix: str):
    """Environment variables for processes a test starts (a server, a worker): a data directory of their own and,
    when DATABASE_URL names PostgreSQL, a fresh database ``<prefix>_<random>`` dropped afterwards; on SQLite
    the processes share ``avustus.sqlite3`` in the data directory."""
    env = {**os.environ, "AVUSTUS_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "avustus.settings",
           "AVUSTUS_LOG_LEVEL": "ERROR"}
    url = os.environ.get("DATABASE_URL")
    if not url:
        yield env
        return
    import secrets
    from urllib.parse import urlparse, urlunparse

    import psycopg

    parsed = urlparse(url)
    name = f"{prefix}_{secrets.token_hex(4)}"
    # CREATE and DROP DATABASE run outside a transaction, from the server's maintenance database.
    admin = urlunparse(parsed._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {**env, "DATABASE_URL": urlunparse(parsed._replace(path=f"/{name}"))}
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_document_tasks() -> int:
    """Run the pending tasks that store signed decisions' documents, as ``avustus worker --until-idle`` would
    (called directly, so that it works inside a test's transaction); the number run."""
    from django_tasks_db.models import DBTaskResult

    from avustus.decisions.tasks import store_documents

    pending = list(DBTaskResult.objects.filter(status="READY", task_path=store_documents.module_path))
    for result in pending:
        store_documents.call(*result.args_kwargs["args"], **result.args_kwargs["kwargs"])
        DBTaskResult.objects.filter(pk=result.pk).update(status="SUCCESSFUL")
    return len(pending)


@pytest.fixture(autouse=True)
def _sealed_after_every_commit(settings):
    """On PostgreSQL a process seals the audit chain after a commit at most every ``SEAL_INTERVAL`` (a burst's
    entries in batches); tests see each commit sealed at once, unless one sets an interval to test it."""
    settings.AVUSTUS_AUDIT_SEAL_INTERVAL = 0


@pytest.fixture(autouse=True)
def _call_parts_forgotten():
    """Each test makes its own calls, whose ids an earlier test's calls may have had: start with no call's parts
    kept (``calls.parts``)."""
    from avustus.calls import parts

    parts.forget()
    yield


def run_project_tasks() -> int:
    """Run the pending tasks that make a decision's funded projects after it is signed in Avustus, as the worker
    would (called directly, so that it works inside a test's transaction); the number run."""
    from django_tasks_db.models import DBTaskResult

    from avustus.projects.tasks import follow_signed_decision

    pending = list(DBTaskResult.objects.filter(status="READY", task_path=follow_signed_decision.module_path))
    for result in pending:
        follow_signed_decision.call(*result.args_kwargs["args"], **result.args_kwargs["kwargs"])
        DBTaskResult.objects.filter(pk=result.pk).update(status="SUCCESSFUL")
    return len(pending)
