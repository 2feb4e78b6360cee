from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "avustus.ops"
    label = "ops"
