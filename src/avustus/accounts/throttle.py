"""Login throttling: after too many password logins, refuse further attempts for a while.

Attempts are counted per username (someone guessing one account's password) and per client address
(someone trying many accounts). Once either count passes its limit within ``WINDOW``, the login form
refuses every attempt for that username or from that address, right or wrong, until the window ends,
with a message saying so. The address limit is higher because a municipality's office shares one
address among many people.

An attempt is counted *before* its password is checked, by one ``UPDATE ... SET count = count + 1`` on a
``LoginAttemptCounter`` row in the database, and the count read back in the same transaction (the row
stays locked until it commits). Parallel requests therefore each get a distinct count, and only those
within the limit have their password checked: thirteen wrong passwords sent at once get five checks, not
thirteen. Being in the database, the count is shared by every server process. A successful login
forgets the username's count and takes its own attempt off the address's count; rows of ended windows
are removed on successful logins and when a new key is counted, one indexed range delete each.

When the cache is Redis (``AVUSTUS_CACHE_URL=redis://...``, setting ``AVUSTUS_THROTTLE_REDIS_URL``), the
counts live there instead: ``INCR`` on a key that expires when its window ends, made in one transaction
(``MULTI``) with the ``SET NX EX`` that starts the window, so every process and server gets a distinct
count there too, without a database write on each login.
"""

import hashlib
import math
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from avustus.accounts.models import LoginAttemptCounter

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
    # Hashed: the table need not hold who tried to log in, nor from where.
    user = hashlib.sha256(username.strip().casefold().encode()).hexdigest()
    addr = hashlib.sha256(address.encode()).hexdigest()
    return [(f"user:{user}", MAX_FAILURES_PER_USERNAME), (f"addr:{addr}", MAX_FAILURES_PER_ADDRESS)]


_redis_clients: dict[str, Any] = {}
# Take one off the address's count, never below zero, in one step.
_DECREMENT = ("local n = tonumber(redis.call('GET', KEYS[1]) or '0') "
              "if n > 0 then return redis.call('DECR', KEYS[1]) end return 0")


def _redis():
    """The Redis client when counting there, else None; one connection pool per process."""
    url = getattr(settings, "AVUSTUS_THROTTLE_REDIS_URL", None)
    if not url:
        return None
    client = _redis_clients.get(url)
    if client is None:
        import redis

        client = _redis_clients[url] = redis.Redis.from_url(url, socket_timeout=5)
    return client


def _redis_key(key: str) -> str:
    return f"avustus:login:{key}"


def _count_one_in_redis(client, key: str, now: float) -> tuple[int, float]:
    """The count of ``key`` after this attempt, and when its window started (its expiry less the window)."""
    name = _redis_key(key)
    pipe = client.pipeline(transaction=True)
    pipe.set(name, 0, ex=WINDOW, nx=True)  # a new window starts at this attempt; INCR keeps the expiry
    pipe.incr(name)
    pipe.pttl(name)
    _new, count, ttl_ms = pipe.execute()
    return int(count), now + max(ttl_ms, 0) / 1000 - WINDOW


def _count_one(key: str, now: float) -> tuple[int, float]:
    client = _redis()
    if client is not None:
        return _count_one_in_redis(client, key, now)
    return _count_one_in_database(key, now)


def _count_one_in_database(key: str, now: float) -> tuple[int, float]:
    """Count one attempt on ``key`` in one statement; the (count, window start) this attempt got."""
    ended = Q(started__lte=now - WINDOW)
    bump = {  # a window that has ended starts again at this attempt
        "count": Case(When(ended, then=Value(1)), default=F("count") + 1),
        "started": Case(When(ended, then=Value(now)), default=F("started")),
    }
    counters = LoginAttemptCounter.objects.filter(key=key)
    with transaction.atomic():
        if not counters.update(**bump):
            # A key not seen in this window: a cheap moment to drop the rows of ended windows (indexed).
            LoginAttemptCounter.objects.filter(started__lte=now - WINDOW).delete()
            try:
                with transaction.atomic():
                    LoginAttemptCounter.objects.create(key=key, started=now, count=1)
                return 1, now
            except IntegrityError:  # another request made the row meanwhile: count on it
                counters.update(**bump)
        # Read back while the UPDATE still holds the row: exactly this attempt's count.
        return counters.values_list("count", "started").get()


def count_attempt(username: str, address: str, *, now: float | None = None) -> Block | None:
    """Count one login attempt; the block on it if either count is now over its limit, else None."""
    now = time.time() if now is None else now
    worst = None
    for key, limit in _keys(username, address):
        count, started = _count_one(key, now)
        left = int(started + WINDOW - now)
        if count > limit and left > 0 and (worst is None or left > worst.seconds_left):
            worst = Block(left)
    return worst


def blocked(username: str, address: str, *, now: float | None = None) -> Block | None:
    """The block the next attempt as ``username`` from ``address`` would meet, without counting one."""
    now = time.time() if now is None else now
    worst = None
    client = _redis()
    for key, limit in _keys(username, address):
        if client is not None:
            pipe = client.pipeline(transaction=True)
            pipe.get(_redis_key(key))
            pipe.pttl(_redis_key(key))
            value, ttl_ms = pipe.execute()
            row = None if value is None or ttl_ms < 0 else (int(value), now + ttl_ms / 1000 - WINDOW)
        else:
            row = LoginAttemptCounter.objects.filter(key=key).values_list("count", "started").first()
        if row is None:
            continue
        count, started = row
        left = int(started + WINDOW - now)
        if count >= limit and left > 0 and (worst is None or left > worst.seconds_left):
            worst = Block(left)
    return worst


def record_success(username: str, address: str, *, now: float | None = None) -> None:
    """Forget the username's attempts and take this one off the address's count.

    The address keeps its other attempts: one good account must not reset a spray over many.
    """
    now = time.time() if now is None else now
    (user_key, _limit), (addr_key, _limit) = _keys(username, address)
    client = _redis()
    if client is not None:  # ended windows expire by themselves
        client.delete(_redis_key(user_key))
        client.eval(_DECREMENT, 1, _redis_key(addr_key))
        return
    LoginAttemptCounter.objects.filter(key=user_key).delete()
    LoginAttemptCounter.objects.filter(key=addr_key, count__gt=0).update(count=F("count") - 1)
    # Cleanup of ended windows, cheap on the index of ``started``.
    LoginAttemptCounter.objects.filter(started__lte=now - WINDOW).delete()


def throttled_message(block: Block) -> str:
    until = timezone.localtime(timezone.now() + timedelta(seconds=block.seconds_left + 59))
    return _("Too many failed login attempts. For your security, logging in is refused until %(time)s. "
             "Try again after that.") % {"time": until.strftime("%H.%M")}


class ThrottleMixin(AuthenticationForm):
    """For authentication forms: count the attempt, refuse it over the limit, forget the count on success.

    An ``AuthenticationForm`` itself so that its ``cleaned_data``, ``request`` and ``clean`` are known here;
    mixed in before the admin's form, it still comes before that form in the method order.
    """

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        if not (username and self.cleaned_data.get("password")):
            return super().clean()  # no password is checked, so there is no attempt to count
        address = client_address(self.request) if self.request is not None else "unknown"
        # Counted first, so that parallel attempts cannot all be checked before any of them is counted.
        block = count_attempt(username, address)
        if block is not None:
            # The password is not even checked: a right guess during the block must not show.
            raise ValidationError(throttled_message(block), code=THROTTLED)
        cleaned = super().clean()  # a wrong password raises, and its attempt stays counted
        record_success(username, address)
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
