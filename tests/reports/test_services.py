"""Interim reports: the lead files, officials accept or return, late ones are flagged, bad input leaves nothing."""

from datetime import date
from decimal import Decimal

import pytest

from avustus.audit.models import AuditEntry
from avustus.errors import Conflict, Invalid, NotAllowed, NotFound
from avustus.projects.services import project_for
from avustus.reports import services as reports
from avustus.reports.models import InterimReport
from avustus.reports.services import CostInput, Rejection


def _file(cast, number=1, costs=None, actor=None, today=date(2020, 6, 20)):
    return reports.submit_report(cast.project, number, actor=actor or cast.lead, period_start=date(2020, 2, 26),
                                 period_end=date(2020, 6, 20), progress="Etenee.", objectives_stage="Alussa.",
                                 costs=costs if costs is not None else [CostInput("cost-1", 0, "1000.00", "0")],
                                 today=today)


def test_recipients_and_officials_see_the_project_others_do_not(cast):
    for someone in (cast.lead, cast.partner, cast.official, cast.decision_maker):
        assert project_for(someone, cast.project.reference).pk == cast.project.pk
    with pytest.raises(NotFound):
        project_for(cast.outsider, cast.project.reference)


def test_only_the_lead_files_a_report(cast):
    for someone in (cast.partner, cast.official, cast.outsider):
        with pytest.raises(NotAllowed):
            _file(cast, actor=someone)
    assert not InterimReport.objects.exists()


def test_bad_costs_are_refused_each_named_and_nothing_stored(cast):
    with pytest.raises(Invalid) as caught:
        _file(cast, costs=[CostInput("no-such", 0, "1.00"), CostInput("cost-1", 99, "1.00"),
                           CostInput("cost-2", 0, "1,005"), CostInput("cost-3", 0, "-5.00"),
                           CostInput("cost-1", 0, "1.00"), CostInput("cost-1", 0, "2.00")])
    errors = caught.value.args[0]
    assert set(errors) == {"costs.0", "costs.1", "costs.2", "costs.3", "costs.5"}
    assert not InterimReport.objects.exists() and not AuditEntry.objects.filter(action__startswith="report.").exists()


def test_vat_is_kept_apart_and_not_counted(cast):
    report = _file(cast, costs=[CostInput("cost-4", 1, "1 000,00", "240,00")])
    cost = report.costs.get()
    assert (cost.amount_vat_free, cost.vat, cost.member.position) == (Decimal("1000.00"), Decimal("240.00"), 1)
    reports.accept_report(report, actor=cast.official, version=reports.report_version(report))
    assert reports.accepted_costs_to_date(cast.project) == Decimal("1000.00")


def test_a_report_filed_twice_is_refused_a_returned_one_filed_again(cast):
    report = _file(cast)
    with pytest.raises(Conflict):
        _file(cast)
    with pytest.raises(Invalid):
        reports.return_report(report, actor=cast.official, version=reports.report_version(report), reasons="")
    returned = reports.return_report(report, actor=cast.official, version=reports.report_version(report),
                                     reasons="Kustannuserittely puuttuu.")
    assert returned.status == InterimReport.Status.RETURNED
    again = _file(cast, costs=[CostInput("cost-1", 0, "2000.00")])
    assert again.pk == report.pk and again.status == InterimReport.Status.SUBMITTED and again.version == 3
    assert list(again.costs.values_list("amount_vat_free", flat=True)) == [Decimal("2000.00")]


