from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "avustus.applications"
    label = "applications"
