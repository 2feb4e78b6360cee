"""People with roles over the programme, a small published round with criteria and applications, and that round
screened, scored and closed (``evaluated``) with the helpers that present it as the screen does."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from avustus.accounts.models import Role
from avustus.accounts.services import grant_role
from avustus.actors import SYSTEM
from avustus.evaluation import proposals, reviews, screening
from avustus.evaluation.models import Proposal


@pytest.fixture
def person(db):
    """A function making a user holding roles over a programme (and employed by bodies, if given)."""
    from avustus.evaluation.models import Employment
    from avustus.registry.models import Organisation

    def make(username: str, programme, *roles: Role, employer_codes: tuple[str, ...] = ()):
        user = get_user_model().objects.create(username=username, first_name=username.capitalize())
        for role in roles:
            grant_role(user, role, actor=SYSTEM, programme=programme)
        for code in employer_codes:
            Employment.objects.create(user=user, organisation=Organisation.objects.get(code=code))
        return user

    return make


@pytest.fixture
def small_round(open_call, applicant_of):
    """The open call with two criteria and three submitted applications (Hämeenlinna, Turku, Oulu leading)."""
    from avustus.applications import services as apps
    from avustus.calls.models import Criterion, GrantGroup
    from avustus.registry.models import Organisation

    open_call.appropriation = Decimal("300000.00")
    open_call.rounding_unit = Decimal("100")
    open_call.rounding_mode = "down"
    open_call.save()
    Criterion.objects.create(call=open_call, code="impact", position=1, name_fi="Vaikuttavuus", weight=Decimal(2),
                             scale_max=5)
    Criterion.objects.create(call=open_call, code="feasibility", position=2, name_fi="Toteutettavuus",
                             weight=Decimal(1), scale_max=5)
    GrantGroup.objects.create(call=open_call, code="services", position=1, name_fi="Palvelut")
    submitted = []
    for lead, partner, applied in (("109", "853", "150050.00"), ("853", "091", "120000.00"),
                                   ("564", "091", "90000.00")):
        user = applicant_of(lead, f"hakija-{lead}")
        draft = apps.create_draft(open_call, actor=user, organisation=Organisation.objects.get(code=lead),
                                  title=f"Hanke {lead}")
        draft = apps.update_draft(draft, apps.DraftChanges(
            title=f"Hanke {lead}", plan={"objectives": "Yhteinen asiointipalvelu."},
            partners=[Organisation.objects.get(code=partner).key],
            budget=[{"category": "staff", "amount_vat_free": str(Decimal(applied) * 2), "vat": "0",
                     "description": "työ"}],
            amount_applied=applied,
        ), actor=user, version=draft.version)
        submitted.append(apps.submit(draft, actor=user))
    return open_call, submitted


def days_ago(n: int):
    return timezone.localdate() - timedelta(days=n)


def close(call):
    """Move the call's deadline to a minute ago, as time would: what was submitted was submitted in time."""
    from avustus.calls.models import Call

    Call.objects.filter(pk=call.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    call.refresh_from_db()
    return call


ALL_PASS = {code: (True, "") for code in screening.BASE_CHECKS} | {"exclusion:social_health": (True, "")}


@pytest.fixture
def staff(small_round, person):
    call, _apps = small_round
    p = call.programme
    return {
        "official": person("virkailija", p, Role.OFFICIAL),
        "official_2": person("esittelija", p, Role.OFFICIAL, Role.DECISION_MAKER),
        "decider": person("paattaja", p, Role.DECISION_MAKER),
        "reviewer_a": person("arvioija-a", p, Role.REVIEWER),
        "reviewer_b": person("arvioija-b", p, Role.REVIEWER),
        # Works for Turku (853), a member of two of the three consortia.
        "reviewer_turku": person("arvioija-turku", p, Role.REVIEWER, employer_codes=("853",)),
    }


def submit_review(app, reviewer, impact, feasibility, official):
    assignment = reviews.assign_reviewer(app, reviewer, actor=official)
    reviews.declare_interests(assignment, conflicted=False, reason="", actor=reviewer)
    reviews.submit_scores(assignment, {"impact": (impact, "perustelu"), "feasibility": (feasibility, "perustelu")},
                           actor=reviewer)


@pytest.fixture
def evaluated(small_round, staff):
    """All three screened eligible and scored by two reviewers: Oulu 100, Hämeenlinna 80, Turku 40; the call closed."""
    call, apps = small_round
    for app in apps:
        screening.screen(app, ALL_PASS, actor=staff["official"])
    hameenlinna, turku, oulu = apps
    for reviewer in (staff["reviewer_a"], staff["reviewer_b"]):
        submit_review(hameenlinna, reviewer, 5, 2, staff["official"])
        submit_review(oulu, reviewer, 5, 5, staff["official"])
        submit_review(turku, reviewer, 2, 2, staff["official"])
    close(call)
    return call, apps


def present(call, official, **changes):
    """Present as the screen does: the proposal as read now, after the deadline, with the decision's date and
    the presenter's title."""
    shown = changes.pop("version") if "version" in changes else proposals.presentable_version(
        proposals.compute_proposal(call))
    return proposals.present(call, actor=official, **({"version": shown, "decided_on": timezone.localdate(),
                                                      "presenting_official_title": "Neuvotteleva virkamies"} | changes))


def seen(call) -> str:
    """The version of the proposal as a decision-maker reading it now sees it."""
    return proposals.proposal_version(Proposal.objects.filter(call=call).first())
