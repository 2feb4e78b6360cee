"""The Bank of Finland's reference rates shipped with Avustus (``data/reference-rates.csv``), present after
``avustus migrate`` with no other step.

Rows already in the table are left as they are (a rate added by a command before this ran is not
overwritten), so a later release that appends half-years to the file adds a migration calling ``load`` again.
"""

import csv
from decimal import Decimal
from pathlib import Path

from django.db import migrations

SHIPPED = Path(__file__).resolve().parents[1] / "data" / "reference-rates.csv"


def load(apps, schema_editor):
    ReferenceRate = apps.get_model("settlement", "ReferenceRate")
    alias = schema_editor.connection.alias
    with SHIPPED.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            ReferenceRate.objects.using(alias).get_or_create(
                half_year_start=row["valid_from"], defaults={"rate": Decimal(row["reference_rate_percent"])})


class Migration(migrations.Migration):
    dependencies = [("settlement", "0001_reference_rates")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
