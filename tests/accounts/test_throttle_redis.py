"""Login throttling counted in Redis (``AVUSTUS_CACHE_URL=redis://...``): exact across processes, and the same
blocks as the database's counter. Skipped where no Redis answers at ``AVUSTUS_TEST_REDIS_URL`` (default the
local one); the keys are random per test, so tests sharing a Redis do not see each other's counts."""

import json
import os
import secrets
import subprocess
import sys

import pytest

from avustus.accounts import throttle
from avustus.accounts.models import LoginAttemptCounter

REDIS_URL = os.environ.get("AVUSTUS_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
PASSWORD = "oikea-salasana-123"
PROCESSES = 4
ATTEMPTS_EACH = 25


def _redis_answers() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping())
    except redis.RedisError:
        return False


pytestmark = pytest.mark.skipif(not _redis_answers(), reason=f"no Redis at {REDIS_URL}")

COUNTER = """
import json, sys, django
django.setup()
from avustus.accounts import throttle
key, n = sys.argv[1], int(sys.argv[2])
print(json.dumps([throttle._count_one(key, 0)[0] for _ in range(n)]))
"""


@pytest.fixture
def in_redis(settings):
    settings.AVUSTUS_THROTTLE_REDIS_URL = REDIS_URL
    return settings


def test_processes_counting_at_once_each_get_a_distinct_count_and_none_is_lost(tmp_path):
    key = f"test:{secrets.token_hex(8)}"
    env = {**os.environ, "AVUSTUS_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "avustus.settings",
           "AVUSTUS_CACHE_URL": REDIS_URL}
    env.pop("DATABASE_URL", None)  # counting in Redis needs no database at all
    processes = [subprocess.Popen([sys.executable, "-c", COUNTER, key, str(ATTEMPTS_EACH)], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(PROCESSES)]
    counts = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        counts.extend(json.loads(out))
    assert sorted(counts) == list(range(1, PROCESSES * ATTEMPTS_EACH + 1))
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    name = throttle._redis_key(key)
    assert 0 < client.ttl(name) <= throttle.WINDOW  # the window ends by itself
    client.delete(name)


@pytest.mark.django_db
def test_wrong_passwords_block_the_right_one_and_nothing_is_written_to_the_database(client, in_redis,
                                                                                     django_user_model):
    username = f"virkailija-{secrets.token_hex(4)}"
    address = f"192.0.2.{secrets.randbelow(250) + 1}"
    django_user_model.objects.create_user(username=username, password=PASSWORD)

    def login(password):
        return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)

    for _ in range(throttle.MAX_FAILURES_PER_USERNAME):
        assert login("väärä").status_code == 200
    assert throttle.blocked(username, address) is not None
    assert login(PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session
    assert not LoginAttemptCounter.objects.exists()


@pytest.mark.django_db
def test_a_success_forgets_the_username_and_takes_one_off_the_address(client, in_redis, django_user_model):
    import redis

    username = f"hakija-{secrets.token_hex(4)}"
    address = f"198.51.100.{secrets.randbelow(250) + 1}"
    django_user_model.objects.create_user(username=username, password=PASSWORD)
    for _ in range(3):
        client.post("/login/", {"username": username, "password": "väärä"}, REMOTE_ADDR=address)
    assert client.post("/login/", {"username": username, "password": PASSWORD}, REMOTE_ADDR=address).status_code == 302
    (user_key, _), (addr_key, _) = throttle._keys(username, address)
    store = redis.Redis.from_url(REDIS_URL)
    assert store.get(throttle._redis_key(user_key)) is None
    assert int(store.get(throttle._redis_key(addr_key))) == 3  # four attempts, the good one taken off
    store.delete(throttle._redis_key(addr_key))
