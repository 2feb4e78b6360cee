"""What a withdrawal does to the later stages, without this stage knowing them.

A withdrawal after the proposal was presented must send the proposal back to be presented again; the
proposal belongs to the evaluation stage, which comes after this one and builds on its applications.
Rather than import evaluation (a cycle: evaluation imports applications), this stage offers a hook and
evaluation registers on it when the apps load (``evaluation.apps``). Two steps, because of the locks:
``lock`` runs first in the withdrawal's transaction, before the application's row is locked, so the
locks are taken proposal row first, then application, in the order approval takes them and never the
other way round (which could deadlock); ``withdrawn`` runs after the application was withdrawn, with
what ``lock`` returned, in the same transaction.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Participant:
    name: str
    lock: Callable  # (call) -> what ``withdrawn`` needs, locked
    withdrawn: Callable  # (locked, application, *, actor) -> None


_participants: dict[str, Participant] = {}


def register(name: str, *, lock: Callable, withdrawn: Callable) -> None:
    """Take part in every withdrawal; registering the same name again replaces it (apps may load twice in tests)."""
    _participants[name] = Participant(name, lock, withdrawn)


def lock_before(call) -> dict:
    """Each participant's locks, taken before the application's row is locked; inside the transaction."""
    return {name: p.lock(call) for name, p in _participants.items()}


def withdrawn(locked: dict, application, *, actor) -> None:
    for name, p in _participants.items():
        p.withdrawn(locked[name], application, actor=actor)
