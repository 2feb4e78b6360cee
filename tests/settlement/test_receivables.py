"""Signed recovery decisions are receivables beside settlements' amounts to return, each with its own Finnish
reference number, listed once, ever."""

from datetime import date
from decimal import Decimal

import pytest

from avustus.actors import SYSTEM
from avustus.audit.models import AuditEntry
from avustus.errors import NotAllowed
from avustus.payments.payment_file import RECOVERY_PREFIX, reference_of
from avustus.rules.reference_number import finnish_reference
from avustus.settlement import recovery as service
from avustus.settlement.models import Recovery
from avustus.settlement.receivables import RECEIVABLE_COLUMNS, produce_receivables_file, recovery_reference
from tests.settlement.test_end_to_end import _through_two_payments
from tests.settlement.test_recovery import _decided, _started
from tests.settlement.test_waivers import _waived

pytestmark = pytest.mark.django_db

DECIDED_ON = date(2022, 10, 10)


def test_a_signed_recovery_is_listed_once_with_its_own_reference_number(cast):
    _through_two_payments(cast)
    recovery = _started(cast)
    service.respond_to_hearing(recovery, actor=cast.lead, response="Vastaus.")
    # Not signed yet: nothing to list.
    assert produce_receivables_file(DECIDED_ON, actor=SYSTEM) is None
    recovery.refresh_from_db()
    decided = _decided(cast, recovery, on=DECIDED_ON)
    assert produce_receivables_file(date(2022, 10, 9), actor=SYSTEM) is None  # another day's file
    made = produce_receivables_file(DECIDED_ON, actor=SYSTEM)
    header, row, *rest = made.content.split("\r\n")
    assert header.split(";") == RECEIVABLE_COLUMNS and rest == [""]
    cells = dict(zip(RECEIVABLE_COLUMNS, row.split(";"), strict=True))
    reference = recovery_reference(decided)
    assert reference == reference_of(RECOVERY_PREFIX, decided.pk) == finnish_reference(f"3{decided.pk:06d}")
    assert reference.startswith("3")
    assert cells["amount"] == "40000,00" and cells["reference"] == reference
    assert cells["project"] == cast.project.reference and cells["settlement"] == ""
    assert cells["recovery"] == f"{decided.pk}/{decided.sha256[:12]}"
    assert Recovery.objects.get(pk=decided.pk).receivable_file == made
    assert AuditEntry.objects.get(action="settlement.receivables_file_produced").data["recoveries"] == [decided.pk]
    # Never twice.
    assert produce_receivables_file(DECIDED_ON, actor=SYSTEM) is None


def test_only_payment_approvers_produce_it_and_a_refusal_lists_nothing(cast):
    _through_two_payments(cast)
    recovery = _started(cast)
    service.respond_to_hearing(recovery, actor=cast.lead, response="Vastaus.")
    recovery.refresh_from_db()
    decided = _decided(cast, recovery, on=DECIDED_ON)
    with pytest.raises(NotAllowed):
        produce_receivables_file(DECIDED_ON, actor=cast.lead)
    assert Recovery.objects.get(pk=decided.pk).receivable_file is None


def _signed(cast):
    _through_two_payments(cast)
    recovery = _started(cast)
    service.respond_to_hearing(recovery, actor=cast.lead, response="Vastaus.")
    recovery.refresh_from_db()
    return _decided(cast, recovery, on=DECIDED_ON)


def test_a_part_waived_before_the_file_is_made_is_not_listed_as_to_collect(cast):
    decided = _signed(cast)
    _waived(cast, decided, principal="15 000,50", interest=False,
            reasons="Kohtuullistetaan 26 §:n nojalla.")
    made = produce_receivables_file(DECIDED_ON, actor=SYSTEM)
    header, row, *rest = made.content.split("\r\n")
    cells = dict(zip(RECEIVABLE_COLUMNS, row.split(";"), strict=True))
    # 40 000,00 decided, 15 000,50 waived: 24 999,50 is what the State's accounting is to collect.
    assert cells["amount"] == "24999,50" and cells["reference"] == recovery_reference(decided)
    assert Recovery.objects.get(pk=decided.pk).receivable_file == made
    entry = AuditEntry.objects.get(action="settlement.receivables_file_produced")
    assert entry.data["recoveries"] == [decided.pk] and entry.data["amounts"] == {str(decided.pk): "24999.50"}


def test_a_recovery_waived_in_full_before_the_file_is_made_is_not_a_receivable(cast):
    decided = _signed(cast)
    _waived(cast, decided, principal="40 000,00", interest=True,
            reasons="Kohtuullistetaan kokonaan 26 §:n nojalla.")
    assert produce_receivables_file(DECIDED_ON, actor=SYSTEM) is None
    assert Recovery.objects.get(pk=decided.pk).receivable_file is None
    assert not AuditEntry.objects.filter(action="settlement.receivables_file_produced").exists()


def test_a_waiver_after_the_file_leaves_the_file_as_made(cast):
    decided = _signed(cast)
    made = produce_receivables_file(DECIDED_ON, actor=SYSTEM)
    _waived(cast, decided, principal="10 000,00", interest=False,
            reasons="Kohtuullistetaan 26 §:n nojalla.")
    assert produce_receivables_file(DECIDED_ON, actor=SYSTEM) is None
    made.refresh_from_db()
    assert ";40000,00;" in made.content


def test_the_page_lists_what_the_file_would_collect_and_nothing_it_would_not(cast):
    from avustus.settlement.selectors import unfiled_recoveries

    decided = _signed(cast)
    _waived(cast, decided, principal="15 000,50", interest=False,
            reasons="Kohtuullistetaan 26 §:n nojalla.")
    listed = unfiled_recoveries(None)
    assert [(r.pk, r.to_collect) for r in listed] == [(decided.pk, Decimal("24999.50"))]
    _waived(cast, decided, principal="24 999,50", interest=True,
            reasons="Loppuosa kohtuullistetaan.")
    # Waived in full: the file would leave it out for good, so the page does not show it as waiting.
    assert unfiled_recoveries(None) == []
    assert produce_receivables_file(DECIDED_ON, actor=SYSTEM) is None


def test_the_page_reads_every_waiting_recovery_in_one_query(cast, django_assert_num_queries):
    from avustus.settlement.selectors import unfiled_recoveries

    _signed(cast)
    with django_assert_num_queries(1):
        assert len(unfiled_recoveries(None)) == 1
