"""The demo's funded projects: the 2020 grants as history, and a decided call with projects at every stage."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from avustus.accounts.models import Role
from avustus.accounts.services import grant_role
from avustus.actors import SYSTEM
from avustus.audit.chain import verify
from avustus.audit.models import AuditEntry
from avustus.payments.models import PaymentApplication
from avustus.payments.selectors import my_projects
from avustus.projects.models import FundedProject
from avustus.registry.models import Organisation
from avustus.reports.models import FinalReport, InterimReport
from avustus.settlement import documents
from avustus.settlement.models import Return, Settlement, SettlementDocument
from avustus.web.demo_projects import DEMO_DECIDED_CALL

pytestmark = pytest.mark.django_db


def test_the_demo_has_funded_projects_in_every_state(capsys, django_user_model):
    with translation.override("en"):  # the summary is in the language active
        call_command("demo", "--no-serve")
    out = capsys.readouterr().out
    assert "the 2020 round's 27 grants" in out and DEMO_DECIDED_CALL in out
    assert FundedProject.objects.filter(call__slug="kuntadigi-2020-02-26").count() == 27
    projects = list(FundedProject.objects.filter(call__slug=DEMO_DECIDED_CALL).order_by("reference"))
    assert len(projects) == 3
    assert projects[0].decided_on == timezone.localdate() - timedelta(days=190)
    first, second, third = projects
    assert list(first.reports.values_list("status", flat=True)) == ["accepted", "accepted"]
    assert [(p.number, p.status) for p in first.payment_applications.all()] == [(1, "paid"), (2, "submitted")]
    assert third.reports.get().status == InterimReport.Status.SUBMITTED and third.reports.get().late

    rows = {r.reference: r for r in my_projects(django_user_model.objects.get(username="hameenlinna"))}
    assert rows[second.reference].overdue == 1 and rows[first.reference].overdue == 0
    assert rows[first.reference].payments_waiting == 1 and rows[first.reference].paid > 0
    assert rows[third.reference].reports_to_review == 1

    # Honkajoki, a partner of a 2020 grant, is shown with Kankaanpää, which it joined on 1.1.2021.
    honkajoki_user = django_user_model.objects.create(username="honkajoki")
    grant_role(honkajoki_user, Role.APPLICANT, actor=SYSTEM, organisation=Organisation.objects.get(code="099"))
    (row,) = my_projects(honkajoki_user)
    assert any(m.name == "Honkajoki" and m.successor == "Kankaanpää" for m in row.members)

    # Two 2020 grants carried to their end: one closed by its paid last instalment, one by its returned grant.
    closed = FundedProject.objects.filter(call__slug="kuntadigi-2020-02-26", state="closed").order_by("reference")
    assert len(closed) == 2 and all(p.final_report_accepted_on for p in closed)
    with_last, with_return = (Settlement.objects.get(project=p) for p in closed)
    assert with_last.status == with_return.status == "approved"
    assert with_last.last_instalment > 0 and with_last.to_return == 0
    last = with_last.project.payment_applications.get(number=3)
    assert (last.status, last.amount_paid, last.paid_on) == ("paid", with_last.last_instalment, date(2021, 12, 20))
    assert with_return.to_return > 100 and with_return.last_instalment == 0
    (returned,) = with_return.returns.all()
    assert returned.amount == with_return.to_return and returned.interest > 0 and returned.returned_on.year == 2022
    assert with_return.paid - with_return.to_return == with_return.final_grant
    assert with_last.documents.count() == with_return.documents.count() == 4
    assert documents.verify_settlement_documents(with_last) == documents.verify_settlement_documents(with_return) == []

    counts = (FundedProject.objects.count(), PaymentApplication.objects.count(), InterimReport.objects.count(),
              Settlement.objects.count(), Return.objects.count(), FinalReport.objects.count(),
              SettlementDocument.objects.count(), AuditEntry.objects.filter(action__startswith="settlement.").count())
    call_command("demo", "--no-serve")
    assert (FundedProject.objects.count(), PaymentApplication.objects.count(), InterimReport.objects.count(),
            Settlement.objects.count(), Return.objects.count(), FinalReport.objects.count(),
            SettlementDocument.objects.count(),
            AuditEntry.objects.filter(action__startswith="settlement.").count()) == counts
    assert verify().ok


def test_the_demo_has_a_2020_grant_with_an_amending_decision_once(capsys):
    from avustus.changes.models import ChangeDecision, ProjectRevision
    from avustus.changes.services import members_in_force
    from avustus.web.demo_projects import DEMO_EXTENDED_PROJECT

    call_command("demo", "--no-serve")
    with translation.override("en"):
        call_command("demo", "--no-serve")
    out = capsys.readouterr().out
    assert f"changed by an amending decision of 15.10.2021: {DEMO_EXTENDED_PROJECT}, a partner joined" in out
    decision = ChangeDecision.objects.get()
    assert decision.project.reference == DEMO_EXTENDED_PROJECT
    # The 2020 round's terms leave no room for an extension: the end and the final report stay 30.11.2021.
    assert decision.project.schedule.get(kind="final").due_on.isoformat() == "2021-11-30"
    assert "Merikarvia" in [m.organisation.name_fi for m in members_in_force(decision.project)]
    assert ProjectRevision.objects.filter(project=decision.project).count() == 2
    assert "30.9.2021" in decision.document_fi
    assert verify().ok
