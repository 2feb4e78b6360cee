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


def _stored_members(draft):
    from avustus.applications.models import ConsortiumMember

    return [(m.organisation.code, m.role, m.position, m.can_edit)
            for m in ConsortiumMember.objects.filter(application=draft).order_by("position")]


def _stored_budget(draft):
    from avustus.applications.models import BudgetLine

    return [(b.category.code, b.amount_vat_free, b.vat, b.description, b.position)
            for b in BudgetLine.objects.filter(application=draft).order_by("position")]


def test_a_save_of_an_opened_draft_writes_only_what_changed_and_keeps_what_the_lead_allowed(draft, lead):
    """Saves built on the rows read when the draft was opened: the partners and lines end as sent every time,
    and a partner the lead let edit keeps that through saves that keep it in the consortium."""
    from avustus.applications.models import BudgetLine
    from avustus.applications.services import set_partner_editing

    set_partner_editing(draft, Organisation.objects.get(code="853"), actor=lead, allowed=True)

    def save(**changes):
        opened = access_application(lead, draft.reference, for_edit=True)
        return update_draft(opened, DraftChanges(**changes), actor=lead, version=opened.version)

    first_line = BudgetLine.objects.get(application=draft).pk
    same = save(partners=["853"], budget=[{"category": "staff", "amount_vat_free": "100000.00", "vat": "0"}])
    assert same.version == draft.version + 1
    assert _stored_members(draft) == [("109", "lead", 0, False), ("853", "partner", 1, True)]
    assert [b.pk for b in BudgetLine.objects.filter(application=draft)] == [first_line]  # not rewritten

    grown = save(partners=["853", "091"],
                 budget=[{"category": "staff", "amount_vat_free": "90000.00", "vat": "0"},
                         {"category": "services", "amount_vat_free": "5000,00", "vat": "1200.00", "description": "IT"}])
    assert _stored_members(draft) == [("109", "lead", 0, False), ("853", "partner", 1, True),
                                      ("091", "partner", 2, False)]
    assert _stored_budget(draft) == [("staff", Decimal("90000.00"), Decimal("0.00"), "", 0),
                                     ("services", Decimal("5000.00"), Decimal("1200.00"), "IT", 1)]
    assert [(m.organisation.code, m.role) for m in grown.members.all()] == [("109", "lead"), ("853", "partner"),
                                                                            ("091", "partner")]

    # Another order: the partners are written again, the lead's permission with the one that stays.
    reordered = save(partners=["091", "853"], budget=[{"category": "travel", "amount_vat_free": "700"}])
    assert _stored_members(draft) == [("109", "lead", 0, False), ("091", "partner", 1, False),
                                      ("853", "partner", 2, True)]
    assert _stored_budget(draft) == [("travel", Decimal("700.00"), Decimal("0.00"), "", 0)]
    assert [b["category"] for b in _answer(reordered)["budget"]] == ["travel"]

    save(partners=[], budget=[])
    assert _stored_members(draft) == [("109", "lead", 0, False)] and _stored_budget(draft) == []
    assert draft.__class__.objects.get(pk=draft.pk).version == draft.version + 4


def _answer(application):
    from avustus.api.applications import _application_out

    return _application_out(application)


def test_a_save_of_a_draft_opened_before_another_save_is_kept_aside(draft, lead):
    """The one-statement save matches only the version it was opened at: the later one is refused as stale,
    and what the first stored stays."""
    from avustus.applications.models import Application, DraftConflict
    from avustus.applications.services import DraftConflictError

    opened = access_application(lead, draft.reference, for_edit=True)
    other = access_application(lead, draft.reference, for_edit=True)  # another tab
    update_draft(other, DraftChanges(partners=["091"], budget=[]), actor=lead, version=other.version)
    with pytest.raises(DraftConflictError):
        update_draft(opened, DraftChanges(partners=["853", "049"], title="Myöhässä"), actor=lead,
                     version=opened.version)
    stored = Application.objects.get(pk=draft.pk)
    assert stored.version == draft.version + 1 and stored.title == "Hanke"
    assert _stored_members(draft) == [("109", "lead", 0, False), ("091", "partner", 1, False)]
    assert _stored_budget(draft) == []
    assert DraftConflict.objects.get().changes == {"title": "Myöhässä", "partners": ["853", "049"]}


def test_a_draft_submitted_after_it_was_opened_is_not_changed_by_a_save(draft, lead):
    from avustus.applications.models import Application

    opened = access_application(lead, draft.reference, for_edit=True)
    submit(access_application(lead, draft.reference, for_edit=True), actor=lead)
    with pytest.raises(Invalid):
        update_draft(opened, DraftChanges(title="Liian myöhään", budget=[]), actor=lead, version=opened.version)
    stored = Application.objects.get(pk=draft.pk)
    assert stored.status == "submitted" and stored.title == "Hanke" and stored.version == draft.version
    assert _stored_budget(draft) == [("staff", Decimal("100000.00"), Decimal("0.00"), "", 0)]


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


def test_an_opened_applications_budget_lines_come_with_the_calls_kept_categories(draft, lead,
                                                                                 django_assert_num_queries):
    from avustus.calls import parts

    access_application(lead, draft.reference)  # the call's parts read once, then kept
    with django_assert_num_queries(4):  # the application with its call, the role grants, members, lines
        opened = access_application(lead, draft.reference)
    with django_assert_num_queries(0):
        lines = list(opened.budget_lines.all())
        assert [(line.category.code, line.amount_vat_free) for line in lines] == [("staff", Decimal("100000.00"))]
    assert lines[0].category is parts.kept_categories(opened.call)[0]


def test_a_line_of_a_call_not_published_joins_its_category_and_a_refused_opening_reads_no_lines(
        draft, lead, open_call, applicant_of, django_assert_num_queries):
    from avustus.calls.models import Call
    from avustus.errors import NotFound

    Call.objects.filter(pk=open_call.pk).update(status=Call.Status.CLOSED)  # no save: nothing forgets the cache
    with django_assert_num_queries(4):  # still four: the lines join their category instead of the kept ones
        opened = access_application(lead, draft.reference)
    with django_assert_num_queries(0):
        assert [line.category.code for line in opened.budget_lines.all()] == ["staff"]
    stranger = applicant_of("091")
    with django_assert_num_queries(3), pytest.raises(NotFound):  # the application, its members, the grants
        access_application(stranger, draft.reference)
