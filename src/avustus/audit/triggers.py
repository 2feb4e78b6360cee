"""Database triggers that refuse changing what must never change: audit entries, signed decisions, settlements
and signed recovery decisions.

The models already refuse such changes through the ORM; the triggers make the database itself refuse
them, so that a raw SQL statement, a bulk ``QuerySet.update`` or a bug in a future service cannot alter
the record either. Refused, per table:

- ``audit_auditentry``: every DELETE, and every UPDATE but the sealing of an unsealed entry: its chain fields
  (``position``, ``prev_hash``, ``hash``) going from all empty to all set, every other column unchanged. So an
  entry's content is fixed from its INSERT, sealed or not, and a sealed entry is never re-sealed;
- ``decisions_decision``: UPDATE and DELETE of a signed decision;
- ``decisions_outcome``: UPDATE and DELETE of an outcome of a signed decision (and moving one into it);
- ``decisions_decisiondocument``: every UPDATE and DELETE;
- ``settlement_settlement``: UPDATE of a settlement's figures, snapshot and hash (never changed once made, approved
  or not), UPDATE of anything an approved settlement says (its approval and ``document_data``, from which its
  documents are rendered), and DELETE of an approved settlement;
- ``settlement_settlementdocument``: every UPDATE and DELETE;
- ``settlement_recovery``: UPDATE and DELETE of a decided (signed) recovery decision: its documents are rendered
  on request from the stored snapshot, so the row is the document.

Settlements and decided recoveries have one column that is written later: the receivables file they are listed
in (``receivable_file_id``), set once from empty and never changed after (each is listed once).

One exception: replacing a round imported from a decision signed outside Avustus
(``import_decision(..., replace=True)``) deletes that round's imported decisions. The service takes a
``ReplacePermit`` for the call inside its transaction (``replace_permit``); the triggers let through the
deletion of a decision of that call that was not signed in Avustus (``snapshot_sha256`` empty) and of its
outcomes. Decisions signed in Avustus are never deletable.

Why ``install`` runs after every ``migrate`` (``post_migrate``, see ``apps.py``) and not only in a
migration: SQLite alters many columns by rebuilding the table, which silently drops its triggers, so a
later migration of the decisions app would leave them missing. ``install`` drops and re-creates every
trigger, so it is idempotent and also brings changed trigger bodies up to date.

``avustus flush`` (which tests use between transactional tests) must empty these tables; on SQLite it
does so with DELETE, which the triggers would refuse, so the audit app's ``flush`` command removes the
triggers first and installs them again afterwards (PostgreSQL's TRUNCATE fires no row triggers).
"""

from contextlib import contextmanager

from django.db import transaction

AUDIT_MESSAGE = "audit entries are append-only"
DECISION_MESSAGE = "a signed decision is never changed; make an amending decision"
OUTCOME_MESSAGE = "the outcomes of a signed decision are never changed"
DOCUMENT_MESSAGE = "a stored decision document is never changed"
SETTLEMENT_MESSAGE = "the figures of a settlement and an approved settlement are never changed"
SETTLEMENT_DOCUMENT_MESSAGE = "a stored settlement document is never changed"
RECOVERY_MESSAGE = "a signed recovery decision is never changed"

# The columns sealing sets; every other column of an entry is its content, which no UPDATE may change.
CHAIN_COLUMNS = ("position", "prev_hash", "hash")
# The content columns as SQLite must list them (PostgreSQL compares the whole row but the chain columns, so
# it needs no list); a test checks the list against the model.
AUDIT_CONTENT_COLUMNS = ("id", "at", "actor_id", "actor_label", "actor_kind", "action", "target_type", "target_id",
                         "application_reference", "data")

TABLES = ("audit_auditentry", "audit_replacepermit", "decisions_decision", "decisions_outcome",
          "decisions_decisiondocument", "settlement_settlement", "settlement_settlementdocument",
          "settlement_recovery")

# The columns named here by hand (this app imports no stage's models); tests/audit/test_triggers.py checks that
# they are every column of the models but the receivables file's, so a column added later is not left out.
# A settlement's figures, never changed once made (``Settlement.save`` says the same):
SETTLEMENT_FIGURES = ("id", "project_id", "final_report_id", "grant", "aid_rate", "accepted_costs", "paid",
                      "final_grant", "last_instalment", "to_return", "left_unreturned", "snapshot", "sha256",
                      "prepared_by_id", "prepared_at")
