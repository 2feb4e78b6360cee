"""The server side of the crash test (``test_crash.py``), run as its own process outside pytest-django.

The database is the one the environment names, as for ``avustus`` itself (``DATABASE_URL``, or SQLite
under ``AVUSTUS_DATA_DIR``). Commands:

- ``setup N``: migrate, open a call, make N applicants each with a complete draft (``tests/process_setup.py``),
  and print as JSON each draft's reference with a session cookie of its applicant;
- ``serve``: serve ``avustus.wsgi`` from a pool of threads on a free port of 127.0.0.1, printing the
  port on the first line once it listens, until killed;
- ``report``: print as JSON what the database holds about each application and the audit log.
"""

import json
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "avustus.settings")


def setup(count: int) -> None:
    from django.test import Client

    from avustus.applications.services import create_draft
    from tests.process_setup import applicants, complete, migrated_call

    call = migrated_call("kuntadigi-crash")
    drafts = []
    for user, lead, partner in applicants(count, "crash"):
        draft = complete(create_draft(call, actor=user, organisation=lead, title=f"Yhteishanke {lead.name_fi}"), user,
                         partner)
        client = Client()
        client.force_login(user)
        drafts.append({"reference": draft.reference, "session": client.cookies["sessionid"].value})
    print(json.dumps(drafts))


class _PooledServer(WSGIServer):
    """Requests answered by a fixed pool of threads, as a production server does: a thread per request
    would leave a database connection behind for every request (CONN_MAX_AGE keeps them open)."""

    request_queue_size = 128  # the burst arrives at once; a short backlog would refuse some before the kill

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.pool = ThreadPoolExecutor(max_workers=8)

    def process_request(self, request, client_address):
        self.pool.submit(self._answer, request, client_address)

    def _answer(self, request, client_address):
        try:
            self.finish_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the signature is the standard library's
        pass


def serve() -> None:
    from avustus.wsgi import application

    server = make_server("127.0.0.1", 0, application, server_class=_PooledServer, handler_class=_QuietHandler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


def report() -> None:
    import django

    django.setup()
    from avustus.applications.models import Application
    from avustus.audit.models import AuditEntry

    submitted = {}
    for entry in AuditEntry.objects.filter(action="application.submitted", target_type="applications.application"):
        submitted.setdefault(entry.target_id, []).append(entry.data.get("idempotency_key", ""))
    print(json.dumps({
        "applications": [
            {"reference": a.reference, "status": a.status,
             "submitted_at": a.submitted_at.isoformat() if a.submitted_at else None,
             "submitted_entries": submitted.get(str(a.pk), [])}
            for a in Application.objects.order_by("reference")
        ],
        "submitted_entries": sum(len(keys) for keys in submitted.values()),
    }))


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "setup":
        import django

        django.setup()
        setup(int(sys.argv[2]))
    elif command == "serve":
        serve()
    elif command == "report":
        report()
    else:
        raise SystemExit(f"unknown command {command}")
