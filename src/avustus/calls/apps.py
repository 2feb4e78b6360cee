from django.apps import AppConfig


class CallsConfig(AppConfig):
    name = "avustus.calls"
    label = "calls"

    def ready(self) -> None:
        from avustus.calls import parts

        parts.connect()
