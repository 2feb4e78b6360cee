"""The last interim report is not moved onto the final report's own due date: there it is the final report.

Report n is due "for every n whose date falls before the final report's due date" (``rules.schedule``). The
interval keeps two interim reports apart, but not the last one from the final report, whose date is not on the
interval's grid: an interim date on a Saturday, Sunday or holiday just before the final report's date would be
moved by ``next_working_day`` onto the final report's day.
"""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from avustus.rules.schedule import FINAL, INTERIM, add_months, report_schedule


def test_an_interim_report_moved_off_a_saturday_lands_on_the_final_reports_day():
    """Decided 27.7.2021, every four months, final report due Monday 29.11.2021. Interim 1 is nominally due
    27.11.2021, two days before the final report: a Saturday, so moved to the next working day, Monday 29.11.2021,
    the final report's own due date. Both reports end up due on 29.11.2021."""
    schedule = report_schedule(date(2021, 7, 27), 4, date(2021, 11, 29))
    assert date(2021, 11, 27).weekday() == 5 and date(2021, 11, 29).weekday() == 0
    due = {(d.kind, d.number): d.due_on for d in schedule}
    assert due[(FINAL, 1)] == date(2021, 11, 29)
    interim = [d.due_on for d in schedule if d.kind == INTERIM]
    assert all(day < due[(FINAL, 1)] for day in interim), interim


@given(decided=st.dates(min_value=date(2019, 1, 1), max_value=date(2030, 12, 31)),
       interval=st.integers(min_value=1, max_value=12), n=st.integers(min_value=1, max_value=5),
       offset=st.integers(min_value=1, max_value=4))
def test_every_interim_report_is_due_before_the_final_report(decided, interval, n, offset):
    """The final report due ``offset`` days after interim report n's nominal date (the case the docstring's "within
    a few days of each other" leaves open): every interim report must still be due before the final report."""
    schedule = report_schedule(decided, interval, add_months(decided, n * interval) + timedelta(days=offset))
    final = schedule[-1].due_on
    assert all(d.due_on < final for d in schedule if d.kind == INTERIM)
