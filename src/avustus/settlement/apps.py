from django.apps import AppConfig


class SettlementConfig(AppConfig):
    name = "avustus.settlement"
    label = "settlement"

    def ready(self) -> None:
        # A paid last instalment closes its project (events.payment_made); payments never imports settlement.
        from avustus.settlement import receivers

        receivers.connect()
