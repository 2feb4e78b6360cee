"""Who may see what: the questions views and services ask about a user's roles.

This is the beginning of the permission layer; every check lives here so that it can be tested in
one place and audited.
"""

from avustus.accounts.models import Role, RoleGrant

# The role sets, named once: no other module writes a tuple of roles.
OFFICIAL_ROLES = (Role.OFFICIAL, Role.DECISION_MAKER, Role.AUDITOR, Role.ADMINISTRATOR)  # read officials' screens
PREPARERS = (Role.OFFICIAL, Role.ADMINISTRATOR)  # set up calls, screen, assign, propose, present, prepare
DECIDERS = (Role.DECISION_MAKER,)  # approve proposals and sign decisions (never what they presented)


def has_programme_role(user, programme, roles=OFFICIAL_ROLES) -> bool:
    """Whether the user holds one of ``roles`` over the programme (superusers hold them all)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return RoleGrant.objects.filter(user=user, programme=programme, role__in=roles).exists()


def can_see_decision(user, decision) -> bool:
    """A signed decision of a published call is a public document; anything else is the programme's officials' only."""
    if decision.status == decision.Status.SIGNED and decision.call.status != decision.call.Status.DRAFT:
        return True
    return has_programme_role(user, decision.call.programme)


def can_read_dossier(user, application) -> bool:
    """Whether the user may read a submitted application's plan, budget and attachments in an official capacity.

    The programme's officials, decision-makers, auditors and administrators may; a reviewer may read
    the applications assigned to them once they have declared no conflict of interest. Drafts are the
    applicants' alone.
    """
    from avustus.evaluation.models import Assignment

    if application.status == application.Status.DRAFT or not user.is_authenticated:
        return False
    if has_programme_role(user, application.call.programme):
        return True
    return Assignment.objects.filter(application=application, reviewer=user, conflict=Assignment.Conflict.NONE).exists()
