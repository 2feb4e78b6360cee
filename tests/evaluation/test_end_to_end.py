"""A small round from call set-up to a decided rectification request, through the officials' screens.

Applicants submit through the services (their screens have their own tests); every official,
reviewer and decision-maker step goes through the pages they use. Runs on SQLite and PostgreSQL.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from avustus.accounts.models import Role
from avustus.applications import services as apps
from avustus.calls.models import Call
from avustus.decisions.models import Decision, Notification
from avustus.decisions.selectors import current_outcome
from avustus.evaluation.models import Assignment, Proposal, RectificationRequest
from avustus.evaluation.screening import BASE_CHECKS
from avustus.registry.models import Organisation
from avustus.registry.services import sync_registry

pytestmark = pytest.mark.django_db


def as_user(client, user):
    client.force_login(user)
    return client


def test_a_round_from_set_up_to_rectification(client, person, applicant_of, django_user_model):
    sync_registry()
    from avustus.calls.models import Programme

    programme = Programme.objects.create(slug="kuntadigi", name_fi="Kuntien digitalisaatio")
    official = person("virkailija", programme, Role.OFFICIAL)
    decider = person("paattaja", programme, Role.DECISION_MAKER)
    reviewers = [person(f"arvioija-{i}", programme, Role.REVIEWER) for i in (1, 2)]

    # 1. Call set-up, by the official, on the screens.
    as_user(client, official)
    response = client.post(reverse("officials-create-call"),
                           {"programme": "kuntadigi", "slug": "pieni-haku", "title_fi": "Pieni haku"})
    assert response.status_code == 302
    now = timezone.localtime()
    response = client.post(reverse("officials-setup", args=["pieni-haku"]), {
        "title_fi": "Pieni haku", "appropriation": "200000", "aid_rate": "85", "rounding_unit": "100",
        "rounding_mode": "down", "min_municipalities": "2", "lead_kinds": ["municipality"],
        "partner_kinds": ["municipality"], "reporting_interval_months": "4", "instalments": "3",
        "opens_at": (now - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M"),
        "criteria": "impact | Vaikuttavuus | Effekt | 2 | 5\nfeasibility | Toteutettavuus | | 1 | 5",
        "cost_categories": "staff | henkilöstökustannukset | personalkostnader",
        "exclusions": "", "groups": "services | Palvelut | Tjänster", "publish": "1",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    call = Call.objects.get(slug="pieni-haku")
    assert call.status == Call.Status.PUBLISHED and call.criteria.count() == 2

    # 2. Two applications are submitted.
    submitted = []
    for lead, partner, applied in (("109", "853", "120050.00"), ("564", "091", "110000.00")):
        user = applicant_of(lead)
        draft = apps.create_draft(call, actor=user, organisation=Organisation.objects.get(code=lead),
                                  title=f"Hanke {lead}")
        draft = apps.update_draft(draft, apps.DraftChanges(
            plan={}, partners=[Organisation.objects.get(code=partner).key], amount_applied=applied,
            budget=[{"category": "staff", "amount_vat_free": "200000", "vat": "0", "description": "työ"}],
        ), actor=user, version=draft.version)
        submitted.append(apps.submit(draft, actor=user))
    hameenlinna, oulu = submitted

    # 3. Screening: both eligible.
    as_user(client, official)
    for app in submitted:
        form = {f"{code}.passed": "yes" for code in BASE_CHECKS}
        assert client.post(reverse("officials-screen", args=[app.reference]), form).status_code == 302
    todo = client.get(reverse("officials-screening", args=[call.slug]) + "?state=todo")
    assert todo.context["page"].paginator.count == 0

    # 4. Two reviewers each, assigned on the evaluation screen; they declare and score on theirs.
    for app in submitted:
        for reviewer in reviewers:
            client.post(reverse("officials-evaluation", args=[call.slug]),
                        {"application": app.reference, "reviewer": reviewer.username})
    assert Assignment.objects.filter(application__call=call).count() == 4
    for reviewer in reviewers:
        as_user(client, reviewer)
        for assignment in Assignment.objects.filter(reviewer=reviewer):
            url = reverse("review", args=[assignment.pk])
            client.post(url, {"declare": "1", "conflicted": "no"})
            strong = assignment.application == oulu
            response = client.post(url, {"score.impact": "5" if strong else "3", "justification.impact": "Perustelu",
                                         "score.feasibility": "4", "justification.feasibility": "Perustelu"})
            assert response.status_code == 302
    assert Assignment.objects.filter(submitted_at__isnull=False).count() == 4

    # 5. The proposal: Oulu first (93.33), then Hämeenlinna, whose 120 050 rounds down to 120 000 but no
    # longer fits in what is left of 200 000; the official presents it.
    as_user(client, official)
    page = client.get(reverse("officials-proposal", args=[call.slug]))
    result = page.context["result"]
    assert [(line.key, line.outcome, line.amount) for line in result.lines] == [
        (oulu.reference, "granted", Decimal("110000.00")), (hameenlinna.reference, "rejected", None)]
    assert result.cut == hameenlinna.reference
    assert [row["rank"] for row in page.context["page"]] == [1, 2] and page.context["cut_rank"] == 2
    client.post(reverse("officials-proposal-line", args=[call.slug, hameenlinna.reference]),
                {"outcome": "deferred", "reason": "Selvitetään rahoitus myöhemmin"})
    present = {"action": "present", "decided_on": timezone.localdate().isoformat(),
               "presenting_official_title": "Neuvotteleva virkamies", "confirm": "yes"}
    proposal_url = reverse("officials-proposal", args=[call.slug])
    # While the call is open, applications may still arrive: nothing can be presented.
    client.post(proposal_url, present)
    assert Proposal.objects.get(call=call).status == Proposal.Status.DRAFT
    assert 'name="action" value="present"' not in client.get(proposal_url).content.decode()
    Call.objects.filter(pk=call.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    client.post(proposal_url, present | {"version": client.get(proposal_url).context["present_version"]})
    assert Proposal.objects.get(call=call).status == Proposal.Status.PRESENTED

    # 6. Four eyes: the presenting official cannot approve; the decision-maker does, and the decision is signed.
    approve = {"action": "approve", "version": client.get(proposal_url).context["version"], "confirm": "yes"}
    client.post(proposal_url, approve)
    assert not Decision.objects.filter(call=call).exists()
    as_user(client, decider)
    assert client.get(proposal_url).context["version"] == approve["version"]
    # The decision-maker reads the decision as its documents will say it, and signs what they read (its hash).
    preview = client.get(reverse("officials-decision-preview", args=[call.slug]),
                         {"version": approve["version"], "decision_maker_title": "Kuntaministeri"})
    assert "Kuntaministeri" in preview.content.decode()
    response = client.post(proposal_url, {**approve, "decision_maker_title": "Kuntaministeri",
                                          "shown": preview.context["shown"]})
    decision = Decision.objects.get(call=call)
    assert response.status_code == 302 and response.url == reverse("officials-notifications", args=[decision.pk])
    assert decision.status == Decision.Status.SIGNED and decision.presenting_official == official
    assert current_outcome(oulu).amount_granted == Decimal("110000.00")
    assert current_outcome(hameenlinna).kind == "deferred"

    # 7. Notification by letter, sent on the day of the decision.
    as_user(client, official)
    client.post(reverse("officials-notifications", args=[decision.pk]),
                {"application": hameenlinna.reference, "channel": "letter", "sent_on": decision.decided_on.isoformat()})
    notification = Notification.objects.get(decision=decision)
    assert notification.received_on == decision.decided_on + timedelta(days=7)

    # 8. A rectification request, registered, prepared and decided by a second person.
    response = client.post(reverse("officials-rectifications", args=[call.slug]), {
        "decision": decision.pk, "application": hameenlinna.reference,
        "received_on": timezone.localdate().isoformat(), "requester": "Hämeenlinnan kaupunki",
        "grounds": "Hanke olisi mahtunut määrärahaan osittain."})
    request = RectificationRequest.objects.get()
    assert response.status_code == 302 and request.late is False
    client.post(reverse("officials-rectification", args=[request.pk]),
                {"resolution": "amended", "outcome": "granted", "amount": "90000", "reasoning": "Jäljellä 90 000 €."})
    rectification_url = reverse("officials-rectification", args=[request.pk])
    sign = {"decide": "1", "version": client.get(rectification_url).context["version"], "confirm": "yes"}
    response = client.post(rectification_url, sign)
    request.refresh_from_db()
    assert request.status == RectificationRequest.Status.PREPARED  # the preparer cannot sign it
    as_user(client, decider)
    client.post(rectification_url, sign)
    request.refresh_from_db()
    assert request.status == RectificationRequest.Status.DECIDED
    assert current_outcome(hameenlinna).amount_granted == Decimal("90000.00")
    with override("fi"):
        page = client.get(reverse("officials-rectification", args=[request.pk]))
    assert page.status_code == 200
