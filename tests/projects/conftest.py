"""A funded project of the 2020 round, and the people around it: the lead's user, a partner's, two officials and a
decision-maker of the programme. Shared with the reports and payments tests."""

from dataclasses import dataclass

import pytest

from avustus.accounts.models import Role
from avustus.accounts.services import grant_role
from avustus.actors import SYSTEM
from tests.evaluation.conftest import person, small_round  # noqa: F401 (fixtures)

# The project of the tests: Kankaanpää's Pohjois-Satakunnan digitalisaatiohanke, 131 700,00 granted (131 750,00
# applied), with Honkajoki among its partners.


@dataclass
class Cast:
    project: object
    lead: object
    partner: object
    official: object
    second_official: object
    decision_maker: object
    outsider: object


@pytest.fixture
def cast(round_2020, person, django_user_model):  # noqa: F811
    from avustus.projects.models import FundedProject

    project = (FundedProject.objects.select_related("application", "call__programme")
               .get(call=round_2020, application__members__role="lead",
                    application__members__organisation__name_fi="Kankaanpää"))
    members = list(project.application.members.select_related("organisation"))
    lead_org = next(m.organisation for m in members if m.role == "lead")
    partner_org = next(m.organisation for m in members if m.role == "partner" and m.organisation is not None)

    def recipient(username, organisation):
        user = django_user_model.objects.create(username=username)
        grant_role(user, Role.APPLICANT, actor=SYSTEM, organisation=organisation)
        return user

    programme = round_2020.programme
    outsider_org = type(lead_org).objects.get(code="091")
    return Cast(
        project=project,
        lead=recipient("kankaanpaa", lead_org),
        partner=recipient("kumppani", partner_org),
        official=person("virkailija1", programme, Role.OFFICIAL),
        second_official=person("virkailija2", programme, Role.OFFICIAL),
        decision_maker=person("paattaja", programme, Role.DECISION_MAKER),
        outsider=recipient("helsinki", outsider_org),
    )


def room_for_an_extension(call) -> None:
    """The 2020 round leaves no room for an extension (``rules.changes.last_permissible_end``: the decision's own end,
    30.11.2021, is the last whose final report leaves the month to pay the last instalment before the appropriation
    lapses on 31.12.2021). Tests of how an extension works give the round's appropriation that month more, through
    31.1.2022, so that an extension to 31.12.2021 is allowed."""
    from datetime import date

    call.appropriation_usable_until = date(2022, 1, 31)
    call.save(update_fields=["appropriation_usable_until"])
