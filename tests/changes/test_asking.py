"""What the change requests' page asks of the service: whether the user may ask for a change now
(``can_request_change``, which ``submit_request`` enforces) and each revision's final report date
(``revisions_of``), computed once there."""

from datetime import date

import pytest

from avustus.changes import services as changes
from avustus.changes.models import ChangeRequest, ProjectRevision
from avustus.errors import Conflict, NotAllowed
from avustus.projects.models import FundedProject
from tests.changes.conftest import previewed

pytestmark = pytest.mark.django_db

REASONS = "Hankinta viivästyi toimittajan konkurssin vuoksi."


def _ask(cast, actor):
    return changes.submit_request(cast.project, actor=actor, kind="extension", reasons=REASONS,
                                  new_end=date(2021, 12, 31))


def test_the_lead_asks_while_the_project_is_in_progress(cast):
    assert changes.can_request_change(cast.lead, cast.project)
    for someone in (cast.partner, cast.outsider, cast.official, cast.decision_maker):
        assert not changes.can_request_change(someone, cast.project)
        with pytest.raises(NotAllowed):
            _ask(cast, someone)
    assert _ask(cast, cast.lead).status == ChangeRequest.Status.SUBMITTED


@pytest.mark.parametrize("state", [FundedProject.State.CLOSED, FundedProject.State.CANCELLED])
def test_no_change_is_asked_once_the_project_is_no_longer_in_progress(cast, state):
    FundedProject.objects.filter(pk=cast.project.pk).update(state=state)
    cast.project.refresh_from_db()
    assert not changes.can_request_change(cast.lead, cast.project)
    # Not only the form hidden: the service refuses the lead too.
    with pytest.raises(Conflict, match="not in progress"):
        _ask(cast, cast.lead)
    assert not ChangeRequest.objects.exists()


def test_each_revision_with_its_final_report_date(cast):
    request = _ask(cast, cast.lead)
    request = changes.approve_request(request, actor=cast.official, version=request.version, reasons="Perusteltu.")
    changes.confirm_request(request, actor=cast.second_official, version=request.version, confirmed=True,
                            decided_on=date(2021, 10, 1),
                            shown=previewed(request, cast.second_official, date(2021, 10, 1)))
    assert [(r.number, due) for r, due in changes.revisions_of(cast.project)] == [
        (1, date(2021, 11, 30)), (2, date(2021, 12, 31))]


def test_the_final_report_date_is_the_final_entry_wherever_it_stands():
    schedule = [{"kind": "interim", "number": 1, "due_on": "2021-02-26"},
                {"kind": "final", "number": 1, "due_on": "2021-12-31"},
                {"kind": "interim", "number": 2, "due_on": "2022-01-31"}]
    assert changes.revision_final_due(ProjectRevision(schedule=schedule)) == date(2021, 12, 31)
    assert changes.revision_final_due(ProjectRevision(schedule=schedule[:1])) is None
