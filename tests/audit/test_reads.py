"""Reads of non-public data by officials and auditors are on the audit log (Act 906/2019); other reads are not."""

import pytest
from django.db import transaction
from django.urls import reverse

from avustus.accounts.models import Role
from avustus.accounts.services import grant_role
from avustus.actors import SYSTEM
from avustus.applications.reads import record_read
from avustus.audit.chain import READ, verify
from avustus.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def reads(reference: str) -> list[tuple[str, str]]:
    return list(AuditEntry.objects.filter(action=READ, application_reference=reference).order_by("id")
                .values_list("actor_label", "data__what"))


@pytest.mark.parametrize("who", ["official", "decider", "reviewer", "auditor", "admin"])
def test_staff_reading_an_undecided_application_is_logged(client, submitted, people, who):
    client.force_login(people[who])
    assert client.get(reverse("application", args=[submitted.reference])).status_code == 200
    assert reads(submitted.reference) == [(f"audit-{who}", "application")]
    entry = AuditEntry.objects.get(action=READ)
    assert entry.actor == people[who] and entry.target_id == str(submitted.pk)
    assert verify().ok


@pytest.mark.parametrize("who", [None, "lead", "other"])
def test_applicants_and_the_public_reading_leave_no_read_entry(client, submitted, people, who):
    if who:
        client.force_login(people[who])
    client.get(reverse("application", args=[submitted.reference]))
    assert reads(submitted.reference) == []


def test_an_official_who_also_acts_for_the_lead_reads_their_own_application_unlogged(client, submitted, people):
    official = people["official"]
    grant_role(official, Role.APPLICANT, actor=SYSTEM, organisation=people["lead"].role_grants.get().organisation)
    client.force_login(official)
    client.get(reverse("application", args=[submitted.reference]))
    assert reads(submitted.reference) == []


def test_a_publicly_decided_application_is_read_unlogged_but_its_attachments_are_not(round_2020, open_call, people):
    """An application in a signed decision is public as far as the decision publishes it; its plan,
    budget and attachments never become public, so reading those is logged even then."""
    from avustus.applications.models import Application

    decided = Application.objects.filter(call=round_2020).first()
    programme = round_2020.programme
    assert programme == open_call.programme
    with transaction.atomic():
        assert record_read(people["auditor"], decided, "application") is None
        entry = record_read(people["auditor"], decided, "attachments")
    assert entry is not None and entry.data == {"what": "attachments"}
    assert reads(decided.reference) == [("audit-auditor", "attachments")]


def test_someone_without_a_role_in_the_programme_is_not_logged_as_an_official(submitted, people, django_user_model):
    outsider = django_user_model.objects.create(username="outsider")
    with transaction.atomic():
        assert record_read(outsider, submitted, "plan") is None
        assert record_read(people["lead"], submitted, "plan") is None
    assert reads(submitted.reference) == []


def test_a_superuser_reading_is_logged(submitted, django_user_model):
    root = django_user_model.objects.create(username="root", is_superuser=True)
    with transaction.atomic():
        record_read(root, submitted, "budget", data={"lines": 1})
    assert AuditEntry.objects.get(action=READ).data == {"what": "budget", "lines": 1}


def test_the_api_read_by_the_lead_is_not_logged(client, submitted, people):
    client.force_login(people["lead"])
    assert client.get(f"/api/v1/applications/{submitted.reference}").status_code == 200
    assert client.get(f"/api/v1/applications/{submitted.reference}/attachments").status_code == 200
    assert reads(submitted.reference) == []


def test_the_api_refuses_staff_without_logging_a_read(client, submitted, people):
    client.force_login(people["auditor"])
    assert client.get(f"/api/v1/applications/{submitted.reference}").status_code == 404
    assert reads(submitted.reference) == []


def test_reading_the_dossier_logs_the_read_itself(submitted, people):
    """The screens get the plan, budget and files from ``read_dossier``, which logs the read: none can forget it."""
    from avustus.applications.reads import read_dossier

    dossier = read_dossier(submitted, people["reviewer"], "fi", what="plan")
    assert dossier["members"] and dossier["attachments"]
    assert reads(submitted.reference) == [("audit-reviewer", "plan")]
    read_dossier(submitted, people["lead"], "fi")  # the applicant's own application: not an official read
    assert reads(submitted.reference) == [("audit-reviewer", "plan")]


def test_the_dossiers_attachment_opens_for_a_cleared_reviewer_only(submitted, people):
    from avustus.applications.attachments import open_attachment_as_reader
    from avustus.errors import NotFound

    attachment = submitted.attachments.get()
    outsider = people["other"]
    with pytest.raises(NotFound):
        open_attachment_as_reader(outsider, submitted.reference, attachment.pk, cleared_reviewer=lambda a: False)
    opened = open_attachment_as_reader(outsider, submitted.reference, attachment.pk, cleared_reviewer=lambda a: True)
    opened.file.close()
    assert opened.attachment == attachment
    with pytest.raises(NotFound):
        open_attachment_as_reader(outsider, "x\x00", attachment.pk, cleared_reviewer=lambda a: True)
