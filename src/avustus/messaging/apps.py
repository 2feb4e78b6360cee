from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class MessagingConfig(AppConfig):
    name = "avustus.messaging"
    label = "messaging"
    verbose_name = pgettext_lazy("outbox", "messages")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The stages announce their changes through avustus.events; the receivers turn them into messages.
        from avustus.messaging import receivers

        receivers.connect()
