"""Migration 0009 of settlement: waivers recorded by one official, before a second person was asked for, stay in
force (confirmed), confirmed by the one who took them, so that nothing due changes and an audit finds them."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from avustus.settlement import recovery as service
from avustus.settlement.models import RecoveryWaiver

BEFORE = [("settlement", "0008_reference_rates_to_2026_h1")]
AFTER = [("settlement", "0009_waiver_four_eyes")]


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.mark.django_db(transaction=True)
def test_earlier_waivers_stay_in_force_confirmed_by_who_took_them(cast):
    from tests.security.test_project_matrix import _recoveries

    _hearing, decided = _recoveries(cast.project, cast.official, cast.second_official)
    try:
        old = _migrate(BEFORE)
        waivers = old.get_model("settlement", "RecoveryWaiver")
        waivers.objects.create(recovery_id=decided.pk, principal=Decimal("100.00"), interest=False,
                               reasons="Yksin päätetty.", decided_by_id=cast.official.pk)
        waivers.objects.create(recovery_id=decided.pk, principal=Decimal("50.00"), interest=True,
                               reasons="Toinenkin.", decided_by_id=None)
        _migrate(AFTER)
    finally:
        _migrate(AFTER)
    rows = list(RecoveryWaiver.objects.order_by("pk"))
    assert [(w.status, w.proposed_by_id, w.confirmed_by_id) for w in rows] == [
        ("confirmed", cast.official.pk, cast.official.pk), ("confirmed", None, None)]
    assert all(w.confirmed_at == w.proposed_at for w in rows)
    assert service.amount_due(decided) == Decimal("850.00") and service.interest_waived(decided)
    assert service.proposed_waiver(decided) is None
