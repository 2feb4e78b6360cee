"""A copy of an application as a document, for the applicant's receipt (PDF through the decision renderers).

An entry point's module: it renders with the decision stage's document model and Typst, which come after
the application stage, so the receipt lives with the screen that sends it, not in ``applications``.
"""

from decimal import Decimal

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import override

from avustus.applications.models import Application
from avustus.calls.texts import plan_field_label
from avustus.decisions.documents.model import Block, Document, Heading, Paragraph, Table
from avustus.decisions.vocabulary.base import date_text
from avustus.rules.money import format_amount


def application_document(application: Application, lang: str) -> Document:
    lang = lang if lang in {"fi", "sv", "en"} else "fi"
    with override(lang):
        call = application.call
        blocks: list[Block] = [
            Paragraph(_("Tracking number: %(reference)s") % {"reference": application.reference}),
            Paragraph(_("Status: %(status)s") % {"status": application.get_status_display()}),
        ]
        if application.submitted_at:
            submitted = date_format(timezone.localtime(application.submitted_at), "SHORT_DATETIME_FORMAT")
            blocks.append(Paragraph(_("Submitted: %(time)s (Helsinki time)") % {"time": submitted}))
        blocks.append(Heading(_("Consortium")))
        for member in application.members.select_related("organisation").order_by("position"):
            blocks.append(Paragraph(f"{member.get_role_display().capitalize()}: {member}"))
        blocks.append(Heading(_("Project plan")))
        for field in call.plan_fields:
            blocks.append(Heading(plan_field_label(field, lang), level=2))
            blocks.append(Paragraph(application.plan.get(field["key"], "") or "–"))
        lines = list(application.budget_lines.select_related("category").order_by("position"))
        total = sum((line.amount_vat_free for line in lines), Decimal("0.00"))
        blocks.append(Paragraph(_("Amount applied: %(amount)s euros")
                                % {"amount": format_amount(application.amount_applied)}))
        blocks.append(
            Table(
                title=_("Budget"),
                # The renderers total the last column, so the VAT-free amounts, the ones that count, go there.
                header=(_("Cost category"), _("VAT"), _("Without VAT")),
                rows=tuple((line.category.text(lang), format_amount(line.vat), format_amount(line.amount_vat_free))
                           for line in lines),
                total=format_amount(total),
            )
        )
        return Document(
            lang=lang,
            title=f"{application.reference}: {application.title or _('Untitled application')}",
            date_text=date_text(timezone.localdate(application.submitted_at or timezone.now())),
            addressees=call.title(lang),
            blocks=tuple(blocks),
            issuer="Avustus",
        )


def application_pdf(application: Application, lang: str) -> bytes:
    from avustus.decisions.documents.pdf import render_pdf

    # Typst takes whole seconds.
    stamp = (application.submitted_at or application.updated_at).replace(microsecond=0)
    return render_pdf(application_document(application, lang), timestamp=stamp)
