"""A signing queues the rewrite of the published grants; a reader meanwhile reads the table as it is when the
rewrite would be long, and the pages show the new outcome once the task has run."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from avustus.decisions.amending import start_amending_decision
from avustus.decisions.models import Decision, Outcome
from avustus.decisions.signing import sign_decision
from avustus.opendata import published
from avustus.opendata.models import PublishedGrant, PublishedState
from avustus.opendata.tasks import refresh_published

pytestmark = pytest.mark.django_db


def _queued_rewrites() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(status="READY", task_path=refresh_published.module_path))


def _run(result: DBTaskResult) -> str:
    """Run one queued task as ``avustus worker`` would: the task its row names, with the arguments stored in it
    (called directly, inside the test's transaction)."""
    returned = result.task.call(*result.args_kwargs["args"], **result.args_kwargs["kwargs"])
    DBTaskResult.objects.filter(pk=result.pk).update(status="SUCCESSFUL")
    return returned


def _run_refresh_tasks() -> int:
    pending = _queued_rewrites()
    for result in pending:
        _run(result)
    return len(pending)


def _table() -> dict[int, dict]:
    return {row["application_id"]: row for row in PublishedGrant.objects.values()}


@pytest.fixture
def granted_later(round_2020):
    """An amending decision of the 2020 round granting Paimio's deferred application, signed; the table was
    written before it."""
    _run_refresh_tasks()
    published.ensure_fresh()
    original = Decision.objects.get(call=round_2020)
    minister = get_user_model().objects.create(username="paattaja")
    draft = start_amending_decision(original, actor=minister, decided_on=datetime.date(2020, 6, 10))
    deferred = Outcome.objects.get(decision=original, kind="deferred", number=5)
    Outcome.objects.create(decision=draft, application=deferred.application, kind="granted",
                           amount_granted=Decimal("106200.00"), number=1, recipient=deferred.recipient,
                           recipient_as_written="Paimion kaupungille", group=None)
    sign_decision(draft, actor=minister)
    return deferred.application


def _granted(client) -> set[int]:
    response = client.get(reverse("open-grants"), {"outcome": "granted"})
    return {row.pk for row in response.context["page"].rows}


def test_a_signing_queues_one_rewrite_and_the_page_shows_the_new_outcome_once_it_ran(client, granted_later,
                                                                                      monkeypatch):
    monkeypatch.setattr(published, "INLINE_OUTCOMES", 0)  # as a big round is: too long for a reader to wait
    # One task queued by the signing: the rewrite, which takes no arguments (it finds what changed itself).
    [queued] = _queued_rewrites()
    assert (queued.task_path, queued.args_kwargs) == ("avustus.opendata.tasks.refresh_published",
                                                      {"args": [], "kwargs": {}})
    assert queued.task.func is refresh_published.func
    table = _table()
    assert table[granted_later.pk]["outcome_kind"] == "deferred"
    # The reader is served the table as it was, not made to rewrite it.
    assert granted_later.pk not in _granted(client)
    assert _table() == table
    stamp = _run(queued)
    # The rewrite wrote the new outcome's row and left every other row as it was, and the table is now written
    # from the signed decisions as they are.
    assert stamp.startswith(f"{published.fingerprint()}@")
    assert PublishedState.objects.get().fingerprint == published.fingerprint()
    rewritten = _table()
    assert rewritten.keys() == table.keys()
    assert {pk: row for pk, row in rewritten.items() if pk != granted_later.pk} == \
        {pk: row for pk, row in table.items() if pk != granted_later.pk}
    grant = rewritten[granted_later.pk]
    assert (grant["outcome_kind"], grant["amount_granted"], grant["decided_on"], grant["year"]) == \
        ("granted", Decimal("106200.00"), datetime.date(2020, 6, 10), 2020)
    assert granted_later.pk in _granted(client)
    assert not _queued_rewrites()


def test_a_reader_rewrites_a_small_change_itself_without_waiting_for_the_task(client, granted_later):
    assert granted_later.pk in _granted(client)
    table = _table()
    assert table[granted_later.pk]["outcome_kind"] == "granted"
    # The task queued by the signing still runs, and finds nothing to write: the table stays as the reader wrote it.
    [queued] = _queued_rewrites()
    assert (queued.task_path, queued.args_kwargs) == ("avustus.opendata.tasks.refresh_published",
                                                      {"args": [], "kwargs": {}})
    assert _run(queued).startswith(f"{published.fingerprint()}@")
    assert _table() == table


def test_a_signing_rolled_back_queues_nothing(round_2020):
    from django.db import transaction

    from avustus import events
    from avustus.actors import SYSTEM

    before = DBTaskResult.objects.filter(task_path=refresh_published.module_path).count()
    with pytest.raises(RuntimeError), transaction.atomic():
        events.decision_signed.send(Decision, decision=Decision.objects.get(call=round_2020), actor=SYSTEM)
        raise RuntimeError
    assert DBTaskResult.objects.filter(task_path=refresh_published.module_path).count() == before
