"""Helpers for the audit tests: raw SQL, the ``avustus audit`` command, and tampering past the triggers."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from avustus.actors import SYSTEM
from avustus.audit import triggers


def sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def run_audit(*args) -> tuple[int, str, str]:
    """``avustus audit ARGS`` in this process: (exit status, standard output, the error if it failed)."""
    out = io.StringIO()
    try:
        call_command("audit", *args, stdout=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue(), str(exc)
    return 0, out.getvalue(), ""


def verify_json() -> tuple[int, dict]:
    status, out, _err = run_audit("verify", "--json")
    return status, json.loads(out)


@pytest.fixture
def unguarded(db):
    """The database without its immutability triggers, as an attacker with direct database access has it.

    Tamper tests must get past the triggers to show what ``verify`` sees when someone does: the triggers
    stop the application's own connection, not a database superuser who drops them first. The test's
    transaction rolls the DROP back (DDL is transactional on SQLite and PostgreSQL); installing again at
    the end covers a test that commits.
    """
    triggers.drop(connection)
    yield
    triggers.install(connection)


MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def people(open_call, applicant_of):
    """The lead's user, and a user per programme role of the open call's programme."""
    from django.contrib.auth import get_user_model

    from avustus.accounts.models import Role
    from avustus.accounts.services import grant_role

    users = {"lead": applicant_of("109"), "other": applicant_of("091")}
    for name, role in (("official", Role.OFFICIAL), ("decider", Role.DECISION_MAKER), ("reviewer", Role.REVIEWER),
                       ("auditor", Role.AUDITOR), ("admin", Role.ADMINISTRATOR)):
        users[name] = get_user_model().objects.create(username=f"audit-{name}")
        grant_role(users[name], role, actor=SYSTEM, programme=open_call.programme)
    return users


@pytest.fixture
def submitted(open_call, people, tmp_path, settings):
    """An application of the open call, submitted by the lead through the services, with an attachment."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from avustus.applications import attachments
    from avustus.applications import services as applications
    from avustus.registry.models import Organisation

    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path / "files"}}}
    lead = people["lead"]
    draft = applications.create_draft(open_call, actor=lead, organisation=Organisation.objects.get(code="109"))
    draft = applications.update_draft(draft, applications.DraftChanges(
        title="Asiointi sujuvaksi", plan={"objectives": "Asiointi sujuvaksi."}, partners=["853"],
        budget=[{"category": "staff", "amount_vat_free": "100000.00", "vat": "0.00"}], amount_applied="85000.00",
    ), actor=lead, version=draft.version)
    attachments.add_attachment(draft, SimpleUploadedFile("liite.pdf", MINIMAL_PDF), actor=lead)
    return applications.submit(draft, actor=lead)