def test_the_page_offers_the_form_by_the_rule_the_service_refuses_with(cast):
    # Due: the lead may file; no one else, whatever the state.
    assert reports.can_edit_report(cast.lead, cast.project, None, 1)
    assert not any(reports.can_edit_report(someone, cast.project, None, 1)
                   for someone in (cast.partner, cast.official, cast.outsider))
    report = _file(cast)
    assert reports.report_refusal(cast.project, report, 1) == "Interim report 1 has already been filed."
    assert not reports.can_edit_report(cast.lead, cast.project, report, 1)
    with pytest.raises(Conflict, match="already been filed"):
        _file(cast)
    returned = reports.return_report(report, actor=cast.official, version=reports.report_version(report),
                                     reasons="Kustannuserittely puuttuu.")
    assert reports.can_edit_report(cast.lead, cast.project, returned, 1)
    # A project no longer in progress takes no report, due or returned, on the page or through the service.
    type(cast.project).objects.filter(pk=cast.project.pk).update(state="cancelled")
    cast.project.refresh_from_db()
    assert reports.report_refusal(cast.project, returned, 1) == "The project is not in progress."
    assert not reports.can_edit_report(cast.lead, cast.project, returned, 1)
    with pytest.raises(Conflict, match="not in progress"):
        _file(cast)
    returned.refresh_from_db()
    assert (returned.status, returned.version) == (InterimReport.Status.RETURNED, 2)


def test_only_officials_review_and_a_stale_version_is_refused(cast):
    report = _file(cast)
    shown = reports.report_version(report)
    with pytest.raises(NotAllowed):
        reports.accept_report(report, actor=cast.lead, version=shown)
    reports.return_report(report, actor=cast.official, version=shown, reasons="Täydennä.")
    refiled = _file(cast)
    with pytest.raises(Conflict, match="changed"):
        reports.accept_report(refiled, actor=cast.second_official, version=shown)


def test_rejected_costs_need_a_reason_and_stay_within_the_cost(cast):
    report = _file(cast, costs=[CostInput("cost-5", 0, "3000.00")])
    cost = report.costs.get()
    version = reports.report_version(report)
    with pytest.raises(Invalid):
        reports.accept_report(report, actor=cast.official, version=version, rejections=[Rejection(cost.pk, "5.00", "")])
    with pytest.raises(Invalid):
        reports.accept_report(report, actor=cast.official, version=version,
                              rejections=[Rejection(cost.pk, "3000.01", "Laitteet.")])
    reports.accept_report(report, actor=cast.official, version=version,
                          rejections=[Rejection(cost.pk, "1200.00", "Laitehankinta ei ole hyväksyttävä kustannus.")])
    cost.refresh_from_db()
    assert (cost.rejected_amount, cost.rejection_reason) == (Decimal("1200.00"),
                                                             "Laitehankinta ei ole hyväksyttävä kustannus.")
    assert reports.accepted_costs_to_date(cast.project) == Decimal("1800.00")
    entry = AuditEntry.objects.get(action="report.accepted")
    assert entry.data["rejected"][0]["amount"] == "1200.00"


def test_every_rejection_error_is_given_at_once_on_its_rows_field_and_none_is_saved(cast):
    report = _file(cast, costs=[CostInput("cost-5", 0, "3000.00"), CostInput("cost-1", 0, "100.00"),
                                CostInput("cost-2", 0, "50.00")])
    big, small, right = report.costs.order_by("pk")
    with pytest.raises(Invalid) as refusal:
        reports.accept_report(report, actor=cast.official, version=reports.report_version(report), rejections=[
            Rejection(big.pk, "3000.01", "Laitteet."), Rejection(small.pk, "5,00", " "),
            Rejection(right.pk, "50.00", "Ei hankkeen."), Rejection(10**9, "1", "Ei ole.")])
    assert refusal.value.message_dict == {
        f"reject.{big.pk}.amount": ["A rejected amount is between zero and the cost reported."],
        f"reject.{small.pk}.reason": ["Give the reason for rejecting a cost."],
        "rejections": ["No such cost in the report."]}
    assert not report.costs.filter(rejected_amount__gt=0).exists()
    report.refresh_from_db()
    assert report.status == "submitted"


def test_a_late_report_is_accepted_and_flagged_overdue_until_filed(cast):
    assert [e.number for e in reports.overdue_entries(cast.project, date(2020, 10, 27))] == [1, 2]
    report = _file(cast, today=date(2020, 7, 1))
    assert report.late
    assert [e.number for e in reports.overdue_entries(cast.project, date(2020, 10, 27))] == [2]
    assert [e.number for e in reports.overdue_entries(cast.project, date(2020, 10, 26))] == []


