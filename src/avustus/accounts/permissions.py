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


# --- deciding ---
# Screening, evaluation, the proposal and the decisions made on it (evaluation/ and decisions/).

REVIEWERS = (Role.REVIEWER,)  # evaluate the applications assigned to them


def _holds(actor, programme, roles) -> bool:
    """Whether the actor holds one of ``roles`` over the programme; the system does what commands do."""
    from avustus.actors import is_system

    if actor is None:
        raise TypeError("an actor is required: pass the user, or SYSTEM for commands and jobs")
    return is_system(actor) or has_programme_role(actor, programme, roles)


def check_prepares(actor, programme, message: str) -> None:
    """Screen, assign reviewers, set the proposal, present it, prepare later decisions, record notifications."""
    from avustus.errors import NotAllowed

    if not _holds(actor, programme, PREPARERS):
        raise NotAllowed(message)


def check_decides(actor, programme, message: str) -> None:
    """Approve a proposal, return it, sign a decision: a person holding the decision-maker's role, never the system."""
    from avustus.actors import is_system
    from avustus.errors import NotAllowed

    if actor is None:
        raise TypeError("an actor is required: pass the user, or SYSTEM for commands and jobs")
    if is_system(actor) or not has_programme_role(actor, programme, DECIDERS):
        raise NotAllowed(message)


def check_not_presenter(actor, presenting_official_id, message: str) -> None:
    """Four eyes: whoever presented (or prepared) a decision does not approve or sign it."""
    from avustus.errors import NotAllowed

    if presenting_official_id is not None and getattr(actor, "pk", None) == presenting_official_id:
        raise NotAllowed(message)


def can_review(user, programme) -> bool:
    """Whether the user is one of the programme's reviewers (and so may be assigned applications)."""
    return has_programme_role(user, programme, REVIEWERS)


def check_own_assignment(actor, assignment) -> None:
    """A reviewer acts on their own assignment only; someone else's does not exist as far as they can tell."""
    from avustus.errors import NotFound

    if actor is None:
        raise TypeError("an actor is required: pass the user, or SYSTEM for commands and jobs")
    if not actor.is_authenticated or actor.pk is None or assignment.reviewer_id != actor.pk:
        raise NotFound()
