"""Database triggers refusing changes to audit entries and signed decisions (see ``avustus.audit.triggers``).

The same triggers are (re)created after every ``migrate`` by the audit app's ``post_migrate`` handler,
because SQLite drops a table's triggers whenever a later migration rebuilds that table. On SQLite this
migration leaves the installing to that handler: a trigger installed here, in the middle of a run,
would make a later migration of the same run fail when it rebuilds ``decisions_decision`` (the outcome
triggers read it), so on SQLite triggers exist only between runs of ``migrate``.
"""

from django.db import migrations


def install(apps, schema_editor):
    from avustus.audit import triggers

    if schema_editor.connection.vendor == "postgresql":
        triggers.install(schema_editor.connection)


def drop(apps, schema_editor):
    from avustus.audit import triggers

    if triggers.supported(schema_editor.connection):
        triggers.drop(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0002_application_reference"),
        ("decisions", "0004_notifications"),
    ]

    operations = [migrations.RunPython(install, drop)]
