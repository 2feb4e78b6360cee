"""The questions the services after the decision ask (accounts.permissions, 'after the decision'): the lead acts for
the recipients, and a second person who took no earlier step approves a settlement or a payment, confirms an
approved change or signs a recovery decision. The screens ask the ``can_*`` question to offer a step and the
services refuse with the ``check_*`` one, so each pair must give the same answer to everyone."""

import pytest

from avustus.accounts import permissions
from avustus.actors import SYSTEM
from avustus.errors import NotAllowed
from tests.projects.conftest import cast, person, small_round  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

# (the screen's question, the service's refusal, whether the programme's decision-maker may take the second step)
SECOND_STEPS = {
    "settlement": (permissions.can_approve_settlement, permissions.check_approves_settlement, False),
    "change": (permissions.can_confirm_change, permissions.check_confirms_change, False),
    "recovery": (permissions.can_sign_recovery_decision, permissions.check_signs_recovery, True),
    "payment": (permissions.can_approve_payment, permissions.check_approves_payment, True),
}


def _refused(check, actor, programme, first_id, project) -> bool:
    try:
        check(actor, programme, first_id, "four eyes", project=project)
    except NotAllowed as exc:
        assert str(exc) == "four eyes"  # the service's own words, not another refusal
        return True
    return False


@pytest.mark.parametrize("step", SECOND_STEPS)
def test_who_took_the_first_step_never_takes_the_second(cast, step):
    can, check, decider_may = SECOND_STEPS[step]
    programme = cast.project.call.programme
    prepared_by = cast.official.pk
    assert not can(cast.official, programme, prepared_by, project=cast.project)
    assert _refused(check, cast.official, programme, prepared_by, cast.project)
    assert can(cast.second_official, programme, prepared_by, project=cast.project)
    assert not _refused(check, cast.second_official, programme, prepared_by, cast.project)
    # The one who prepared may take the second step of someone else's preparation.
    assert can(cast.official, programme, cast.second_official.pk, project=cast.project)
    assert can(cast.decision_maker, programme, prepared_by, project=cast.project) is decider_may
    for nobody in (cast.lead, cast.partner, cast.outsider, SYSTEM):  # the system is never the second person
        assert not can(nobody, programme, prepared_by, project=cast.project)


@pytest.mark.parametrize("step", SECOND_STEPS)
def test_the_screens_question_and_the_services_refusal_agree_for_everyone(cast, step):
    can, check, _decider = SECOND_STEPS[step]
    programme = cast.project.call.programme
    people = (cast.lead, cast.partner, cast.outsider, cast.official, cast.second_official, cast.decision_maker, SYSTEM)
    for first in (cast.official.pk, cast.second_official.pk, None):
        for actor in people:
            offered = can(actor, programme, first, project=cast.project)
            assert offered is not _refused(check, actor, programme, first, cast.project), (step, actor, first)


def test_nobody_is_not_an_actor(cast):
    programme = cast.project.call.programme
    for question in (permissions.can_approve_settlement, permissions.can_confirm_change,
                     permissions.can_sign_recovery_decision, permissions.can_approve_payment):
        with pytest.raises(TypeError):
            question(None, programme, cast.official.pk, project=cast.project)
    with pytest.raises(TypeError):
        permissions.can_act_for_lead(None, cast.project)


def test_only_the_leads_people_and_the_system_act_for_the_lead(cast):
    assert permissions.can_act_for_lead(cast.lead, cast.project)
    assert permissions.can_act_for_lead(SYSTEM, cast.project)
    for someone in (cast.partner, cast.outsider, cast.official, cast.decision_maker):
        assert not permissions.can_act_for_lead(someone, cast.project)
        with pytest.raises(NotAllowed, match="^only the lead$"):
            permissions.check_recipient_lead(someone, cast.project, "only the lead")


def _disqualify(official, project) -> None:
    """Give ``official`` an applicant's role for the project's lead: they now act for a party (section 28)."""
    from avustus.accounts.models import Role
    from avustus.accounts.services import grant_role

    lead = next(m.organisation for m in project.application.members.all() if m.role == "lead")
    grant_role(official, Role.APPLICANT, actor=SYSTEM, organisation=lead)


@pytest.mark.parametrize("step", SECOND_STEPS)
@pytest.mark.usefixtures("english")
def test_an_official_who_acts_for_a_member_takes_no_second_step_on_its_project(cast, step):
    can, check, _decider = SECOND_STEPS[step]
    programme = cast.project.call.programme
    _disqualify(cast.second_official, cast.project)
    assert not can(cast.second_official, programme, cast.official.pk, project=cast.project)
    with pytest.raises(NotAllowed, match="disqualified"):
        check(cast.second_official, programme, cast.official.pk, "four eyes", project=cast.project)
    # Another official still may, and the step over no project (None) asks the role alone.
    assert can(cast.official, programme, cast.second_official.pk, project=cast.project)
    assert can(cast.second_official, programme, cast.official.pk, project=None)


@pytest.mark.usefixtures("english")
def test_an_official_who_acts_for_a_partner_manages_none_of_its_project(cast):
    from avustus.accounts.models import Role
    from avustus.accounts.services import grant_role

    programme = cast.project.call.programme
    partner = next(m.organisation for m in cast.project.application.members.all() if m.role == "partner"
                   and m.organisation is not None)
    grant_role(cast.official, Role.APPLICANT, actor=SYSTEM, organisation=partner)
    assert permissions.is_disqualified(cast.official, cast.project)
    assert not permissions.can_manage_projects(cast.official, programme, project=cast.project)
    with pytest.raises(NotAllowed, match="disqualified"):
        permissions.check_manages_projects(cast.official, programme, "officials only", project=cast.project)
    # They still read the project, as a partner's person and as an official.
    assert permissions.can_see_project(cast.official, cast.project)
    # Another official, the system, and the same official on the programme as a whole are not disqualified.
    assert permissions.can_manage_projects(cast.second_official, programme, project=cast.project)
    assert permissions.can_manage_projects(SYSTEM, programme, project=cast.project)
    assert permissions.can_manage_projects(cast.official, programme, project=None)
    assert not permissions.is_disqualified(cast.second_official, cast.project)
    assert not permissions.is_disqualified(SYSTEM, cast.project)
    # The lead's own people register its account as the lead; the disqualified official does not, as an official.
    with pytest.raises(NotAllowed, match="disqualified"):
        permissions.check_registers_account(cast.official, cast.project, "lead or officials")
