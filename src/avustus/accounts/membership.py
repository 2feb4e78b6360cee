"""Who the people of a matter are: a programme's preparers, and the members of a funded project in force and
whether a user acts for one of them: the facts the permission questions rest on (``accounts.permissions`` asks
them; messages go to these people).

A partner removed by an amending decision (``changes``: a change request of kind "partners", confirmed) is no
longer a recipient: its people no longer see the project's reports, payments or settlement from then on and
cannot act on it. They keep what concerned them up to the removal: the application and the original decision
(``can_access_application``, ``can_see_decision``: the application's members are kept as applied) and the
amending decisions up to and including the one that removed them (``can_read_change_decision``). The members
in force are the latest ``ProjectRevision``'s (each amending decision keeps one, revision 1 the project as
decided; ``changes.services.members_in_force`` writes them), read through the project's reverse relation.
"""

from avustus.accounts.models import Role, RoleGrant
from avustus.prepared import PreparedRead

# Asked on every request an applicant makes (the deadline burst's three each): compiled once (avustus.prepared).
_APPLICANT_GRANTS = PreparedRead(
    lambda user: RoleGrant.objects.filter(user_id=user, role=Role.APPLICANT, organisation__isnull=False)
    .values_list("organisation_id", flat=True), user=int)


def applicant_organisation_ids(user_id: int) -> set[int]:
    """The ids of the organisations the user acts for as an applicant (``permissions.applicant_organisations``)."""
    return set(_APPLICANT_GRANTS.all(user=user_id))


def preparers_of(programme) -> list:
    """The users who prepare the programme's matters (reminded of what is overdue there)."""
    from avustus.accounts.permissions import PREPARERS  # the role sets are permissions', which imports this module

    return [grant.user for grant in RoleGrant.objects.filter(programme=programme, role__in=PREPARERS)
            .select_related("user").order_by("user_id")]


def members_in_force_ids(project) -> set[int] | None:
    """The ids of the members in force by the project's latest revision; None when no change was ever decided
    (every member of the application is in force). Reads ``project.revisions.all()``, so that a list of projects
    prefetches them (``payments.selectors.my_projects``)."""
    latest = max(project.revisions.all(), key=lambda revision: revision.number, default=None)
    return None if latest is None else set(latest.members)


def recipient_members(project) -> list:
    """The members whose people are the project's recipients now: the application's members in force (a partner
    removed by an amending decision is not; messages about the project go to these too)."""
    members = list(project.application.members.all())
    in_force = members_in_force_ids(project)
    return members if in_force is None else [m for m in members if m.pk in in_force]


def acts_for_member(orgs: set[int], member) -> bool:
    """The user acts for the member, or for the body that carries on a member that ceased (Kankaanpää for
    Honkajoki from 1.1.2021)."""
    return member.organisation_id in orgs or (member.organisation is not None
                                              and member.organisation.successor_id in orgs)


def acts_for_a_member_in_force(orgs: set[int], project) -> bool:
    """``is_recipient`` given the organisations the user acts for (``applicant_organisations``), read once for a
    list of projects."""
    return bool(orgs) and any(acts_for_member(orgs, m) for m in recipient_members(project))
