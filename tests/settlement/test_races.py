"""Two officials drawing a call's audit sample at once get draws 1 and 2, never two 1s (PostgreSQL row locks)."""

import pytest
from django.db import transaction

from avustus.settlement.models import AuditSample
from avustus.settlement.sampling import draw_audit_sample
from tests.races import in_thread, wait_until_blocked_or_done

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgresql_only")]


def test_two_draws_at_once_are_numbered_one_after_the_other(cast):
    call = cast.project.call
    result: dict = {}
    with transaction.atomic():
        first = draw_audit_sample(call, actor=cast.official, size=2, seed=1)
        thread = in_thread(result, "second", lambda: draw_audit_sample(call, actor=cast.second_official, size=2,
                                                                       seed=2))
        wait_until_blocked_or_done(thread)
    thread.join()
    assert (first.number, result["second"].number) == (1, 2)
    assert sorted(AuditSample.objects.values_list("number", "seed")) == [(1, 1), (2, 2)]
