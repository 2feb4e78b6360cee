"""Drawing a random sample of funded projects for a closer audit (pistokoe / stickprov), reproducibly.

Each member of the population gets a key: the SHA-256 of the seed and its reference; the sample is the ``size``
members with the smallest keys, in that order. So the same seed and the same population give the same sample on
any machine and any Python (no dependence on a library's generator), whatever order the population is listed in;
and a member's place does not depend on which others are there, so a grown population keeps a drawn member
unless one of the new ones comes before it.
"""

import hashlib
import math
import secrets
from collections.abc import Iterable
from decimal import Decimal

MAX_SEED = 2**63 - 1  # fits a signed 64-bit column


class SampleError(ValueError):
    """A size or percentage that cannot be drawn; ``code`` says which (the service words it)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def new_seed() -> int:
    """A fresh seed, from the operating system's random source, recorded with the sample it draws."""
    return secrets.randbelow(MAX_SEED) + 1


def _key(seed: int, reference: str) -> str:
    return hashlib.sha256(f"{seed}:{reference}".encode()).hexdigest()


def sample_size(population: int, *, size: int | None = None, percent: Decimal | None = None) -> int:
    """How many to draw: ``size`` as given, or ``percent`` of the population rounded up (a part of one project is
    one); either at most the population. Exactly one of them is given."""
    if (size is None) == (percent is None):
        raise SampleError("size_or_percent")
    if percent is None:
        wanted = size or 0
        if wanted < 1:
            raise SampleError("size")
        if wanted > population:
            raise SampleError("too_many")
        return wanted
    if not Decimal(0) < percent <= Decimal(100):
        raise SampleError("percent")
    return min(population, math.ceil(Decimal(population) * percent / Decimal(100)))


def draw(population: Iterable[str], size: int, seed: int) -> list[str]:
    """The ``size`` references of ``population`` drawn with ``seed``, in the order drawn."""
    if not 0 <= seed <= MAX_SEED:
        raise SampleError("seed")
    members = sorted(set(population))
    if size < 0 or size > len(members):
        raise SampleError("too_many")
    return sorted(members, key=lambda reference: _key(seed, reference))[:size]
