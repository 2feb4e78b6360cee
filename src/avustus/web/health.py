"""Probes for the server's supervisor and load balancer: ``/livez`` (the process answers) and ``/healthz``
(the database answers and has every migration applied).

Both pass the whole middleware stack like any page, so that what they say holds for real requests;
``/livez`` touches no database, which also makes it the floor of ``benchmarks/deadline_burst.py``: the
most requests a second this server answers through the stack. Their answers are tiny and public, never
cached (``NoStoreUnlessPublic`` marks them, as they are not public routes).
"""

import logging

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.db.utils import DatabaseError
from django.http import JsonResponse
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)
_expected: set[tuple[str, str]] | None = None


def _migrations_on_disk() -> set[tuple[str, str]]:
    """The migrations this code expects, read from disk once per process (they change only with the code)."""
    global _expected
    if _expected is None:
        # No connection: the graph of the files alone (squashed migrations stand for what they replace).
        _expected = set(MigrationLoader(None, ignore_no_migrations=True).graph.nodes)
    return _expected


@require_GET
def live(request):
    """The process is up and answers through the middleware; says nothing of the database."""
    return JsonResponse({"status": "ok"})


@require_GET
def health(request):
    """200 when the database answers and holds every migration of this code; else 503, saying which."""
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        applied = set(MigrationRecorder(connection).applied_migrations())
    except DatabaseError as error:
        logger.warning("health check: the database does not answer: %s", error)
        response = JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
        response["Retry-After"] = "5"
        return response
    pending = sorted(f"{app}.{name}" for app, name in _migrations_on_disk() - applied)
    if pending:
        return JsonResponse({"status": "unavailable", "database": "ok", "migrations_pending": len(pending),
                             "first_pending": pending[0]}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
