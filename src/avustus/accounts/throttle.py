"""Login throttling: after too many failed password logins, refuse further attempts for a while.

Failures are counted per username (someone guessing one account's password) and per client address
(someone trying many accounts). Once either count reaches its limit within ``WINDOW``, the login form
refuses every attempt for that username or from that address, right or wrong, until the window ends,
with a message saying so. The address limit is higher because a municipality's office shares one
address among many people.

Counts live in Django's cache (``CACHES["default"]``). The local-memory cache of the default settings is
per process: with several server processes each counts separately, so a deployment with many processes
configures a shared cache.
"""

import hashlib
import math
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

WINDOW = 15 * 60
MAX_FAILURES_PER_USERNAME = 5
MAX_FAILURES_PER_ADDRESS = 20
THROTTLED = "throttled"


@dataclass(frozen=True)
class Block:
    """Why and for how long logins are refused."""

    seconds_left: int

    @property
    def minutes_left(self) -> int:
        return max(1, math.ceil(self.seconds_left / 60))


def client_address(request) -> str:
    """The client's IP address; behind the one trusted proxy, the address that proxy saw."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        # The proxy appends the address it saw; anything left of it came from the client and can be forged.
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded.strip():
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _keys(username: str, address: str) -> list[tuple[str, int]]:
    # Hashed: usernames may hold characters a shared cache refuses in keys, and logs need not show them.
    user = hashlib.sha256(username.strip().casefold().encode()).hexdigest()
    addr = hashlib.sha256(address.encode()).hexdigest()
    return [(f"login-failures:user:{user}", MAX_FAILURES_PER_USERNAME),
            (f"login-failures:addr:{addr}", MAX_FAILURES_PER_ADDRESS)]


def blocked(username: str, address: str, *, now: float | None = None) -> Block | None:
    """The block on logging in as ``username`` from ``address``, or None if an attempt may go ahead."""
    now = time.time() if now is None else now
    worst = None
    for key, limit in _keys(username, address):
        state = cache.get(key)
        if state is None:
            continue
        count, started = state
        left = int(started + WINDOW - now)
        if count >= limit and left > 0 and (worst is None or left > worst.seconds_left):
            worst = Block(left)
    return worst


def record_failure(username: str, address: str, *, now: float | None = None) -> None:
    """Count one failed login; a count starts its window at its first failure."""
    now = time.time() if now is None else now
    for key, _limit in _keys(username, address):
        count, started = cache.get(key) or (0, now)
        if now - started >= WINDOW:
            count, started = 0, now
        timeout = max(1, int(started + WINDOW - now))
        cache.set(key, (count + 1, started), timeout)


def record_success(username: str) -> None:
    """Forget the username's failures. The address's stay: one good account must not reset a spray."""
    key, _limit = _keys(username, "")[0]
    cache.delete(key)


def throttled_message(block: Block) -> str:
    until = timezone.localtime(timezone.now() + timedelta(seconds=block.seconds_left + 59))
    return _("Too many failed login attempts. For your security, logging in is refused until %(time)s. "
             "Try again after that.") % {"time": until.strftime("%H.%M")}


class ThrottleMixin:
    """For authentication forms: refuse while blocked, count failures, forget them on success."""

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = client_address(self.request) if self.request is not None else "unknown"
        block = blocked(username, address)
        if block is not None:
            # The password is not even checked: a right guess during the block must not show.
            raise ValidationError(throttled_message(block), code=THROTTLED)
        try:
            cleaned = super().clean()
        except ValidationError as exc:
            if any(error.code == "invalid_login" for error in exc.error_list):
                record_failure(username, address)
            raise
        record_success(username)
        return cleaned


class LoginForm(ThrottleMixin, AuthenticationForm):
    pass


class AdminLoginForm(ThrottleMixin, AdminAuthenticationForm):
    pass


class LoginView(auth_views.LoginView):
    """Django's login view with throttling; a refused attempt answers 429 with the reason on the form."""

    authentication_form = LoginForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context.get("form")
        if form is not None and form.is_bound and form.has_error("__all__", code=THROTTLED):
            context["throttled"] = form.non_field_errors()[0]
        return context

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.has_error("__all__", code=THROTTLED):
            response.status_code = 429
        return response
