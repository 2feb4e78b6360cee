"""The reference rates of the second half of 2025 and the first of 2026, appended to ``data/reference-rates.csv``:
the shipped file loaded again. Rows already in a database (a rate added with ``avustus reference-rate add``) are
kept as they are."""

from django.db import migrations


def load(apps, schema_editor):
    from importlib import import_module

    import_module("avustus.settlement.migrations.0002_shipped_reference_rates").load(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("settlement", "0007_immutability_triggers")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
