"""``changes.decision``: the rehearsed preview and the signed amending decision's snapshot."""

import pytest

from avustus.changes import services as changes
from avustus.changes.decision import preview_snapshot
from avustus.changes.models import ProjectRevision
from avustus.errors import NotAllowed
from tests.changes.test_services import _extension

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

