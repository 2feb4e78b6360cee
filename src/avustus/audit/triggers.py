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
  on request from the stored snapshot, so the row is the document;
- ``settlement_recoverywaiver``: every DELETE; UPDATE of what a waiver proposes (the amount, the interest, the
  reasons, who proposed it and when) ever, and any UPDATE of a confirmed or declined waiver. A proposed waiver's
  one change is its confirmation or its declining (``settlement.waivers``), once.

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

from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import transaction

AUDIT_MESSAGE = "audit entries are append-only"
DECISION_MESSAGE = "a signed decision is never changed; make an amending decision"
OUTCOME_MESSAGE = "the outcomes of a signed decision are never changed"
DOCUMENT_MESSAGE = "a stored decision document is never changed"
SETTLEMENT_MESSAGE = "the figures of a settlement and an approved settlement are never changed"
SETTLEMENT_DOCUMENT_MESSAGE = "a stored settlement document is never changed"
RECOVERY_MESSAGE = "a signed recovery decision is never changed"
WAIVER_MESSAGE = "a waiver is never changed once proposed, but confirmed or declined once"

# The columns sealing sets; every other column of an entry is its content, which no UPDATE may change.
CHAIN_COLUMNS = ("position", "prev_hash", "hash")
# The content columns as SQLite must list them (PostgreSQL compares the whole row but the chain columns, so
# it needs no list); a test checks the list against the model.
AUDIT_CONTENT_COLUMNS = ("id", "at", "actor_id", "actor_label", "actor_kind", "action", "target_type", "target_id",
                         "application_reference", "data")

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
# A waiver's proposal, never changed; and what its confirmation or declining adds, never changed after.
WAIVER_PROPOSAL = ("id", "recovery_id", "principal", "interest", "reasons", "proposed_by_id", "proposed_at")
WAIVER_OUTCOME = ("status", "confirmed_by_id", "confirmed_at", "declined_by_id", "declined_at", "declined_reasons")


# The engines' NULL-safe "differs from".
SQLITE_DIFFERS = "IS NOT"
POSTGRESQL_DIFFERS = "IS DISTINCT FROM"


def _changed(columns, differ: str) -> str:
    """SQL true when any of ``columns`` differs between OLD and NEW (``differ``, the engine's NULL-safe
    comparison); the receivables file may be set once, from empty."""
    return " OR ".join([f'OLD."{c}" {differ} NEW."{c}"' for c in columns]
                       + [f'(OLD.receivable_file_id IS NOT NULL AND OLD.receivable_file_id {differ} '
                          'NEW.receivable_file_id)'])


def _unsealed_change(differ: str) -> str:
    """An UPDATE of an audit entry that is not its sealing: the chain fields from all empty to all set, the rest
    of the row unchanged. PostgreSQL compares the whole row but the chain fields, so a column added later is
    covered without a list; SQLite has no such comparison and compares ``AUDIT_CONTENT_COLUMNS``."""
    sealed = [f"OLD.{c} IS NULL AND NEW.{c} IS NOT NULL" for c in CHAIN_COLUMNS]
    if differ == POSTGRESQL_DIFFERS:
        chain = ", ".join(f"'{c}'" for c in CHAIN_COLUMNS)
        unchanged = [f"to_jsonb(NEW) - ARRAY[{chain}] = to_jsonb(OLD) - ARRAY[{chain}]"]
    else:
        unchanged = [f"NEW.{c} IS OLD.{c}" for c in AUDIT_CONTENT_COLUMNS]
    return f"NOT ({' AND '.join(sealed + unchanged)})"


# A signed decision ``d`` whose deletion a permit allows: imported (not signed here) and of a call being replaced.
def _permitted(d: str) -> str:
    return (f"{d}.snapshot_sha256 = '' "  # noqa: S608 -- fixed table and column names, not input
            f"AND EXISTS (SELECT 1 FROM audit_replacepermit p WHERE p.call_id = {d}.call_id)")


@dataclass(frozen=True)
class Guard:
    """One table's refusals, from which both engines' triggers are made: on SQLite ``<name>_no_update`` and
    ``<name>_no_delete``; on PostgreSQL the trigger ``trigger`` running the plpgsql function ``function``.

    ``update`` and ``delete`` say when the statement is refused, as SQL over OLD (and NEW) given the engine's
    NULL-safe "differs" (``SQLITE_DIFFERS`` or ``POSTGRESQL_DIFFERS``); ``None``, always.
    """

    table: str
    message: str
    name: str
    trigger: str
    function: str
    update: Callable[[str], str] | None = None
    delete: Callable[[str], str] | None = None