# ... and what its approval adds, never changed once approved:
SETTLEMENT_APPROVAL = ("status", "approved_by_id", "approved_at", "document_data")
# A decided recovery's every column but the receivables file's:
RECOVERY_DECIDED = ("id", "project_id", "ground_section", "ground_subsection", "amount", "reasons",
                    "ground_known_on", "status", "started_by_id", "started_at", "hearing_sent_on",
                    "hearing_deadline", "response", "responded_at", "responded_by_id", "decided_on", "due_on",
                    "snapshot", "sha256", "prepared_by_id", "prepared_at", "signed_by_id", "signed_at",
                    "withdrawn_reasons")


def _changed(columns, differ: str) -> str:
    """SQL true when any of ``columns`` differs between OLD and NEW (NULL-safe: ``differ`` is SQLite's ``IS NOT``
    or PostgreSQL's ``IS DISTINCT FROM``); the receivables file may be set once, from empty."""
    return " OR ".join([f'OLD."{c}" {differ} NEW."{c}"' for c in columns]
                       + [f'(OLD.receivable_file_id IS NOT NULL AND OLD.receivable_file_id {differ} '
                          'NEW.receivable_file_id)'])

# A signed decision whose deletion a permit allows: imported (not signed here) and of a call being replaced.
_SQLITE_PERMITTED = (
    "{d}.snapshot_sha256 = '' AND EXISTS (SELECT 1 FROM audit_replacepermit p WHERE p.call_id = {d}.call_id)"
)

# (trigger name, SQL) for SQLite; RAISE(ABORT) fails the statement and rolls back its changes.
SQLITE = [
    (name, f"CREATE TRIGGER {name} {body}")
    for name, body in (
        ("avustus_audit_entry_no_update",
         "BEFORE UPDATE ON audit_auditentry WHEN NOT ("
         + " AND ".join([f"OLD.{c} IS NULL AND NEW.{c} IS NOT NULL" for c in CHAIN_COLUMNS]
                        + [f"NEW.{c} IS OLD.{c}" for c in AUDIT_CONTENT_COLUMNS])
         + f") BEGIN SELECT RAISE(ABORT, '{AUDIT_MESSAGE}'); END"),
        ("avustus_audit_entry_no_delete",
         f"BEFORE DELETE ON audit_auditentry BEGIN SELECT RAISE(ABORT, '{AUDIT_MESSAGE}'); END"),
        ("avustus_decision_no_update",
         f"BEFORE UPDATE ON decisions_decision WHEN OLD.status = 'signed' "
         f"BEGIN SELECT RAISE(ABORT, '{DECISION_MESSAGE}'); END"),
        ("avustus_decision_no_delete",
         f"BEFORE DELETE ON decisions_decision WHEN OLD.status = 'signed' "
         f"AND NOT ({_SQLITE_PERMITTED.format(d='OLD')}) "
         f"BEGIN SELECT RAISE(ABORT, '{DECISION_MESSAGE}'); END"),
        ("avustus_outcome_no_update",
         "BEFORE UPDATE ON decisions_outcome "  # noqa: S608 -- fixed table names and messages, not input
         "WHEN EXISTS (SELECT 1 FROM decisions_decision d "
         "WHERE d.id IN (OLD.decision_id, NEW.decision_id) AND d.status = 'signed') "
         f"BEGIN SELECT RAISE(ABORT, '{OUTCOME_MESSAGE}'); END"),
        ("avustus_outcome_no_delete",
         "BEFORE DELETE ON decisions_outcome "  # noqa: S608 -- fixed table names and messages, not input
         "WHEN EXISTS (SELECT 1 FROM decisions_decision d "
         f"WHERE d.id = OLD.decision_id AND d.status = 'signed' AND NOT ({_SQLITE_PERMITTED.format(d='d')})) "
         f"BEGIN SELECT RAISE(ABORT, '{OUTCOME_MESSAGE}'); END"),
        ("avustus_document_no_update",
         f"BEFORE UPDATE ON decisions_decisiondocument BEGIN SELECT RAISE(ABORT, '{DOCUMENT_MESSAGE}'); END"),
        ("avustus_document_no_delete",
         f"BEFORE DELETE ON decisions_decisiondocument BEGIN SELECT RAISE(ABORT, '{DOCUMENT_MESSAGE}'); END"),
        ("avustus_settlement_no_update",
         f"BEFORE UPDATE ON settlement_settlement WHEN {_changed(SETTLEMENT_FIGURES, 'IS NOT')} "
         f"OR (OLD.status = 'approved' AND ({_changed(SETTLEMENT_APPROVAL, 'IS NOT')})) "
         f"BEGIN SELECT RAISE(ABORT, '{SETTLEMENT_MESSAGE}'); END"),
        ("avustus_settlement_no_delete",
         f"BEFORE DELETE ON settlement_settlement WHEN OLD.status = 'approved' "
         f"BEGIN SELECT RAISE(ABORT, '{SETTLEMENT_MESSAGE}'); END"),
        ("avustus_settlement_document_no_update",
         f"BEFORE UPDATE ON settlement_settlementdocument "
         f"BEGIN SELECT RAISE(ABORT, '{SETTLEMENT_DOCUMENT_MESSAGE}'); END"),
        ("avustus_settlement_document_no_delete",
         f"BEFORE DELETE ON settlement_settlementdocument "
         f"BEGIN SELECT RAISE(ABORT, '{SETTLEMENT_DOCUMENT_MESSAGE}'); END"),
        ("avustus_recovery_no_update",
         f"BEFORE UPDATE ON settlement_recovery "
         f"WHEN OLD.status = 'decided' AND ({_changed(RECOVERY_DECIDED, 'IS NOT')}) "
         f"BEGIN SELECT RAISE(ABORT, '{RECOVERY_MESSAGE}'); END"),
        ("avustus_recovery_no_delete",
         f"BEFORE DELETE ON settlement_recovery WHEN OLD.status = 'decided' "
         f"BEGIN SELECT RAISE(ABORT, '{RECOVERY_MESSAGE}'); END"),
    )
]

