"""The database itself refuses changing audit entries and signed decisions, after every migration."""

import dataclasses
import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from avustus.actors import SYSTEM
from avustus.audit import triggers
from avustus.audit.chain import record, verify
from avustus.audit.models import AuditEntry, ReplacePermit
from avustus.decisions.models import Decision, DecisionDocument, Outcome
from tests.audit.conftest import sql
from tests.conftest import run_document_tasks
from tests.projects.conftest import cast, person  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def refused(statement: str, params=()) -> bool:
    """Whether the database refuses the statement (in a savepoint, so the test's transaction survives)."""
    try:
        with transaction.atomic():
            sql(statement, params)
    except IntegrityError as exc:
        assert "never changed" in str(exc) or "append-only" in str(exc), exc
        return True
    return False


@pytest.fixture
def signed(round_2020):
    """The imported 2020 decision (signed outside Avustus) and a decision signed in Avustus amending it."""
    from django.contrib.auth import get_user_model

    from avustus.decisions.amending import start_amending_decision
    from avustus.decisions.signing import sign_decision

    imported = Decision.objects.get(call=round_2020)
    minister = get_user_model().objects.create(username="ministeri", is_superuser=True)
    draft = start_amending_decision(imported, actor=minister, decided_on=datetime.date(2020, 6, 10))
    deferred = imported.outcomes.get(kind="deferred", number=5)
    Outcome.objects.create(decision=draft, application=deferred.application, kind="granted",
                           amount_granted=Decimal("106200.00"), number=1, recipient=deferred.recipient,
                           recipient_as_written="Paimion kaupungille")
    signed = sign_decision(draft, actor=minister)
    run_document_tasks()
    return imported, signed


def test_every_trigger_is_installed_after_migrating():
    assert triggers.installed(connection) == triggers.expected(connection) != set()


def test_audit_entries_cannot_be_updated_or_deleted(round_2020):
    entry = AuditEntry.objects.first()
    assert refused("UPDATE audit_auditentry SET actor_label = 'mallory' WHERE id = %s", [entry.id])
    assert refused("DELETE FROM audit_auditentry WHERE id = %s", [entry.id])
    # Appending stays possible: that is what the log is for.
    with transaction.atomic():
        record("test.appended", entry, actor=SYSTEM)
    assert verify().ok


def test_signed_decisions_their_outcomes_and_documents_cannot_be_changed(signed):
    imported, amending = signed
    for decision in signed:
        assert refused("UPDATE decisions_decision SET decided_on = %s WHERE id = %s", ["2020-01-01", decision.pk])
        assert refused("DELETE FROM decisions_decision WHERE id = %s", [decision.pk])
        outcome = decision.outcomes.first()
        assert refused("UPDATE decisions_outcome SET amount_granted = 1 WHERE id = %s", [outcome.pk])
        assert refused("DELETE FROM decisions_outcome WHERE id = %s", [outcome.pk])
    document = amending.documents.first()
    assert refused("UPDATE decisions_decisiondocument SET content = %s WHERE id = %s", [b"forged", document.pk])
    assert refused("DELETE FROM decisions_decisiondocument WHERE id = %s", [document.pk])
    # Nor through the ORM's bulk paths, which skip the models' own checks.
    with pytest.raises(IntegrityError), transaction.atomic():
        Outcome.objects.filter(decision=imported).update(amount_granted=Decimal("1.00"))
    with pytest.raises(IntegrityError), transaction.atomic():
        DecisionDocument.objects.filter(decision=amending).delete()
    assert Decision.objects.get(pk=amending.pk).snapshot_sha256 == amending.snapshot_sha256


def test_an_outcome_cannot_be_moved_into_a_signed_decision(signed, round_2020):
    imported, _amending = signed
    draft = Decision.objects.create(call=round_2020, kind=Decision.Kind.AMENDING, amends=imported)
    application = imported.outcomes.filter(kind="rejected").first().application
    outcome = Outcome.objects.create(decision=draft, application=application, kind="rejected")
    assert not refused("UPDATE decisions_outcome SET kind = 'withdrawn' WHERE id = %s", [outcome.pk])
    assert refused("UPDATE decisions_outcome SET decision_id = %s WHERE id = %s", [imported.pk, outcome.pk])


