from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "avustus.decisions"
    label = "decisions"
