"""Notifying a decision: when each recipient was sent it, and so when the time to request rectification ends."""

from django.db import transaction
from django.utils.translation import gettext as _

from avustus.accounts.contacts import has_consented, still_acting
from avustus.accounts.permissions import check_prepares
from avustus.actors import user_of
from avustus.audit.chain import record
from avustus.decisions.models import Decision, Notification
from avustus.errors import Invalid
from avustus.rules.deadlines import Delivery, rectification_deadline


def record_notification(decision: Decision, application, *, channel: str, sent_on, actor, recipient: str = ""):
    """Record that a recipient was sent the decision; the deemed receipt and deadline follow Finnish law.

    ``recipient`` is the address an emailed decision went to (empty when an official records the sending
    for the recipient as a whole). Recording the same sending twice gives the one already recorded.
    """
    check_prepares(actor, decision.call.programme, _("only the programme's officials record notifications"))
    if channel not in {d.value for d in Delivery}:
        raise Invalid({"channel": [_("Choose how the decision was sent: by letter or electronically.")]})
    if decision.status != Decision.Status.SIGNED:
        raise Invalid({"__all__": [_("Only a signed decision can be notified.")]})
    if decision.decided_on and sent_on < decision.decided_on:
        raise Invalid({"sent_on": [_("A decision cannot be sent before it was made; check the date.")]})
    if not decision.outcomes.filter(application=application).exists():
        raise Invalid({"application": [_("The decision does not concern this application.")]})
    received_on, deadline = rectification_deadline(sent_on, channel)
    with transaction.atomic():
        notification, created = Notification.objects.get_or_create(
            decision=decision, application=application, channel=channel, sent_on=sent_on, recipient=recipient,
            defaults={"received_on": received_on, "rectification_deadline": deadline, "recorded_by": user_of(actor)},
        )
        if created:
            record("decision.notified", notification, actor=actor,
                   data={"application": application.reference, "channel": channel, "sent_on": sent_on.isoformat(),
                         "recipient": recipient,
                         "received_on": received_on.isoformat(), "deadline": deadline.isoformat()})
    return notification


def record_emailed(decision: Decision, application, *, user, recipient: str, sent_on, actor):
    """A decision letter was emailed to ``recipient`` (the address of ``user``) on ``sent_on``: recorded as
    electronic notification, deemed received on the third day, only if that user has consented to electronic
    delivery at an address they confirmed (Administrative Procedure Act 434/2003, s. 19; ``has_consented``). Returns
    the notification, or None when the email was for information only (no consent, an address not confirmed or not
    the one it went to, an organisation's shared address, or a person who no longer acts for the lead): then the
    decision is notified some other way, by post, and an official records that.
    """
    lead = application.lead
    if not has_consented(user, at=recipient) or not still_acting(lead.organisation if lead else None, [user]):
        return None
    return record_notification(decision, application, channel=Delivery.ELECTRONIC.value, sent_on=sent_on,
                               actor=actor, recipient=recipient)