def test_drafts_stay_editable_and_are_signed_by_an_update(round_2020):
    imported = Decision.objects.get(call=round_2020)
    draft = Decision.objects.create(call=round_2020, kind=Decision.Kind.AMENDING, amends=imported)
    assert not refused("UPDATE decisions_decision SET decided_on = %s WHERE id = %s", ["2020-06-01", draft.pk])
    assert not refused("UPDATE decisions_decision SET status = 'signed' WHERE id = %s", [draft.pk])
    assert refused("UPDATE decisions_decision SET status = 'draft' WHERE id = %s", [draft.pk])


def test_replacing_an_imported_round_still_works_and_leaves_no_permit(round_2020):
    from avustus.decisions.bundled import bundled_decision
    from avustus.decisions.round_import import import_parsed

    parsed = bundled_decision()
    changed = dataclasses.replace(parsed, granted_total=(parsed.granted_total or 0) + 1)
    result = import_parsed(changed, actor=SYSTEM, source_name="corrected", replace=True)
    assert result.changed and Decision.objects.filter(call=round_2020).count() == 1
    assert ReplacePermit.objects.count() == 0
    # The permit is gone with the import: the new decision is as protected as the old one was.
    assert refused("DELETE FROM decisions_decision WHERE id = %s", [result.decision.pk])
    assert verify().ok


def test_a_permit_never_lets_a_decision_signed_in_avustus_go(signed, round_2020):
    _imported, amending = signed
    with transaction.atomic(), triggers.replace_permit(round_2020.pk):
        assert refused("DELETE FROM decisions_outcome WHERE decision_id = %s", [amending.pk])
        assert refused("DELETE FROM decisions_decision WHERE id = %s", [amending.pk])
    assert ReplacePermit.objects.count() == 0


def test_a_permit_is_for_one_call_only(signed, open_call):
    imported, _amending = signed
    with transaction.atomic(), triggers.replace_permit(open_call.pk):
        assert refused("DELETE FROM decisions_outcome WHERE decision_id = %s", [imported.pk])


def test_migrating_again_restores_triggers_a_table_rebuild_dropped(round_2020):
    """What a later migration of the decisions app does on SQLite (a table rebuild drops its triggers)."""
    triggers.drop(connection)
    assert triggers.installed(connection) == set()
    call_command("migrate", verbosity=0)
    assert triggers.installed(connection) == triggers.expected(connection)
    assert refused("DELETE FROM decisions_decision WHERE call_id = %s", [round_2020.pk])


@pytest.mark.skipif(connection.vendor != "sqlite", reason="only SQLite rebuilds tables to alter them")
@pytest.mark.django_db(transaction=True)
def test_a_later_migration_rebuilding_a_decisions_table_on_sqlite_works_and_keeps_the_triggers():
    """What ``migrate`` does around a future migration that alters ``decisions_decision`` on SQLite.

    The rebuild drops the table's own triggers, and fails outright while the outcome triggers (which read
    the table) exist; so the triggers come off before migrations (pre_migrate) and back after (post_migrate).
    """
    from django.core.management.sql import emit_post_migrate_signal, emit_pre_migrate_signal
    from django.db.utils import OperationalError

    field = Decision._meta.get_field("source_name")
    wider = field.clone()
    wider.set_attributes_from_name("source_name")
    wider.max_length = 400

    def rebuild(old, new):
        with connection.schema_editor() as editor:
            editor.alter_field(Decision, old, new)

    with pytest.raises(OperationalError, match="avustus_outcome"):
        rebuild(field, wider)
    emit_pre_migrate_signal(verbosity=0, interactive=False, db="default")
    try:
        rebuild(field, wider)
        emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
        assert triggers.installed(connection) == triggers.expected(connection)
    finally:
        emit_pre_migrate_signal(verbosity=0, interactive=False, db="default")
        rebuild(wider, field)
        emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert triggers.installed(connection) == triggers.expected(connection)


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_protected_tables_and_keeps_the_triggers(round_2020):
    """Tests between transactional tests (and ``avustus flush``) empty every table, the audit log too."""
    assert AuditEntry.objects.exists()
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEntry.objects.exists() and not Decision.objects.exists()
    assert triggers.installed(connection) == triggers.expected(connection)


