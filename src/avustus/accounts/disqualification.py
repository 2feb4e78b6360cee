"""Disqualification (esteellisyys, jäv; Administrative Procedure Act 434/2003 section 28) after the decision.

An official who acts for a member of a funded project (an applicant's role for its lead or a partner, or for
the body that carries on one) is a party's representative there. They read the project but take none of the
officials' steps on it: reviewing its reports, accepting or approving its payments, confirming its account,
settling it, recovering from it, deciding its changes. Every member of the application counts, a partner removed
by an amending decision too: what is decided after the removal (a settlement, a recovery) still concerns the
money it received. The evaluation stage asks reviewers the same question (``evaluation.reviews``: employment
and a declared conflict of interest); here the roles answer it.

``accounts.permissions`` asks this module in its project officials' checks and their ``can_*`` twins, so the
services refuse and the screens do not offer; the question is asked in the query that finds the role, so a
screen asks no more than it did.
"""

from django.db.models import Q
from django.utils.translation import gettext as _

from avustus.accounts.models import Role, RoleGrant


def refusal() -> str:
    """What the disqualified official is told, in the Act's terms ("esteellinen", "jävig")."""
    return _("You are disqualified from this project's matters: you act for one of its member organisations "
             "(Administrative Procedure Act, section 28).")


def holds_and_disqualified(user, programme, roles, project) -> tuple[bool, bool]:
    """(``user``, an authenticated person, holds one of ``roles`` over the programme; holds one and acts for a
    member of ``project``), in one query. One who holds no role is refused as such, not as disqualified; a
    superuser holds every role but may still be disqualified."""
    application_id = project.application_id
    member = Q(organisation__memberships__application_id=application_id)
    carried_on = Q(organisation__predecessors__memberships__application_id=application_id)
    found = set(RoleGrant.objects.filter(user=user).filter(
        Q(programme=programme, role__in=roles) | (Q(role=Role.APPLICANT) & (member | carried_on)))
        .values_list("role", flat=True).distinct())
    holds = user.is_superuser or bool(found - {Role.APPLICANT})
    return holds, holds and Role.APPLICANT in found
