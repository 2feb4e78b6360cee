"""Migration 0005 of reports: a final report's JSON list of outputs becomes the project's ProjectOutput rows."""

from datetime import date

import pytest

from avustus.reports import final
from avustus.reports.models import ProjectOutput
from avustus.reports.services import CostInput
from tests.migrations import migrate_to, migrate_to_latest

BEFORE = [("reports", "0004_final_report_closer_audit")]
AFTER = [("reports", "0005_final_report_outputs_as_project_outputs")]


@pytest.mark.django_db(transaction=True)
def test_the_json_outputs_become_rows_of_the_project(cast):
    report = final.submit_final_report(
        cast.project, actor=cast.lead, effects="x", ways_of_working="x", work_and_results="x", reuse="x",
        costs=[CostInput("cost-1", 0, "1000.00")], today=date(2021, 11, 30),
        outputs=[{"kind": "document", "title": "Ohje", "address": "https://example.org/ohje", "licence": ""}])
    try:
        old = migrate_to(BEFORE)
        old.get_model("reports", "FinalReport").objects.filter(pk=report.pk).update(outputs=[
            {"kind": "software", "title": "Rajapinta", "url": "https://example.org/api", "licence": "EUPL-1.2"},
            {"kind": "document", "title": "Ohje", "url": "https://example.org/ohje", "licence": ""},  # already a row
            {"kind": "raportti", "title": "  Loppuraportti ", "url": "ftp://x", "licence": "CC-BY-4.0"},
        ])
        migrate_to(AFTER)
    finally:
        migrate_to_latest()
    rows = {(o.kind, o.title, o.address, o.licence) for o in ProjectOutput.objects.filter(project=cast.project)}
    assert rows == {("software", "Rajapinta", "https://example.org/api", "EUPL-1.2"),
                    ("document", "Ohje", "https://example.org/ohje", ""),
                    ("document", "Loppuraportti", "", "CC-BY-4.0")}
    added = ProjectOutput.objects.get(title="Rajapinta")
    assert added.added_by == cast.lead and added.checked_at is None
    assert "outputs" not in {f.name for f in report._meta.get_fields() if f.concrete}
