"""The audit sequencer (docs/performance.md): entries get a place in the chain (``position``), and their
chain fields may be empty until sealed.

Every entry written before has been chained in id order, which is what ``verify`` walked; the place each
is given here is that order (1, 2, 3, ... by id), so the existing chain verifies unchanged and the head's
count is the last position.
"""

from django.conf import settings
from django.db import migrations, models

# One statement, whatever the size of the log (window functions and UPDATE ... FROM: PostgreSQL, SQLite 3.33).
FILL = """
UPDATE audit_auditentry SET position = numbered.n
FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS n FROM audit_auditentry) AS numbered
WHERE audit_auditentry.id = numbered.id
"""


def number_existing(apps, schema_editor):
    from avustus.audit import triggers

    connection = schema_editor.connection
    # The triggers refuse every UPDATE of an entry until this migration's post_migrate installs the ones
    # that let sealing through (on SQLite they are off during migrate already).
    if triggers.supported(connection):
        triggers.drop(connection)
    schema_editor.execute(FILL)


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0004_actor_kind'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='auditentry',
            name='position',
            field=models.PositiveBigIntegerField(blank=True, null=True, unique=True),
        ),
        migrations.RunPython(number_existing, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='auditentry',
            name='hash',
            field=models.CharField(blank=True, max_length=64, null=True, unique=True),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='prev_hash',
            field=models.CharField(blank=True, max_length=64, null=True),
        ),
        migrations.AddIndex(
            model_name='auditentry',
            index=models.Index(condition=models.Q(('position__isnull', True)), fields=['id'], name='audit_entry_unsealed_idx'),
        ),
    ]
