"""The demo's funded projects: a third demo call, already decided, with projects in progress on dates relative to today.

So that a new user sees every state after the decision: two interim reports accepted, one payment made and
one waiting, one report overdue and one awaiting review. The decision is recorded as a decision signed outside
Avustus (as an imported round's is), dated six months ago; everything after it goes through the services.
"""

from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from avustus import events
from avustus.actors import SYSTEM
from avustus.audit.chain import record
from avustus.calls.models import Call
from avustus.calls.services import copy_call, publish_call
from avustus.decisions.models import Decision, Outcome
from avustus.payments import services as payments
from avustus.payments.models import PaymentApplication
from avustus.projects.models import FundedProject
from avustus.projects.services import follow_decision
from avustus.reports import services as reports
from avustus.reports.services import CostInput

DEMO_DECIDED_CALL = "kuntadigi-demo-decided"
# Title, partners and VAT-free costs of each application of the decided call (the lead is Hämeenlinna).
DEMO_DECIDED_APPLICATIONS = (
    ("Digitaalinen lupapalvelu", ("165", "169"), "160000.00"),
    ("Kuntalaisaloitteiden sähköinen käsittely", ("061",), "110000.00"),
    ("Yhteinen tiedolla johtamisen alusta", ("433", "165"), "130000.00"),
)
DEMO_IBAN = "FI21 1234 5600 0007 85"  # the Finnish banks' published example account


# The 2020 grant the demo shows with an approved extension: Kankaanpää's Pohjois-Satakunnan digitalisaatiohanke,
# extended from 30.11.2021 to the appropriation's last day of use, 31.12.2021, by an amending decision of 15.10.2021.
DEMO_EXTENDED_PROJECT = "kuntadigi-2020-02-26-021"
DEMO_JOINING_PARTNER = "484"  # Merikarvia, Kankaanpää's neighbour in Satakunta


def ensure_2020_extension():
    """One 2020 grant changed by an amending decision, asked for by the lead, approved by one official and confirmed
    by another; once. A partner joins (Merikarvia): the round's terms leave no room for an extension, whose final
    report must leave the month to pay the last instalment before the appropriation lapses on 31.12.2021
    (``rules.changes.last_permissible_end``: the decision's own 30.11.2021)."""
    from avustus.changes import services as changes
    from avustus.changes.decision import preview_snapshot, snapshot_sha256
    from avustus.changes.models import ChangeRequest
    from avustus.registry.models import Organisation

    project = FundedProject.objects.filter(reference=DEMO_EXTENDED_PROJECT).first()
    joining = Organisation.objects.filter(code=DEMO_JOINING_PARTNER).first()
    if project is None or joining is None:
        return None
    done = project.change_requests.filter(status=ChangeRequest.Status.DECIDED).first()
    if done is not None:
        return done.decision
    users = get_user_model().objects
    official, second = users.get(username="virkailija"), users.get(username="virkailija2")
    with transaction.atomic():
        request = changes.submit_request(
            project, actor=SYSTEM, kind=ChangeRequest.Kind.PARTNERS, add_partners=[joining.pk],
            reasons="Merikarvia liittyy hankkeeseen: sen asiointipalvelut siirtyvät samalle alustalle.")
        # Dated as it happened in the round's time, not on the day the demo runs.
        submitted = timezone.make_aware(datetime.combine(date(2021, 9, 30), time(10, 0)))
        ChangeRequest.objects.filter(pk=request.pk).update(submitted_at=submitted)
        request.refresh_from_db()
        request = changes.approve_request(request, actor=official, version=request.version,
                                          reasons="Uusi osapuoli on hakukohteen mukainen kunta; avustus ei muutu.")
        # Nobody reads the decision here; its hash is still the preview's, as the page computes it, so the demo
        # goes through the same check as the second official does.
        decided_on = date(2021, 10, 15)
        shown = snapshot_sha256(preview_snapshot(request, actor=second, decided_on=decided_on))
        return changes.confirm_request(request, actor=second, version=request.version, confirmed=True,
                                       decided_on=decided_on, shown=shown)


def dated_steps(application: PaymentApplication, paid_on: date) -> PaymentApplication:
    """A payment application taken through the services today, dated as it happened before ``paid_on``: applied
    for a week before, accepted five days and approved two days before (9.00 Finnish time), since
    ``record_payment`` refuses a day paid before the approval (as ``ensure_2020_extension`` dates its request)."""
    def day(days_before: int) -> datetime:
        return timezone.make_aware(datetime.combine(paid_on - timedelta(days=days_before), time(9)))

    PaymentApplication.objects.filter(pk=application.pk).update(submitted_at=day(7), accepted_at=day(5),
                                                                approved_at=day(2))
    application.refresh_from_db()
    return application


def ensure_2020_projects(decision: Decision) -> int:
    """The 2020 round's grants as funded projects (history), also in a demo database made before projects existed."""
    follow_decision(decision, actor=SYSTEM)
    return FundedProject.objects.filter(call=decision.call).count()


