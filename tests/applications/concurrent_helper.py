"""The writers of ``test_concurrent_writers.py``, run as their own process on a real database file (or the
scratch PostgreSQL database the environment names), outside pytest-django's in-memory SQLite.

``python -m tests.applications.concurrent_helper THREADS EACH`` migrates, opens a call, makes one applicant per
thread (``tests/process_setup.py``), then starts the threads at once: each creates, fills and submits EACH
applications through the services, every step its own transaction with an audit entry. Prints JSON: the errors
met, what the database holds, and whether the audit chain verifies.
"""

import json
import os
import sys
import threading
import traceback

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "avustus.settings")


def main(threads: int, each: int) -> None:
    import django

    django.setup()
    from django.db import connection

    from avustus.applications.models import Application
    from avustus.applications.services import create_draft, submit
    from avustus.audit.chain import verify
    from tests.process_setup import applicants, complete, migrated_call

    call = migrated_call("kuntadigi-writers")
    writers = applicants(threads, "writer")
    connection.close()

    errors: list[str] = []
    start = threading.Barrier(threads)

    def write(user, lead, partner):
        from django.db import connection as own

        try:
            start.wait()
            for i in range(each):
                draft = complete(create_draft(call, actor=user, organisation=lead, title=f"Hanke {i}"), user, partner)
                submit(draft, actor=user, idempotency_key=f"{lead.code}-{i}")
        except Exception:
            errors.append(traceback.format_exc())
        finally:
            own.close()

    workers = [threading.Thread(target=write, args=writer) for writer in writers]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    check = verify()
    print(json.dumps({
        "vendor": connection.vendor,
        "errors": errors,
        "submitted": Application.objects.filter(call=call, status="submitted").count(),
        "drafts": Application.objects.filter(call=call, status="draft").count(),
        "audit_ok": check.ok,
    }))


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
