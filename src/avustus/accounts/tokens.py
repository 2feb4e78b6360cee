"""Personal API tokens: create one (shown once), revoke it, and find the user a bearer token acts for.

A token acts with its user's roles, but a person's own confirmation cannot be given by a script:
``require_in_person`` is what presenting, approving and signing ask, and the payment's steps (an official's
registration of the account, its confirmation, the approval and the record of the payment); it refuses a user
who came in with a token. A new password ends the user's tokens, as it ends their sessions. Creating and revoking
a token are on the audit log, and so is its use: the first request of each day a token is used, so the log says
which tokens were in use when without an entry for every request.
"""

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from avustus.accounts.models import ApiToken
from avustus.accounts.permissions import can_manage_tokens_of
from avustus.actors import SYSTEM
from avustus.audit.chain import record
from avustus.errors import NotAllowed
from avustus.prepared import PreparedRead
from avustus.texts import limit_message

PREFIX = "avustus_"  # recognisable in a leaked file or a secret scanner's rules
DEFAULT_DAYS = 90
MAX_DAYS = 365
MAX_TOKEN_LENGTH = 200  # longer than any token made here; anything longer is not looked up
# The attribute that marks a user object as come in with a token (set by ``authenticate``).
_BEARER_MARK = "api_token"


def digest_of(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def _data(token: ApiToken) -> dict:
    return {"user": token.user.get_username(), "hint": token.hint, "name": token.name,
            "expires_at": token.expires_at.isoformat()}


def create_token(user, *, actor, expires_in_days: int = DEFAULT_DAYS, name: str = "") -> tuple[ApiToken, str]:
    """A new token for ``user`` (by the user themselves, or by the system: ``actor`` SYSTEM).

    Returns the stored token and the token itself, which is not kept anywhere and cannot be shown again.
    """
    if not can_manage_tokens_of(actor, user):
        raise NotAllowed(_("Only the user themselves can create their API tokens."))
    require_in_person(actor)
    if (isinstance(expires_in_days, bool) or not isinstance(expires_in_days, int)
            or not 1 <= expires_in_days <= MAX_DAYS):
        raise ValidationError({"expires_in": [_("A token is valid for 1 to %(max)s days.") % {"max": MAX_DAYS}]})
    name = name.strip()
    if len(name) > 100:
        raise ValidationError({"name": [limit_message(100)]})
    if "\x00" in name or any("\ud800" <= c <= "\udfff" for c in name):
        raise ValidationError({"name": [_("The name contains a character that cannot be saved; remove it.")]})
    value = PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name, digest=digest_of(value), hint=value[: len(PREFIX) + 4],
            expires_at=timezone.now() + timedelta(days=expires_in_days),
        )
        record("api_token.created", token, actor=actor, data=_data(token))
    return token, value


def revoke_token(token: ApiToken, *, actor) -> ApiToken:
    """Revoke a token at once; its user (in person) or the system may. Revoking it again changes nothing."""
    if not can_manage_tokens_of(actor, token.user):
        raise NotAllowed(_("Only the user themselves can revoke their API tokens."))
    require_in_person(actor)
    with transaction.atomic():
        current = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
        if current.revoked_at is None:
            current.revoked_at = timezone.now()
            current.save(update_fields=["revoked_at"])
            record("api_token.revoked", current, actor=actor, data=_data(current))
    return current


class EndTokensOnNewPassword:
    """A new password ends the user's API tokens, as it ends their sessions (the security test found a token working
    after its user's password changed: a stolen session kept as a credential for a year).

    Listed in ``AUTH_PASSWORD_VALIDATORS`` for its ``password_changed``, which Django calls when a user is saved with
    a password set by ``set_password`` (a change or a reset), and not when it re-hashes the same password at a
    login (a stronger hasher): scripts' tokens end only when the password does. It validates nothing."""

    def validate(self, password, user=None) -> None:
        return None

    def get_help_text(self) -> str:
        return _("A new password ends your API tokens.")

    def password_changed(self, password, user=None) -> None:
        if user is None or user.pk is None:
            return
        for token in ApiToken.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=timezone.now()):
            revoke_token(token, actor=SYSTEM)


def tokens_of(user):
    """The user's tokens, newest first, revoked and expired ones included (they show as such)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")


# Every API request's first read, compiled once (avustus.prepared). The user's contact details with it: the receipt
# of a submission is addressed by them. The digest is unique: no ORDER BY (the model's).
_TOKEN_BY_DIGEST = PreparedRead(
    lambda digest: ApiToken.objects.select_related("user", "user__contact").filter(digest=digest).order_by(),
    digest=str)


def authenticate(value: str) -> ApiToken | None:
    """The live token with this value, or None; the token's user is marked as acting through it."""
    if not value or len(value) > MAX_TOKEN_LENGTH or not value.startswith(PREFIX):
        return None
    token = _TOKEN_BY_DIGEST.first(digest=digest_of(value))
    now = timezone.now()
    if token is None or token.revoked_at is not None or token.expires_at <= now or not token.user.is_active:
        return None
    if token.last_used_at is None or timezone.localdate(token.last_used_at) != timezone.localdate(now):
        with transaction.atomic():
            # Only the first request of a day writes: the row lock makes two such requests log it once.
            locked = ApiToken.objects.select_for_update().get(pk=token.pk)
            if locked.last_used_at is None or timezone.localdate(locked.last_used_at) != timezone.localdate(now):
                locked.last_used_at = now
                locked.save(update_fields=["last_used_at"])
                record("api_token.used", locked, actor=token.user, data={"hint": token.hint})
    # Not a field of the user: a mark on this request's user object only, read by ``acting_through_token``.
    setattr(token.user, _BEARER_MARK, token)
    return token


def acting_through_token(user) -> bool:
    return getattr(user, _BEARER_MARK, None) is not None


def require_in_person(actor) -> None:
    """Refuse a step that needs a person's own confirmation when the actor came in with an API token."""
    if acting_through_token(actor):
        raise NotAllowed(_("This step needs your own confirmation: it cannot be taken with an API token. "
                                 "Sign in to the service and take it there."))
