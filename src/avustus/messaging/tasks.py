"""Background tasks (Django's Tasks API, django-tasks backport, ORM backend): enqueued in the caller's
transaction, run by ``avustus worker``."""

from django_tasks import task


@task()
def send_message(message_id: int) -> str:
    from avustus.messaging.delivery import deliver

    return deliver(message_id)
