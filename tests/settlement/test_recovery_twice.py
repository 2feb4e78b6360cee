"""A recovery's irreversible forms posted twice (a double click, a resent page) record once: each names the state
of the case, or of the project's cases, it was read in (``case_version``, ``cases_version``)."""

from datetime import date
from decimal import Decimal

import pytest

from avustus.audit.models import AuditEntry
from avustus.errors import Conflict
from avustus.settlement import recovery as service
from avustus.settlement import waivers
from avustus.settlement.models import Recovery, RecoveryReturn, RecoveryWaiver
from tests.settlement.test_end_to_end import _through_two_payments
from tests.settlement.test_recovery import _decided, _started

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_a_return_posted_twice_is_recorded_once(cast):
    _through_two_payments(cast)
    decided = _decided(cast, _started(cast))
    read = service.case_version(decided)
    service.record_recovery_return(decided, actor=cast.official, returned_on=date(2023, 1, 10), amount="10 000,00",
                                   version=read)
    with pytest.raises(Conflict, match="A return or a waiver was recorded after you opened the case"):
        service.record_recovery_return(decided, actor=cast.official, returned_on=date(2023, 1, 10),
                                       amount="10 000,00", version=read)
    assert RecoveryReturn.objects.count() == 1
    assert AuditEntry.objects.filter(action="recovery.returned").count() == 1
    assert service.amount_due(decided) == Decimal("30000.00")
    # Read again, the next return is recorded.
    service.record_recovery_return(decided, actor=cast.official, returned_on=date(2023, 1, 11), amount="1 000,00",
                                   version=service.case_version(decided))
    assert service.amount_due(decided) == Decimal("29000.00")


def test_a_waiver_posted_twice_is_recorded_once_and_a_return_read_before_it_is_refused(cast):
    _through_two_payments(cast)
    decided = _decided(cast, _started(cast))
    read = service.case_version(decided)
    service.waive_recovery(decided, actor=cast.official, principal="5 000,00", interest=False, reasons="Kohtuus.",
                           version=read)
    with pytest.raises(Conflict, match="A return or a waiver was recorded"):
        service.waive_recovery(decided, actor=cast.official, principal="5 000,00", interest=False,
                               reasons="Kohtuus.", version=read)
    with pytest.raises(Conflict, match="A return or a waiver was recorded"):
        service.record_recovery_return(decided, actor=cast.official, returned_on=date(2023, 1, 10),
                                       amount="35 000,00", version=read)
    assert RecoveryWaiver.objects.count() == 1 and not RecoveryReturn.objects.exists()
    # Proposed only: nothing due changes until a second person confirms it (``tests/settlement/test_waivers.py``).
    assert service.amount_due(decided) == Decimal("40000.00")
    shown = waivers.waiver_version(service.proposed_waiver(decided))
    waivers.confirm_waiver(decided, actor=cast.second_official, version=shown)
    with pytest.raises(Conflict, match="No waiver of this case awaits confirmation"):
        waivers.confirm_waiver(decided, actor=cast.second_official, version=shown)
    assert service.amount_due(decided) == Decimal("35000.00")


def test_the_form_opening_a_case_posted_twice_opens_one_and_sends_one_hearing_request(cast):
    _through_two_payments(cast)
    read = service.cases_version(cast.project)
    first = service.start_recovery(cast.project, actor=cast.official, section=22, subsection=1, amount="1 000,00",
                                   reasons="Peruste.", known_on=date(2022, 9, 1), deadline=date(2022, 9, 30),
                                   on=date(2022, 9, 5), version=read)
    with pytest.raises(Conflict, match="A recovery case was opened for the project after you opened this form"):
        service.start_recovery(cast.project, actor=cast.official, section=22, subsection=1, amount="1 000,00",
                               reasons="Peruste.", known_on=date(2022, 9, 1), deadline=date(2022, 9, 30),
                               on=date(2022, 9, 5), version=read)
    assert list(Recovery.objects.values_list("pk", flat=True)) == [first.pk]
    assert AuditEntry.objects.filter(action="recovery.started").count() == 1
    assert service.cases_version(cast.project) != read
