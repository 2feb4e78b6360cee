"""The generator: a national round the benchmarks can trust, the same for the same seed."""

import hashlib

import pytest
from django.db import transaction

from avustus.applications.models import Application, ConsortiumMember
from avustus.decisions.models import Decision
from avustus.evaluation.models import Assignment, Score
from avustus.evaluation.proposals import compute_proposal
from avustus.ops.generate import generate
from avustus.registry.models import Organisation

pytestmark = pytest.mark.django_db


class _Undo(Exception):
    pass


def _digest(seed: int) -> str:
    """What one generation wrote, as a hash of its rows; rolled back afterwards so that the next starts afresh."""
    rows = []
    try:
        with transaction.atomic():
            generated = generate(applications=60, seed=seed, history=10)
            for app in Application.objects.filter(call__in=generated.calls).order_by("reference"):
                rows.append((app.reference, app.title, str(app.amount_applied), app.status, app.submitted_at))
            rows += list(ConsortiumMember.objects.filter(application__call__in=generated.calls).order_by(
                "application__reference", "position").values_list("application__reference", "organisation__code"))
            rows += [(a.application.reference, a.reviewer.username, str(a.weighted_score)) for a in
                     Assignment.objects.filter(application__call__in=generated.calls).select_related(
                         "application", "reviewer").order_by("application__reference", "reviewer__username")]
            raise _Undo
    except _Undo:
        pass
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data():
    first = _digest(7)
    assert Application.objects.count() == 0  # rolled back
    assert _digest(7) == first
    assert _digest(8) != first


def test_a_generated_round_is_screened_and_scored_so_that_its_scores_count():
    generated = generate(applications=120, seed=3, history=10)
    call = generated.round
    assert call.applications.count() == 120
    # The call's counter counts them, so that a draft started in the e-service takes the next number.
    call.refresh_from_db(fields=["numbered"])
    assert call.numbered == 120
    # Today's municipalities (those merged before are in the registry for old decisions, not for new rounds).
    current = Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY, valid_to__isnull=True)
    assert current.count() == 309  # the 310 of 2020 less Honkajoki, merged into Kankaanpää on 1.1.2021
    lead_codes = set(call.applications.filter(members__role="lead").values_list("members__organisation__code",
                                                                              flat=True))
    assert lead_codes and lead_codes <= set(current.values_list("code", flat=True))
    reviews = Assignment.objects.filter(application__call=call)
    assert reviews.exists() and not reviews.filter(submitted_at__isnull=True).exists()
    # Each review's criteria are scored, and its weighted score is what the rules make of them.
    assert Score.objects.filter(assignment__in=reviews).count() == 3 * reviews.count()
    computed = compute_proposal(call)
    scored = [ref for ref, score in computed.scores.items() if score is not None]
    assert len(scored) == reviews.values("application").distinct().count() > 80
    assert computed.result.counts.get("granted", 0) > 0
    assert all(app.members.filter(role="lead").count() == 1 for app in call.applications.all()[:20])
    # The earlier round was decided and signed, with an outcome for each of its applications.
    earlier = Decision.objects.get(call__in=generated.calls, status=Decision.Status.SIGNED)
    assert earlier.outcomes.count() == earlier.call.applications.count() == 10
