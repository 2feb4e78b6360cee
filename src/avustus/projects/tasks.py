"""The projects' background task (Django's Tasks API; run by ``avustus worker``, retried by its policy)."""

from django_tasks import task


@task()
def follow_signed_decision(decision_id: int) -> int:
    """Make the funded projects of a decision signed in Avustus (``services.follow_signed_decision``)."""
    from avustus.projects.services import follow_signed_decision as follow

    return follow(decision_id)
