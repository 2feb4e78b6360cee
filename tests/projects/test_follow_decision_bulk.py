"""Following a decision costs the same statements for 3 grants as for 30: the projects are made in bulk."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from avustus.actors import SYSTEM
from avustus.applications.models import Application, BudgetLine, ConsortiumMember
from avustus.audit.chain import verify
from avustus.audit.models import AuditEntry
from avustus.decisions.models import Decision, Outcome
from avustus.projects.models import ApprovedBudgetLine, FundedProject, ScheduleEntry
from avustus.projects.services import follow_decision
from avustus.registry.models import Organisation


def _signed_round(call, grants: int, tag: str, decided_on: date | None = date(2026, 3, 31)) -> Decision:
    """A signed decision granting ``grants`` applications (a lead and a budget line each) and rejecting one."""
    lead = Organisation.objects.get(code="109")
    staff = call.cost_categories.get(code="staff")
    applications = Application.objects.bulk_create(
        Application(call=call, reference=f"{tag}-{i}", title=f"Hanke {i}", status="submitted",
                    amount_applied=Decimal("1000.00")) for i in range(grants + 1))
    ConsortiumMember.objects.bulk_create(
        ConsortiumMember(application=a, organisation=lead, name_as_written=lead.name_fi, role="lead", position=0)
        for a in applications)
    BudgetLine.objects.bulk_create(
        BudgetLine(application=a, category=staff, amount_vat_free=Decimal("2000.00"), vat=Decimal("10.00"),
                   position=1, description="työ") for a in applications)
    decision = Decision.objects.create(call=call, status=Decision.Status.SIGNED, decided_on=decided_on)
    Outcome.objects.bulk_create(
        Outcome(decision=decision, application=a, kind=Outcome.Kind.GRANTED, number=i + 1,
                amount_granted=Decimal("800.00")) for i, a in enumerate(applications[:grants]))
    Outcome.objects.create(decision=decision, application=applications[-1], kind=Outcome.Kind.REJECTED)
    return decision


def test_following_a_decision_issues_as_many_statements_for_30_grants_as_for_3(small_round):
    call, _ = small_round
    call.final_report_due, call.reporting_interval_months = date(2027, 6, 30), 6
    call.save(update_fields=["final_report_due", "reporting_interval_months"])
    counts = {}
    for grants in (3, 30):
        decision = _signed_round(call, grants, f"q{grants}")
        entries = AuditEntry.objects.count()
        with CaptureQueriesContext(connection) as queries:
            projects = follow_decision(decision, actor=SYSTEM)
        counts[grants] = len(queries)
        # Joined to the outcomes, the signed snapshot (megabytes for a large round) came once per row.
        assert not [q for q in queries if 'FROM "decisions_outcome"' in q["sql"] and '"snapshot"' in q["sql"]]
        assert len(projects) == grants
        made = FundedProject.objects.filter(first_decision=decision)
        assert made.count() == grants and {p.grant for p in made} == {Decimal("800.00")}
        # Each project has the lead's budget as applied and three reports due (two interim, the final).
        assert ApprovedBudgetLine.objects.filter(project__in=made, amount_vat_free=Decimal("2000.00"),
                                                 vat=Decimal("10.00"), member__role="lead").count() == grants
        assert ScheduleEntry.objects.filter(project__in=made).count() == grants * 3
        assert AuditEntry.objects.count() == entries + 1  # one entry names them all
    assert counts[3] == counts[30]
    assert verify().ok


def test_grants_without_their_decisions_date_make_no_project_at_all(small_round):
    from avustus.errors import Invalid

    call, _ = small_round
    decision = _signed_round(call, 3, "bad", decided_on=None)
    with pytest.raises(Invalid):
        follow_decision(decision, actor=SYSTEM)
    assert not FundedProject.objects.filter(first_decision=decision).exists()
    assert not ApprovedBudgetLine.objects.exists()
