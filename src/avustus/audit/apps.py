from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "avustus.audit"
    label = "audit"
