"""Two officials drawing a call's audit sample at once get draws 1 and 2, never two 1s (PostgreSQL row locks)."""

import threading

import pytest
from django.db import connection, connections, transaction

from avustus.settlement.models import AuditSample
from avustus.settlement.sampling import draw_audit_sample
from tests.payments.test_races import _wait_until_blocked_or_done

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite runs one writer at a time")


def test_two_draws_at_once_are_numbered_one_after_the_other(cast):
    call = cast.project.call
    result: dict = {}

    def run():
        try:
            result["second"] = draw_audit_sample(call, actor=cast.second_official, size=2, seed=2)
        finally:
            connections.close_all()

    with transaction.atomic():
        first = draw_audit_sample(call, actor=cast.official, size=2, seed=1)
        thread = threading.Thread(target=run)
        thread.start()
        _wait_until_blocked_or_done(thread)
    thread.join()
    assert (first.number, result["second"].number) == (1, 2)
    assert sorted(AuditSample.objects.values_list("number", "seed")) == [(1, 1), (2, 2)]
