"""How a person is identified: one interface, two ways in.

Every person who uses Avustus is a Django ``User``; what they may do comes from their ``RoleGrant`` rows,
never from how they logged in. There are two ways of proving who one is:

* **Username and password** (``/login/``): Django's ``ModelBackend`` with argon2 hashes. Always on; it
  serves the demo users and local staff accounts.
* **OpenID Connect** (``/oidc/authenticate/``), meant for Suomi.fi e-Identification: on only when the
  environment variable ``AVUSTUS_OIDC_ISSUER`` is set (see the end of ``avustus.settings``).
  ``mozilla-django-oidc`` runs the authorisation-code flow and hands the provider's claims to
  ``OIDCBackend`` below, which maps them to a user:

  - the stable key is the ``sub`` claim; the username is ``oidc:<sub>``, so that an identity from the
    provider can never be confused with, or take over, a local username (local usernames cannot contain
    a colon: Django's username validator forbids it);
  - ``given_name`` and ``family_name`` fill in first and last name and are refreshed at every login;
  - no e-mail address is required or used for matching (Suomi.fi does not always give one, and an
    address is not an identity);
  - a first login creates the user, with an unusable password and no roles; roles are granted
    separately, as for any other user.

Code that needs to know whether OIDC login is offered asks ``oidc_enabled()``.
"""

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

USERNAME_PREFIX = "oidc:"
BACKEND_PATH = "avustus.accounts.identity.OIDCBackend"


def oidc_enabled() -> bool:
    """True when the OIDC backend is configured: it is among the backends and has a provider to send people to."""
    return BACKEND_PATH in getattr(settings, "AUTHENTICATION_BACKENDS", ()) and bool(
        getattr(settings, "OIDC_OP_AUTHORIZATION_ENDPOINT", None)
    )


def username_for_subject(sub: str) -> str:
    """The local username of the person whom the provider calls ``sub``."""
    username = f"{USERNAME_PREFIX}{sub}"
    if len(username) > 150:  # the length of User.username
        raise SuspiciousOperation("OIDC subject is too long for a username")
    return username


class OIDCBackend(OIDCAuthenticationBackend):
    """Maps OpenID Connect claims to a Django user by subject, not by e-mail."""

    def verify_claims(self, claims) -> bool:
        return bool(claims.get("sub"))

    def describe_user_by_claims(self, claims) -> str:
        return f"subject {claims.get('sub')}"

    def filter_users_by_claims(self, claims):
        sub = claims.get("sub")
        if not sub:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(username=username_for_subject(sub))

    def get_username(self, claims) -> str:
        return username_for_subject(claims["sub"])

    def create_user(self, claims):
        user = self.UserModel.objects.create_user(
            self.get_username(claims),
            email="",
            first_name=claims.get("given_name") or "",
            last_name=claims.get("family_name") or "",
        )
        return user

    def update_user(self, user, claims):
        first = claims.get("given_name") or user.first_name
        last = claims.get("family_name") or user.last_name
        if (first, last) != (user.first_name, user.last_name):
            user.first_name, user.last_name = first, last
            user.save(update_fields=["first_name", "last_name"])
        return user