def test_the_database_check_warns_when_a_trigger_is_missing():
    from avustus.audit.checks import triggers_installed

    assert triggers_installed(databases=["default"]) == []
    triggers.drop(connection)
    warnings = triggers_installed(databases=["default"])
    assert [w.id for w in warnings] == ["avustus.audit.W001"] and "avustus_" in warnings[0].msg


def test_the_database_check_is_quiet_before_the_first_migrate(monkeypatch):
    """``migrate`` on an empty database runs the check before it creates the tables and their triggers."""
    from avustus.audit.checks import triggers_installed

    triggers.drop(connection)
    assert [w.id for w in triggers_installed(databases=["default"])] == ["avustus.audit.W001"]
    monkeypatch.setattr(type(connection.introspection), "table_names", lambda self, *a, **k: ["django_migrations"])
    assert triggers_installed(databases=["default"]) == []


def test_the_settlement_triggers_name_every_column_but_the_receivables_file():
    """The triggers list the columns by hand; a column added to the models later must be added there too."""
    from avustus.settlement.models import Recovery, RecoveryWaiver, Settlement

    def columns(model) -> set[str]:
        return {field.column for field in model._meta.concrete_fields}

    assert columns(Settlement) == {*triggers.SETTLEMENT_FIGURES, *triggers.SETTLEMENT_APPROVAL, "receivable_file_id"}
    assert not set(triggers.SETTLEMENT_FIGURES) & set(triggers.SETTLEMENT_APPROVAL)
    assert columns(Recovery) == {*triggers.RECOVERY_DECIDED, "receivable_file_id"}
    # A waiver's proposal, never changed, and its confirmation or declining, set once.
    assert columns(RecoveryWaiver) == {*triggers.WAIVER_PROPOSAL, *triggers.WAIVER_OUTCOME}
    assert not set(triggers.WAIVER_PROPOSAL) & set(triggers.WAIVER_OUTCOME)


def test_settlements_and_their_stored_documents_cannot_be_changed(cast, storage):  # noqa: F811
    from django.utils import timezone

    from avustus.settlement import services as settlement
    from avustus.settlement.models import Settlement, SettlementDocument
    from avustus.settlement.receivables import produce_receivables_file
    from tests.settlement.test_documents import run_settlement_tasks
    from tests.settlement.test_end_to_end import _final_accepted, _through_two_payments

    _through_two_payments(cast)
    _final_accepted(cast, "20 000,00")
    _snapshot, digest = settlement.settlement_preview(cast.project, actor=cast.official)
    made = settlement.settle(cast.project, actor=cast.official, version=digest)
    # Prepared: the figures, the snapshot and its hash are already fixed; the approval is still to be written.
    assert refused("UPDATE settlement_settlement SET to_return = 1 WHERE id = %s", [made.pk])
    assert refused("UPDATE settlement_settlement SET snapshot = %s, sha256 = %s WHERE id = %s",
                   ['{"forged": true}', "0" * 64, made.pk])
    assert refused("UPDATE settlement_settlement SET prepared_by_id = %s WHERE id = %s",
                   [cast.second_official.pk, made.pk])
    approved = settlement.approve_settlement(made, actor=cast.second_official, version=made.sha256)
    # Approved: nothing it says changes, and it is never deleted.
    assert refused("UPDATE settlement_settlement SET approved_by_id = %s WHERE id = %s", [cast.official.pk, made.pk])
    assert refused("UPDATE settlement_settlement SET status = 'prepared' WHERE id = %s", [made.pk])
    assert refused("UPDATE settlement_settlement SET document_data = %s WHERE id = %s", ['{"forged": true}', made.pk])
    assert refused("DELETE FROM settlement_settlement WHERE id = %s", [made.pk])
    with pytest.raises(IntegrityError), transaction.atomic():
        Settlement.objects.filter(pk=made.pk).update(to_return=Decimal("0.00"), left_unreturned=Decimal("0.00"))
    # Its documents: stored once, never changed or deleted.
    assert run_settlement_tasks() == 1
    document = SettlementDocument.objects.get(settlement=made, lang="fi", format="pdf")
    assert refused("UPDATE settlement_settlementdocument SET content = %s WHERE id = %s", [b"forged", document.pk])
    assert refused("UPDATE settlement_settlementdocument SET sha256 = %s WHERE id = %s", ["0" * 64, document.pk])
    assert refused("DELETE FROM settlement_settlementdocument WHERE id = %s", [document.pk])
    with pytest.raises(IntegrityError), transaction.atomic():
        SettlementDocument.objects.filter(settlement=made).delete()
    # The one thing written later: the receivables file it is listed in, once.
    listed = produce_receivables_file(timezone.localdate(), actor=SYSTEM)
    assert Settlement.objects.get(pk=made.pk).receivable_file == listed
    assert refused("UPDATE settlement_settlement SET receivable_file_id = NULL WHERE id = %s", [made.pk])
    stored = Settlement.objects.get(pk=made.pk)
    assert (stored.sha256, stored.snapshot, stored.approved_by, stored.document_data) == (
        approved.sha256, approved.snapshot, cast.second_official, approved.document_data)
    assert SettlementDocument.objects.filter(settlement=made).count() == 4
    assert SettlementDocument.objects.get(pk=document.pk).content == document.content
    assert verify().ok


