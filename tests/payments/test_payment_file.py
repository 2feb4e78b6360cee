"""The payment file: the approved payments of a day not yet paid, as semicolon CSV with a decimal comma, each
listed once."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from avustus.accounts import permissions
from avustus.errors import NotAllowed
from avustus.payments import payment_file
from avustus.payments import services as payments
from avustus.payments.models import PaymentFile
from avustus.reports import services as reports
from avustus.reports.services import CostInput
from avustus.rules.reference_number import is_finnish_reference
from avustus.settlement.selectors import unfiled_payments
from tests.payments.conftest import appropriation_still_usable
from tests.payments.test_end_to_end import _approve, _pay, _report


def _first_report_accepted(cast):
    """The account confirmed and report 1's costs of 51 345,67 accepted: 85 % of them, 43 643,81, is payable."""
    account = payments.register_account(cast.project, "FI21 1234 5600 0007 85", "Kankaanpään kaupunki",
                                        actor=cast.lead)
    payments.confirm_account(account, actor=cast.official, note="Tarkistettu.")
    report = _report(cast, 1, [CostInput("cost-1", 0, "51 345,67")], date(2020, 6, 26))
    reports.accept_report(report, actor=cast.official, version=reports.report_version(report))


def _approved(cast):
    """Instalment 1, 43 643,81, approved today and not yet paid: what the day's payment file lists (the round's
    appropriation given no end, ``appropriation_still_usable``)."""
    appropriation_still_usable(cast.project.call)
    _first_report_accepted(cast)
    return _approve(cast, "first")


def _paid(cast):
    _first_report_accepted(cast)
    return _pay(cast, date(2020, 7, 15))


@pytest.mark.django_db
def test_the_days_payments_once_and_reprinted_as_they_were(cast, tmp_path):
    application = _approved(cast)
    today = timezone.localdate()
    out = tmp_path / "maksut.csv"
    call_command("payment_file", "--date", today.isoformat(), "-o", str(out), stdout=io.StringIO())
    text = out.read_bytes().decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert len(rows) == 1
    row = rows[0]
    assert row["amount"] == "43643,81" and row["iban"] == "FI2112345600000785"
    assert row["reference"] == payment_file.reference_of("1", application.pk) and is_finnish_reference(row["reference"])
    assert row["budget_item"] == cast.project.call.budget_item and row["project"] == cast.project.reference
    assert row["payment"] == f"{application.pk}/1"
    # A second run lists nothing; --again reprints the same bytes.
    again = io.StringIO()
    call_command("payment_file", "--date", today.isoformat(), "-o", str(tmp_path / "toinen.csv"), stdout=again)
    assert "Nothing" in again.getvalue() and not (tmp_path / "toinen.csv").exists()
    made = PaymentFile.objects.get()
    call_command("payment_file", "--again", str(made.pk), "-o", str(tmp_path / "uudelleen.csv"), stdout=io.StringIO())
    assert (tmp_path / "uudelleen.csv").read_bytes().decode("utf-8") == text
    assert Decimal(row["amount"].replace(",", ".")) == application.amount_accepted


@pytest.mark.django_db
def test_only_payment_approvers_produce_files(cast):
    with pytest.raises(NotAllowed):
        payment_file.produce_payment_file(date(2020, 7, 15), actor=cast.lead)
    assert payment_file.produce_payment_file(date(2020, 7, 15), actor=cast.decision_maker) is None


@pytest.mark.django_db
def test_a_payment_recorded_as_paid_is_not_listed_for_paying_again(cast):
    """A payment recorded as paid was made without the file: listing it would have the State pay it twice. The
    page's list (``unfiled_payments``) leaves it out as the file does."""
    paid = _paid(cast)  # approved on 15.7.2020 and recorded as paid that day
    assert payment_file.produce_payment_file(date(2020, 7, 15), actor=cast.decision_maker) is None
    assert unfiled_payments(None) == [] and not PaymentFile.objects.exists()
    paid.refresh_from_db()
    assert not hasattr(paid, "file_entry")


@pytest.mark.django_db
def test_a_name_that_a_spreadsheet_would_run_is_refused_and_never_written_as_a_formula(cast):
    """The lead types the account holder's name; the file is opened in spreadsheets by the State's accounting."""
    from avustus.errors import Invalid
    from avustus.payments.models import BankAccount

    with pytest.raises(Invalid) as refused:
        payments.register_account(cast.project, "FI21 1234 5600 0007 85", '=HYPERLINK("http://evil.example")',
                                  actor=cast.lead)
    assert set(refused.value.message_dict) == {"holder"}
    assert not BankAccount.objects.filter(project=cast.project).exists()
    # A name stored before the check was made is written as text in the file.
    application = _approved(cast)
    BankAccount.objects.filter(pk=application.account_id).update(holder="=1+2")
    made = payment_file.produce_payment_file(timezone.localdate(), actor=cast.decision_maker)
    [row] = list(csv.DictReader(io.StringIO(made.content), delimiter=";"))
    assert row["name"] == "'=1+2"


@pytest.mark.django_db
def test_an_approver_of_another_programme_neither_sees_nor_files_nor_reads_this_one_s_payments(
        cast, django_user_model):
    """The security test found another programme's official listing these payments, producing their file and
    reading the recipient's IBAN in it, while every page of the projects answered 404 to them."""
    from django.test import Client
    from django.urls import reverse

    from avustus.accounts.models import Role
    from avustus.accounts.services import grant_role
    from avustus.actors import SYSTEM
    from avustus.calls.models import Programme
    from avustus.errors import NotFound

    elsewhere = Programme.objects.create(slug="muu", name_fi="Muu ohjelma")
    stranger = django_user_model.objects.create(username="muu-maksaja")
    grant_role(stranger, Role.DECISION_MAKER, actor=SYSTEM, programme=elsewhere)
    everywhere = django_user_model.objects.create(username="kaikki-maksaja", is_superuser=True)
    # A role with no programme is over none (as for every other screen): it files and reads nothing.
    unscoped = django_user_model.objects.create(username="ei-ohjelmaa")
    grant_role(unscoped, Role.ADMINISTRATOR, actor=SYSTEM)
    assert permissions.payment_file_programmes(unscoped) == frozenset()
    application = _approved(cast)
    today = timezone.localdate()
    assert unfiled_payments(permissions.payment_file_programmes(stranger)) == []
    assert unfiled_payments(permissions.payment_file_programmes(cast.decision_maker)) == [application]
    assert payment_file.produce_payment_file(today, actor=stranger) is None  # not theirs to file
    assert not PaymentFile.objects.exists()
    made = payment_file.produce_payment_file(today, actor=cast.decision_maker)
    assert made is not None
    with pytest.raises(NotFound):
        payment_file.reprint(made.pk, actor=stranger)
    with pytest.raises(NotAllowed):
        payment_file.reprint(made.pk, actor=unscoped)
    client = Client()
    client.force_login(stranger)
    page = client.get(reverse("officials-payment-files")).content.decode()
    assert cast.project.reference not in page and f"/{made.pk}.csv" not in page
    assert client.get(reverse("payment-file", args=[made.pk])).status_code == 404
    # The programme's own approver and one over every programme read it.
    assert payment_file.reprint(made.pk, actor=cast.decision_maker).sha256 == made.sha256
    assert payment_file.reprint(made.pk, actor=everywhere).sha256 == made.sha256
    assert unfiled_payments(permissions.payment_file_programmes(everywhere)) == []  # filed now
