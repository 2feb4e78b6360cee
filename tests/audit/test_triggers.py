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

pytestmark = pytest.mark.django_db


def refused(statement: str, params=()) -> bool:
    """Whether the database refuses the statement (in a savepoint, so the test's transaction survives)."""
    try:
        with transaction.atomic():
            sql(statement, params)
    except IntegrityError as exc:
        assert "never changed" in str(exc) or "append-only" in str(exc)
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
