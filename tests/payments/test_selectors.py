"""The project lists: what each row says, and a fixed number of queries however many rows."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from avustus.errors import NotAllowed
from avustus.payments import selectors
from avustus.payments import services as payments
from tests.payments.conftest import approved_on


def _paid_once(cast):
    application = payments.apply_for_payment(cast.project, actor=cast.lead)
    application = payments.accept_payment_application(application, actor=cast.official)
    application = payments.approve_payment(application, actor=cast.decision_maker,
                                           version=payments.payment_version(application))
    payments.record_payment(approved_on(application, date(2020, 7, 1)), actor=cast.official, paid_on=date(2020, 7, 1))


def test_a_calls_projects_with_money_paid_and_reports_due_and_overdue(with_costs):
    cast = with_costs
    _paid_once(cast)
    rows = {r.reference: r for r in selectors.call_projects(cast.project.call, cast.official, date(2020, 11, 1))}
    assert len(rows) == 27
    row = rows[cast.project.reference]
    assert (str(row.paid), row.overdue, row.next_due_on, row.next_due_kind) == ("8500.00", 1, date(2021, 2, 26),
                                                                                 "interim")
    other = next(r for ref, r in rows.items() if ref != cast.project.reference)
    assert (str(other.paid), other.overdue, other.payments_waiting) == ("0.00", 2, 0)
    # Once its final report is accepted, a project has nothing due or overdue.
    type(cast.project).objects.filter(pk=cast.project.pk).update(final_report_accepted_on=date(2020, 10, 30))
    row = next(r for r in selectors.call_projects(cast.project.call, cast.official, date(2020, 11, 1))
               if r.reference == cast.project.reference)
    assert (row.overdue, row.next_due_on, row.next_due_kind) == (0, None, "")


def test_honkajoki_is_shown_with_its_successor(cast):
    row = next(r for r in selectors.my_projects(cast.lead, date(2020, 3, 1)))
    honkajoki = next(m for m in row.members if m.name == "Honkajoki")
    assert (honkajoki.ceased_on, honkajoki.successor) == (date(2021, 1, 1), "Kankaanpää")


def test_my_projects_are_the_recipients_own(cast):
    assert [r.reference for r in selectors.my_projects(cast.partner)] == [cast.project.reference]
    assert cast.project.reference not in {r.reference for r in selectors.my_projects(cast.outsider)}
    with pytest.raises(NotAllowed):
        selectors.call_projects(cast.project.call, cast.lead)


def test_the_lists_take_a_fixed_number_of_queries(cast):
    with CaptureQueriesContext(connection) as all_rows:
        rows = selectors.call_projects(cast.project.call, cast.official, date(2020, 11, 1))
    assert len(rows) == 27
    with CaptureQueriesContext(connection) as one_row:
        assert len(selectors.my_projects(cast.lead, date(2020, 11, 1))) == 1
    # The role check, the rows and the members' prefetch: the same whether 1 or 27 rows. A recipient's list reads
    # its candidates' members and revisions first (a partner removed by an amending decision no longer sees the
    # project): three more, as many for any number of projects.
    assert len(all_rows) <= 3 and len(one_row) <= 6


def test_the_successor_of_a_ceased_member_sees_its_projects(cast, django_user_model):
    from avustus.accounts.models import Role
    from avustus.accounts.services import grant_role
    from avustus.actors import SYSTEM
    from avustus.applications.models import ConsortiumMember
    from avustus.errors import NotFound
    from avustus.projects.models import FundedProject
    from avustus.projects.services import project_for
    from avustus.registry.models import Organisation

    honkajoki, kankaanpaa = Organisation.objects.get(code="099"), Organisation.objects.get(code="214")
    other = (FundedProject.objects.exclude(application__members__organisation__in=[honkajoki, kankaanpaa])
             .order_by("reference").first())
    user = django_user_model.objects.create(username="kankaanpaa-2")
    grant_role(user, Role.APPLICANT, actor=SYSTEM, organisation=kankaanpaa)
    with pytest.raises(NotFound):
        project_for(user, other.reference)
    # Honkajoki a partner there too: Kankaanpää, which carries it on, sees the project.
    ConsortiumMember.objects.create(application=other.application, organisation=honkajoki,
                                    name_as_written="Honkajoki", role="partner", position=99)
    assert {cast.project.reference, other.reference} <= {r.reference for r in selectors.my_projects(user)}
    assert project_for(user, other.reference).pk == other.pk
