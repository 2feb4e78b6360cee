"""A data migration's test: the database taken back to the state before it, rows written there as the old code
wrote them, then migrated forward (with the models of each state, never today's)."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate_to(target):
    """Migrate the test database to ``target`` (a list of (app, migration)); the apps registry of that state."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps
