"""A national round of made-up applications, reproducible from a seed: what the benchmarks measure.

``generate(applications=N, seed=S)`` writes, in bulk, three programmes over every municipality of the
registry valid today (the 310 of 2020 less Honkajoki): the round under evaluation (N applications, submitted
in the last days before its deadline, with consortia, budgets, screenings and two reviews each whose scores
count, ``submitted_at`` set), an earlier round of the same programme decided and signed (``history`` applications,
with a collective decision and its outcomes from ``rules.allocation``), and a screened round of each of two other
programmes. The same seed gives the same rows (``random.Random(seed)``; instants count back from a fixed
deadline, not from now).

Generated history is not audited: nobody did these things, so the audit chain stays as it was (its
entries are written one by one under the chain's head lock, which would be most of the time spent).
Everything else is written with the models' own constructors and ``bulk_create``; the round's stored
ranking is computed at the end by ``evaluation.ranking.refresh``, as its first reader would.
"""

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import F

from avustus.accounts.models import Role, RoleGrant
from avustus.applications.models import Application, BudgetLine, ConsortiumMember
from avustus.calls.models import Call, CostCategory, Criterion, Programme
from avustus.decisions.models import Decision, Outcome
from avustus.evaluation import ranking
from avustus.evaluation.models import Assignment, Score, Screening
from avustus.evaluation.screening import BASE_CHECKS
from avustus.projects.models import FundedProject, ScheduleEntry
from avustus.registry.models import Organisation
from avustus.registry.services import sync_registry
from avustus.rules import allocation
from avustus.rules.evaluation import CriterionSpec, weighted_score
from avustus.rules.schedule import report_schedule

BATCH = 2000
DEADLINE = datetime(2026, 3, 31, 13, 15, tzinfo=UTC)  # 16.15 in Helsinki: the generated round's deadline
PROGRAMMES = (
    ("kuntadigi", "Kuntien digitalisaation kannustinjärjestelmä", "Incitamentsystem för kommunernas digitalisering"),
    ("ilmasto", "Kuntien ilmastotyön avustus", "Understöd för kommunernas klimatarbete"),
    ("hyvinvointi", "Hyvinvoinnin edistämisen avustus", "Understöd för främjande av välfärd"),
)
CRITERIA = (("impact", "Vaikuttavuus", Decimal(3), 5), ("feasibility", "Toteutettavuus", Decimal(2), 5),
            ("scalability", "Hyödynnettävyys muissa kunnissa", Decimal(1), 5))
CATEGORIES = (("staff", "Henkilöstökulut"), ("services", "Ostopalvelut"), ("travel", "Matkakulut"))
SUBJECTS = ("Sähköinen asiointi", "Tiedolla johtaminen", "Asiakaspalvelun digitalisointi", "Kirjastojen palvelut",
            "Varhaiskasvatuksen järjestelmä", "Rakennusvalvonnan lupapalvelu", "Tekoälyavusteinen neuvonta",
            "Kotihoidon toiminnanohjaus", "Avoin data", "Ilmastopäästöjen seuranta", "Liikenteen palvelut",
            "Koulujen oppimisympäristö", "Yhteinen tietoalusta", "Etäpalvelut", "Asukasosallisuus")
SHAPES = ("kehittäminen", "käyttöönotto", "yhteishanke", "pilotti", "uudistus", "kokeilu")


@dataclass(frozen=True)
class Generated:
    round: Call  # the round under evaluation
    calls: list[Call]
    applications: int
    users: dict


