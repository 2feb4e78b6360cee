"""Two of the demo's 2020 grants carried to their end through the services, so that a new user sees closure.

One is settled with a last instalment, paid, and so closed; the other is settled with unused grant to return,
returned with the section 24 interest on it (and so closed too). Both go through two interim reports and two
payments, the final report with the auditor's statement and its two reviews, and a settlement prepared by one
official and approved by another, whose documents are stored at once. The recipient's steps are taken as the
system (``check_recipient_lead`` lets it, for the demo); every official step by a demo official. The dates lie
in 2020–2022, inside the shipped reference-rate table. A project settled before is left as it is, so a second
run adds nothing.
"""

from datetime import date
from decimal import ROUND_DOWN, Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from avustus.actors import SYSTEM
from avustus.payments import services as payments
from avustus.projects.models import FundedProject
from avustus.reports import final
from avustus.reports import services as reports
from avustus.reports.models import FinalReportAttachment
from avustus.reports.services import CostInput
from avustus.settlement import services as settlement
from avustus.settlement.documents import store_settlement_documents
from avustus.settlement.models import Settlement
from avustus.web.demo_projects import dated_steps

DEMO_IBAN = "FI21 1234 5600 0007 85"  # the Finnish banks' published example account
CENT = Decimal("0.01")
# (position among the 2020 round's projects by tracking number, the final report's costs as a share of what the
# whole grant needs, the day the unused grant is returned or None for a last instalment)
STORIES = ((0, Decimal("1.05"), None), (1, Decimal("0.50"), date(2022, 1, 31)))


def close_2020_examples(call) -> list[FundedProject]:
    """The two 2020 grants of ``STORIES``, carried to closure once; the projects, as they are now."""
    projects = list(FundedProject.objects.filter(call=call).order_by("reference"))
    users = get_user_model().objects
    people = {name: users.get(username=name) for name in ("virkailija", "virkailija2", "paattaja")}
    done = []
    for position, share, returned_on in STORIES:
        project = projects[position]
        if not Settlement.objects.filter(project=project).exists():
            _story(project, share, returned_on, **people)
        done.append(FundedProject.objects.get(pk=project.pk))
    return done


def _pay(project, key: str, paid_on: date, official, paattaja) -> None:
    application = payments.apply_for_payment(project, actor=SYSTEM, idempotency_key=key)
    application = payments.accept_payment_application(application, actor=official)
    application = payments.approve_payment(application, actor=paattaja, version=payments.payment_version(application))
    payments.record_payment(dated_steps(application, paid_on), actor=official, paid_on=paid_on)


def _costs(full: Decimal, share: str | Decimal) -> list[CostInput]:
    return [CostInput("cost-1", 0, (full * Decimal(share)).quantize(CENT, ROUND_DOWN))]


def _story(project: FundedProject, share: Decimal, returned_on: date | None, *, virkailija, virkailija2,
           paattaja) -> None:
    full = (project.grant / project.aid_rate).quantize(CENT)  # the costs the whole grant needs
    with transaction.atomic():
        lead = project.application.lead
        holder = lead.organisation.name_fi if lead and lead.organisation else "Hankehallinnoija"
        account = payments.register_account(project, DEMO_IBAN, holder, actor=SYSTEM)
        payments.confirm_account(account, actor=virkailija, note="Tarkistettu kunnan kirjaamosta (kokeiludata).")
        for number, (start, end, part, paid_on) in enumerate((
                (project.decided_on, date(2020, 6, 26), "0.40", date(2020, 7, 15)),
                (date(2020, 6, 27), date(2020, 10, 26), "0.30", date(2020, 11, 20))), start=1):
            interim = reports.submit_report(
                project, number, actor=SYSTEM, period_start=start, period_end=end, costs=_costs(full, part),
                progress="Palvelupolut kuvattu ja pilotointi käynnissä (kokeiludata).",
                objectives_stage="Asiointiaika lyhentynyt pilottikunnissa.", today=end)
            reports.accept_report(interim, actor=virkailija, version=reports.report_version(interim))
            _pay(project, f"demo-2020-{number}", paid_on, virkailija, paattaja)
        report = final.submit_final_report(
            project, actor=SYSTEM, effects="Asiointi nopeutui ja palvelut ovat saatavilla verkossa.",
            ways_of_working="Kunnat jakavat palvelupisteen ja kehittävät palveluja yhdessä.",
            work_and_results="Sähköinen asiointipalvelu, rajapinta ja käyttöönotto-ohjeet.",
            reuse="Muut kunnat voivat ottaa palvelun ja rajapinnan käyttöön ohjeiden mukaan.",
            outputs=[{"kind": "software", "title": "Asiointipalvelun rajapinta", "url": "https://example.org/api",
                      "licence": "EUPL-1.2"}],
            costs=_costs(full, share), today=date(2021, 11, 30))
        final.add_final_attachment(report, SimpleUploadedFile("tilintarkastajan-lausunto.pdf", _statement()),
                                   actor=SYSTEM, kind=FinalReportAttachment.Kind.AUDITOR_STATEMENT)
        report = final.accept_final_report(report, final.CONTENT, actor=virkailija,
                                           version=final.final_report_version(report))
        final.accept_final_report(report, final.FINANCES, actor=virkailija2,
                                  version=final.final_report_version(report))
        _snapshot, digest = settlement.settlement_preview(project, actor=virkailija)
        made = settlement.settle(project, actor=virkailija, version=digest)
        made = settlement.approve_settlement(made, actor=virkailija2, version=made.sha256)
        if made.last_instalment:
            _pay(project, "demo-2020-last", date(2021, 12, 20), virkailija, paattaja)  # closes the project
        elif returned_on is not None and made.to_return:
            settlement.record_return(made, actor=virkailija, returned_on=returned_on, amount=made.to_return,
                                     version=settlement.returns_version(made))
    store_settlement_documents(made.pk, made.sha256)  # at once, as the demo's decisions' documents are


def _statement() -> bytes:
    """The auditor's statement as a small PDF, made by the documents' own renderer."""
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    from avustus.decisions.documents.model import Document, Paragraph
    from avustus.decisions.documents.pdf import render_pdf

    document = Document(lang="fi", title="Tilintarkastajan lausunto", date_text="29.11.2021",
                        addressees="Valtiovarainministeriö", blocks=(Paragraph(
                            "Olemme tarkastaneet hankkeen kirjanpidon ja loppuraportin kustannukset (kokeiludata)."),))
    return render_pdf(document, timestamp=datetime.combine(date(2021, 11, 29), time(12),
                                                           tzinfo=ZoneInfo("Europe/Helsinki")))