def _file_period(cast, number, start, end, today=date(2021, 3, 1), **texts):
    return reports.submit_report(cast.project, number, actor=cast.lead, period_start=start, period_end=end,
                                 progress=texts.get("progress", "Etenee."),
                                 objectives_stage=texts.get("objectives_stage", "Alussa."),
                                 costs=[CostInput("cost-1", 0, "1000.00")], today=today)


def _nothing_filed(cast):
    return (not InterimReport.objects.filter(project=cast.project).exists()
            and not AuditEntry.objects.filter(action__startswith="report.").exists())


def test_a_period_ending_after_the_day_it_is_filed_is_refused_and_nothing_stored(cast):
    assert cast.project.decided_on == date(2020, 2, 26)
    with pytest.raises(Invalid) as caught:
        _file_period(cast, 1, date(2020, 2, 26), date(2021, 11, 30), today=date(2020, 6, 20))
    assert caught.value.message_dict == {"period_end": [
        "A report is on a period that has passed: the period ends on 20.6.2020 (the day it is filed) at the latest."]}
    with pytest.raises(Invalid, match="has passed"):
        _file_period(cast, 1, date(2020, 2, 26), date(2020, 6, 21), today=date(2020, 6, 20))
    assert _nothing_filed(cast)
    # Ending on the day it is filed is a period that has passed.
    assert _file_period(cast, 1, date(2020, 2, 26), date(2020, 6, 20), today=date(2020, 6, 20)).period_end == \
        date(2020, 6, 20)


def test_a_period_starting_before_the_decision_or_ending_before_it_starts_is_refused(cast):
    with pytest.raises(Invalid) as caught:
        _file_period(cast, 1, date(2020, 2, 25), date(2020, 6, 26))
    assert caught.value.message_dict == {"period_start": [
        "The period starts on 26.2.2020 at the earliest, the date of the decision on the grant."]}
    with pytest.raises(Invalid) as caught:
        _file_period(cast, 1, date(2020, 6, 26), date(2020, 3, 1))
    assert caught.value.message_dict == {"period_end": ["The period ends before it starts."]}
    assert _nothing_filed(cast)


def test_a_period_ending_after_the_end_of_implementation_is_refused(cast):
    assert cast.project.implementation_end == date(2021, 11, 30)
    with pytest.raises(Invalid) as caught:
        _file_period(cast, 5, date(2021, 7, 1), date(2021, 12, 20), today=date(2021, 12, 20))
    assert caught.value.message_dict == {"period_end": [
        "The period ends on 30.11.2021 at the latest, the end of the project's implementation: later costs are not "
        "the project's."]}
    assert _nothing_filed(cast)
    # The period suggested for a report due after the end stops at the end.
    type(cast.project).objects.filter(pk=cast.project.pk).update(implementation_end=date(2021, 10, 1))
    cast.project.refresh_from_db()
    assert reports.suggested_period(cast.project, 5, date(2021, 12, 20)) == (date(2021, 6, 29), date(2021, 10, 1))


def test_every_problem_of_the_report_is_given_at_once(cast):
    with pytest.raises(Invalid) as caught:
        _file_period(cast, 1, date(2019, 12, 1), date(2021, 3, 2), progress=" ")
    errors = caught.value.message_dict
    assert set(errors) == {"period_start", "period_end", "progress"}
    assert "26.2.2020" in errors["period_start"][0] and "1.3.2021" in errors["period_end"][0]
    assert _nothing_filed(cast)


