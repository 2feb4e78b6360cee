"""The decisions' background tasks (Django's Tasks API; run by ``avustus worker``, retried by its policy)."""

from django_tasks import task


@task()
def store_documents(decision_id: int, snapshot_sha256: str) -> str:
    """Render a signed decision's documents from its snapshot and store them once (``signing.store_documents``)."""
    from avustus.decisions.signing import store_documents as store

    return store(decision_id, snapshot_sha256)
