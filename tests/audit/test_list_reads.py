"""An application's history holds what was decided about it, and officials' lists log who read them (#10).

Act 906/2019, section 17: the use and disclosure of non-public data in a system that needs a login is
logged, reads of lists and downloads included.
"""

from datetime import date

import pytest
from django.urls import reverse

from avustus.applications.reads import history
from avustus.audit.chain import DOCUMENT_READ, LIST_READ, verify
from avustus.audit.models import AuditEntry
from avustus.decisions import approval
from avustus.decisions.amending import start_amending_decision
from avustus.decisions.models import Decision
from tests.evaluation.conftest import evaluated, person, present, seen, small_round, staff  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def actions(reference: str) -> list[str]:
    return list(history(reference).values_list("action", flat=True))


def test_the_history_of_each_application_shows_its_presentation_approval_and_signing(evaluated, staff, round_2020):
    call, apps = evaluated
    present(call, staff["official"])
    approval.approve(call, actor=staff["decider"], version=seen(call))
    for app in apps:
        found = actions(app.reference)
        assert {"proposal.presented", "proposal.approved", "decision.signed"} <= set(found), app.reference
        assert found.index("decision.signed") < found.index("proposal.approved") < found.index("proposal.presented")
    # Another round's applications do not get this round's decision, nor the other way round.
    other = round_2020.applications.order_by("source_row").first()
    assert not {"proposal.presented", "proposal.approved", "decision.signed"} & set(actions(other.reference))
    assert "decision.imported" in actions(other.reference)
    assert "decision.imported" not in actions(apps[0].reference)


@pytest.mark.parametrize("route", ["officials-screening", "officials-evaluation", "officials-proposal"])
def test_reading_a_list_is_logged_and_found_in_each_shown_applications_history(client, small_round, person, route):
    call, apps = small_round
    auditor = person("tarkastaja", call.programme, "auditor")
    client.force_login(auditor)
    before = AuditEntry.objects.filter(action=LIST_READ).count()
    assert client.get(reverse(route, args=[call.slug])).status_code == 200
    entry = AuditEntry.objects.filter(action=LIST_READ).order_by("-id").first()
    assert AuditEntry.objects.filter(action=LIST_READ).count() == before + 1
    assert entry.actor == auditor and entry.target_type == "calls.call" and entry.target_id == str(call.pk)
    assert sorted(entry.data["applications"]) == sorted(a.reference for a in apps)
    for app in apps:
        assert history(app.reference).filter(pk=entry.pk).exists()
    assert verify().ok


def test_a_list_read_is_found_only_in_the_histories_of_what_it_showed(client, small_round, person):
    call, apps = small_round
    client.force_login(person("tarkastaja", call.programme, "auditor"))
    client.get(reverse("officials-screening", args=[call.slug]), {"state": "ineligible"})  # none are
    entry = AuditEntry.objects.filter(action=LIST_READ).order_by("-id").first()
    assert entry.data["applications"] == [] and entry.data["what"] == "screening list"
    assert not any(history(app.reference).filter(pk=entry.pk).exists() for app in apps)


def test_reading_an_unsigned_decision_is_logged_and_a_signed_one_is_not(client, round_2020, official):
    signed = Decision.objects.get(call=round_2020, amends__isnull=True)
    draft = start_amending_decision(signed, actor=official, decided_on=date(2020, 6, 10))
    client.force_login(official)
    assert client.get(reverse("decision-document", args=[signed.pk, "fi", "html"])).status_code == 200
    assert not AuditEntry.objects.filter(action=DOCUMENT_READ).exists()
    assert client.get(reverse("decision-document", args=[draft.pk, "fi", "html"])).status_code == 200
    entry = AuditEntry.objects.get(action=DOCUMENT_READ)
    assert (entry.actor, entry.target_id, entry.data) == (official, str(draft.pk),
                                                          {"what": "document", "lang": "fi", "format": "html"})


def test_reading_a_rectification_request_is_logged_in_its_applications_history(client, round_2020, official):
    from avustus.audit.chain import READ
    from avustus.decisions.models import Outcome
    from avustus.evaluation.models import RectificationRequest

    signed = Decision.objects.get(call=round_2020, amends__isnull=True)
    application = Outcome.objects.filter(decision=signed).first().application
    request_ = RectificationRequest.objects.create(decision=signed, application=application,
                                                   received_on=date(2020, 3, 20), requester="Kunta", grounds="Syyt")
    client.force_login(official)
    assert client.get(reverse("officials-rectification", args=[request_.pk])).status_code == 200
    newest = history(application.reference).first()
    assert (newest.action, newest.actor, newest.data) == (READ, official, {"what": "rectification request"})
    assert newest.target_type == "evaluation.rectificationrequest"
