import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from avustus.projects.models import FundedProject


def test_project_prints_the_2020_schedule_as_json(round_2020):
    project = FundedProject.objects.filter(call=round_2020).order_by("reference").first()
    out = StringIO()
    call_command("project", project.reference, "--json", stdout=out)
    printed = json.loads(out.getvalue())
    assert printed["reference"] == project.reference
    assert printed["grant"] == f"{project.grant:.2f}" and "." in printed["grant"]
    assert printed["paid"] == "0.00"
    assert printed["changes"] == []
    assert [(e["kind"], e["due_on"]) for e in printed["schedule"]] == [
        ("interim", "2020-06-26"), ("interim", "2020-10-26"), ("interim", "2021-02-26"),
        ("interim", "2021-06-28"), ("interim", "2021-10-26"), ("final", "2021-11-30")]


def test_an_unknown_reference_is_an_error(round_2020):
    with pytest.raises(CommandError, match="no-such"):
        call_command("project", "no-such", "--json", stdout=StringIO())
