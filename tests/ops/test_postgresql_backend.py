"""The PostgreSQL backend's health check (``avustus.ops.postgresql``): a kept connection is used without asking
the server anything while nothing arrived on it, and one the server dropped is found unusable."""

import select
import time

import pytest
from django.db import connections

pytestmark = pytest.mark.django_db


@pytest.fixture
def kept():
    if connections["default"].vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    wrapper = connections.create_connection("default")  # a connection of its own, outside the test's transaction
    wrapper.ensure_connection()
    yield wrapper
    wrapper.close()


def test_an_idle_connection_is_usable_without_a_round_trip(kept, monkeypatch):
    from django.db.backends.postgresql.base import DatabaseWrapper

    def no_round_trip(self):
        raise AssertionError("asked the server SELECT 1")

    monkeypatch.setattr(DatabaseWrapper, "is_usable", no_round_trip)
    assert kept.is_usable() is True


def test_a_connection_the_server_dropped_is_not_usable(kept):
    import psycopg

    pid = kept.connection.info.backend_pid
    settings = kept.settings_dict
    with psycopg.connect(dbname=settings["NAME"], user=settings["USER"], host=settings["HOST"],
                         port=settings["PORT"] or 5432, password=settings["PASSWORD"] or None,
                         autocommit=True) as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone()[0] is True
    # Wait (up to 10 s) for the server's goodbye to arrive on the socket, as it has by a later request.
    poller = select.poll()
    poller.register(kept.connection.pgconn.socket, select.POLLIN)
    deadline = time.monotonic() + 10
    while not poller.poll(100) and time.monotonic() < deadline:
        pass
    assert kept.is_usable() is False
    kept.close()
    kept.ensure_connection()  # and the next connection works
    assert kept.is_usable() is True