def generate(*, applications: int, seed: int, history: int | None = None) -> Generated:
    """Write the data set; ``history`` is the size of each other round (default a tenth of ``applications``)."""
    if applications < 1:
        raise ValueError("at least one application")
    rng = random.Random(seed)  # noqa: S311 -- made-up data, reproducible from the seed; nothing secret
    history = max(1, applications // 10) if history is None else history
    sync_registry()
    # Today's municipalities: the registry also keeps those merged since, for old decisions, not for new rounds.
    municipalities = list(Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY, valid_to__isnull=True)
                          .order_by("code"))
    with transaction.atomic():
        tag = f"s{seed}"
        users = _users(tag, reviewers=max(4, min(60, applications // 200)))
        programmes = [Programme.objects.create(slug=f"{slug}-{tag}", name_fi=fi, name_sv=sv)
                      for slug, fi, sv in PROGRAMMES]
        for programme in programmes:
            RoleGrant.objects.bulk_create(
                [RoleGrant(user=users["official"], role=Role.OFFICIAL, programme=programme),
                 RoleGrant(user=users["decider"], role=Role.DECISION_MAKER, programme=programme)]
                + [RoleGrant(user=r, role=Role.REVIEWER, programme=programme) for r in users["reviewers"]])
        main = _call(programmes[0], f"{PROGRAMMES[0][0]}-2026-{tag}", "haku 2026", DEADLINE, applications)
        # The earlier round's funds sufficed for every eligible application above the pass mark, so that its
        # funded projects are as many as a deep list of them needs.
        earlier = _call(programmes[0], f"{PROGRAMMES[0][0]}-2025-{tag}", "haku 2025",
                        DEADLINE - timedelta(days=365), history, status=Call.Status.DECIDED, each=Decimal(600_000))
        others = [_call(p, f"{p.slug}-2026", "haku 2026", DEADLINE - timedelta(days=30), history)
                  for p in programmes[1:]]
        for call, n, scored in ((main, applications, True), (earlier, history, True),
                                *((c, history, False) for c in others)):
            _applications(rng, call, n, municipalities, users, scored=scored)
        _fund(_decide(earlier, users))
    ranking.refresh(main)
    with connection.cursor() as cursor:
        # The planner's statistics, stale after a bulk load, choose the lists' indexes; PostgreSQL's VACUUM also
        # marks the pages visible, so that counts read the index alone (it cannot run inside a transaction).
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
    return Generated(main, [main, earlier, *others], applications + 3 * history, users)


def _users(tag: str, reviewers: int) -> dict:
    model = get_user_model()
    official = model.objects.create(username=f"virkailija-{tag}", first_name="Virkailija")
    decider = model.objects.create(username=f"paattaja-{tag}", first_name="Päättäjä")
    pool = model.objects.bulk_create(model(username=f"arvioija-{tag}-{i:03d}") for i in range(reviewers))
    for user in (official, decider, *pool):
        user.set_unusable_password()  # the benchmarks log in with force_login; nobody signs in with these
    model.objects.bulk_update([official, decider, *pool], ["password"])
    return {"official": official, "decider": decider, "reviewers": pool}


def _call(programme: Programme, slug: str, title: str, closes_at: datetime, n: int, *,
          status: str = Call.Status.CLOSED, each: Decimal = Decimal("60000.00")) -> Call:
    call = Call.objects.create(
        programme=programme, slug=slug, title_fi=f"{programme.name_fi}: {title}", status=status,
        appropriation=Decimal(n) * each, opens_at=closes_at - timedelta(days=60), closes_at=closes_at,
        implementation_end=closes_at.date() + timedelta(days=730),
        final_report_due=closes_at.date() + timedelta(days=820), reporting_interval_months=6,
        rounding_unit=Decimal("100"), rounding_mode="down", lead_kinds=["municipality"],
        partner_kinds=["municipality"])
    Criterion.objects.bulk_create(Criterion(call=call, code=code, position=i, name_fi=name, weight=weight,
                                            scale_max=top) for i, (code, name, weight, top) in enumerate(CRITERIA))
    CostCategory.objects.bulk_create(CostCategory(call=call, code=code, position=i, name_fi=name)
                                     for i, (code, name) in enumerate(CATEGORIES))
    return call


def _applications(rng: random.Random, call: Call, n: int, municipalities: list, users: dict, *,
                  scored: bool) -> None:
    closes = call.closes_at or DEADLINE
    apps = []
    for i in range(n):
        # Most arrive in the last hours before the deadline, as on every deadline day.
        before = timedelta(seconds=rng.expovariate(1 / 7200)) if rng.random() < 0.8 else timedelta(
            days=rng.uniform(0, 30))
        withdrawn = rng.random() < 0.01
        submitted = closes - min(before, timedelta(days=30))
        apps.append(Application(
            call=call, reference=f"{call.slug}-{i + 1:05d}",
            title=f"{rng.choice(SUBJECTS)}: {rng.choice(SHAPES)} {i + 1}",
            status=Application.Status.WITHDRAWN if withdrawn else Application.Status.SUBMITTED,
            amount_applied=Decimal(rng.randrange(400, 10_000) * 50), submitted_at=submitted,
            withdrawn_at=submitted + timedelta(hours=1) if withdrawn else None,
            plan={"objectives": "Yhteinen palvelu kuntalaisille.", "actions": "Määrittely, hankinta, käyttöönotto."}))
    apps = Application.objects.bulk_create(apps, batch_size=BATCH)
    # The call's counter counts them, as ``applications.services.number_draft`` would have: a draft started
    # later in the e-service takes the next number, without counting the call's rows.
    Call.objects.filter(pk=call.pk).update(numbered=F("numbered") + n)
    members, budget = [], []
    categories = list(CostCategory.objects.filter(call=call).order_by("position"))
    for app in apps:
        consortium = rng.sample(municipalities, rng.randint(2, 6))
        members += [ConsortiumMember(application=app, organisation=org, name_as_written=org.name_fi,
                                     role=ConsortiumMember.Role.LEAD if pos == 0 else ConsortiumMember.Role.PARTNER,
                                     position=pos, can_edit=pos == 0) for pos, org in enumerate(consortium)]
        total = (app.amount_applied / call.aid_rate).quantize(Decimal("0.01"))
        staff = (total * Decimal(rng.randint(40, 80)) / 100).quantize(Decimal("0.01"))
        budget += [BudgetLine(application=app, category=categories[0], description="Projektin henkilöstö",
                              amount_vat_free=staff, position=0),
                   BudgetLine(application=app, category=categories[1], description="Järjestelmätoimittaja",
                              amount_vat_free=total - staff, position=1)]
    ConsortiumMember.objects.bulk_create(members, batch_size=BATCH)
    BudgetLine.objects.bulk_create(budget, batch_size=BATCH)
    _screen_and_review(rng, call, apps, users, scored=scored)


def _screen_and_review(rng: random.Random, call: Call, apps: list, users: dict, *, scored: bool) -> None:
    criteria = list(Criterion.objects.filter(call=call).order_by("position"))
    specs = [CriterionSpec(c.code, c.weight, c.scale_max) for c in criteria]
    closes = call.closes_at or DEADLINE
    screenings, assignments, values = [], [], []
    for app in apps:
        if app.status == Application.Status.WITHDRAWN or rng.random() < 0.03:
            continue  # withdrawn, or not screened yet
        eligible = rng.random() < 0.92
        checks = {code: {"passed": True, "reason": ""} for code in BASE_CHECKS}
        if not eligible:
            checks["aid_rate"] = {"passed": False, "reason": "Tukiosuus ylittää 85 %."}
        screenings.append(Screening(application=app, checks=checks, eligible=eligible,
                                    completed_by=users["official"], completed_at=closes + timedelta(days=3)))
        if not scored or not eligible:
            continue
        quality = rng.gauss(3.2, 0.9)  # reviewers broadly agree on an application, with their own noise
        for reviewer in rng.sample(users["reviewers"], 2):
            scores = {c.code: max(0, min(c.scale_max, round(quality + rng.gauss(0, 0.7)))) for c in criteria}
            assignments.append(Assignment(
                application=app, reviewer=reviewer, conflict=Assignment.Conflict.NONE,
                weighted_score=weighted_score(scores, specs), submitted_at=closes + timedelta(days=rng.randint(5, 20)),
                assigned_by=users["official"]))
            values.append(scores)
    Screening.objects.bulk_create(screenings, batch_size=BATCH)
    assignments = Assignment.objects.bulk_create(assignments, batch_size=BATCH)
    Score.objects.bulk_create(
        (Score(assignment=a, criterion=c, value=scores[c.code], justification="Perusteltu arvio.")
         for a, scores in zip(assignments, values, strict=True) for c in criteria), batch_size=BATCH)


def _decide(call: Call, users: dict) -> Decision:
    """The earlier round's collective decision, signed, with the outcomes ``rules.allocation`` proposes."""
    from avustus.evaluation.proposals import compute_proposal

    result = compute_proposal(call).result
    decided_on = (call.closes_at or DEADLINE).date() + timedelta(days=45)
    decision = Decision.objects.create(
        call=call, kind=Decision.Kind.COLLECTIVE, status=Decision.Status.DRAFT, decided_on=decided_on,
        decision_maker=users["decider"], presenting_official=users["official"],
        decision_maker_name="Päättäjä", presenting_official_name="Virkailija",
        stated_received=len(result.lines), stated_granted_total=result.granted_total)
    by_reference = dict(call.applications.values_list("reference", "pk"))
    number = 0
    outcomes = []
    for line in result.lines:
        kind = line.outcome or allocation.REJECTED
        if kind == allocation.GRANTED:
            number += 1
        outcomes.append(Outcome(decision=decision, application_id=by_reference[line.key], kind=kind,
                                amount_granted=line.amount, number=number if kind == allocation.GRANTED else None))
    Outcome.objects.bulk_create(outcomes, batch_size=BATCH)
    decision.status = Decision.Status.SIGNED
    decision.signed_at = datetime.combine(decided_on, datetime.min.time(), tzinfo=UTC)
    decision.save(update_fields=["status", "signed_at"])
    return decision



def _fund(decision: Decision) -> None:
    """The funded project of each grant, with its reports' schedule, as ``projects.services.follow_decision`` makes
    them (without the approved budget, which no list shows, and without the audit entries, as above)."""
    call = decision.call
    decided_on = decision.decided_on or (call.closes_at or DEADLINE).date()
    projects = FundedProject.objects.bulk_create(
        (FundedProject(application_id=o.application_id, call=call, first_decision=decision, outcome=o,
                       reference=o.application.reference, decided_on=decided_on, grant=o.amount_granted or Decimal(0),
                       aid_rate=call.aid_rate, implementation_end=call.implementation_end)
         for o in decision.outcomes.filter(kind=allocation.GRANTED, amount_granted__isnull=False)
         .select_related("application")),
        batch_size=BATCH)
    schedule = report_schedule(decided_on, call.reporting_interval_months, call.final_report_due)
    ScheduleEntry.objects.bulk_create(
        (ScheduleEntry(project=p, kind=due.kind, number=due.number, computed_due_on=due.due_on, due_on=due.due_on)
         for p in projects for due in schedule), batch_size=BATCH)
