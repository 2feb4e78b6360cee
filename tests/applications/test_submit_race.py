"""A submission racing a save of the same draft (PostgreSQL): the submission's conditional UPDATE waits for the
save's row lock and then finds another version, so what is submitted, checked and audited is what the save
stored, never the draft as the submitting request had read it. SQLite runs one writer at a time."""

from decimal import Decimal

import pytest
from django.db import transaction

from avustus.applications.models import Application
from avustus.applications.services import DraftChanges, access_application, create_draft, submit, update_draft
from avustus.audit.models import AuditEntry
from avustus.registry.models import Organisation
from tests.races import in_thread, wait_until_blocked_or_done

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgresql_only")]


def test_a_submission_waiting_on_a_save_submits_what_the_save_stored(open_call, hameenlinna_applicant):
    lead = hameenlinna_applicant
    made = create_draft(open_call, actor=lead, organisation=Organisation.objects.get(code="109"), title="Hanke")
    update_draft(made, DraftChanges(plan={"objectives": "Asiointi sujuvaksi."}, partners=["853"],
                                    budget=[{"category": "staff", "amount_vat_free": "100000.00", "vat": "0.00"}],
                                    amount_applied="85000.00"), actor=lead, version=made.version)
    opened = access_application(lead, made.reference, for_edit=True)  # 85,000 applied, as the request read it
    result: dict = {}
    with transaction.atomic():
        # The save holds the row (as update_draft does) while the submission arrives.
        Application.objects.select_for_update().get(pk=opened.pk)
        thread = in_thread(result, "submitted", lambda: submit(opened, actor=lead, idempotency_key="k"))
        wait_until_blocked_or_done(thread)
        assert thread.is_alive(), result  # it waited for the save's lock
        update_draft(access_application(lead, made.reference, for_edit=True),
                     DraftChanges(amount_applied="80000.00"), actor=lead, version=opened.version)
    thread.join(30)
    submitted = result["submitted"]
    assert isinstance(submitted, Application), submitted
    stored = Application.objects.get(pk=opened.pk)
    assert (stored.status, stored.amount_applied, stored.version) == ("submitted", Decimal("80000.00"),
                                                                      opened.version + 1)
    assert submitted.amount_applied == Decimal("80000.00")
    entry = AuditEntry.objects.get(action="application.submitted", target_id=str(opened.pk))
    assert entry.data["amount_applied"] == "80000.00"
