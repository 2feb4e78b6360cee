"""Rectification requests: registered on time or late, prepared by one official, decided by another person."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from avustus.accounts.models import Role
from avustus.decisions import amending, rectification
from avustus.decisions.models import Decision
from avustus.decisions.notifications import record_notification
from avustus.decisions.selectors import current_outcome
from avustus.evaluation.models import RectificationRequest
from tests.conftest import run_document_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(round_2020, person):
    p = round_2020.programme
    official = person("virkailija", p, Role.OFFICIAL)
    decider = person("paattaja", p, Role.DECISION_MAKER)
    decision = Decision.objects.get(call=round_2020)
    rejected = decision.outcomes.filter(kind="rejected").select_related("application").first().application
    # Sent by letter on Friday 28.2.2020: deemed received 6.3; thirty days later is Sunday 5.4 → Monday 6.4.
    notification = record_notification(decision, rejected, channel="letter", sent_on=datetime.date(2020, 2, 28),
                                       actor=official)
    assert notification.rectification_deadline == datetime.date(2020, 4, 6)
    return decision, rejected, official, decider


def test_a_request_on_the_last_day_is_in_time_and_one_a_day_later_is_flagged(setting):
    decision, app, official, _decider = setting
    on_time = rectification.register_request(decision, app, received_on=datetime.date(2020, 4, 6),
                                             requester="Kunta", grounds="Arvio väärä", actor=official)
    late = rectification.register_request(decision, app, received_on=datetime.date(2020, 4, 7),
                                          requester="Kunta", grounds="Arvio väärä", actor=official)
    assert (on_time.late, late.late) == (False, True)
    assert late.deadline == datetime.date(2020, 4, 6)


def test_bad_requests_are_refused_and_nothing_is_stored(setting):
    decision, app, official, decider = setting
    with pytest.raises(ValidationError):
        rectification.register_request(decision, app, received_on=datetime.date(2020, 1, 1), requester="Kunta",
                                       grounds="x", actor=official)
    with pytest.raises(ValidationError):
        rectification.register_request(decision, app, received_on=datetime.date(2020, 3, 1), requester=" ",
                                       grounds="", actor=official)
    with pytest.raises(PermissionDenied):
        rectification.register_request(decision, app, received_on=datetime.date(2020, 3, 1), requester="Kunta",
                                       grounds="x", actor=decider)
    assert not RectificationRequest.objects.exists()


def test_an_amending_decision_by_another_person_changes_the_current_outcome(setting):
    decision, app, official, decider = setting
    request = rectification.register_request(decision, app, received_on=datetime.date(2020, 3, 20),
                                             requester="Kunta", grounds="Hakemusta ei arvioitu oikein",
                                             actor=official)
    with pytest.raises(ValidationError):
        rectification.decide(request, actor=decider, version=rectification.prepared_version(request))  # not prepared
    with pytest.raises(ValidationError):
        rectification.prepare(request, resolution="amended", reasoning="Uusi arvio", outcome="granted",
                              amount=str(app.amount_applied + 1), actor=official)
    request = rectification.prepare(request, resolution="amended", reasoning="Uusi arvio", outcome="granted",
                                    amount="50000", actor=official)
    with pytest.raises(PermissionDenied):
        rectification.decide(request, actor=official, version=rectification.prepared_version(request))
    decided = rectification.decide(request, actor=decider, version=rectification.prepared_version(request),
                                   decided_on=datetime.date(2020, 4, 20))
    new = decided.new_decision
    assert (new.kind, new.amends, new.status) == (Decision.Kind.AMENDING, decision, Decision.Status.SIGNED)
    assert new.presenting_official == official and new.decision_maker == decider
    outcome = current_outcome(app)
    assert (outcome.decision, outcome.kind, outcome.amount_granted) == (new, "granted", Decimal("50000.00"))


def test_an_upholding_decision_keeps_the_outcome(setting):
    decision, app, official, decider = setting
    request = rectification.register_request(decision, app, received_on=datetime.date(2020, 3, 20),
                                             requester="Kunta", grounds="x", actor=official)
    request = rectification.prepare(request, resolution="upheld", reasoning="Arvio oli oikea", actor=official)
    decided = rectification.decide(request, actor=decider, version=rectification.prepared_version(request))
    assert current_outcome(app).decision == decided.new_decision
    assert current_outcome(app).kind == "rejected"


def test_a_deferred_application_gets_its_own_later_decision(setting):
    decision, _app, official, decider = setting
    deferred = decision.outcomes.filter(kind="deferred").select_related("application").first().application
    with pytest.raises(PermissionDenied):
        amending.later_decision(decision, {deferred: ("granted", Decimal("100000.00"))},
                                     presenting_official=decider, actor=decider)
    later = amending.later_decision(decision, {deferred: ("granted", Decimal("100000.00"))},
                                         presenting_official=official, actor=decider)
    assert current_outcome(deferred).decision == later
    assert not later.documents.exists()  # signed, documents pending: the task makes them
    run_document_tasks()
    assert later.documents.filter(lang="fi", format="html").exists()


def test_a_deferred_application_is_prepared_by_an_official_and_signed_by_a_decision_maker_on_screen(
        setting, client):
    from django.urls import reverse

    decision, _app, official, decider = setting
    deferred = decision.outcomes.filter(kind="deferred").select_related("application").first().application
    url = reverse("officials-later", args=[decision.call.slug])
    client.force_login(official)
    assert deferred.reference in client.get(url).content.decode()
    client.post(url, {"application": deferred.reference, "outcome": "granted", "amount": "1e9"})
    assert not Decision.objects.filter(status=Decision.Status.DRAFT).exists()
    client.post(url, {"application": deferred.reference, "outcome": "granted", "amount": "100 000,00"})
    draft = Decision.objects.get(status=Decision.Status.DRAFT)
    assert current_outcome(deferred).kind == "deferred"  # prepared is not decided
    version = client.get(url).context["drafts"][0][1]
    client.post(url, {"sign": draft.pk, "version": version, "confirm": "yes"})  # an official, and the preparer
    draft.refresh_from_db()
    assert draft.status == Decision.Status.DRAFT
    client.force_login(decider)
    assert client.get(url).context["drafts"] == [(draft, version)]
    client.post(url, {"sign": draft.pk, "version": version})  # the box left unticked: nothing is signed
    draft.refresh_from_db()
    assert draft.status == Decision.Status.DRAFT
    client.post(url, {"sign": draft.pk, "version": version, "confirm": "yes"})  # not from the preview: no hash
    draft.refresh_from_db()
    assert draft.status == Decision.Status.DRAFT
    preview = client.get(reverse("officials-later-preview", args=[decision.call.slug, draft.pk]))
    html = preview.content.decode()
    assert "100\u00a0000 euroa" in html and decider.get_username() in html  # as signed: the signer named
    shown = re.search(r'name="shown" value="([0-9a-f]+)"', html).group(1)
    client.post(url, {"sign": draft.pk, "version": version, "shown": shown, "confirm": "yes"})
    draft.refresh_from_db()
    assert draft.status == Decision.Status.SIGNED and draft.decision_maker == decider
    assert current_outcome(deferred).amount_granted == Decimal("100000.00")
    assert deferred.reference not in [a.reference for a in client.get(url).context["page"]]


def test_a_request_prepared_again_after_the_decision_maker_read_it_is_not_signed(setting, person):
    decision, app, official, decider = setting
    second = person("toinen", decision.call.programme, Role.OFFICIAL)
    request = rectification.register_request(decision, app, received_on=datetime.date(2020, 3, 20),
                                             requester="Kunta", grounds="Arvio väärä", actor=official)
    request = rectification.prepare(request, resolution="upheld", reasoning="Arvio oli oikea", actor=official)
    read = rectification.prepared_version(request)  # the decision-maker opens the page: upheld
    # A second official re-prepares it meanwhile: a grant of 90 000 the decision-maker never saw.
    rectification.prepare(request, resolution="amended", reasoning="Uusi arvio", outcome="granted",
                          amount="90000", actor=second)
    for stale in (read, "", None):
        with pytest.raises(ValidationError):
            rectification.decide(request, actor=decider, version=stale)
    request.refresh_from_db()
    assert request.status == RectificationRequest.Status.PREPARED and request.new_decision is None
    assert current_outcome(app).decision == decision
    assert not Decision.objects.filter(amends=decision).exists()
    decided = rectification.decide(request, actor=decider, version=rectification.prepared_version(request))
    assert current_outcome(app).amount_granted == Decimal("90000.00")
    assert decided.new_decision.presenting_official == second


def test_the_screen_signs_only_the_request_as_shown_and_only_when_confirmed(setting, person, client):
    from django.urls import reverse

    decision, app, official, decider = setting
    second = person("toinen", decision.call.programme, Role.OFFICIAL)
    request = rectification.register_request(decision, app, received_on=datetime.date(2020, 3, 20),
                                             requester="Kunta", grounds="Arvio väärä", actor=official)
    rectification.prepare(request, resolution="upheld", reasoning="Arvio oli oikea", actor=official)
    url = reverse("officials-rectification", args=[request.pk])
    client.force_login(decider)
    page = client.get(url)
    shown = page.context["version"]
    assert f'name="version" value="{shown}"' in page.content.decode()
    assert 'name="confirm" value="yes" required' in page.content.decode()
    client.post(url, {"decide": "1", "version": shown})  # the box left unticked
    request.refresh_from_db()
    assert request.status == RectificationRequest.Status.PREPARED
    rectification.prepare(request, resolution="amended", reasoning="Uusi arvio", outcome="granted",
                          amount="90000", actor=second)
    response = client.post(url, {"decide": "1", "version": shown, "confirm": "yes"})
    request.refresh_from_db()
    assert response.status_code == 200 and request.status == RectificationRequest.Status.PREPARED
    assert 'role="alert"' in response.content.decode()
    client.post(url, {"decide": "1", "version": client.get(url).context["version"], "confirm": "yes"})
    request.refresh_from_db()
    assert request.status == RectificationRequest.Status.DECIDED
    assert current_outcome(app).amount_granted == Decimal("90000.00")


def test_a_prepared_later_decision_is_signed_only_as_read(setting):
    decision, _app, official, decider = setting
    deferred = decision.outcomes.filter(kind="deferred").select_related("application").first().application
    draft = amending.prepare_later_decision(decision, {deferred: ("granted", Decimal("100000.00"))},
                                                 actor=official)
    for stale in ("", None, "0" * 64):
        with pytest.raises(ValidationError):
            amending.sign_prepared(draft, actor=decider, version=stale)
    draft.refresh_from_db()
    assert draft.status == Decision.Status.DRAFT
    # The version follows the content: an outcome changed under the draft makes the old one stale.
    read = amending.draft_version(draft)
    draft.outcomes.update(amount_granted=Decimal("150000.00"))
    with pytest.raises(ValidationError):
        amending.sign_prepared(draft, actor=decider, version=read)
    signed = amending.sign_prepared(draft, actor=decider, version=amending.draft_version(draft))
    assert signed.status == Decision.Status.SIGNED
