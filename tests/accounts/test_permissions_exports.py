"""Who may start an export in the background and follow it: the programme's officials, and who started it."""

import pytest

from avustus.accounts import permissions
from avustus.accounts.models import Role, RoleGrant
from avustus.accounts.services import grant_role
from avustus.actors import SYSTEM
from avustus.calls.models import Programme
from avustus.opendata.models import ExportJob

pytestmark = pytest.mark.django_db


def test_an_official_of_another_programme_neither_starts_nor_sees_one(round_2020, official, django_user_model):
    elsewhere = Programme.objects.create(slug="muu", name_fi="Muu ohjelma")
    other = django_user_model.objects.create(username="muu-virkamies")
    grant_role(other, Role.OFFICIAL, actor=SYSTEM, programme=elsewhere)
    job = ExportJob.objects.create(call=round_2020, format="csv", lang="fi", requested_by=official)
    assert permissions.can_export_round(official, round_2020.programme)
    assert not permissions.can_export_round(other, round_2020.programme)
    assert permissions.can_see_export_job(official, job) and permissions.can_see_export_job(SYSTEM, job)
    assert not permissions.can_see_export_job(other, job)


def test_who_started_it_still_sees_it_after_leaving_the_programme(round_2020, official):
    job = ExportJob.objects.create(call=round_2020, format="csv", lang="fi", requested_by=official)
    RoleGrant.objects.filter(user=official).delete()
    assert not permissions.can_export_round(official, round_2020.programme)
    assert permissions.can_see_export_job(official, job)


@pytest.mark.parametrize("question", [
    lambda call, job: permissions.can_export_round(None, call.programme),
    lambda call, job: permissions.can_see_export_job(None, job),
])
def test_nobody_is_not_an_actor(round_2020, official, question):
    job = ExportJob.objects.create(call=round_2020, format="csv", lang="fi", requested_by=official)
    with pytest.raises(TypeError):
        question(round_2020, job)
