from django.apps import AppConfig


class SettlementConfig(AppConfig):
    name = "avustus.settlement"
    label = "settlement"
