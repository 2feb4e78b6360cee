"""Every call's counter ``numbered`` at least its e-service applications (``source_row`` empty): rows written
before the counter was kept everywhere (the generator's) were counted by ``number_draft`` itself, which now
reads the counter alone."""

from django.db import migrations
from django.db.models import Count, F, Q


def count_into_counter(apps, schema_editor):
    Call = apps.get_model("calls", "Call")
    counted = Call.objects.annotate(made=Count("applications", filter=Q(applications__source_row__isnull=True)))
    for call_id, made in counted.filter(made__gt=F("numbered")).values_list("pk", "made"):
        Call.objects.filter(pk=call_id).update(numbered=made)


class Migration(migrations.Migration):

    dependencies = [
        ('applications', '0006_idempotency_index'),
        ('calls', '0006_call_numbered'),
    ]

    operations = [
        migrations.RunPython(count_into_counter, migrations.RunPython.noop),
    ]
