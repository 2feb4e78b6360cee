"""The permission questions asked for the system and for nobody: SYSTEM may do what commands do, None is refused."""

import pytest

from avustus.accounts import permissions
from avustus.actors import SYSTEM

pytestmark = pytest.mark.django_db


def test_the_system_prepares_calls_and_manages_roles_but_acts_for_no_organisation(round_2020):
    programme = round_2020.programme
    assert permissions.can_prepare_calls(SYSTEM, programme)
    assert permissions.can_manage_roles(SYSTEM, programme)
    assert permissions.applicant_organisations(SYSTEM) == set()
    assert permissions.officiated_programmes(SYSTEM) is None  # every programme
    # Reading as the system is no official's read: nothing for the log to name.
    assert not permissions.reads_in_official_capacity(SYSTEM, round_2020.applications.first())


@pytest.mark.parametrize("question", [
    lambda programme, application: permissions.has_programme_role(None, programme),
    lambda programme, application: permissions.can_prepare_calls(None, programme),
    lambda programme, application: permissions.can_manage_roles(None, programme),
    lambda programme, application: permissions.applicant_organisations(None),
    lambda programme, application: permissions.reads_in_official_capacity(None, application),
])
def test_nobody_is_not_an_actor(round_2020, question):
    with pytest.raises(TypeError):
        question(round_2020.programme, round_2020.applications.first())


def test_an_official_of_another_programme_prepares_nothing_here(round_2020, django_user_model):
    from avustus.accounts.models import Role
    from avustus.accounts.services import grant_role
    from avustus.calls.models import Programme

    elsewhere = Programme.objects.create(slug="muu", name_fi="Muu ohjelma")
    user = django_user_model.objects.create(username="muu-virkamies")
    grant_role(user, Role.OFFICIAL, actor=SYSTEM, programme=elsewhere)
    assert permissions.can_prepare_calls(user, elsewhere)
    assert not permissions.can_prepare_calls(user, round_2020.programme)
    assert not permissions.can_manage_roles(user, elsewhere)  # officials do not grant roles
