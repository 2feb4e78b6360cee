"""Migration 0009 of settlement: waivers recorded by one official, before a second person was asked for, stay in
force (confirmed), confirmed by the one who took them, so that nothing due changes and an audit finds them."""

from decimal import Decimal

import pytest

from avustus.settlement import recovery as service
from avustus.settlement.models import RecoveryWaiver
from tests.migrations import migrate_to, migrate_to_latest

BEFORE = [("settlement", "0008_reference_rates_to_2026_h1")]
AFTER = [("settlement", "0009_waiver_four_eyes")]


@pytest.mark.django_db(transaction=True)
def test_earlier_waivers_stay_in_force_confirmed_by_who_took_them(cast):
    from avustus.settlement.rates import ensure_shipped_rates
    from tests.security.test_project_matrix import _recoveries

    ensure_shipped_rates()  # a transactional test's database was emptied by the one before
    _hearing, decided = _recoveries(cast.project, cast.official, cast.second_official)
    try:
        old = migrate_to(BEFORE)
        waivers = old.get_model("settlement", "RecoveryWaiver")
        waivers.objects.create(recovery_id=decided.pk, principal=Decimal("100.00"), interest=False,
                               reasons="Yksin päätetty.", decided_by_id=cast.official.pk)
        waivers.objects.create(recovery_id=decided.pk, principal=Decimal("50.00"), interest=True,
                               reasons="Toinenkin.", decided_by_id=None)
        migrate_to(AFTER)
    finally:
        migrate_to_latest()
    rows = list(RecoveryWaiver.objects.order_by("pk"))
    assert [(w.status, w.proposed_by_id, w.confirmed_by_id) for w in rows] == [
        ("confirmed", cast.official.pk, cast.official.pk), ("confirmed", None, None)]
    assert all(w.confirmed_at == w.proposed_at for w in rows)
    assert service.amount_due(decided) == Decimal("850.00") and service.interest_waived(decided)
    assert service.proposed_waiver(decided) is None
