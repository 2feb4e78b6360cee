"""The outbox: one row per message, written in the transaction of the change that causes it."""

from django.conf import settings
from django.db import models
from django.utils.translation import pgettext_lazy

# Labels in the context "outbox": short words such as "failed" mean other things elsewhere in the catalogue.


class OutboundMessage(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("outbox", "queued")
        SENDING = "sending", pgettext_lazy("outbox", "sending")
        SENT = "sent", pgettext_lazy("outbox", "sent")
        FAILED = "failed", pgettext_lazy("outbox", "failed")
        # The worker died while talking to the mail server: it may or may not have been accepted. Only a
        # person resends it (``avustus outbox resend ID``), never the worker.
        UNCERTAIN = "uncertain", pgettext_lazy("outbox", "uncertain")

    to = models.EmailField(pgettext_lazy("outbox", "recipient"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+")
    event = models.CharField(pgettext_lazy("outbox", "event"), max_length=60)
    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="messages")
    decision = models.ForeignKey("decisions.Decision", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="messages")
    language = models.CharField(pgettext_lazy("outbox", "language"), max_length=5)
    subject = models.CharField(pgettext_lazy("outbox", "subject"), max_length=300)
    body = models.TextField(pgettext_lazy("outbox", "message"))
    status = models.CharField(pgettext_lazy("outbox", "status"), max_length=20, choices=Status.choices,
                              default=Status.QUEUED)
    attempts = models.PositiveIntegerField(pgettext_lazy("outbox", "attempts"), default=0)
    last_error = models.TextField(pgettext_lazy("outbox", "last error"), blank=True)
    next_attempt_at = models.DateTimeField(pgettext_lazy("outbox", "next attempt"), null=True, blank=True)
    # Set when the worker marks it sending: a message still sending long after is one whose worker died.
    sending_since = models.DateTimeField(null=True, blank=True)
    # The Message-ID header, the same on every (manual) resend, so that a recipient's mail system and a
    # person comparing copies can tell a resend from a new message.
    message_id = models.CharField(pgettext_lazy("outbox", "Message-ID"), max_length=250, unique=True)
    # What the message is once per: a reminder's due item and recipient, a decision letter's decision,
    # application and address. A second queueing with the same key writes nothing (``outbox.queue``).
    key = models.CharField(max_length=250, unique=True, null=True, blank=True)
    # A decision letter to a party: when it is sent, the worker records it as electronic notification
    # (``decisions.notifications.record_emailed``) if the recipient has consented, and links it here.
    notifies = models.BooleanField(default=False)
    notification = models.ForeignKey("decisions.Notification", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="messages")
    created_at = models.DateTimeField(pgettext_lazy("outbox", "created"), auto_now_add=True)
    sent_at = models.DateTimeField(pgettext_lazy("outbox", "sent"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = pgettext_lazy("outbox", "outbound message")
        verbose_name_plural = pgettext_lazy("outbox", "outbound messages")
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.event} → {self.to} ({self.status})"
