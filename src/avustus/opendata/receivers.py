"""What the open data does when a decision is signed: queue the rewrite of the published grants.

Queued inside the signing's transaction (``events``), so a signing that rolls back queues nothing; the worker
rewrites the table seconds later instead of the first public reader paying it (13 s for a round of 22,000).
"""

from avustus import events


def on_decision_signed(sender, *, decision, actor, **kwargs) -> None:
    from avustus.opendata.tasks import refresh_published

    refresh_published.enqueue()


def connect() -> None:
    events.decision_signed.connect(on_decision_signed, dispatch_uid="opendata.published")
