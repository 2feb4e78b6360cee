"""Two people paying the same instalment at once pay it once (PostgreSQL: SQLite runs one writer at a time)."""

import threading
import time
from datetime import date

import pytest
from django.db import connection, connections, transaction

from avustus.audit.models import AuditEntry
from avustus.errors import Conflict
from avustus.payments import services as payments
from avustus.payments.models import PaymentApplication
from avustus.reports import services as reports
from avustus.reports.services import CostInput

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite runs one writer at a time")


def _wait_until_blocked_or_done(thread: threading.Thread) -> None:
    """Until the thread waits on a row lock, or has finished without waiting (not a timed assertion)."""
    with connection.cursor() as cursor:
        for _ in range(2000):
            cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
            if cursor.fetchone()[0] or not thread.is_alive():
                return
            time.sleep(0.005)


def test_two_approvers_at_once_approve_once_and_two_recordings_pay_once(cast):
    account = payments.register_account(cast.project, "FI2112345600000785", "Kankaanpää", actor=cast.lead)
    payments.confirm_account(account, actor=cast.official, note="Puhelu.")
    report = reports.submit_report(cast.project, 1, actor=cast.lead, period_start=date(2020, 2, 26),
                                   period_end=date(2020, 6, 26), progress="Etenee.", objectives_stage="Alussa.",
                                   costs=[CostInput("cost-1", 0, "10000.00")], today=date(2020, 6, 26))
    reports.accept_report(report, actor=cast.official, version=reports.report_version(report))
    application = payments.apply_for_payment(cast.project, actor=cast.lead)
    application = payments.accept_payment_application(application, actor=cast.official)
    version = payments.payment_version(application)
    result: dict = {}

    def second(key, step):
        def run():
            try:
                result[key] = step()
            except Conflict as exc:
                result[key] = ("refused", str(exc))
            finally:
                connections.close_all()
        thread = threading.Thread(target=run)
        thread.start()
        return thread

    with transaction.atomic():
        payments.approve_payment(application, actor=cast.decision_maker, version=version)
        thread = second("approve", lambda: payments.approve_payment(application, actor=cast.second_official,
                                                                     version=version))
        _wait_until_blocked_or_done(thread)
    thread.join()
    assert result["approve"][0] == "refused"

    with transaction.atomic():
        payments.record_payment(application, actor=cast.official, paid_on=date(2020, 7, 1))
        thread = second("pay", lambda: payments.record_payment(application, actor=cast.second_official,
                                                               paid_on=date(2020, 7, 1)))
        _wait_until_blocked_or_done(thread)
    thread.join()
    assert isinstance(result["pay"], PaymentApplication) and result["pay"].status == "paid"
    assert AuditEntry.objects.filter(action="payments.approved").count() == 1
    assert AuditEntry.objects.filter(action="payments.paid").count() == 1
    assert payments.paid_total(cast.project) == application.amount_claimed
