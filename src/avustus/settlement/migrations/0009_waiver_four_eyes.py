"""Four eyes on a section 26 waiver: a waiver is proposed by one official and confirmed, or declined, by a second
person (``settlement.waivers``).

The one official's ``decided_by``/``decided_at`` become the proposer's. Waivers recorded before this took effect
at once, by one person: they become confirmed, by that person at that moment, so that what is due stays as it was
and an audit finds them as the ones where the proposer and the confirmer are the same.
"""

from django.conf import settings
from django.db import migrations, models
from django.db.models import F


def confirm_earlier_waivers(apps, schema_editor):
    waivers = apps.get_model("settlement", "RecoveryWaiver")
    waivers.objects.update(status="confirmed", confirmed_by=F("proposed_by"), confirmed_at=F("proposed_at"))


class Migration(migrations.Migration):

    dependencies = [
        ("settlement", "0008_reference_rates_to_2026_h1"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField("recoverywaiver", "decided_by", "proposed_by"),
        migrations.RenameField("recoverywaiver", "decided_at", "proposed_at"),
        migrations.AlterModelOptions(
            name="recoverywaiver",
            options={"ordering": ["recovery", "proposed_at", "id"], "verbose_name": "waiver",
                     "verbose_name_plural": "waivers"},
        ),
        migrations.AddField(
            model_name="recoverywaiver", name="status",
            field=models.CharField(choices=[("proposed", "awaiting confirmation"), ("confirmed", "confirmed"),
                                            ("declined", "declined")],
                                   default="proposed", max_length=10, verbose_name="status"),
        ),
        migrations.AddField(
            model_name="recoverywaiver", name="confirmed_by",
            field=models.ForeignKey(blank=True, null=True, on_delete=models.deletion.PROTECT, related_name="+",
                                    to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(model_name="recoverywaiver", name="confirmed_at",
                            field=models.DateTimeField(blank=True, null=True)),
        migrations.AddField(
            model_name="recoverywaiver", name="declined_by",
            field=models.ForeignKey(blank=True, null=True, on_delete=models.deletion.PROTECT, related_name="+",
                                    to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(model_name="recoverywaiver", name="declined_at",
                            field=models.DateTimeField(blank=True, null=True)),
        migrations.AddField(model_name="recoverywaiver", name="declined_reasons",
                            field=models.TextField(blank=True, verbose_name="reasons for declining")),
        migrations.RunPython(confirm_earlier_waivers, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="recoverywaiver",
            constraint=models.UniqueConstraint(condition=models.Q(status="proposed"), fields=("recovery",),
                                               name="one_proposed_waiver_per_recovery"),
        ),
    ]
