"""Races on PostgreSQL's row locks: a step run on a connection of its own while the test's transaction holds a row,
and the wait until it blocks on that row. SQLite runs one writer at a time, so a race test asks for the fixture
``postgresql_only`` (tests/conftest.py) and is skipped there."""

import threading
import time

from django.db import connection, connections

from avustus.errors import Conflict


def wait_until_blocked_or_done(thread: threading.Thread) -> None:
    """Until the thread waits on a row lock, or has finished without waiting (not a timed assertion)."""
    with connection.cursor() as cursor:
        for _ in range(2000):
            cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
            if cursor.fetchone()[0] or not thread.is_alive():
                return
            time.sleep(0.005)


def in_thread(result: dict, key: str, step, refused: type[Exception] | tuple[type[Exception], ...] = Conflict,
              ) -> threading.Thread:
    """Start ``step`` on a thread, so on a connection of its own; ``result[key]`` is what it returned,
    ``("refused", message)`` if it raised ``refused``, or ``("error", repr)`` for anything else (a deadlock, say),
    for the test's assertions to show."""

    def run():
        try:
            result[key] = step()
        except refused as exc:
            result[key] = ("refused", str(exc))
        except Exception as exc:
            result[key] = ("error", repr(exc))
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread
