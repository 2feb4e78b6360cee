"""The demo's recovered 2020 grant: one of Hämeenlinna's 2020 projects paid in two instalments in 2020, a part of
it recovered in 2021 under section 22 after a hearing the city did not answer, the decision prepared by the
demo official and signed by the demo decision-maker, and returned in two parts, the second late, with penalty
interest. Every step goes through the services on its own (historical) day, inside the reference-rate table.

Idempotent: a project that already has a recovery is left as it is, and so is one another part of the demo
has started paying (its story is someone else's).
"""

from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from avustus.payments import services as payments
from avustus.projects.models import FundedProject
from avustus.reports import services as reports
from avustus.reports.services import CostInput
from avustus.rules.money import format_amount
from avustus.settlement import recovery as service
from avustus.settlement.models import Recovery
from avustus.settlement.rates import ensure_shipped_rates
from avustus.web.demo_projects import dated_steps

# Hämeenlinna's 2020 grant for "ICT-osaamisen tuen ja kehittämisen ekosysteemi" (246 500 euros).
DEMO_RECOVERY_TITLE = "ICT-osaamisen tuen"
DEMO_IBAN = "FI21 1234 5600 0007 85"  # the Finnish banks' published example account
REASONS = ("Tarkastuksessa 1.3.2021 todettiin, että hankkeen kustannuksiksi ilmoitettuja 30 000 euron "
           "ohjelmistolisenssejä on käytetty kaupungin muuhun toimintaan kuin avustettuun hankkeeseen. "
           "Valtionavustus on siltä osin käytetty valtionavustuslain 19 §:n vastaisesti.")


def demo_project() -> FundedProject | None:
    return (FundedProject.objects.filter(call__slug__startswith="kuntadigi-2020",
                                         application__title__icontains=DEMO_RECOVERY_TITLE,
                                         application__members__role="lead",
                                         application__members__organisation__code="109").first())


def recovered_grant() -> Recovery | None:
    """The recovered 2020 grant, made once; None if the project is not there or its money is another story."""
    project = demo_project()
    if project is None:
        return None
    existing = project.recoveries.first()
    if existing is not None:
        return existing
    if project.payment_applications.exists():
        return None
    ensure_shipped_rates()
    users = get_user_model().objects
    lead, official, decider = (users.get(username=name) for name in ("hameenlinna", "virkailija", "paattaja"))
    with transaction.atomic():
        account = payments.register_account(project, DEMO_IBAN, "Hämeenlinnan kaupunki", actor=lead)
        payments.confirm_account(account, actor=official, note="Tarkistettu kaupungin kirjaamosta (kokeiludata).")
        for number, start, end, costs, paid_on in (
                (1, date(2020, 2, 26), date(2020, 6, 26), "70000.00", date(2020, 7, 20)),
                (2, date(2020, 6, 27), date(2020, 10, 26), "60000.00", date(2020, 11, 23))):
            report = reports.submit_report(
                project, number, actor=lead, period_start=start, period_end=end,
                progress="Tietojohtamisen malli määritelty; raportointialusta käyttöönotettu kolmessa kunnassa.",
                objectives_stage="Johtoryhmät käyttävät yhteisiä mittareita.",
                costs=[CostInput("cost-1", 0, costs, "0.00")], today=end)
            reports.accept_report(report, actor=official, version=reports.report_version(report))
            application = payments.apply_for_payment(project, actor=lead, idempotency_key=f"demo-recovery-{number}")
            application = payments.accept_payment_application(application, actor=official)
            application = payments.approve_payment(application, actor=decider,
                                                   version=payments.payment_version(application))
            payments.record_payment(dated_steps(application, paid_on), actor=official, paid_on=paid_on)
        recovery = service.start_recovery(project, actor=official, section=22, subsection=1, amount="30000.00",
                                          reasons=REASONS, known_on=date(2021, 3, 1), deadline=date(2021, 3, 31),
                                          on=date(2021, 3, 8), version=service.cases_version(project))
        # No response came; the decision is prepared after the deadline and signed the next day.
        due_on = date(2021, 5, 6)
        _snapshot, digest = service.recovery_preview(recovery, actor=official, due_on=due_on, on=date(2021, 4, 6))
        recovery = service.prepare_recovery(recovery, actor=official, due_on=due_on, version=digest,
                                            on=date(2021, 4, 6))
        recovery = service.sign_recovery(recovery, actor=decider, version=recovery.sha256, on=date(2021, 4, 7))
        service.record_recovery_return(recovery, actor=official, returned_on=date(2021, 5, 4), amount="10000.00",
                                       version=service.case_version(recovery))
        service.record_recovery_return(recovery, actor=official, returned_on=date(2021, 8, 16), amount="20000.00",
                                       version=service.case_version(recovery))
    return recovery


def summary(recovery: Recovery | None) -> str:
    """One line of the demo's summary, in the language active."""
    if recovery is None:
        return _("no recovered 2020 grant (its project is missing or already in another story)")
    returns = list(recovery.returns.all())
    penalty = sum((r.penalty_interest for r in returns), Decimal(0))
    return _("%(project)s recovered %(amount)s € (due %(due)s), returned in %(parts)s parts, %(penalty)s € penalty "
             "interest") % {"project": recovery.project.reference, "amount": format_amount(recovery.amount),
                            "due": f"{recovery.due_on:%d.%m.%Y}", "parts": len(returns),
                            "penalty": format_amount(penalty)}
