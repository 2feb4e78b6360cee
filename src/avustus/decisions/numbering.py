"""Grant numbers of a collective decision.

Grants are numbered through the groups in their order and, within a group, by the recipient's name
in Finnish alphabetical order, as the 2020 decision numbers them (numbers must not reveal the
ranking); deferrals are numbered apart, by name too.
"""

from collections.abc import Callable, Iterable

from avustus.rules import allocation
from avustus.rules.collation import finnish_key


def number_lines(lines: Iterable[tuple[str, str, object]], *, group_position: Callable[[str], int],
                 name_of: Callable[[str], str]) -> tuple[dict[str, int], list[str]]:
    """The number of each granted or deferred line (by key), and the granted keys in their numbered order.

    ``lines`` are (key, outcome, amount) as presented; ``group_position`` gives a granted line's group's
    position, ``name_of`` its recipient's name.
    """
    lines = list(lines)
    granted = sorted((k for k, outcome, _a in lines if outcome == allocation.GRANTED),
                     key=lambda k: (group_position(k), finnish_key(name_of(k)), k))
    deferred = sorted((k for k, outcome, _a in lines if outcome == allocation.DEFERRED),
                      key=lambda k: (finnish_key(name_of(k)), k))
    numbers = {k: n for n, k in enumerate(granted, start=1)} | {k: n for n, k in enumerate(deferred, start=1)}
    return numbers, granted
