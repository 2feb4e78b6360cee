"""``avustus flush``: Django's flush, able to empty the audit log and signed decisions on SQLite too.

SQLite empties a table with DELETE, which the immutability triggers refuse (PostgreSQL truncates, which
fires no row triggers). Flushing deliberately wipes every table, so the triggers are removed for it and
installed again afterwards, whether or not ``post_migrate`` is inhibited.
"""

from django.core.management.commands import flush
from django.db import connections

from avustus.audit import triggers


class Command(flush.Command):
    def handle(self, **options):
        connection = connections[options["database"]]
        # Only SQLite needs it: PostgreSQL's TRUNCATE fires no row triggers.
        present = connection.vendor == "sqlite" and bool(triggers.installed(connection))
        if present:
            triggers.drop(connection)
        try:
            return super().handle(**options)
        finally:
            if present:
                triggers.install(connection)
