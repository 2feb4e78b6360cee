from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "avustus.web"
    label = "web"
