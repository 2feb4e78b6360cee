"""Two officials confirming the same change at once make one amending decision; two requests submitted at once
leave one open (PostgreSQL: SQLite runs one writer at a time)."""

from datetime import date

import pytest
from django.db import transaction

from avustus.accounts.models import Role
from avustus.changes import services as changes
from avustus.changes.models import ChangeDecision, ChangeRequest, ProjectRevision
from tests.changes.conftest import previewed
from tests.races import in_thread, wait_until_blocked_or_done

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgresql_only")]


def test_two_confirmations_at_once_sign_one_amending_decision(cast, person):
    third = person("virkailija3", cast.project.call.programme, Role.OFFICIAL)
    request = changes.submit_request(cast.project, actor=cast.lead, kind="extension", reasons="Viivästys.",
                                     new_end=date(2021, 12, 31))
    request = changes.approve_request(request, actor=cast.official, version=request.version)
    # Both read the decision before either confirms.
    first_read, third_read = previewed(request, cast.second_official), previewed(request, third)
    result: dict = {}
    with transaction.atomic():
        changes.confirm_request(request, actor=cast.second_official, version=request.version, confirmed=True,
                                shown=first_read)
        thread = in_thread(result, "confirm", lambda: changes.confirm_request(
            request, actor=third, version=request.version, confirmed=True, shown=third_read))
        wait_until_blocked_or_done(thread)
    thread.join()
    assert result["confirm"][0] == "refused"
    assert ChangeDecision.objects.count() == 1 and ProjectRevision.objects.count() == 2


def test_two_requests_at_once_leave_one_open(cast):
    result: dict = {}
    with transaction.atomic():
        changes.submit_request(cast.project, actor=cast.lead, kind="extension", reasons="Viivästys.",
                               new_end=date(2021, 12, 31))
        thread = in_thread(result, "submit", lambda: changes.submit_request(
            cast.project, actor=cast.lead, kind="extension", reasons="Toinen.", new_end=date(2021, 12, 20)))
        wait_until_blocked_or_done(thread)
    thread.join()
    assert result["submit"][0] == "refused"
    assert ChangeRequest.objects.count() == 1
