"""A task for the worker's retry tests (tasks are found by their import path)."""

from django_tasks import task


@task()
def always_fails() -> None:
    raise RuntimeError("the remote service is down")
