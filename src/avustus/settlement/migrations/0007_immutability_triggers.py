"""Database triggers refusing changes to settlements, their documents and signed recovery decisions (see
``avustus.audit.triggers``), installed with the rest.

As with ``audit.0003_triggers``: the audit app's ``post_migrate`` handler (re)creates every trigger after each
``migrate``, so this migration installs them only on PostgreSQL, where they then guard the later migrations of
the same run too; on SQLite a trigger installed in the middle of a run would be dropped by the next rebuild of
its table, so there they exist between runs of ``migrate``.
"""

from django.db import migrations


def install(apps, schema_editor):
    from avustus.audit import triggers

    if schema_editor.connection.vendor == "postgresql":
        triggers.install(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0004_actor_kind"),
        ("settlement", "0006_recovery_withdrawal_and_receivable"),
    ]

    # Going back leaves the triggers: ``audit.0003_triggers`` going back drops them all.
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
