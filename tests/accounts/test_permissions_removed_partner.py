"""A partner removed by an amending decision: its people keep what concerned them up to the removal (the
application, the original decision, the amending decisions up to the one that removed it) but no longer see the
project's later reports, payments or settlement, nor act on it (accounts.permissions, the one place)."""

from datetime import date

import pytest
from django.urls import reverse

from avustus.accounts import permissions
from avustus.accounts.models import Role
from avustus.accounts.services import grant_role
from avustus.actors import SYSTEM
from avustus.changes import services as changes
from avustus.errors import NotFound
from avustus.payments.selectors import my_projects
from avustus.projects.services import project_for
from avustus.registry.models import Organisation
from tests.changes.conftest import previewed
from tests.projects.conftest import cast, person, small_round  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def _partners(cast, *, add=(), remove=(), on=date(2021, 3, 1)):
    request = changes.submit_request(cast.project, actor=cast.lead, kind="partners", reasons="Kokoonpano muuttuu.",
                                     add_partners=list(add), remove_partners=list(remove))
    request = changes.approve_request(request, actor=cast.official, version=request.version, reasons="Perusteltu.")
    return changes.confirm_request(request, actor=cast.second_official, version=request.version, confirmed=True,
                                   decided_on=on, shown=previewed(request, cast.second_official, on))


@pytest.fixture
def removed(cast, django_user_model):
    """Pori added (decision A), the partner Honkajoki removed (decision B), Turku added (decision C)."""
    honkajoki = next(m for m in cast.project.application.members.all()
                     if m.organisation is not None and m.organisation.name_fi == "Honkajoki")
    assert permissions.can_see_project(cast.partner, cast.project)  # before: a recipient
    pori, turku = Organisation.objects.get(code="609"), Organisation.objects.get(code="853")
    first = _partners(cast, add=[pori.pk])
    removal = _partners(cast, remove=[honkajoki.pk], on=date(2021, 4, 1))
    later = _partners(cast, add=[turku.pk], on=date(2021, 5, 1))
    pori_user = django_user_model.objects.create(username="pori")
    grant_role(pori_user, Role.APPLICANT, actor=SYSTEM, organisation=pori)
    return cast, (first, removal, later), pori_user


def test_a_removed_partner_no_longer_sees_the_project_nor_lists_it(removed):
    cast, _decisions, pori_user = removed
    project = cast.project
    assert not permissions.is_recipient(cast.partner, project)
    assert not permissions.can_see_project(cast.partner, project)
    with pytest.raises(NotFound):
        project_for(cast.partner, project.reference)
    assert not permissions.can_read_settlement(cast.partner, project)
    assert not permissions.can_act_for_lead(cast.partner, project)
    assert [row.reference for row in my_projects(cast.partner)] == []
    # The others are untouched: the lead, the officials, and a partner added by an amending decision.
    assert permissions.can_see_project(cast.lead, project) and permissions.can_see_project(cast.official, project)
    assert permissions.can_see_project(pori_user, project)
    assert project.reference in [row.reference for row in my_projects(pori_user)]  # Pori has a project of its own too


def test_a_removed_partner_keeps_what_concerned_it_up_to_the_removal(removed):
    cast, (first, removal, later), _pori = removed
    project = cast.project
    # The application as applied, and the original (public) decision.
    assert permissions.can_access_application(cast.partner, project.application)
    assert permissions.can_see_decision(cast.partner, project.first_decision)
    # The amending decisions up to and including the one that removed it; not the ones after.
    assert permissions.removed_in_revision(cast.partner, project) == removal.request.revision.number
    assert permissions.can_read_change_decision(cast.partner, first)
    assert permissions.can_read_change_decision(cast.partner, removal)
    assert not permissions.can_read_change_decision(cast.partner, later)
    with pytest.raises(NotFound):
        permissions.check_reads_change_decision(cast.partner, later)
    # Nobody else gains anything: an outsider reads none; the lead, every one.
    assert not any(permissions.can_read_change_decision(cast.outsider, d) for d in (first, removal, later))
    assert all(permissions.can_read_change_decision(cast.lead, d) for d in (first, removal, later))
    assert permissions.removed_in_revision(cast.lead, project) is None
    assert permissions.removed_in_revision(cast.outsider, project) is None


def test_the_decision_pages_follow_the_same_rule(removed, client):
    cast, (first, removal, later), _pori = removed
    client.force_login(cast.partner)

    def page(decision):
        return client.get(reverse("project-change-decision", args=[cast.project.reference, decision.pk, "fi"]))

    assert page(removal).status_code == 200 and page(first).status_code == 200
    assert page(later).status_code == 404
    assert client.get(reverse("project", args=[cast.project.reference])).status_code == 404
