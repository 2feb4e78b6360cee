"""Use cases of accounts. For now: the demo users that ``avustus demo`` prints."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from avustus.accounts.models import Role, RoleGrant
from avustus.audit.chain import record
from avustus.calls.models import Programme
from avustus.registry.models import Organisation


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: Role
    description: str


# Demo passwords are public by design: they exist only in a demo database on the user's own machine.
DEMO_LOGINS = (
    DemoLogin("virkailija", "demo-virkailija", Role.OFFICIAL, "presenting official of the Ministry of Finance"),
    DemoLogin("paattaja", "demo-paattaja", Role.DECISION_MAKER, "decision-maker (minister)"),
    DemoLogin("arvioija", "demo-arvioija", Role.REVIEWER, "reviewer"),
    DemoLogin("hameenlinna", "demo-hameenlinna", Role.APPLICANT, "applicant staff of Hämeenlinna (109)"),
    DemoLogin("tarkastaja", "demo-tarkastaja", Role.AUDITOR, "auditor"),
)
DEMO_APPLICANT_MUNICIPALITY = "109"


@transaction.atomic
def ensure_demo_users(programme: Programme) -> tuple[DemoLogin, ...]:
    """Create the demo users and their roles once; a second run finds them and changes nothing."""
    users = get_user_model()
    for login in DEMO_LOGINS:
        user, created = users.objects.get_or_create(username=login.username)
        if created:
            user.set_password(login.password)
            user.save(update_fields=["password"])
            record("user.created", user, actor=None, data={"username": login.username, "demo": True})
        scope = (
            {"organisation": Organisation.objects.get(code=DEMO_APPLICANT_MUNICIPALITY), "programme": None}
            if login.role == Role.APPLICANT
            else {"programme": programme, "organisation": None}
        )
        grant, created = RoleGrant.objects.get_or_create(user=user, role=login.role, **scope)
        if created:
            record("role.granted", grant, actor=None, data={"username": login.username, "role": login.role})
    return DEMO_LOGINS
