"""The settlement's background task (Django's Tasks API; run by ``avustus worker``, retried by its policy)."""

from django_tasks import task


@task()
def store_settlement_documents(settlement_id: int, sha256: str) -> str:
    """Render an approved settlement's documents from its snapshot and store them once (``documents``)."""
    from avustus.settlement.documents import store_settlement_documents as store

    return store(settlement_id, sha256)
