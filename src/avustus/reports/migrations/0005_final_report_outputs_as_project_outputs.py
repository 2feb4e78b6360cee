"""A final report's outputs were a JSON list on the report, beside the project's ``ProjectOutput`` rows that the
reuse catalogue reads; one list now: each JSON entry becomes a row of the report's project (entered by whoever
filed the report, when it was filed; not checked, so an official checks it before it is public), then the field
goes. An entry already there as a row (the same kind, name and address) is not copied twice. Reversing puts the
rows of projects with a final report back into the list (the rows stay)."""

from django.db import migrations
from django.utils import timezone

KINDS = {"software", "document", "vocabulary", "service"}


def _address(text: str) -> str:
    text = (text or "").strip()
    return text[:500] if text.startswith(("https://", "http://")) else ""


def forwards(apps, schema_editor):
    FinalReport = apps.get_model("reports", "FinalReport")
    ProjectOutput = apps.get_model("reports", "ProjectOutput")
    for report in FinalReport.objects.exclude(outputs=[]).order_by("pk"):
        existing = set(ProjectOutput.objects.filter(project_id=report.project_id)
                       .values_list("kind", "title", "address"))
        for entry in report.outputs or []:
            if not isinstance(entry, dict):
                continue
            kind = str(entry.get("kind") or "").strip().lower()
            kind = kind if kind in KINDS else "document"  # the old list's kind was free text
            title = str(entry.get("title") or "").strip()[:300] or "—"
            address = _address(str(entry.get("url") or entry.get("address") or ""))
            if (kind, title, address) in existing:
                continue
            existing.add((kind, title, address))
            ProjectOutput.objects.create(
                project_id=report.project_id, kind=kind, title=title, address=address,
                licence=str(entry.get("licence") or "").strip()[:64], added_by_id=report.submitted_by_id,
                added_at=report.submitted_at or timezone.now())


def backwards(apps, schema_editor):
    FinalReport = apps.get_model("reports", "FinalReport")
    ProjectOutput = apps.get_model("reports", "ProjectOutput")
    for report in FinalReport.objects.order_by("pk"):
        report.outputs = [{"kind": o.kind, "title": o.title, "url": o.address, "licence": o.licence}
                          for o in ProjectOutput.objects.filter(project_id=report.project_id).order_by("pk")]
        report.save(update_fields=["outputs"])


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0004_final_report_closer_audit"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="finalreport", name="outputs"),
    ]
