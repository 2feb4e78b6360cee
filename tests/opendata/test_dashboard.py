"""The officials' dashboard of a programme: its figures against the 2020 round with one project paid once, its
charts with their tables and text alternatives, its officials only, a fixed number of queries."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from avustus.errors import NotFound
from avustus.opendata.dashboard import programme_dashboard
from tests.payments.conftest import costs_accepted
from tests.payments.test_selectors import _paid_once
from tests.projects.conftest import cast, person, small_round  # noqa: F401 (fixtures)

pytestmark = pytest.mark.usefixtures("english")


def test_the_figures_of_the_2020_round_with_one_payment(cast):
    _paid_once(costs_accepted(cast))
    board = programme_dashboard(cast.project.call.programme, cast.official, today=date(2020, 11, 1))
    assert board.committed == Decimal("8268000.00")  # the decision's 27 grants
    assert board.appropriation == Decimal("30000000.00") == cast.project.call.appropriation
    assert board.paid == Decimal("8500.00")
    assert board.projects == 27
    # Two interim reports of each project were due by November, none filed but Kankaanpää's first.
    assert board.reports_overdue == 53 and board.reports_to_review == 0 and board.payments_waiting == 0
    assert board.rectifications_open == 0
    assert all(date(2020, 11, 1) <= d.due_on <= date(2021, 1, 30) for d in board.deadlines)
    assert board.reports_due == len(board.deadlines)
    money, work = board.charts
    assert [label for label, _value in money.rows] == ["Appropriation", "Committed in decisions", "Paid"]
    assert [re.sub(r"\D", "", v) for _label, v in money.rows] == ["3000000000", "826800000", "850000"]
    assert "<svg" in money.svg and re.search(r"27[.,]6\s%", money.summary) and "<title" in money.svg
    assert ["Reports overdue", "53"] in work.rows and "Reports overdue: 53" in work.summary
    # A project whose final report is accepted has nothing overdue or due (its interim report 2 was overdue).
    type(cast.project).objects.filter(pk=cast.project.pk).update(final_report_accepted_on=date(2020, 10, 30))
    board = programme_dashboard(cast.project.call.programme, cast.official, today=date(2020, 11, 1))
    assert board.reports_overdue == 52
    assert all(d.project_id != cast.project.pk for d in board.deadlines)


def test_only_the_programmes_officials(cast):
    programme = cast.project.call.programme
    for who in (cast.lead, cast.partner, cast.outsider):
        with pytest.raises(NotFound):
            programme_dashboard(programme, who)
    assert programme_dashboard(programme, cast.decision_maker).projects == 27


def test_the_page_in_fi_and_sv_and_refused_to_others(client, cast):
    url = reverse("officials-dashboard", args=[cast.project.call.programme.slug])
    assert client.get(url).status_code == 302  # to the login
    client.force_login(cast.lead)
    assert client.get(url).status_code == 404
    client.force_login(cast.official)
    for lang, word in (("fi", "Määräraha"), ("sv", "Anslag")):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=lang)
        assert response.status_code == 200 and word in response.content.decode()
    workbench = client.get(reverse("officials")).content.decode()
    assert url in workbench


def test_a_fixed_number_of_queries(cast):
    programme = cast.project.call.programme
    with CaptureQueriesContext(connection) as before:
        programme_dashboard(programme, cast.official, today=date(2020, 11, 1))
    _paid_once(costs_accepted(cast))
    with CaptureQueriesContext(connection) as after:
        programme_dashboard(programme, cast.official, today=date(2020, 11, 1))
    assert len(after) == len(before)
