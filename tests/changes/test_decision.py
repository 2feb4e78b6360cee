"""``changes.decision``: the rehearsed preview and the signed amending decision's snapshot."""

from datetime import date, datetime, timezone

import pytest

from avustus.changes import services as changes
from avustus.changes.decision import preview_snapshot
from avustus.changes.models import ChangeRequest, ProjectRevision
from avustus.errors import NotAllowed
from tests.changes.test_services import _decided, _extension

pytestmark = pytest.mark.django_db


def test_the_rehearsed_decision_is_shown_only_to_an_official_who_may_confirm_it(cast):
    """The preview applies the change (rolled back) and reads the project's terms: a service that asks who acts,
    as ``confirm_request`` does, so that no other entry point can show it to the lead, an outsider or the
    official who approved the request."""
    request = changes.approve_request(_extension(cast), actor=cast.official, version=1)
    for someone in (cast.lead, cast.partner, cast.outsider, cast.official):
        with pytest.raises(NotAllowed):
            preview_snapshot(request, actor=someone)
    assert not ProjectRevision.objects.exists()
    assert preview_snapshot(request, actor=cast.second_official)["change"]["new_end"] == "2021-12-31"


def test_the_decision_gives_the_day_the_request_was_submitted_in_finnish_time(cast):
    """Submitted at 1.30 on 1.10.2021 in Helsinki (22.30 UTC the day before): the decision says 1.10.2021."""
    request = _extension(cast)
    ChangeRequest.objects.filter(pk=request.pk).update(submitted_at=datetime(2021, 9, 30, 22, 30, tzinfo=timezone.utc))
    request.refresh_from_db()
    decision = _decided(cast, request)
    assert decision.snapshot["change"]["submitted_on"] == date(2021, 10, 1).isoformat()
