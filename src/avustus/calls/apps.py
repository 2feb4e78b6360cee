from django.apps import AppConfig


class CallsConfig(AppConfig):
    name = "avustus.calls"
    label = "calls"
