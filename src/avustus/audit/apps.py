from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate, pre_migrate


def drop_triggers(sender, using="default", **kwargs):
    """On SQLite, take the triggers off while migrations run: rebuilding a table that another table's
    trigger reads (``decisions_decision``, read by the outcome triggers) fails while that trigger exists."""
    from avustus.audit import triggers

    connection = connections[using]
    if connection.vendor == "sqlite":
        triggers.drop(connection)


def install_triggers(sender, using="default", **kwargs):
    """Re-create the immutability triggers after every migrate (a SQLite table rebuild drops them)."""
    from avustus.audit import triggers

    triggers.install(connections[using])


class AuditConfig(AppConfig):
    name = "avustus.audit"
    label = "audit"

    def ready(self):
        from avustus.audit import checks  # noqa: F401 (registers the database check)

        # Each sent once per migrate (post_migrate also after flush) for this app, before the first and
        # after the last migration of every app.
        pre_migrate.connect(drop_triggers, sender=self, dispatch_uid="avustus.audit.drop_triggers")
        post_migrate.connect(install_triggers, sender=self, dispatch_uid="avustus.audit.install_triggers")
