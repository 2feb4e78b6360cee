"""Awarded grants as a table for people: CSV (UTF-8, comma separated) and XLSX, the same rows and figures.

The rows are flattened from the 360Giving grants (``giving360.grant``), so the two formats and the JSON
cannot disagree about an amount, a recipient or a municipality.
"""

import csv
import io
from decimal import Decimal

from django.utils.translation import gettext as _

from avustus.texts import spreadsheet_cell


def columns() -> list[tuple[str, str]]:
    """(key, heading in the active language) of each column, in order."""
    return [
        ("id", _("Grant identifier")),
        ("reference", _("Tracking number")),
        ("round", _("Round")),
        ("title", _("Project")),
        ("recipient", _("Recipient")),
        ("recipient_id", _("Recipient identifier")),
        ("municipalities", _("Municipalities")),
        ("municipality_codes", _("Municipality codes")),
        ("applied", _("Applied (EUR)")),
        ("awarded", _("Granted (EUR)")),
        ("award_date", _("Date of decision")),
        ("group", _("Group of grants")),
        ("description", _("Description")),
    ]


def rows(grants: list[dict], references: list[str]) -> list[dict]:
    """One row per grant. Amounts are Decimal, exact to the cent."""
    found = []
    for grant, reference in zip(grants, references, strict=True):
        places = grant.get("beneficiaryLocation", [])
        found.append({
            "id": grant["id"],
            "reference": reference,
            "round": grant["grantProgramme"][0]["title"],
            "title": grant["title"],
            "recipient": grant["recipientOrganization"][0]["name"],
            "recipient_id": grant["recipientOrganization"][0]["id"],
            "municipalities": "; ".join(p["name"] for p in places),
            "municipality_codes": "; ".join(p["geoCode"] for p in places),
            "applied": Decimal(str(grant["amountAppliedFor"])).quantize(Decimal("0.01")),
            "awarded": Decimal(str(grant["amountAwarded"])).quantize(Decimal("0.01")),
            "award_date": grant.get("awardDate", ""),
            "group": (grant.get("classifications") or [{}])[0].get("title", ""),
            "description": grant["description"],
        })
    return found


def to_csv(table: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    cols = columns()
    writer.writerow([heading for _key, heading in cols])
    for row in table:
        writer.writerow([f"{row[k]:.2f}" if isinstance(row[k], Decimal) else spreadsheet_cell(row[k])
                         for k, _h in cols])
    return out.getvalue().encode("utf-8")


def to_xlsx(table: list[dict], *, sheet_title: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=False)
    sheet = book.create_sheet(index=0)
    book.remove(book.worksheets[1])  # the default, empty sheet
    sheet.title = sheet_title[:31]
    cols = columns()
    sheet.append([heading for _key, heading in cols])
    for row in table:
        sheet.append([spreadsheet_cell(row[k]) for k, _h in cols])
    money = [i for i, (k, _h) in enumerate(cols, start=1) if k in {"applied", "awarded"}]
    for line in sheet.iter_rows(min_row=2):
        for index in money:
            line[index - 1].number_format = "#,##0.00"
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
