"""Use cases of accounts: the demo users that ``avustus demo`` prints, and granting and revoking roles."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from avustus.accounts.models import Role, RoleGrant
from avustus.accounts.permissions import can_manage_roles
from avustus.actors import SYSTEM
from avustus.audit.chain import record
from avustus.errors import NotAllowed
from avustus.registry.models import Organisation


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: Role
    description: str | Promise  # printed by the demo in the language active


# Demo passwords are public by design: they exist only in a demo database on the user's own machine.
DEMO_LOGINS = (
    DemoLogin("virkailija", "demo-virkailija", Role.OFFICIAL,
              gettext_lazy("presenting official of the Ministry of Finance")),
    DemoLogin("virkailija2", "demo-virkailija2", Role.OFFICIAL,
              gettext_lazy("second official (four eyes: settlements, changes)")),
    DemoLogin("paattaja", "demo-paattaja", Role.DECISION_MAKER, gettext_lazy("decision-maker (minister)")),
    DemoLogin("arvioija", "demo-arvioija", Role.REVIEWER, gettext_lazy("reviewer")),
    DemoLogin("hameenlinna", "demo-hameenlinna", Role.APPLICANT, gettext_lazy("applicant staff of Hämeenlinna (109)")),
    DemoLogin("tarkastaja", "demo-tarkastaja", Role.AUDITOR, gettext_lazy("auditor")),
)
DEMO_APPLICANT_MUNICIPALITY = "109"


@transaction.atomic
def ensure_demo_users(programme) -> tuple[DemoLogin, ...]:
    """Create the demo users and their roles once; a second run finds them and changes nothing."""
    users = get_user_model()
    for login in DEMO_LOGINS:
        user, created = users.objects.get_or_create(username=login.username)
        if created:
            user.set_password(login.password)
            user.save(update_fields=["password"])
            record("user.created", user, actor=SYSTEM, data={"username": login.username, "demo": True})
        scope = (
            {"organisation": Organisation.objects.get(code=DEMO_APPLICANT_MUNICIPALITY), "programme": None}
            if login.role == Role.APPLICANT
            else {"programme": programme, "organisation": None}
        )
        grant_role(user, login.role, actor=SYSTEM, **scope)
    return DEMO_LOGINS


# Granting and revoking roles -------------------------------------------------------------------------
# Every change of who may do what is on the audit log with the grant as it was before and after.


def _grant_data(grant: RoleGrant | None) -> dict | None:
    if grant is None:
        return None
    return {
        "user": grant.user.get_username(),
        "role": grant.role,
        "programme": grant.programme.slug if grant.programme else None,
        "organisation": grant.organisation.key if grant.organisation else None,
    }


def _check_may_manage_roles(actor, programme) -> None:
    if not can_manage_roles(actor, programme):
        raise NotAllowed(_("Only an administrator may change who holds which role."))


def _check_scope(role: str, programme, organisation: Organisation | None) -> None:
    if role not in Role.values:
        raise ValidationError({"role": [_("Unknown role.")]})
    if programme is not None and organisation is not None:
        raise ValidationError({"__all__": [_("A role is over a programme or for an organisation, not both.")]})
    if (role == Role.APPLICANT) != (organisation is not None):
        raise ValidationError({"__all__": [_("An applicant acts for an organisation; other roles are over a "
                                             "programme.")]})


def grant_role(user, role: str, *, actor, programme=None,
               organisation: Organisation | None = None) -> RoleGrant:
    """Give ``user`` the role over ``programme`` or for ``organisation``; granting it again changes nothing."""
    _check_may_manage_roles(actor, programme)
    _check_scope(role, programme, organisation)
    with transaction.atomic():
        grant, created = RoleGrant.objects.select_for_update().get_or_create(
            user=user, role=role, programme=programme, organisation=organisation
        )
        if created:
            record("role.granted", grant, actor=actor, data={"before": None, "after": _grant_data(grant)})
    return grant


def revoke_role(grant: RoleGrant, *, actor) -> None:
    """Take a role away; revoking one already gone changes nothing."""
    _check_may_manage_roles(actor, grant.programme)
    with transaction.atomic():
        # Only the grant's row is locked: PostgreSQL refuses FOR UPDATE on the nullable side of a join.
        current = (
            RoleGrant.objects.select_for_update(of=("self",)).select_related("user", "programme", "organisation")
            .filter(pk=grant.pk).first()
        )
        if current is None:
            return
        record("role.revoked", current, actor=actor, data={"before": _grant_data(current), "after": None})
        current.delete()
