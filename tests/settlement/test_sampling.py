"""Audit samples of a call's funded projects: drawn by officials or the command, seeded, recorded, never redrawn."""

import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from avustus.audit.chain import verify
from avustus.audit.models import AuditEntry
from avustus.errors import Invalid, NotAllowed
from avustus.projects.models import FundedProject
from avustus.rules.sampling import MAX_SEED, draw
from avustus.settlement.models import AuditSample, AuditSampleEntry
from avustus.settlement.sampling import draw_audit_sample, population_of

pytestmark = pytest.mark.django_db


def test_an_official_draws_a_recorded_sample_of_the_calls_projects(cast):
    call = cast.project.call
    population = population_of(call)
    assert len(population) > 5 and cast.project.reference in population
    sample = draw_audit_sample(call, actor=cast.official, size=5, seed=20211130)
    drawn = [e.project.reference for e in sample.entries.order_by("position")]
    assert drawn == draw(population, 5, 20211130) and len(set(drawn)) == 5
    assert all(r.startswith(call.slug) for r in drawn)
    assert (sample.number, sample.seed, sample.size, sample.population) == (1, 20211130, 5, population)
    entry = AuditEntry.objects.get(action="audit_sample.drawn")
    assert entry.data["projects"] == drawn and entry.data["seed"] == 20211130 and entry.actor_id == cast.official.pk
    # A second draw, with the same seed, is a new draw recorded beside the first: the same projects, draw 2.
    again = draw_audit_sample(call, actor=cast.second_official, size=5, seed=20211130)
    assert again.number == 2 and [e.project.reference for e in again.entries.order_by("position")] == drawn
    assert AuditSample.objects.filter(call=call).count() == 2
    assert verify().ok


def test_cancelled_grants_are_not_drawn(cast):
    FundedProject.objects.filter(pk=cast.project.pk).update(state=FundedProject.State.CANCELLED)
    population = population_of(cast.project.call)
    sample = draw_audit_sample(cast.project.call, actor=cast.official, percent=Decimal(100), seed=1)
    assert cast.project.reference not in population and sample.size == len(population)
    assert not sample.entries.filter(project=cast.project).exists()


def test_a_new_seed_when_none_is_given_and_a_percentage_rounded_up(cast):
    sample = draw_audit_sample(cast.project.call, actor=cast.official, percent=Decimal("10"))
    population = len(population_of(cast.project.call))
    assert 1 <= sample.seed <= MAX_SEED and sample.size == -(-population // 10)
    # A new seed each time none is given (not a constant): two draws of a 1-in-MAX_SEED chance of meeting.
    assert draw_audit_sample(cast.project.call, actor=cast.official, percent=Decimal("10")).seed != sample.seed


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(min_value=0, max_value=MAX_SEED), size=st.integers(min_value=1, max_value=6))
def test_same_seed_same_sample_size_respected_only_the_calls_projects(cast, seed, size):
    call = cast.project.call
    first = draw_audit_sample(call, actor=cast.official, size=size, seed=seed)
    second = draw_audit_sample(call, actor=cast.official, size=size, seed=seed)
    one = list(first.entries.order_by("position").values_list("project_id", flat=True))
    assert one == list(second.entries.order_by("position").values_list("project_id", flat=True))
    assert len(one) == size and set(FundedProject.objects.filter(pk__in=one).values_list("call", flat=True)) == {
        call.pk}


@pytest.mark.parametrize("kwargs, field", [
    ({"size": 0}, "size"), ({"size": 100000}, "size"), ({}, "size"), ({"size": 2, "percent": Decimal(5)}, "size"),
    ({"percent": Decimal(0)}, "percent"), ({"size": 2, "seed": -1}, "seed"),
])
def test_bad_requests_are_refused_and_nothing_is_kept(cast, kwargs, field):
    with pytest.raises(Invalid) as caught:
        draw_audit_sample(cast.project.call, actor=cast.official, **kwargs)
    assert field in caught.value.message_dict
    assert not AuditSample.objects.exists() and not AuditSampleEntry.objects.exists()


def test_only_the_programmes_officials_draw(cast):
    for actor in (cast.lead, cast.partner, cast.outsider, cast.decision_maker):
        with pytest.raises(NotAllowed):
            draw_audit_sample(cast.project.call, actor=actor, size=1, seed=1)
    assert not AuditSample.objects.exists()


def test_the_command_prints_the_draw_as_json(cast, capsys):
    call = cast.project.call
    call_command("audit_sample", call.slug, "--size", "3", "--seed", "7", "--json")
    printed = json.loads(capsys.readouterr().out)
    assert printed["projects"] == draw(population_of(call), 3, 7)
    assert {k: printed[k] for k in ("call", "number", "seed", "size", "percent", "population")} == {
        "call": call.slug, "number": 1, "seed": 7, "size": 3, "percent": None,
        "population": len(population_of(call))}
    call_command("audit_sample", call.slug, "--size", "3", "--seed", "7", "--json")
    assert json.loads(capsys.readouterr().out)["number"] == 2
    assert AuditEntry.objects.filter(action="audit_sample.drawn", actor_kind="system").count() == 2


@pytest.mark.parametrize("args, words", [
    (["--size", "x"], "at least one"), (["--size", "3", "--percent", "5"], "not both"),
    (["--percent", "nan"], "percentage"), (["--size", "2", "--seed", "abc"], "seed"),
])
def test_the_command_refuses_with_exit_code_2(cast, args, words):
    with pytest.raises(CommandError, match=words) as caught:
        call_command("audit_sample", cast.project.call.slug, *args)
    assert caught.value.returncode == 2 and not AuditSample.objects.exists()


def test_the_command_refuses_an_unknown_call(db):
    with pytest.raises(CommandError, match="No call") as caught:
        call_command("audit_sample", "no-such-call", "--size", "1")
    assert caught.value.returncode == 2
