import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction

from avustus.audit.chain import record, verify
from avustus.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries():
    user = get_user_model().objects.create(username="virkailija")
    with transaction.atomic():
        for i in range(4):
            record("test.changed", user, actor=user, data={"i": i, "name": "Hämeenlinna"})
    return list(AuditEntry.objects.order_by("id"))


def test_chain_of_untouched_entries_verifies(entries):
    result = verify()
    assert result.ok and result.entries == 4


@pytest.mark.django_db(transaction=True)
def test_record_refuses_to_write_outside_a_transaction():
    user = get_user_model().objects.create(username="x")
    with pytest.raises(RuntimeError):
        record("test.changed", user, actor=None)


def _sql(statement, params):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_altered_entry_is_named(entries):
    _sql("UPDATE audit_auditentry SET data = %s WHERE id = %s", ['{"i": 99}', entries[2].id])
    result = verify()
    assert not result.ok and result.entry_id == entries[2].id and "changed" in result.problem


def test_deleted_entry_is_named_by_its_successor(entries):
    _sql("DELETE FROM audit_auditentry WHERE id = %s", [entries[1].id])
    result = verify()
    assert not result.ok and result.entry_id == entries[2].id and "removed or inserted" in result.problem


def test_deleted_last_entry_is_noticed(entries):
    _sql("DELETE FROM audit_auditentry WHERE id = %s", [entries[-1].id])
    result = verify()
    assert not result.ok and result.entry_id is None


def test_inserted_entry_is_named(entries):
    forged = entries[1]
    _sql(
        "INSERT INTO audit_auditentry (at, actor_label, action, target_type, target_id, data, prev_hash, hash) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
        [forged.at, "mallory", "test.changed", "auth.user", "1", "{}", forged.hash, "f" * 64],
    )
    result = verify()
    assert not result.ok
