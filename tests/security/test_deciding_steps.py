"""The steps that decide, posted by every kind of actor: only the role that takes a step gets it taken.

The authorisation matrix asks each route once; presenting, returning and approving are three actions of
one route (the proposal page), and each changes what the decision will say, so each is asked here by
everyone, and the state is checked afterwards: a refusal must leave nothing changed and nothing logged.
"""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from avustus.accounts.models import Role
from avustus.audit.models import AuditEntry
from avustus.decisions.models import Decision
from avustus.evaluation.models import Proposal
from tests.evaluation.conftest import evaluated, person, small_round, staff  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

PRESENTED = Proposal.Status.PRESENTED


@pytest.fixture
def people(staff, person, small_round):
    call, _apps = small_round
    return {
        "anonymous": None,
        "lead": get_user_model().objects.get(username="hakija-109"),
        "reviewer": staff["reviewer_a"],
        "auditor": person("tarkastaja", call.programme, Role.AUDITOR),
        "decider": staff["decider"],
        "official": staff["official"],
        "official_2": person("toinen-virkailija", call.programme, Role.OFFICIAL),
    }


@pytest.fixture
def screened(evaluated):
    """Three applications screened and scored, the call closed: ready to be presented."""
    call, _apps = evaluated
    call.refresh_from_db()
    return call


def _client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _post(user, call, data):
    return _client(user).post(reverse("officials-proposal", args=[call.slug]), data)


def _version(user, call) -> str:
    html = _client(user).get(reverse("officials-proposal", args=[call.slug])).content.decode()
    return re.search(r'name="version" value="([0-9a-f]*)"', html).group(1)


def _shown(user, call, version: str) -> str:
    """The hash of the decision as the decision-maker's preview shows it, which their signature names."""
    html = _client(user).get(reverse("officials-decision-preview", args=[call.slug]), {"version": version})
    return re.search(r'name="shown" value="([0-9a-f]*)"', html.content.decode()).group(1)


def _present(user, call):
    from avustus.evaluation import proposals

    version = proposals.presentable_version(proposals.compute_proposal(call))  # as an official reads it
    return _post(user, call, {"action": "present", "version": version, "decided_on": timezone.localdate().isoformat(),
                              "presenting_official_title": "Neuvotteleva virkamies", "confirm": "yes"})


def _writes():
    return AuditEntry.objects.exclude(action__in=("list.read", "application.read")).count()


def _refused(response, who: str) -> None:
    """Refused as the screens refuse: the login page, a 404 for who may not know, or back with a message."""
    if who == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith("/login/")
    elif who in ("lead", "reviewer"):
        assert response.status_code == 404
    else:
        assert response.status_code == 302  # back to the page, which shows why


@pytest.mark.parametrize("who", ["anonymous", "lead", "reviewer", "auditor", "decider"])
def test_only_a_presenting_official_presents(screened, people, who):
    before = _writes()
    _refused(_present(people[who], screened), who)
    assert not Proposal.objects.filter(call=screened, status=PRESENTED).exists()
    assert _writes() == before
    _present(people["official"], screened)
    assert Proposal.objects.get(call=screened).status == PRESENTED


@pytest.mark.parametrize("who", ["anonymous", "lead", "reviewer", "auditor", "official", "official_2"])
def test_only_a_decision_maker_who_did_not_present_approves(screened, people, who):
    _present(people["official"], screened)
    version = _version(people["decider"], screened)
    signing = {"action": "approve", "version": version, "shown": _shown(people["decider"], screened, version),
               "confirm": "yes"}
    before = _writes()
    _refused(_post(people[who], screened, signing), who)
    assert not Decision.objects.filter(call=screened).exists()
    assert Proposal.objects.get(call=screened).status == PRESENTED and _writes() == before
    _post(people["decider"], screened, signing)
    assert Decision.objects.get(call=screened).status == Decision.Status.SIGNED


@pytest.mark.parametrize("who", ["anonymous", "lead", "reviewer", "auditor"])
def test_only_the_programmes_officials_and_decision_makers_return_a_proposal(screened, people, who):
    _present(people["official"], screened)
    version = _version(people["decider"], screened)
    before = _writes()
    _refused(_post(people[who], screened, {"action": "return", "version": version, "reason": "Lisäselvitys"}), who)
    assert Proposal.objects.get(call=screened).status == PRESENTED and _writes() == before
    _post(people["decider"], screened, {"action": "return", "version": version, "reason": "Lisäselvitys"})
    assert Proposal.objects.get(call=screened).status == Proposal.Status.DRAFT
