"""The audit sample: the same seed and population give the same sample, of the size asked, from the population."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from avustus.rules.sampling import MAX_SEED, SampleError, draw, new_seed, sample_size

references = st.lists(st.from_regex(r"[a-z0-9-]{1,20}", fullmatch=True), min_size=1, max_size=60, unique=True)
seeds = st.integers(min_value=0, max_value=MAX_SEED)


@given(references, seeds, st.data())
def test_same_seed_same_sample_whatever_the_order(population, seed, data):
    size = data.draw(st.integers(min_value=0, max_value=len(population)))
    shuffled = data.draw(st.permutations(population))
    first = draw(population, size, seed)
    assert first == draw(shuffled, size, seed)
    assert len(first) == size and len(set(first)) == size and set(first) <= set(population)


@given(references, seeds, st.data())
def test_a_smaller_sample_is_the_start_of_a_larger_one(population, seed, data):
    size = data.draw(st.integers(min_value=0, max_value=len(population)))
    assert draw(population, len(population), seed)[:size] == draw(population, size, seed)


def test_different_seeds_draw_differently():
    population = [f"p-{n:03d}" for n in range(100)]
    assert draw(population, 10, 1) != draw(population, 10, 2)
    # Fixed forever: the keys are SHA-256, not a library's generator.
    assert draw(["a", "b", "c", "d"], 2, 42) == draw(["d", "c", "b", "a"], 2, 42)


def test_new_seeds_are_in_range_and_differ():
    seeds = {new_seed() for _ in range(20)}
    assert len(seeds) > 1 and all(1 <= s <= MAX_SEED for s in seeds)


@given(st.integers(min_value=1, max_value=500), st.decimals(min_value=Decimal("0.01"), max_value=Decimal(100),
                                                             places=2))
def test_a_percentage_is_rounded_up_within_the_population(population, percent):
    size = sample_size(population, percent=percent)
    assert 1 <= size <= population
    assert size >= population * percent / 100 > size - 1


@pytest.mark.parametrize("kwargs, code", [
    ({}, "size_or_percent"), ({"size": 2, "percent": Decimal(10)}, "size_or_percent"), ({"size": 0}, "size"),
    ({"size": 11}, "too_many"), ({"percent": Decimal(0)}, "percent"), ({"percent": Decimal("100.01")}, "percent"),
])
def test_refusals(kwargs, code):
    with pytest.raises(SampleError) as caught:
        sample_size(10, **kwargs)
    assert caught.value.code == code


def test_bad_seed_and_size_refused():
    with pytest.raises(SampleError):
        draw(["a"], 1, -1)
    with pytest.raises(SampleError):
        draw(["a"], 2, 1)
