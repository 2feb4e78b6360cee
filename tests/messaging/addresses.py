"""A user's own address as a test's starting point: set by the user, confirmed, and the messages that setting it
caused (the link that confirms it, the notice to the address before it) left out of the outbox with their send
tasks, so that a test sees the messages of what it tests and a consent given here counts
(``contacts.has_consented``)."""

from django_tasks_db.models import DBTaskResult

from avustus.accounts import contacts
from avustus.actors import SYSTEM
from avustus.messaging.models import OutboundMessage

ADDRESS_EVENTS = ("address_confirmation", "address_changed")


def confirmed_address(user, email: str, *, language: str = "", consent: bool = False, actor=None):
    contact = contacts.update_contact(user, email=email, language=language, consent=consent, actor=actor or user)
    contacts.mark_verified(user, actor=SYSTEM)
    caused = OutboundMessage.objects.filter(user=user, event__in=ADDRESS_EVENTS)
    pks = set(caused.values_list("pk", flat=True))
    DBTaskResult.objects.filter(pk__in=[task.pk for task in DBTaskResult.objects.all()
                                        if (task.args_kwargs.get("args") or [None])[0] in pks]).delete()
    caused.delete()
    contact.refresh_from_db()
    return contact
