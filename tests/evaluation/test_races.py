"""Races between the steps that a presented proposal freezes and the steps that decide on it (PostgreSQL).

Each test holds one side at a chosen point (an event, not a timer) and lets the other run into it:
a score submitted while the proposal is being presented, and an amendment started while a signed
decision's documents render. SQLite runs one writer at a time, so there is no race to show there.
"""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from avustus.accounts.models import Role
from avustus.audit.models import AuditEntry
from avustus.decisions import approval
from avustus.decisions.models import Decision, DecisionDocument
from avustus.evaluation import proposals, reviews
from avustus.evaluation.models import Proposal, Score
from tests.evaluation.conftest import present, seen
from tests.races import in_thread, wait_until_blocked_or_done

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgresql_only")]


def test_a_score_submitted_while_the_proposal_is_presented_waits_and_is_refused(evaluated, staff, person,
                                                                               monkeypatch):
    """The score used to be checked against the freeze before its transaction, so it landed after presentation."""
    call, (_hameenlinna, _turku, oulu) = evaluated
    late_reviewer = person("arvioija-c", call.programme, Role.REVIEWER)
    assignment = reviews.assign_reviewer(oulu, late_reviewer, actor=staff["official"])
    reviews.declare_interests(assignment, conflicted=False, reason="", actor=late_reviewer)

    computing, go = threading.Event(), threading.Event()
    compute = proposals.compute_proposal
    read = proposals.presentable_version(compute(call))  # the proposal as the presenting official read it

    def held_compute(c):
        computing.set()  # the presentation holds the proposal's lock from here until it commits
        go.wait()
        return compute(c)

    monkeypatch.setattr(proposals, "compute_proposal", held_compute)
    result: dict = {}
    presenting = in_thread(result, "present", lambda: present(call, staff["official"], version=read).status,
                           refused=ValidationError)
    assert computing.wait(60)
    scoring = in_thread(result, "score", lambda: reviews.submit_scores(
        assignment, {"impact": (1, "heikko"), "feasibility": (1, "heikko")}, actor=late_reviewer).submitted_at,
        refused=ValidationError)
    wait_until_blocked_or_done(scoring)
    go.set()
    presenting.join()
    scoring.join()

    assert result["present"] == Proposal.Status.PRESENTED, result
    assert result["score"][0] == "refused", result
    assert not Score.objects.filter(assignment=assignment).exists()
    assignment.refresh_from_db()
    assert assignment.submitted_at is None
    assert not AuditEntry.objects.filter(action="review.scored", actor=late_reviewer).exists()


def test_the_documents_render_with_no_lock_held_and_a_return_after_the_preview_refuses_approval(
        evaluated, staff, monkeypatch):
    """Approval renders nothing; a return after the decision-maker's preview refuses their approval, and the
    task that renders the documents afterwards holds no lock on the decision while it renders."""
    from avustus.decisions import signing
    from avustus.decisions.amending import start_amending_decision
    from avustus.errors import Conflict

    call, _apps = evaluated
    present(call, staff["official"])
    version = seen(call)
    shown = signing.shown_sha256(approval.preview(call, actor=staff["decider"], version=version))
    proposals.return_proposal(call, actor=staff["decider"], reason="Perustelut puuttuvat", version=version)
    with pytest.raises((ValidationError, Conflict)):
        approval.approve(call, actor=staff["decider"], version=version, shown=shown)
    assert not Decision.objects.filter(call=call).exists()
    assert not AuditEntry.objects.filter(action__in=["proposal.approved", "decision.signed"]).exists()

    present(call, staff["official"])
    version = seen(call)
    shown = signing.shown_sha256(approval.preview(call, actor=staff["decider"], version=version))
    decision = approval.approve(call, actor=staff["decider"], version=version, shown=shown)
    assert not DecisionDocument.objects.exists()

    rendering, go = threading.Event(), threading.Event()
    render = signing.render_documents

    def held_render(snapshot):
        rendering.set()
        go.wait()
        return render(snapshot)

    monkeypatch.setattr(signing, "render_documents", held_render)
    result: dict = {}
    storing = in_thread(result, "store", lambda: signing.store_documents(decision.pk, decision.snapshot_sha256),
                        refused=ValidationError)
    assert rendering.wait(60)
    try:
        with transaction.atomic():
            # Were the decision locked by the task while it renders, this would fail instead of waiting for it.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '5s'")
            amendment = start_amending_decision(decision, actor=staff["decider"])
    finally:
        go.set()
        storing.join()

    assert amendment.amends_id == decision.pk
    assert result["store"] == "stored", result
    assert DecisionDocument.objects.filter(decision=decision).count() == 8
