"""The demo's recovered 2020 grant: heard, decided by two, returned in two parts, the second late with penalty
interest; a second run of the demo changes nothing."""

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.management import call_command
from django.utils import translation

from avustus.audit.chain import verify
from avustus.rules.interest import round_half_up
from avustus.settlement.models import Recovery, RecoveryReturn
from avustus.settlement.recovery import amount_due

pytestmark = pytest.mark.django_db


def test_the_demo_recovers_a_2020_grant_late_with_penalty_interest(capsys):
    with translation.override("en"):
        call_command("demo", "--no-serve")
    assert "A 2020 grant recovered late:" in capsys.readouterr().out
    recovery = Recovery.objects.get()
    assert recovery.project.call.slug.startswith("kuntadigi-2020")
    assert (recovery.status, recovery.decided_on, recovery.due_on) == (Recovery.Status.DECIDED, date(2021, 4, 7),
                                                                       date(2021, 5, 6))
    assert recovery.prepared_by.username == "virkailija" and recovery.signed_by.username == "paattaja"
    assert recovery.snapshot["hearing"]["response"] == ""
    in_time, late = recovery.returns.order_by("returned_on")
    assert in_time.penalty_interest == Decimal("0.00")
    # Reference rate 0,00 % in 2021: penalty interest at 7 % for 7.5.–16.8.2021, 102 days, on 20 000,00.
    assert late.penalty_interest == round_half_up(Fraction(20000) * 7 * 102 / (100 * 365))
    assert amount_due(recovery) == Decimal("0.00")
    counts = (Recovery.objects.count(), RecoveryReturn.objects.count())
    call_command("demo", "--no-serve")
    assert (Recovery.objects.count(), RecoveryReturn.objects.count()) == counts
    assert verify().ok
