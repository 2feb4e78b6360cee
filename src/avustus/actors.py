"""Who acts: a user, or the system (commands, background jobs), never "nobody".

Services take an ``actor`` and ask ``accounts.permissions`` whether it may act. Commands and jobs pass
``SYSTEM``: it is not a user, holds no username that a person could choose, and the audit log records
it as the system by kind, not by name. ``None`` is not an actor.
"""

from typing import Final


class SystemActor:
    """The system itself: commands run by whoever has the server's rights, and background jobs."""

    pk: Final = None
    id: Final = None
    is_authenticated: Final = True
    is_anonymous: Final = False
    is_active: Final = True
    is_superuser: Final = False
    is_staff: Final = False

    def get_username(self) -> str:
        return "system"

    def get_full_name(self) -> str:
        return ""

    def __repr__(self) -> str:
        return "SYSTEM"

    def __reduce__(self) -> str:  # pickled and copied as the one instance
        return "SYSTEM"


SYSTEM: Final = SystemActor()


def is_system(actor: object) -> bool:
    return actor is SYSTEM


def user_of(actor):
    """The user row behind an actor, for foreign keys (``created_by`` and the like): None for the system."""
    if actor is None:
        raise TypeError("an actor is required: pass the user, or SYSTEM for commands and jobs")
    return None if actor is SYSTEM else actor


def display_name(actor) -> str:
    """The name a decision states for its signatory: the user's full name, else their username."""
    return actor.get_full_name() or actor.get_username()
