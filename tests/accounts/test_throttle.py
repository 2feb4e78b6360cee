"""Login throttling: five wrong passwords for a username, or twenty from an address, and logins stop a while."""

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.db import connection
from django.test import Client
from django.utils import timezone

from avustus.accounts import throttle
from avustus.accounts.models import LoginAttemptCounter

pytestmark = pytest.mark.django_db

PASSWORD = "oikea-salasana-123"


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user(username="virkailija", password=PASSWORD)


def login(client, username, password, address="192.0.2.10"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_five_wrong_passwords_block_even_the_right_one(client, user):
    for _ in range(throttle.MAX_FAILURES_PER_USERNAME):
        assert login(client, "virkailija", "väärä").status_code == 200
    response = login(client, "virkailija", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # The block is per username whatever the case the attacker types it in.
    assert login(client, "VIRKAILIJA", PASSWORD, address="192.0.2.99").status_code == 429


def test_block_message_is_clear_and_says_how_long(client, user):
    for _ in range(throttle.MAX_FAILURES_PER_USERNAME):
        login(client, "virkailija", "väärä")
    # The page speaks the request's language, not the test's: ask for English the way a browser does.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = login(client, "virkailija", PASSWORD, address="192.0.2.11").content.decode()
    # Says until when, on the Helsinki clock, rounded up to the minute.
    latest = timezone.localtime(timezone.now() + timedelta(minutes=16)).strftime("%H.%M")
    earliest = timezone.localtime(timezone.now() + timedelta(minutes=14)).strftime("%H.%M")
    shown = re.search(r"refused until (\d\d\.\d\d)\.", page).group(1)
    assert "Too many failed login attempts" in page and (earliest <= shown <= latest or latest < earliest)
    assert "The username or password is wrong" not in page


def test_fewer_failures_do_not_block_and_a_success_forgets_them(client, user):
    for _ in range(throttle.MAX_FAILURES_PER_USERNAME - 1):
        login(client, "virkailija", "väärä")
    assert login(client, "virkailija", PASSWORD).status_code == 302
    client.logout()
    for _ in range(throttle.MAX_FAILURES_PER_USERNAME - 1):
        login(client, "virkailija", "väärä")
    assert login(client, "virkailija", PASSWORD).status_code == 302


def test_one_address_trying_many_usernames_is_blocked(client, user):
    for i in range(throttle.MAX_FAILURES_PER_ADDRESS):
        login(client, f"arvaus-{i}", "väärä", address="198.51.100.7")
    assert login(client, "virkailija", PASSWORD, address="198.51.100.7").status_code == 429
    # Someone else, elsewhere, logs in as usual.
    assert login(client, "virkailija", PASSWORD, address="198.51.100.8").status_code == 302


def test_block_ends_with_its_window():
    start = 1_000_000.0
    for _ in range(throttle.MAX_FAILURES_PER_USERNAME):
        assert throttle.count_attempt("hakija", "192.0.2.1", now=start) is None
    block = throttle.blocked("hakija", "192.0.2.1", now=start + 60)
    assert block is not None and block.minutes_left == 14
    over = throttle.count_attempt("hakija", "192.0.2.1", now=start + 60)
    assert over is not None and over.minutes_left == 14
    assert throttle.blocked("hakija", "192.0.2.1", now=start + throttle.WINDOW + 1) is None
    # Old attempts do not count towards a new window.
    assert throttle.count_attempt("hakija", "192.0.2.1", now=start + throttle.WINDOW + 2) is None
    assert throttle.blocked("hakija", "192.0.2.1", now=start + throttle.WINDOW + 3) is None
    assert LoginAttemptCounter.objects.filter(key__startswith="user:").get().count == 1


def test_a_success_clears_ended_windows_and_keeps_no_names(client, user):
    throttle.count_attempt("joku-muu", "192.0.2.2", now=1_000_000.0)  # a window long since ended
    assert login(client, "virkailija", PASSWORD).status_code == 302
    keys = list(LoginAttemptCounter.objects.values_list("key", flat=True))
    assert len(keys) == 1 and keys[0].startswith("addr:")  # the address's row, at zero; the old one is gone
    assert not any("virkailija" in k or "192.0.2" in k for k in keys)


def test_admin_login_is_throttled_too(client, django_user_model):
    django_user_model.objects.create_superuser(username="admin", password=PASSWORD)
    for _ in range(throttle.MAX_FAILURES_PER_USERNAME):
        client.post("/admin/login/", {"username": "admin", "password": "väärä"}, REMOTE_ADDR="192.0.2.20")
    client.post("/admin/login/", {"username": "admin", "password": PASSWORD}, REMOTE_ADDR="192.0.2.20")
    assert "_auth_user_id" not in client.session


def test_forwarded_address_is_trusted_only_behind_a_proxy(rf, settings):
    request = rf.get("/", HTTP_X_FORWARDED_FOR="203.0.113.5, 192.0.2.44", REMOTE_ADDR="10.0.0.1")
    assert throttle.client_address(request) == "10.0.0.1"
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # The forged left-hand entry is ignored; the proxy's own addition is the client.
    assert throttle.client_address(request) == "192.0.2.44"


@pytest.mark.django_db(transaction=True)
def test_parallel_wrong_passwords_get_no_more_checks_than_the_limit(user, monkeypatch):
    """Thirteen wrong passwords sent at once: at most five are checked, and the right one is refused after (#10).

    Every password check waits, up to a few seconds, for all thirteen to arrive at it, so that the
    attempts overlap as much as they can: if the attempts were counted only after their checks, all
    thirteen would be checked. Runs on SQLite and on PostgreSQL (each thread has its own connection).
    """
    parallel = 13
    together = threading.Barrier(parallel)
    checked = []
    real_authenticate = auth_forms.authenticate

    def slow_authenticate(request=None, **credentials):
        checked.append(credentials["username"])
        try:
            together.wait(timeout=3)
        except threading.BrokenBarrierError:
            pass  # fewer than all reached the check, as they should
        return real_authenticate(request, **credentials)

    monkeypatch.setattr(auth_forms, "authenticate", slow_authenticate)
    if connection.vendor == "sqlite":
        # A SQLite file (as deployed) queues writers on its lock; the test's in-memory database fails them
        # with "table is locked" instead. This lock queues the counting statements the way the file would;
        # the password checks still run side by side.
        writer = threading.Lock()
        real_count_one = throttle._count_one

        def queued(*args, **kwargs):
            with writer:
                return real_count_one(*args, **kwargs)

        monkeypatch.setattr(throttle, "_count_one", queued)

    def attempt(i):
        try:
            return Client().post("/login/", {"username": "virkailija", "password": f"väärä-{i}"},
                                 REMOTE_ADDR=f"192.0.2.{100 + i}").status_code
        finally:
            connection.close()  # this thread's own connection

    with ThreadPoolExecutor(parallel) as pool:
        answers = list(pool.map(attempt, range(parallel)))
    assert len(checked) == throttle.MAX_FAILURES_PER_USERNAME
    assert sorted(answers) == [200] * throttle.MAX_FAILURES_PER_USERNAME + [429] * (
        parallel - throttle.MAX_FAILURES_PER_USERNAME)
    right = Client().post("/login/", {"username": "virkailija", "password": PASSWORD}, REMOTE_ADDR="192.0.2.1")
    assert right.status_code == 429 and len(checked) == throttle.MAX_FAILURES_PER_USERNAME
