"""The rows a request has read are used again only while they are still true (``services.keep_rows``).

The API opens an application with its members and budget lines, and the save or submission it hands it to
uses those rows instead of reading them again, unless a save came in between (the version moved on).
"""

from decimal import Decimal

import pytest

from avustus.applications.services import (
    DraftChanges,
    access_application,
    create_draft,
    submit,
    update_draft,
)
from avustus.errors import Invalid
from avustus.registry.models import Organisation

pytestmark = pytest.mark.django_db

COMPLETE = DraftChanges(plan={"objectives": "Asiointi sujuvaksi."}, partners=["853"],
                        budget=[{"category": "staff", "amount_vat_free": "100000.00", "vat": "0.00"}],
                        amount_applied="85000.00")


@pytest.fixture
def lead(hameenlinna_applicant):
    return hameenlinna_applicant


@pytest.fixture
def draft(open_call, lead):
    made = create_draft(open_call, actor=lead, organisation=Organisation.objects.get(code="109"), title="Hanke")
    return update_draft(made, COMPLETE, actor=lead, version=made.version)


def test_a_submission_checks_the_budget_saved_after_the_application_was_opened(draft, lead):
    opened = access_application(lead, draft.reference, for_edit=True)  # 100,000 of costs, 85,000 applied
    assert [line.amount_vat_free for line in opened.budget_lines.all()] == [Decimal("100000.00")]
    # Another tab cuts the costs so that 85,000 is more than the aid rate allows, after the first opened it.
    update_draft(opened, DraftChanges(budget=[{"category": "staff", "amount_vat_free": "10000.00"}]), actor=lead,
                 version=opened.version)
    with pytest.raises(Invalid) as refused:
        submit(opened, actor=lead)
    assert "amount_applied" in refused.value.message_dict
    assert draft.__class__.objects.get(pk=draft.pk).status == "draft"


def test_a_save_answers_the_consortium_as_stored_when_another_save_came_first(draft, lead):
    from avustus.applications.validation import members_of

    opened = access_application(lead, draft.reference, for_edit=True)
    update_draft(opened, DraftChanges(partners=["853", "091"]), actor=lead, version=opened.version)
    saved = update_draft(opened, DraftChanges(title="Uusi nimi"), actor=lead, version=opened.version + 1)
    assert [m.organisation.code for m in members_of(saved)] == ["109", "853", "091"]


def test_the_draft_a_service_returned_is_not_trusted_for_who_may_edit_it_later(draft, lead, applicant_of):
    """A caller that goes on using an object a service returned sees the partners added since."""
    helsinki_user = applicant_of("091")
    grown = update_draft(draft, DraftChanges(partners=["853", "091"]), actor=lead, version=draft.version)
    from avustus.applications.services import set_partner_editing

    set_partner_editing(grown, Organisation.objects.get(code="091"), actor=lead, allowed=True)
    edited = update_draft(draft, DraftChanges(title="Helsingin muokkaus"), actor=helsinki_user,
                          version=grown.version)
    assert edited.title == "Helsingin muokkaus"


def test_a_submission_submits_what_is_stored_when_a_save_came_after_the_application_was_opened(draft, lead):
    from avustus.applications.models import Application
    from avustus.audit.models import AuditEntry

    opened = access_application(lead, draft.reference, for_edit=True)  # 85,000 applied
    update_draft(opened, DraftChanges(amount_applied="80000.00"), actor=lead, version=opened.version)
    submitted = submit(opened, actor=lead, idempotency_key="k")
    # Not the opened draft's 85,000: the row changed since it was read, and the submission is of the row.
    assert (submitted.status, submitted.amount_applied) == ("submitted", Decimal("80000.00"))
    stored = Application.objects.get(pk=draft.pk)
    assert (stored.status, stored.amount_applied, stored.version) == ("submitted", Decimal("80000.00"), 3)
    entry = AuditEntry.objects.get(action="application.submitted", target_id=str(draft.pk))
    assert entry.data["amount_applied"] == "80000.00" and entry.data["idempotency_key"] == "k"


def test_a_submission_opened_twice_is_submitted_once(draft, lead):
    from avustus.audit.models import AuditEntry
    from avustus.messaging.models import OutboundMessage

    lead.email = "hakija@hameenlinna.example"  # an address, so that the submission queues its receipt
    lead.save(update_fields=["email"])
    first, second = (access_application(lead, draft.reference, for_edit=True) for _ in range(2))
    submitted = submit(first, actor=lead, idempotency_key="k")
    # The second request read the draft before the first submitted it: it finds the row submitted, not a draft.
    again = submit(second, actor=lead, idempotency_key="k")
    assert again.status == "submitted" and again.submitted_at == submitted.submitted_at
    assert AuditEntry.objects.filter(action="application.submitted", target_id=str(draft.pk)).count() == 1
    assert OutboundMessage.objects.filter(application_id=draft.pk, event="application_submitted").count() == 1


def test_a_submission_marks_the_rounds_stored_ranking_stale(draft, lead, open_call):
    from avustus.evaluation.models import Ranking

    Ranking.objects.create(call=open_call, stale=False)
    submit(access_application(lead, draft.reference, for_edit=True), actor=lead)
    assert Ranking.objects.get(call=open_call).stale is True
