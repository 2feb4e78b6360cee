import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0004_partner_editing"),
        ("evaluation", "0001_initial"),
    ]

    operations = [
        migrations.RenameField(model_name="proposalline", old_name="merged_into", new_name="combinable_with"),
        migrations.AlterField(
            model_name="proposalline",
            name="combinable_with",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE,
                                    related_name="+", to="applications.application",
                                    verbose_name="may be combined with"),
        ),
        migrations.AddField(model_name="proposal", name="presented", field=models.JSONField(blank=True, default=dict)),
    ]