def test_a_signed_recovery_decision_cannot_be_changed(cast):  # noqa: F811
    from avustus.settlement import recovery as service
    from avustus.settlement.models import Recovery
    from avustus.settlement.receivables import produce_receivables_file
    from tests.settlement.test_end_to_end import _through_two_payments
    from tests.settlement.test_recovery import _decided, _started

    _through_two_payments(cast)
    recovery = _started(cast)
    # Being heard and prepared it still changes: the lead answers, and a prepared decision may be sent back.
    assert not refused("UPDATE settlement_recovery SET hearing_deadline = %s WHERE id = %s",
                       ["2022-10-01", recovery.pk])
    service.respond_to_hearing(recovery, actor=cast.lead, response="Vastaus.")
    recovery.refresh_from_db()
    day = datetime.date(2022, 10, 10)
    _snapshot, digest = service.recovery_preview(recovery, actor=cast.official, due_on=datetime.date(2022, 12, 1),
                                                 on=day)
    prepared = service.prepare_recovery(recovery, actor=cast.official, due_on=datetime.date(2022, 12, 1),
                                        version=digest, on=day)
    service.withdraw_recovery_decision(prepared, actor=cast.second_official, version=prepared.sha256,
                                       reasons="Eräpäivä on liian aikaisin.")
    recovery.refresh_from_db()
    decided = _decided(cast, recovery, on=day)
    assert decided.status == Recovery.Status.DECIDED
    for statement, params in (
            ("UPDATE settlement_recovery SET amount = 1 WHERE id = %s", [decided.pk]),
            ("UPDATE settlement_recovery SET snapshot = %s, sha256 = %s WHERE id = %s",
             ['{"forged": true}', "0" * 64, decided.pk]),
            ("UPDATE settlement_recovery SET due_on = %s WHERE id = %s", ["2023-06-30", decided.pk]),
            ("UPDATE settlement_recovery SET status = 'prepared' WHERE id = %s", [decided.pk]),
            ("UPDATE settlement_recovery SET signed_by_id = %s WHERE id = %s", [cast.official.pk, decided.pk]),
            ("UPDATE settlement_recovery SET response = 'Toinen.' WHERE id = %s", [decided.pk]),
            ("DELETE FROM settlement_recovery WHERE id = %s", [decided.pk])):
        assert refused(statement, params), statement
    with pytest.raises(IntegrityError), transaction.atomic():
        Recovery.objects.filter(pk=decided.pk).update(amount=Decimal("1.00"))
    # Listed in the receivables file once; then that too is fixed.
    listed = produce_receivables_file(day, actor=SYSTEM)
    assert Recovery.objects.get(pk=decided.pk).receivable_file == listed
    assert refused("UPDATE settlement_recovery SET receivable_file_id = NULL WHERE id = %s", [decided.pk])
    stored = Recovery.objects.get(pk=decided.pk)
    assert (stored.amount, stored.sha256, stored.snapshot, stored.due_on, stored.status) == (
        decided.amount, decided.sha256, decided.snapshot, decided.due_on, Recovery.Status.DECIDED)
    assert verify().ok