def decided_call(decided: Call, submit) -> Call:
    """The third demo call, made once: decided six months ago, its projects at every stage after the decision.

    ``submit`` is the demo's way of submitting Hämeenlinna's applications (``demo._submit``).
    """
    existing = Call.objects.filter(slug=DEMO_DECIDED_CALL).first()
    if existing is not None:
        return existing
    today = timezone.localdate()
    decided_on = today - timedelta(days=190)
    with transaction.atomic():
        call = copy_call(decided, slug=DEMO_DECIDED_CALL,
                         title_fi="Kuntien digitalisaation yhteishankkeet (kokeiluhaku, päätetty)",
                         title_sv="Kommunernas gemensamma digitaliseringsprojekt (provomgång, beslutad)",
                         title_en="Joint digitalisation projects of municipalities (demo call, decided)",
                         opens_at=timezone.now() - timedelta(days=30), closes_at=timezone.now() + timedelta(hours=1),
                         actor=SYSTEM)
        Call.objects.filter(pk=call.pk).update(reporting_interval_months=4, instalments=3,
                                               implementation_end=today + timedelta(days=365),
                                               final_report_due=today + timedelta(days=395))
        call = publish_call(call, actor=SYSTEM)
        applications = submit(call, list(DEMO_DECIDED_APPLICATIONS))
        # The round closed a month before the decision; the demo's submissions are dated within it.
        closes_at = timezone.make_aware(datetime.combine(decided_on - timedelta(days=30), time(16, 15)))
        Call.objects.filter(pk=call.pk).update(closes_at=closes_at, status=Call.Status.DECIDED)
        call.applications.update(submitted_at=closes_at - timedelta(days=1))
        call.refresh_from_db()
        decision = Decision.objects.create(
            call=call, kind=Decision.Kind.COLLECTIVE, status=Decision.Status.SIGNED, decided_on=decided_on,
            decision_maker_name="Demo Päättäjä", decision_maker_title="kunta- ja uudistusministeri",
            presenting_official_name="Demo Virkailija", presenting_official_title="neuvotteleva virkamies",
            source_name="demo: a decision signed outside Avustus")
        group = call.groups.order_by("position").first()
        for number, application in enumerate(applications, start=1):
            Outcome.objects.create(decision=decision, application=application, kind=Outcome.Kind.GRANTED,
                                   amount_granted=call.rounding_rule.apply(application.amount_applied), group=group,
                                   number=number, recipient=application.lead.organisation if application.lead else None)
        record("decision.imported", decision, actor=SYSTEM,
               data={"round": call.slug, "demo": True, "applications": len(applications),
                     "why": "the demo's decided call, dated six months ago"})
        events.decision_signed.send(Decision, decision=decision, actor=SYSTEM)
    _progress([FundedProject.objects.get(application=a) for a in applications], decided_on, today)
    return call


def _progress(projects: list[FundedProject], decided_on: date, today: date) -> None:
    """The first project two reports and a payment on, a second payment waiting; the second's first report overdue;
    the third's first report filed late and awaiting review."""
    users = get_user_model().objects
    lead, official, approver = (users.get(username=name) for name in ("hameenlinna", "virkailija", "paattaja"))
    first, _second, third = projects

    account = payments.register_account(first, DEMO_IBAN, "Hämeenlinnan kaupunki", actor=lead)
    payments.confirm_account(account, actor=official, note="Tarkistettu kaupungin kirjaamosta (kokeiludata).")
    report = _file(first, 1, lead, decided_on, today - timedelta(days=70), "42000.00", "3100.00")
    reports.accept_report(report, actor=official, version=reports.report_version(report))
    application = payments.apply_for_payment(first, actor=lead, idempotency_key="demo-1")
    application = payments.accept_payment_application(application, actor=official)
    application = payments.approve_payment(application, actor=approver, version=payments.payment_version(application))
    paid_on = today - timedelta(days=40)
    payments.record_payment(dated_steps(application, paid_on), actor=official, paid_on=paid_on)
    report = _file(first, 2, lead, today - timedelta(days=69), today - timedelta(days=3), "38500.00", "2400.00")
    reports.accept_report(report, actor=official, version=reports.report_version(report))
    payments.apply_for_payment(first, actor=lead, idempotency_key="demo-2")

    _file(third, 1, lead, decided_on, today - timedelta(days=2), "25000.00", "0.00")


def _file(project, number, lead, start, end, vat_free, vat):
    return reports.submit_report(
        project, number, actor=lead, period_start=start, period_end=end,
        progress="Määrittely ja ensimmäiset palvelupolut valmiit; pilotointi alkanut kahdessa kunnassa.",
        objectives_stage="Asiointiaika lyhentynyt pilotissa; vaikutusten mittaus käynnissä.",
        costs=[CostInput("cost-1", 0, vat_free, "0.00"), CostInput("cost-4", 1, "4800.00", vat)],
        today=end)