# PostgreSQL: one plpgsql function per table. SQLSTATE 23001 (restrict_violation) so that Django raises
# IntegrityError, as it does for SQLite's RAISE(ABORT).
_PG_FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION avustus_refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Sealing, and only sealing: the chain fields from all empty to all set, the rest of the row unchanged.
    IF TG_OP = 'UPDATE'
       AND OLD.position IS NULL AND OLD.prev_hash IS NULL AND OLD.hash IS NULL
       AND NEW.position IS NOT NULL AND NEW.prev_hash IS NOT NULL AND NEW.hash IS NOT NULL
       AND to_jsonb(NEW) - ARRAY['position', 'prev_hash', 'hash']
           = to_jsonb(OLD) - ARRAY['position', 'prev_hash', 'hash']
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '{AUDIT_MESSAGE}' USING ERRCODE = 'restrict_violation';
END $$;

CREATE OR REPLACE FUNCTION avustus_refuse_document_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{DOCUMENT_MESSAGE}' USING ERRCODE = 'restrict_violation';
END $$;

CREATE OR REPLACE FUNCTION avustus_replace_permitted(decision decisions_decision) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT decision.snapshot_sha256 = ''
       AND EXISTS (SELECT 1 FROM audit_replacepermit p WHERE p.call_id = decision.call_id)
$$;

CREATE OR REPLACE FUNCTION avustus_guard_decision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'signed' AND NOT (TG_OP = 'DELETE' AND avustus_replace_permitted(OLD)) THEN
        RAISE EXCEPTION '{DECISION_MESSAGE}' USING ERRCODE = 'restrict_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION avustus_guard_outcome() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_decision decisions_decision;
BEGIN
    SELECT * INTO old_decision FROM decisions_decision WHERE id = OLD.decision_id;
    IF TG_OP = 'DELETE' THEN
        IF old_decision.status = 'signed' AND NOT avustus_replace_permitted(old_decision) THEN
            RAISE EXCEPTION '{OUTCOME_MESSAGE}' USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN OLD;
    END IF;
    IF old_decision.status = 'signed'
       OR EXISTS (SELECT 1 FROM decisions_decision WHERE id = NEW.decision_id AND status = 'signed') THEN
        RAISE EXCEPTION '{OUTCOME_MESSAGE}' USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION avustus_refuse_settlement_document_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{SETTLEMENT_DOCUMENT_MESSAGE}' USING ERRCODE = 'restrict_violation';
