"""Changes of who may do what are on the audit log with the grant before and after."""

import io

import pytest
from django.contrib.admin.sites import site
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory

from avustus.accounts.models import Role, RoleGrant
from avustus.accounts.services import grant_role, revoke_role
from avustus.actors import SYSTEM
from avustus.audit.chain import verify
from avustus.audit.models import AuditEntry
from avustus.registry.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(open_call):
    return open_call.programme


@pytest.fixture
def admin_user(django_user_model, programme):
    user = django_user_model.objects.create(username="paakayttaja")
    grant_role(user, Role.ADMINISTRATOR, actor=SYSTEM, programme=programme)
    return user


@pytest.fixture
def person(django_user_model):
    return django_user_model.objects.create(username="uusi-virkailija")


def role_entries(of: str | None = None):
    """The role changes on the log, of one username if given (the fixtures' own grants are there too)."""
    entries = AuditEntry.objects.filter(action__startswith="role.").order_by("id").values_list(
        "action", "actor_label", "data")
    return [e for e in entries if of is None or (e[2]["after"] or e[2]["before"])["user"] == of]


def test_granting_and_revoking_are_recorded_with_before_and_after(person, admin_user, programme):
    grant = grant_role(person, Role.AUDITOR, actor=admin_user, programme=programme)
    assert grant_role(person, Role.AUDITOR, actor=admin_user, programme=programme) == grant  # once only
    revoke_role(grant, actor=admin_user)
    revoke_role(grant, actor=admin_user)  # already gone: nothing more
    after = {"user": "uusi-virkailija", "role": "auditor", "programme": programme.slug, "organisation": None}
    assert role_entries("uusi-virkailija") == [
        ("role.granted", "paakayttaja", {"before": None, "after": after}),
        ("role.revoked", "paakayttaja", {"before": after, "after": None}),
    ]
    assert not RoleGrant.objects.filter(user=person).exists() and verify().ok


def test_an_applicant_role_is_for_an_organisation(person, programme):
    hameenlinna = Organisation.objects.get(code="109")
    grant_role(person, Role.APPLICANT, actor=SYSTEM, organisation=hameenlinna)
    assert role_entries("uusi-virkailija")[0][2]["after"] == {
        "user": "uusi-virkailija", "role": "applicant", "programme": None, "organisation": hameenlinna.key}
    with pytest.raises(ValidationError):
        grant_role(person, Role.APPLICANT, actor=SYSTEM, programme=programme)
    with pytest.raises(ValidationError):
        grant_role(person, Role.OFFICIAL, actor=SYSTEM, organisation=hameenlinna)
    with pytest.raises(ValidationError):
        grant_role(person, "pope", actor=SYSTEM, programme=programme)


def test_only_administrators_change_roles(person, programme, django_user_model):
    official = django_user_model.objects.create(username="virkailija")
    grant_role(official, Role.OFFICIAL, actor=SYSTEM, programme=programme)
    with pytest.raises(PermissionDenied):
        grant_role(person, Role.OFFICIAL, actor=official, programme=programme)
    grant = grant_role(person, Role.OFFICIAL, actor=SYSTEM, programme=programme)
    with pytest.raises(PermissionDenied):
        revoke_role(grant, actor=official)
    with pytest.raises(PermissionDenied):  # an administrator of a programme does not hand out organisations' roles
        grant_role(person, Role.APPLICANT, actor=official, organisation=Organisation.objects.get(code="109"))
    assert [e[0] for e in role_entries("uusi-virkailija")] == ["role.granted"]


def test_the_admin_goes_through_the_services(person, programme, django_user_model):
    root = django_user_model.objects.create(username="root", is_superuser=True, is_staff=True)
    request = RequestFactory().post("/admin/")
    request.user = root
    model_admin = site._registry[RoleGrant]
    grant = RoleGrant(user=person, role=Role.REVIEWER, programme=programme)
    model_admin.save_model(request, grant, form=None, change=False)
    assert grant.pk == RoleGrant.objects.get(user=person).pk
    model_admin.delete_queryset(request, RoleGrant.objects.filter(user=person))
    assert [(a, who) for a, who, _data in role_entries("uusi-virkailija")] == [
        ("role.granted", "root"), ("role.revoked", "root")]
    assert not model_admin.has_change_permission(request, grant)


def test_the_demo_users_roles_are_granted_through_the_service(db):
    from django.core.management import call_command

    call_command("demo", "--no-serve", stdout=io.StringIO())
    entries = role_entries()
    # One grant per demo login with a role: two officials (four eyes), the decision-maker, the reviewer, the
    # applicant's staff and the auditor.
    assert len(entries) == RoleGrant.objects.count() == 6
    assert all(action == "role.granted" and data["before"] is None for action, _who, data in entries)
