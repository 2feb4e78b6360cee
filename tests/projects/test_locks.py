"""A money step locks its project's row and nothing else: the call and the programme it reads with the
project stay free, so that steps on two projects of one call never wait for each other (PostgreSQL row
locks; SQLite runs one writer at a time)."""

import threading

import pytest
from django.db import DatabaseError, connections, transaction

from avustus.calls.models import Call, Programme
from avustus.projects.services import lock_project

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgresql_only")]


def _lockable_elsewhere(model, pk) -> bool:
    """Whether another connection can take the row's lock at once (NOWAIT: no waiting, no timing)."""
    result: dict = {}

    def run():
        try:
            with transaction.atomic():
                model.objects.select_for_update(nowait=True).get(pk=pk)
            result["free"] = True
        except DatabaseError:
            result["free"] = False
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return result["free"]


def test_locking_a_project_leaves_its_call_and_programme_free(cast):
    project = cast.project
    with transaction.atomic():
        locked = lock_project(project)
        assert locked.call.programme_id == project.call.programme_id  # read with the project, as before
        assert _lockable_elsewhere(Call, project.call_id)
        assert _lockable_elsewhere(Programme, project.call.programme_id)
        assert not _lockable_elsewhere(type(project), project.pk)  # the project itself is held



def test_a_recovery_step_locks_the_project_and_the_case_and_nothing_else(cast):
    from avustus.settlement.recovery import lock_recovery
    from tests.settlement.test_end_to_end import _through_two_payments
    from tests.settlement.test_recovery import _started

    _through_two_payments(cast)
    recovery = _started(cast)
    with transaction.atomic():
        lock_recovery(recovery)
        assert _lockable_elsewhere(Call, cast.project.call_id)
        assert _lockable_elsewhere(Programme, cast.project.call.programme_id)
        assert not _lockable_elsewhere(type(recovery), recovery.pk)
        assert not _lockable_elsewhere(type(cast.project), cast.project.pk)
