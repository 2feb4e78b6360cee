"""The open data's background tasks (Django's Tasks API; run by ``avustus worker``)."""

from django_tasks import task


@task()
def build_export(job_id: int) -> str:
    """Write an official's export of a round (``background.run_export_job``), counting its rows as it goes."""
    from avustus.opendata.background import run_export_job

    return run_export_job(job_id)


@task()
def refresh_published() -> str:
    """Rewrite the published grants a signing changed (``published.refresh``; nothing when another run did)."""
    from avustus.opendata.published import refresh

    return refresh()