END $$;

CREATE OR REPLACE FUNCTION avustus_guard_settlement() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status = 'approved' THEN
            RAISE EXCEPTION '{SETTLEMENT_MESSAGE}' USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN OLD;
    END IF;
    IF {_changed(SETTLEMENT_FIGURES, 'IS DISTINCT FROM')}
       OR (OLD.status = 'approved' AND ({_changed(SETTLEMENT_APPROVAL, 'IS DISTINCT FROM')})) THEN
        RAISE EXCEPTION '{SETTLEMENT_MESSAGE}' USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION avustus_guard_recovery() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status = 'decided' THEN
            RAISE EXCEPTION '{RECOVERY_MESSAGE}' USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status = 'decided' AND ({_changed(RECOVERY_DECIDED, 'IS DISTINCT FROM')}) THEN
        RAISE EXCEPTION '{RECOVERY_MESSAGE}' USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END $$;
"""  # noqa: S608 -- built from fixed table names and messages, not input

POSTGRESQL_TRIGGERS = [
    ("avustus_audit_entry_append_only", "audit_auditentry", "avustus_refuse_audit_change"),
    ("avustus_decision_signed", "decisions_decision", "avustus_guard_decision"),
    ("avustus_outcome_signed", "decisions_outcome", "avustus_guard_outcome"),
    ("avustus_document_stored", "decisions_decisiondocument", "avustus_refuse_document_change"),
    ("avustus_settlement_made", "settlement_settlement", "avustus_guard_settlement"),
    ("avustus_settlement_document_stored", "settlement_settlementdocument",
     "avustus_refuse_settlement_document_change"),
    ("avustus_recovery_decided", "settlement_recovery", "avustus_guard_recovery"),
]


def supported(connection) -> bool:
    return connection.vendor in ("sqlite", "postgresql")


def _tables_exist(connection) -> bool:
    with connection.cursor() as cursor:
        present = set(connection.introspection.table_names(cursor))
    return all(table in present for table in TABLES)


def drop(connection) -> None:
    """Remove every trigger (and, on PostgreSQL, leave the functions: they do nothing without triggers)."""
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name, _sql in SQLITE:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        elif connection.vendor == "postgresql":
            present = set(connection.introspection.table_names(cursor))
            for name, table, _function in POSTGRESQL_TRIGGERS:
                if table in present:
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")


def install(connection) -> bool:
    """(Re)create every trigger; safe to run any number of times. False where the tables are not there yet."""
    if not supported(connection) or not _tables_exist(connection):
        return False
    drop(connection)
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for _name, sql in SQLITE:
                cursor.execute(sql)
        else:
            cursor.execute(_PG_FUNCTIONS)
            for name, table, function in POSTGRESQL_TRIGGERS:
                cursor.execute(
                    f"CREATE TRIGGER {name} BEFORE UPDATE OR DELETE ON {table} "
                    f"FOR EACH ROW EXECUTE FUNCTION {function}()"
                )
    return True


def installed(connection) -> set[str]:
    """The names of this module's triggers that the database has now."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'avustus_%'")
        elif connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE 'avustus_%'")
        else:
            return set()
        return {row[0] for row in cursor.fetchall()}


def expected(connection) -> set[str]:
    if connection.vendor == "sqlite":
        return {name for name, _sql in SQLITE}
    if connection.vendor == "postgresql":
        return {name for name, _table, _function in POSTGRESQL_TRIGGERS}
    return set()


@contextmanager
def replace_permit(call_id: int):
    """Let the enclosed statements delete the imported (not signed-here) decisions of one call.

    The permit lives in a savepoint of the caller's transaction and is deleted before it ends; should
    anything fail, the savepoint's rollback takes the permit with it. No other transaction ever sees it.
    """
    from avustus.audit.models import ReplacePermit

    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("a replace permit is taken inside the transaction that replaces the round")
    with transaction.atomic():
        permit = ReplacePermit.objects.create(call_id=call_id)
        yield
        ReplacePermit.objects.filter(pk=permit.pk).delete()
