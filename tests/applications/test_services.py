"""Applying: drafts, concurrent edits, submission rules, idempotent submission and withdrawal."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from avustus.applications.models import Application, DraftConflict
from avustus.applications.services import (
    DraftChanges,
    DraftConflictError,
    access_application,
    create_draft,
    submit,
    update_draft,
    withdraw,
)
from avustus.audit.models import AuditEntry
from avustus.errors import NotFound
from avustus.registry.models import Organisation

pytestmark = pytest.mark.django_db

COMPLETE = DraftChanges(
    title="Yhteinen asiointipalvelu",
    plan={"objectives": "Asiointi sujuvaksi kahdessa kunnassa."},
    partners=["853"],
    budget=[{"category": "staff", "amount_vat_free": "80000.00", "vat": "0"},
            {"category": "services", "amount_vat_free": "20000,00", "vat": "4800.00"}],
    amount_applied="85000.00",
)


def test_a_complete_draft_is_submitted_once_and_flagged_for_screening(draft_application, hameenlinna_applicant):
    draft_application = update_draft(draft_application, COMPLETE, actor=hameenlinna_applicant, version=1)
    assert draft_application.version == 2 and draft_application.amount_applied == 85000
    submitted = submit(draft_application, actor=hameenlinna_applicant, idempotency_key="k-1")
    assert submitted.status == "submitted" and submitted.submitted_at
    again = submit(draft_application, actor=hameenlinna_applicant, idempotency_key="k-1")
    assert again.pk == submitted.pk and again.submitted_at == submitted.submitted_at
    assert Application.objects.count() == 1
    assert AuditEntry.objects.filter(action="application.submitted").count() == 1


def test_a_late_submission_is_refused_and_nothing_changes(draft_application, hameenlinna_applicant, open_call):
    update_draft(draft_application, COMPLETE, actor=hameenlinna_applicant, version=1)
    open_call.closes_at = timezone.now() - timedelta(seconds=1)
    open_call.save()
    with pytest.raises(ValidationError) as error:
        submit(draft_application, actor=hameenlinna_applicant)
    assert "__all__" in error.value.message_dict
    assert Application.objects.get(pk=draft_application.pk).status == "draft"


def test_breaches_are_refused_with_the_field_and_the_reason(draft_application, hameenlinna_applicant):
    update_draft(draft_application, DraftChanges(**{**COMPLETE.__dict__, "amount_applied": "85000.01", "partners": []}),
                 actor=hameenlinna_applicant, version=1)
    with pytest.raises(ValidationError) as error:
        submit(draft_application, actor=hameenlinna_applicant)
    errors = error.value.message_dict
    assert "85\u00a0000,00" in errors["amount_applied"][0]
    assert "vähintään 2 kunnan" in errors["members"][0]
    assert Application.objects.get(pk=draft_application.pk).status == "draft"


def test_bad_input_names_the_field_and_stores_nothing(draft_application, hameenlinna_applicant):
    bad = DraftChanges(budget=[{"category": "hardware-x", "amount_vat_free": "1"},
                               {"category": "staff", "amount_vat_free": "12,345"},
                               {"category": "staff", "amount_vat_free": "-5"}],
                       partners=["999"], amount_applied="lots", plan={"nope": "x"})
    with pytest.raises(ValidationError) as error:
        update_draft(draft_application, bad, actor=hameenlinna_applicant, version=1)
    assert set(error.value.message_dict) == {"budget.0.category", "budget.1.amount_vat_free",
                                             "budget.2.amount_vat_free", "members.1", "amount_applied", "plan.nope"}
    fresh = Application.objects.get(pk=draft_application.pk)
    assert fresh.version == 1 and not fresh.budget_lines.exists()


@pytest.mark.parametrize(("typed", "message"), [
    ("lots", "Kirjoita summa euroina, esimerkiksi 12500,00."),
    (0.5, "Kirjoita summa euroina, esimerkiksi 12500,00."),
    ("12,345", "Kirjoita summa euroina enintään kahdella desimaalilla, esimerkiksi 12500,00."),
    ("-5", "Summa ei voi olla negatiivinen."),
    ("1e40", "Kirjoita summa euroina, esimerkiksi 12500,00."),
])
def test_an_amount_is_refused_with_a_message_saying_what_to_write(draft_application, hameenlinna_applicant, typed,
                                                                  message):
    with pytest.raises(ValidationError) as error:
        update_draft(draft_application, DraftChanges(amount_applied=typed), actor=hameenlinna_applicant, version=1)
    assert error.value.message_dict == {"amount_applied": [message]}


@pytest.mark.parametrize(("minimum", "lang", "message"), [
    (1, "sv", "Ansökningsomgången finansierar gemensamma projekt för minst 1 kommun; den här sökandegruppen har 0."),
    (2, "sv", "Ansökningsomgången finansierar gemensamma projekt för minst 2 kommuner; den här sökandegruppen har 1."),
    (1, "en", "The call funds joint projects of at least 1 municipality; this consortium has 0."),
])
def test_the_minimum_of_municipalities_is_told_in_the_right_number(minimum, lang, message):
    from django.utils.translation import override

    from avustus.applications.validation import message as _message
    from avustus.rules.submission import Problem

    with override(lang):
        assert _message(Problem("members", "too_few_municipalities",
                                {"minimum": minimum, "count": minimum - 1})) == message


def test_an_amount_is_read_as_people_type_it(draft_application, hameenlinna_applicant):
    saved = update_draft(draft_application, DraftChanges(amount_applied="12\u00a0500,5"), actor=hameenlinna_applicant,
                         version=1)
    assert saved.amount_applied == Decimal("12500.50")


def test_a_stale_save_is_detected_and_kept_aside(draft_application, hameenlinna_applicant, applicant_of):
    colleague = applicant_of("109", "kollega")
    update_draft(draft_application, DraftChanges(title="Minun otsikkoni"), actor=colleague, version=1)
    with pytest.raises(DraftConflictError) as error:
        update_draft(draft_application, DraftChanges(title="Toinen otsikko"), actor=hameenlinna_applicant, version=1)
    assert "versio 2" in str(error.value)
    assert Application.objects.get(pk=draft_application.pk).title == "Minun otsikkoni"
    assert DraftConflict.objects.get().changes == {"title": "Toinen otsikko"}


def test_other_organisations_see_nothing_and_partners_only_read(draft_application, hameenlinna_applicant, applicant_of):
    update_draft(draft_application, COMPLETE, actor=hameenlinna_applicant, version=1)
    stranger = applicant_of("091")
    with pytest.raises(NotFound):
        access_application(stranger, draft_application.reference)
    with pytest.raises(NotFound):
        access_application(stranger, "no-such-reference")
    turku = applicant_of("853")
    assert access_application(turku, draft_application.reference) == draft_application
    with pytest.raises(NotFound):
        update_draft(draft_application, DraftChanges(title="x"), actor=turku, version=2)
    with pytest.raises(PermissionDenied):
        create_draft(draft_application.call, actor=stranger, organisation=Organisation.objects.get(code="109"))


def test_withdrawal_by_the_lead_until_the_decision(draft_application, hameenlinna_applicant):
    update_draft(draft_application, COMPLETE, actor=hameenlinna_applicant, version=1)
    submit(draft_application, actor=hameenlinna_applicant)
    withdrawn = withdraw(draft_application, actor=hameenlinna_applicant)
    assert withdrawn.status == "withdrawn" and withdrawn.withdrawn_at
    entry = AuditEntry.objects.get(action="application.withdrawn")
    assert entry.actor == hameenlinna_applicant


def test_a_draft_is_withdrawn_by_its_lead_and_offered_so(draft_application, hameenlinna_applicant, applicant_of):
    from avustus.applications.services import can_withdraw

    update_draft(draft_application, COMPLETE, actor=hameenlinna_applicant, version=1)  # Turku a partner
    turku_user = applicant_of("853")
    assert can_withdraw(hameenlinna_applicant, draft_application)
    assert not can_withdraw(turku_user, draft_application)
    withdrawn = withdraw(draft_application, actor=hameenlinna_applicant)
    assert withdrawn.status == "withdrawn" and withdrawn.submitted_at is None
    assert AuditEntry.objects.get(action="application.withdrawn").actor == hameenlinna_applicant
    assert not can_withdraw(hameenlinna_applicant, withdrawn)  # once is all


def test_the_lead_lets_a_partner_edit_but_not_withdraw(draft_application, hameenlinna_applicant, applicant_of):
    from avustus.applications.services import set_partner_editing

    update_draft(draft_application, COMPLETE, actor=hameenlinna_applicant, version=1)
    turku_user = applicant_of("853")
    turku = Organisation.objects.get(code="853")
    with pytest.raises(NotFound):
        set_partner_editing(draft_application, turku, actor=turku_user, allowed=True)  # only the lead decides
    set_partner_editing(draft_application, turku, actor=hameenlinna_applicant, allowed=True)
    edited = update_draft(draft_application, DraftChanges(title="Turun muokkaus"), actor=turku_user, version=2)
    assert edited.title == "Turun muokkaus"
    # A re-saved list keeps it.
    update_draft(draft_application, DraftChanges(partners=["853"]), actor=hameenlinna_applicant, version=3)
    assert update_draft(draft_application, DraftChanges(title="Taas"), actor=turku_user, version=4).version == 5
    submit(draft_application, actor=turku_user)
    with pytest.raises(NotFound):
        withdraw(draft_application, actor=turku_user)
    set_partner_editing(draft_application, turku, actor=hameenlinna_applicant, allowed=False)
    with pytest.raises(ValidationError):
        set_partner_editing(draft_application, Organisation.objects.get(code="091"), actor=hameenlinna_applicant,
                            allowed=True)


def test_an_idempotency_key_makes_one_draft_per_user_and_organisation(open_call, hameenlinna_applicant):
    """A user acting for two bodies who reuses a key (two tabs of the form) gets each body its own draft."""
    from avustus.accounts.models import Role, RoleGrant

    helsinki = Organisation.objects.get(code="091")
    RoleGrant.objects.create(user=hameenlinna_applicant, role=Role.APPLICANT, organisation=helsinki)
    first = create_draft(open_call, actor=hameenlinna_applicant, organisation=Organisation.objects.get(code="109"),
                         idempotency_key="k")
    second = create_draft(open_call, actor=hameenlinna_applicant, organisation=helsinki, idempotency_key="k")
    assert second.pk != first.pk
    assert second.members.get().organisation == helsinki
    again = create_draft(open_call, actor=hameenlinna_applicant, organisation=helsinki, idempotency_key="k")
    assert again.pk == second.pk


@pytest.mark.parametrize(("partners", "message"), [(["853", "853"], "already a partner"),
                                                   (["109"], "lead applicant"),
                                                   # Valtimo merged into Nurmes on 1.1.2020, long before this call.
                                                   (["911"], "Valtimo merged into Nurmes after 31.12.2019")])
def test_a_consortium_naming_a_body_twice_is_refused_on_save(open_call, hameenlinna_applicant, partners, message):
    from django.utils import translation

    draft = create_draft(open_call, actor=hameenlinna_applicant, organisation=Organisation.objects.get(code="109"))
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        update_draft(draft, DraftChanges(partners=partners), actor=hameenlinna_applicant, version=draft.version)
    path = f"members.{len(partners)}"
    assert list(refused.value.message_dict) == [path] and message in refused.value.message_dict[path][0]
    draft.refresh_from_db()
    assert draft.version == 1 and draft.members.count() == 1


def test_a_consortium_of_too_many_members_is_refused_without_reading_the_registry(open_call, hameenlinna_applicant):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import translation

    from avustus.applications.validation import MAX_MEMBERS

    draft = create_draft(open_call, actor=hameenlinna_applicant, organisation=Organisation.objects.get(code="109"))
    keys = [f"body-{n}" for n in range(MAX_MEMBERS + 1)]
    with translation.override("en"), CaptureQueriesContext(connection) as read, \
            pytest.raises(ValidationError) as refused:
        update_draft(draft, DraftChanges(partners=keys), actor=hameenlinna_applicant, version=draft.version)
    assert refused.value.message_dict == {"members": [f"At most {MAX_MEMBERS} members."]}
    assert not [q for q in read.captured_queries if "registry_organisation" in q["sql"]]
