"""A published call's cost categories and exclusions, kept per process (the deadline burst reads them on every
create, save and submit: docs/performance.md).

Only a published call's parts are kept: its rules no longer change once applications come in
(``calls.services``), so what one process read stays true. Even so an entry is kept for ``TTL`` seconds at
most (an administrator could still edit a part through the admin site, in another process), and any save or
deletion of a call or a part in this process empties the whole cache (``forget``, connected in ``apps.py``),
so that a process never serves a part it has itself just changed. The rows are shared between threads and
requests: callers read them and never change them.
"""

import threading
import time

from avustus.calls.models import Call, CostCategory, Exclusion

TTL = 60.0

_lock = threading.Lock()
_kept: dict[int, tuple[float, list[CostCategory], list[Exclusion]]] = {}


def _kept_parts(call: Call) -> tuple[list[CostCategory], list[Exclusion]] | None:
    """Both lists of a published call, read now if not kept (or kept too long); None for any other call."""
    if call.status != Call.Status.PUBLISHED or call.pk is None:
        return None
    now = time.monotonic()
    kept = _kept.get(call.pk)
    if kept is not None and now - kept[0] < TTL:
        return kept[1], kept[2]
    categories, exclusions = list(call.cost_categories.all()), list(call.exclusions.all())
    with _lock:
        _kept[call.pk] = (now, categories, exclusions)
    return categories, exclusions


def categories_of(call: Call) -> list[CostCategory]:
    """The call's cost categories in their order (for a published call, read once a process and ``TTL``)."""
    kept = _kept_parts(call)
    return kept[0] if kept is not None else list(call.cost_categories.all())


def kept_categories(call: Call) -> list[CostCategory] | None:
    """A published call's cost categories as ``categories_of``; None, reading nothing, for any other call."""
    kept = _kept_parts(call)
    return kept[0] if kept is not None else None


def exclusions_of(call: Call) -> list[Exclusion]:
    """The themes the call does not fund, in their order."""
    kept = _kept_parts(call)
    return kept[1] if kept is not None else list(call.exclusions.all())


def forget(*args, **kwargs) -> None:
    """Empty the cache (a signal receiver: a call or one of its parts was saved or deleted in this process)."""
    with _lock:
        _kept.clear()


def connect() -> None:
    from django.db.models.signals import post_delete, post_save

    for model in (Call, CostCategory, Exclusion):
        post_save.connect(forget, sender=model, dispatch_uid=f"calls.parts.{model.__name__}.save")
        post_delete.connect(forget, sender=model, dispatch_uid=f"calls.parts.{model.__name__}.delete")
