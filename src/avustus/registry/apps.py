from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "avustus.registry"
    label = "registry"
