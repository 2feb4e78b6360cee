"""Django's PostgreSQL backend, with a health check of a persistent connection that costs no round trip.

With ``CONN_HEALTH_CHECKS`` Django asks a connection it kept from an earlier request ``SELECT 1`` before the
request's first query: one more round trip (and a wake-up of the server process) for every request, about one
statement in sixteen of the deadline burst's (docs/performance.md, "Less work per request"). What that check
is for is a server that restarted or dropped the connection meanwhile: the server then says goodbye (a
``FATAL`` message) and closes the socket, so the socket of an idle connection has something to read. Here
a connection is asked ``SELECT 1`` only when there is something to read (or libpq has already marked it
broken, or it is not idle); otherwise nothing arrived since its last answer and it is used as it is. A
connection that broke silently (a cable, not a server) fails at the request's first query, which the
request answers with 503 and ``Retry-After`` (``avustus.web.unavailable``), and is closed after it.
"""

import select

import psycopg
from django.db.backends.postgresql.base import DatabaseWrapper as PostgresDatabaseWrapper
from psycopg import pq


class DatabaseWrapper(PostgresDatabaseWrapper):
    def is_usable(self) -> bool:
        if self.connection is None:
            return False
        pgconn = self.connection.pgconn
        if pgconn.status != pq.ConnStatus.OK:
            return False
        if pgconn.transaction_status != pq.TransactionStatus.IDLE:
            return super().is_usable()
        try:
            poller = select.poll()
            poller.register(pgconn.socket, select.POLLIN | select.POLLPRI)
            pending = poller.poll(0)
        except (OSError, ValueError, psycopg.Error):  # no socket any more
            return False
        return True if not pending else super().is_usable()
