from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    name = "avustus.opendata"
    label = "opendata"
    verbose_name = _("open data")

    def ready(self) -> None:
        # A signing queues the rewrite of the published grants (``receivers``).
        from avustus.opendata import receivers

        receivers.connect()
