"""Personal API tokens: made once and stored only as a hash, expiring, revoked at once, audited, and never
enough for a step that needs a person's own confirmation; ``avustus api-token`` on the command line."""

import hashlib
import io
import json
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone, translation

from avustus.accounts import tokens
from avustus.accounts.models import ApiToken, Role, RoleGrant
from avustus.actors import SYSTEM
from avustus.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create(username="skripti")


def test_a_token_is_long_random_prefixed_and_stored_only_as_its_hash(user):
    token, value = tokens.create_token(user, actor=user)
    assert value.startswith("avustus_") and len(value) >= len("avustus_") + 43
    assert token.digest == hashlib.sha256(value.encode()).hexdigest()
    assert value not in json.dumps(list(ApiToken.objects.values()), default=str)
    assert timedelta(days=89, hours=23) < token.expires_at - timezone.now() <= timedelta(days=90)
    assert tokens.authenticate(value).user == user
    assert tokens.create_token(user, actor=user)[1] != value


def test_a_new_password_ends_the_users_tokens(user, django_user_model):
    """The security test found a token working after its user logged out and, by the code, after a new password:
    one stolen session could be kept as a credential for a year."""
    user.set_password("vanha-salasana-1")
    user.save()
    token, value = tokens.create_token(user, actor=user)
    other_token, other_value = tokens.create_token(django_user_model.objects.create(username="toinen"),
                                                   actor=SYSTEM)
    user = django_user_model.objects.get(pk=user.pk)
    # Logging in with the old password, re-hashed by a stronger hasher, ends nothing.
    assert user.check_password("vanha-salasana-1")
    assert tokens.authenticate(value) is not None
    user.set_password("uusi-salasana-2")
    user.save()
    assert tokens.authenticate(value) is None
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert AuditEntry.objects.filter(action="api_token.revoked", target_id=str(token.pk)).count() == 1
    assert tokens.authenticate(other_value) is not None  # another user's token is not touched
    assert tokens.authenticate(tokens.create_token(user, actor=user)[1]) is not None


def test_a_password_re_hashed_at_login_ends_no_token(user, settings):
    """Django re-hashes a password at login when the hasher's parameters grew; that is no new password."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    user.set_password("sama-salasana-3")
    user.save()
    _token, value = tokens.create_token(user, actor=user)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher",
                                 "django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    stored = type(user).objects.get(pk=user.pk)
    assert stored.check_password("sama-salasana-3")
    assert type(user).objects.get(pk=user.pk).password.startswith("argon2")  # re-hashed and saved
    assert tokens.authenticate(value) is not None


@pytest.mark.parametrize("days", [0, -1, 366, True])
def test_a_token_lives_a_day_to_a_year(user, days):
    with pytest.raises(ValidationError) as refused:
        tokens.create_token(user, actor=user, expires_in_days=days)
    assert "expires_in" in refused.value.message_dict
    assert not ApiToken.objects.exists()


def test_only_the_user_creates_and_revokes_their_own(user, django_user_model):
    other = django_user_model.objects.create(username="muu")
    with pytest.raises(PermissionDenied):
        tokens.create_token(user, actor=other)
    token, value = tokens.create_token(user, actor=user)
    with pytest.raises(PermissionDenied):
        tokens.revoke_token(token, actor=other)
    assert tokens.authenticate(value) is not None
    tokens.revoke_token(token, actor=user)
    tokens.revoke_token(token, actor=user)  # again: nothing changes
    assert tokens.authenticate(value) is None
    assert list(AuditEntry.objects.filter(target_type="accounts.apitoken").values_list("action", flat=True)
                .order_by("id")) == ["api_token.created", "api_token.used", "api_token.revoked"]


def test_a_token_cannot_make_or_revoke_tokens(user):
    _token, value = tokens.create_token(user, actor=user)
    through_token = tokens.authenticate(value).user
    with pytest.raises(PermissionDenied):
        tokens.create_token(through_token, actor=through_token)


def test_steps_needing_a_persons_own_confirmation_are_refused_to_a_token(round_2020, user):
    """Presenting, approving and signing: the token's user holds the roles, but a script cannot confirm."""
    from avustus.decisions.amending import start_amending_decision
    from avustus.decisions.approval import approve
    from avustus.decisions.models import Decision
    from avustus.decisions.signing import sign_decision
    from avustus.evaluation.proposals import compute_proposal, present, presentable_version

    for role in (Role.OFFICIAL, Role.DECISION_MAKER):
        RoleGrant.objects.create(user=user, role=role, programme=round_2020.programme)
    signed = Decision.objects.get(call=round_2020, amends__isnull=True)
    draft = start_amending_decision(signed, actor=SYSTEM, decided_on=date(2020, 6, 10))
    _token, value = tokens.create_token(user, actor=SYSTEM)
    actor = tokens.authenticate(value).user
    shown = presentable_version(compute_proposal(round_2020))  # the proposal as read: the token alone refuses
    before = AuditEntry.objects.count()
    with translation.override("en"):
        for step in (lambda: present(round_2020, actor=actor, version=shown),
                     lambda: approve(round_2020, actor=actor, version="seen"),
                     lambda: sign_decision(draft, actor=actor)):
            with pytest.raises(PermissionDenied, match="API token"):
                step()
    draft.refresh_from_db()
    assert draft.status != Decision.Status.SIGNED and AuditEntry.objects.count() == before


def _command(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("api_token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_prints_a_working_token_once(user):
    out, _err = _command("create", "skripti", "--json", "--expires-in", "30")
    value = json.loads(out)["token"]
    token = tokens.authenticate(value)
    assert token.user == user and token.expires_at - timezone.now() <= timedelta(days=30)
    plain, _err = _command("create", "skripti")
    assert plain.strip().startswith("avustus_") and tokens.authenticate(plain.strip()) is not None
    listed = json.loads(_command("list", "skripti", "--json")[0])
    assert len(listed) == 2 and value not in json.dumps(listed)
    _command("revoke", "skripti", token.hint)
    assert tokens.authenticate(value) is None
    assert AuditEntry.objects.filter(action="api_token.created", actor_label="system").count() == 2


def test_the_command_refuses_what_it_cannot_do(user):
    with translation.override("en"), pytest.raises(CommandError, match="No user named “nobody”"):
        _command("create", "nobody")
    with pytest.raises(CommandError):
        _command("create", "skripti", "--expires-in", "400")
    assert not ApiToken.objects.exists()


def test_avustus_api_token_maps_to_the_command(user, monkeypatch, capsys):
    from avustus import cli

    cli.main(["avustus", "api-token", "create", "skripti", "--json"])
    assert json.loads(capsys.readouterr().out)["token"].startswith("avustus_")
