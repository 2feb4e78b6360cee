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


def migrate_to_latest() -> None:
    """Every app back at its latest migration: a test that took the database back leaves it as it found it (a test
    migrating only to the migration it tests would leave the later ones unapplied for the tests after it)."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