def test_a_period_overlapping_a_filed_or_accepted_report_is_refused_naming_it(cast):
    first = _file_period(cast, 1, date(2020, 2, 26), date(2020, 6, 26))
    with pytest.raises(Invalid) as caught:
        _file_period(cast, 2, date(2020, 6, 26), date(2020, 10, 26))
    assert caught.value.message_dict == {"period_start": [
        "The period overlaps the period of interim report 1, 26.2.2020–26.6.2020: each cost is reported once."]}
    reports.accept_report(first, actor=cast.official, version=reports.report_version(first))
    # Holding the accepted report's period whole, from its first day: refused on the start, which falls in it.
    with pytest.raises(Invalid) as caught:
        _file_period(cast, 2, date(2020, 2, 26), date(2020, 10, 26))
    assert list(caught.value.message_dict) == ["period_start"]
    assert "interim report 1" in caught.value.message_dict["period_start"][0]
    assert list(InterimReport.objects.filter(project=cast.project).values_list("schedule_entry__number", flat=True)) \
        == [1]
    assert not AuditEntry.objects.filter(action="report.submitted", data__number=2).exists()
    second = _file_period(cast, 2, date(2020, 6, 27), date(2020, 10, 26))
    assert (second.period_start, second.period_end) == (date(2020, 6, 27), date(2020, 10, 26))


def test_a_returned_report_leaves_its_period_free_and_is_checked_again_when_filed_again(cast):
    first = _file_period(cast, 1, date(2020, 2, 26), date(2020, 6, 26))
    returned = reports.return_report(first, actor=cast.official, version=reports.report_version(first),
                                     reasons="Kausi on väärä.")
    # Report 2 may take the days report 1, returned, had; report 1 then no longer can.
    _file_period(cast, 2, date(2020, 6, 1), date(2020, 10, 26))
    with pytest.raises(Invalid, match="interim report 2, 1.6.2020–26.10.2020"):
        _file_period(cast, 1, date(2020, 2, 26), date(2020, 6, 26))
    returned.refresh_from_db()
    assert (returned.status, returned.version, returned.period_end) == (InterimReport.Status.RETURNED, 2,
                                                                        date(2020, 6, 26))
    # Filed again on its own earlier period (its own old one is no obstacle): accepted.
    again = _file_period(cast, 1, date(2020, 2, 26), date(2020, 5, 31))
    assert (again.pk, again.status, again.period_end) == (first.pk, InterimReport.Status.SUBMITTED, date(2020, 5, 31))


def test_a_report_whose_period_has_not_ended_is_not_accepted(cast):
    report = _file_period(cast, 1, date(2020, 2, 26), date(2020, 6, 26))
    # Filed before the check existed: its period ends in the future.
    InterimReport.objects.filter(pk=report.pk).update(period_end=date(2099, 12, 31))
    report.refresh_from_db()
    version = reports.report_version(report)
    with pytest.raises(Conflict, match="ends on 31.12.2099: it is accepted once the period has passed"):
        reports.accept_report(report, actor=cast.official, version=version, today=date(2021, 3, 1))
    report.refresh_from_db()
    assert (report.status, report.version) == (InterimReport.Status.SUBMITTED, 1)
    assert not AuditEntry.objects.filter(action="report.accepted").exists()
    assert reports.accepted_costs_to_date(cast.project) == Decimal("0.00")
    # Its last day passed: accepted.
    InterimReport.objects.filter(pk=report.pk).update(period_end=date(2021, 3, 1))
    report.refresh_from_db()
    accepted = reports.accept_report(report, actor=cast.official, version=reports.report_version(report),
                                     today=date(2021, 3, 1))
    assert accepted.status == InterimReport.Status.ACCEPTED


def test_a_report_overlapping_an_accepted_one_is_not_accepted(cast):
    first = _file_period(cast, 1, date(2020, 2, 26), date(2020, 6, 26))
    reports.accept_report(first, actor=cast.official, version=reports.report_version(first))
    second = _file_period(cast, 2, date(2020, 6, 27), date(2020, 10, 26))
    # Filed before the check existed: its period took report 1's last month.
    InterimReport.objects.filter(pk=second.pk).update(period_start=date(2020, 6, 1))
    second.refresh_from_db()
    with pytest.raises(Conflict, match="accepted interim report 1, 26.2.2020–26.6.2020"):
        reports.accept_report(second, actor=cast.official, version=reports.report_version(second))
    second.refresh_from_db()
    assert second.status == InterimReport.Status.SUBMITTED
    assert reports.accepted_costs_to_date(cast.project) == Decimal("1000.00")
    # Returned, it is filed again on its own days and accepted.
    reports.return_report(second, actor=cast.official, version=reports.report_version(second), reasons="Kausi.")
    second = _file_period(cast, 2, date(2020, 6, 27), date(2020, 10, 26))
    reports.accept_report(second, actor=cast.official, version=reports.report_version(second))
    assert reports.accepted_costs_to_date(cast.project) == Decimal("2000.00")


def test_a_report_filed_before_the_end_check_with_a_period_past_the_end_is_not_accepted(cast):
    report = _file_period(cast, 5, date(2021, 6, 29), date(2021, 10, 26), today=date(2021, 10, 26))
    InterimReport.objects.filter(pk=report.pk).update(period_end=date(2021, 12, 20))  # filed before the check
    report.refresh_from_db()
    with pytest.raises(Conflict, match="after the end of the project's implementation on 30.11.2021"):
        reports.accept_report(report, actor=cast.official, version=reports.report_version(report),
                              today=date(2021, 12, 31))
    report.refresh_from_db()
    assert report.status == InterimReport.Status.SUBMITTED


def _final_accepted(cast):
    from avustus.reports import final
    from tests.reports.test_final import attach_statement, file_final

    report = file_final(cast, [CostInput("cost-1", 0, "150 000,00")])
    attach_statement(cast, report)
    report = final.accept_final_report(report, final.CONTENT, actor=cast.official,
                                       version=final.final_report_version(report))
    final.accept_final_report(report, final.FINANCES, actor=cast.second_official,
                              version=final.final_report_version(report))
    cast.project.refresh_from_db()
    assert cast.project.final_report_accepted_on is not None


def test_once_the_final_report_is_accepted_no_interim_report_is_filed_or_overdue(cast, storage):
    first = _file_period(cast, 1, date(2020, 2, 26), date(2020, 6, 26))
    returned = reports.return_report(first, actor=cast.official, version=reports.report_version(first),
                                     reasons="Täydennä.")
    assert [e.number for e in reports.overdue_entries(cast.project, date(2021, 12, 1))] == [2, 3, 4, 5]
    assert not reports.interim_reporting_over(cast.project)
    _final_accepted(cast)
    assert reports.interim_reporting_over(cast.project)
    refusal = "The final report has been accepted: interim reports are no longer filed."
    for number, report in ((1, returned), (2, None)):
        assert reports.report_refusal(cast.project, report, number) == refusal
        assert not reports.can_edit_report(cast.lead, cast.project, report, number)
    with pytest.raises(Conflict, match="no longer filed"):
        _file_period(cast, 2, date(2020, 6, 27), date(2020, 10, 26))
    with pytest.raises(Conflict, match="no longer filed"):
        _file_period(cast, 1, date(2020, 2, 26), date(2020, 6, 26))
    returned.refresh_from_db()
    assert (returned.status, returned.version) == (InterimReport.Status.RETURNED, 2)
    assert list(InterimReport.objects.filter(project=cast.project)) == [returned]
    assert reports.overdue_entries(cast.project, date(2021, 12, 1)) == []


def test_a_report_is_overdue_past_its_date_with_nothing_filed_while_it_is_still_due(cast):
    from avustus.projects.models import FundedProject, ScheduleEntry

    project = cast.project
    interim = project.schedule.get(kind=ScheduleEntry.Kind.INTERIM, number=1)  # due 26.6.2020
    final_entry = project.schedule.get(kind=ScheduleEntry.Kind.FINAL)  # due 30.11.2021
    after, on_the_day = date(2022, 1, 1), final_entry.due_on
    assert reports.entry_overdue(project, interim, False, after, interim_over=False)
    assert not reports.entry_overdue(project, interim, True, after, interim_over=False)  # filed
    assert not reports.entry_overdue(project, interim, False, after, interim_over=True)  # no longer due
    assert reports.entry_overdue(project, final_entry, False, after, interim_over=False)
    assert not reports.entry_overdue(project, final_entry, False, on_the_day, interim_over=False)
    project.state = FundedProject.State.CLOSED
    assert not reports.entry_overdue(project, final_entry, False, after, interim_over=False)
