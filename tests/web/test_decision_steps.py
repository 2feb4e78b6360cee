"""The deciding screens offer approving, returning and signing exactly to those the services let do it.

Four eyes is the rule that matters here: who presented or prepared a decision does not approve or sign it, even
when they hold the decision-maker's role too. Each person's page is compared with what the service does when
the step is tried (in a transaction rolled back).
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.test import Client
from django.urls import reverse

from avustus.accounts.models import Role
from avustus.decisions import amending, approval, rectification
from avustus.decisions.models import Decision
from avustus.decisions.notifications import record_notification
from avustus.errors import DomainError
from avustus.evaluation import proposals
from tests.evaluation.conftest import evaluated, person, present, seen, small_round, staff  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


class _RolledBack(Exception):
    pass


def _succeeds(step) -> bool:
    try:
        with transaction.atomic():
            step()
            raise _RolledBack
    except _RolledBack:
        return True
    except (DomainError, PermissionDenied, ValidationError):
        return False


def _page(user, url: str) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_proposal_is_offered_for_approval_to_a_decision_maker_who_did_not_present_it(evaluated, staff):
    call, _apps = evaluated
    present(call, staff["official_2"])  # an official who is a decision-maker too
    offered = {}
    for name in ("decider", "official_2", "official"):
        user = staff[name]
        page = _page(user, reverse("officials-proposal", args=[call.slug]))
        shown = {step for step in ("approve", "return") if f'name="action" value="{step}"' in page}
        accepted = {step for step, call_it in {
            "approve": lambda user=user: approval.approve(call, actor=user, version=seen(call)),
            "return": lambda user=user: proposals.return_proposal(call, actor=user, reason="Perustelut puuttuvat.",
                                                                  version=seen(call)),
        }.items() if _succeeds(call_it)}
        assert shown == accepted, name
        offered[name] = shown
    # The presenter may send it back (returning decides nothing), never approve it.
    assert offered == {"decider": {"approve", "return"}, "official_2": {"return"}, "official": set()}


@pytest.fixture
def signed_round(round_2020, person):  # noqa: F811
    p = round_2020.programme
    return (Decision.objects.get(call=round_2020), person("virkailija", p, Role.OFFICIAL),
            person("paattaja", p, Role.DECISION_MAKER),
            person("molemmat", p, Role.OFFICIAL, Role.DECISION_MAKER))


def test_a_prepared_later_decision_is_offered_for_signature_to_a_decision_maker_who_did_not_prepare_it(
        signed_round):
    decision, official, decider, both = signed_round
    deferred = decision.outcomes.filter(kind="deferred").select_related("application").first().application
    draft = amending.prepare_later_decision(decision, {deferred: ("granted", Decimal("100000.00"))}, actor=both)
    preview = reverse("officials-later-preview", args=[decision.call.slug, draft.pk])
    offered = {}
    for name, user in (("official", official), ("decider", decider), ("both", both)):
        listed = preview in _page(user, reverse("officials-later", args=[decision.call.slug]))
        signs = _succeeds(lambda user=user: amending.sign_prepared(draft, actor=user,
                                                                   version=amending.draft_version(draft)))
        assert listed == signs, name
        if listed:  # the preview's form too
            assert ('name="sign"' in _page(user, preview)) == signs, name
        offered[name] = listed
    assert offered == {"official": False, "decider": True, "both": False}
    assert 'name="sign"' not in _page(both, preview)  # read, but not signed, by its preparer


def test_a_rectification_is_offered_for_signature_to_a_decision_maker_who_did_not_prepare_it(signed_round):
    decision, official, decider, both = signed_round
    app = decision.outcomes.filter(kind="rejected").select_related("application").first().application
    record_notification(decision, app, channel="letter", sent_on=datetime.date(2020, 2, 28), actor=official)
    request = rectification.register_request(decision, app, received_on=datetime.date(2020, 3, 20),
                                             requester="Kunta", grounds="Arvio väärä", actor=official)
    request = rectification.prepare(request, resolution="upheld", reasoning="Arvio oli oikea", actor=both)
    offered = {}
    for name, user in (("official", official), ("decider", decider), ("both", both)):
        page = _page(user, reverse("officials-rectification", args=[request.pk]))
        shown = bool(re.search(r'name="decide"', page))
        signs = _succeeds(lambda user=user: rectification.decide(
            request, actor=user, version=rectification.prepared_version(request)))
        assert shown == signs, name
        offered[name] = shown
    assert offered == {"official": False, "decider": True, "both": False}
