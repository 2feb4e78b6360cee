"""The writers of ``test_concurrent_writers.py``, run as their own process on a real database file (or the
scratch PostgreSQL database the environment names), outside pytest-django's in-memory SQLite.

``python concurrent_helper.py THREADS EACH`` migrates, opens a call, makes one applicant per thread, then
starts the threads at once: each creates, fills and submits EACH applications through the services, every
step its own transaction with an audit entry. Prints JSON: the errors met, what the database holds, and
whether the audit chain verifies.
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
    from datetime import timedelta
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from avustus.accounts.models import Role
    from avustus.accounts.services import grant_role
    from avustus.actors import SYSTEM
    from avustus.applications.models import Application
    from avustus.applications.services import DraftChanges, create_draft, submit, update_draft
    from avustus.audit.chain import verify
    from avustus.calls.models import Call, CostCategory, Programme
    from avustus.registry.models import Organisation
    from avustus.registry.services import sync_registry

    call_command("migrate", verbosity=0)
    sync_registry()
    programme, _ = Programme.objects.get_or_create(slug="kuntadigi", defaults={"name_fi": "Kuntien digitalisaatio"})
    call = Call.objects.create(
        programme=programme, slug="kuntadigi-writers", title_fi="Yhteishankkeet", status=Call.Status.PUBLISHED,
        opens_at=timezone.now() - timedelta(days=1), closes_at=timezone.now() + timedelta(days=30),
        aid_rate=Decimal("0.85"), min_municipalities=2, lead_kinds=["municipality"], partner_kinds=["municipality"],
        plan_fields=[{"key": "objectives", "required": True, "max_length": 5000,
                      "label": {"fi": "Tavoitteet", "sv": "Mål", "en": "Objectives"}}],
    )
    CostCategory.objects.create(call=call, code="staff", position=1, name_fi="henkilöstökustannukset")
    municipalities = list(Organisation.objects.filter(kind="municipality", valid_to__isnull=True)
                          .order_by("code")[: threads + 1])
    users = []
    for lead in municipalities[:threads]:
        user = get_user_model().objects.create(username=f"writer-{lead.code}")
        grant_role(user, Role.APPLICANT, actor=SYSTEM, organisation=lead)
        users.append((user, lead))
    connection.close()

    errors: list[str] = []
    start = threading.Barrier(threads)

    def write(user, lead, partner):
        from django.db import connection as own

        try:
            start.wait()
            for i in range(each):
                draft = create_draft(call, actor=user, organisation=lead, title=f"Hanke {i}")
                changes = DraftChanges(plan={"objectives": "Asiointi sujuvaksi."}, partners=[partner.key],
                                       budget=[{"category": "staff", "amount_vat_free": "10000.00"}],
                                       amount_applied="8500.00")
                draft = update_draft(draft, changes, actor=user, version=draft.version)
                submit(draft, actor=user, idempotency_key=f"{lead.code}-{i}")
        except Exception:
            errors.append(traceback.format_exc())
        finally:
            own.close()

    workers = [threading.Thread(target=write, args=(user, lead, municipalities[n + 1]))
               for n, (user, lead) in enumerate(users)]
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