GUARDS = (
    Guard("audit_auditentry", AUDIT_MESSAGE, "avustus_audit_entry", "avustus_audit_entry_append_only",
          "avustus_refuse_audit_change", update=_unsealed_change),
    Guard("decisions_decision", DECISION_MESSAGE, "avustus_decision", "avustus_decision_signed",
          "avustus_guard_decision", update=lambda differ: "OLD.status = 'signed'",
          delete=lambda differ: f"OLD.status = 'signed' AND NOT ({_permitted('OLD')})"),
    # An outcome of a signed decision, or one moved into a signed decision.
    Guard("decisions_outcome", OUTCOME_MESSAGE, "avustus_outcome", "avustus_outcome_signed",
          "avustus_guard_outcome",
          update=lambda differ: ("EXISTS (SELECT 1 FROM decisions_decision d "
                                 "WHERE d.id IN (OLD.decision_id, NEW.decision_id) AND d.status = 'signed')"),
          delete=lambda differ: ("EXISTS (SELECT 1 FROM decisions_decision d "  # noqa: S608 -- fixed names
                                 "WHERE d.id = OLD.decision_id "
                                 f"AND d.status = 'signed' AND NOT ({_permitted('d')}))")),
    Guard("decisions_decisiondocument", DOCUMENT_MESSAGE, "avustus_document", "avustus_document_stored",
          "avustus_refuse_document_change"),
    Guard("settlement_settlement", SETTLEMENT_MESSAGE, "avustus_settlement", "avustus_settlement_made",
          "avustus_guard_settlement",
          update=lambda differ: (f"{_changed(SETTLEMENT_FIGURES, differ)} "
                                 f"OR (OLD.status = 'approved' AND ({_changed(SETTLEMENT_APPROVAL, differ)}))"),
          delete=lambda differ: "OLD.status = 'approved'"),
    Guard("settlement_settlementdocument", SETTLEMENT_DOCUMENT_MESSAGE, "avustus_settlement_document",
          "avustus_settlement_document_stored", "avustus_refuse_settlement_document_change"),
    Guard("settlement_recovery", RECOVERY_MESSAGE, "avustus_recovery", "avustus_recovery_decided",
          "avustus_guard_recovery",
          update=lambda differ: f"OLD.status = 'decided' AND ({_changed(RECOVERY_DECIDED, differ)})",
          delete=lambda differ: "OLD.status = 'decided'"),
    Guard("settlement_recoverywaiver", WAIVER_MESSAGE, "avustus_waiver", "avustus_waiver_proposed",
          "avustus_guard_waiver",
          update=lambda differ: ("OLD.status <> 'proposed' OR "
                                 + " OR ".join(f'OLD."{c}" {differ} NEW."{c}"' for c in WAIVER_PROPOSAL))),
)

TABLES = (*(guard.table for guard in GUARDS), "audit_replacepermit")


def _sqlite_trigger(guard: Guard, event: str, refused: Callable[[str], str] | None) -> tuple[str, str]:
    # RAISE(ABORT) fails the statement and rolls back its changes.
    name = f"{guard.name}_no_{event.lower()}"
    when = f"WHEN {refused(SQLITE_DIFFERS)} " if refused else ""
    return name, (f"CREATE TRIGGER {name} BEFORE {event} ON {guard.table} {when}"
                  f"BEGIN SELECT RAISE(ABORT, '{guard.message}'); END")


def _postgresql_function(guard: Guard) -> str:
    # SQLSTATE 23001 (restrict_violation) so that Django raises IntegrityError, as it does for SQLite's RAISE(ABORT).
    refuse = f"RAISE EXCEPTION '{guard.message}' USING ERRCODE = 'restrict_violation';"

    def refused_when(refused: Callable[[str], str] | None, returned: str) -> list[str]:
        if refused is None:
            return [refuse]
        return [f"IF {refused(POSTGRESQL_DIFFERS)} THEN", f"    {refuse}", "END IF;", f"RETURN {returned};"]

    body = [refuse] if guard.update is None and guard.delete is None else [
        "IF TG_OP = 'DELETE' THEN", *(f"    {line}" for line in refused_when(guard.delete, "OLD")), "END IF;",
        *refused_when(guard.update, "NEW")]
    lines = "\n".join(f"    {line}" for line in body)
    return (f"CREATE OR REPLACE FUNCTION {guard.function}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            f"BEGIN\n{lines}\nEND $$;")


# (trigger name, SQL) for SQLite.
SQLITE = [trigger for guard in GUARDS
          for trigger in (_sqlite_trigger(guard, "UPDATE", guard.update),
                          _sqlite_trigger(guard, "DELETE", guard.delete))]

# PostgreSQL: one plpgsql function per table and a row trigger running it before UPDATE and DELETE.
_PG_FUNCTIONS = "\n\n".join([*(_postgresql_function(guard) for guard in GUARDS),
                               # Earlier versions' helper; the permit is now checked in the functions themselves.
                               "DROP FUNCTION IF EXISTS avustus_replace_permitted(decisions_decision);"])
POSTGRESQL_TRIGGERS = [(guard.trigger, guard.table, guard.function) for guard in GUARDS]


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
