"""The proposal's screen: presenting after the deadline, approving what was read, confirmations, clear refusals."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from avustus.applications.models import Application
from avustus.decisions.models import Decision
from avustus.evaluation.models import Proposal
from tests.evaluation.conftest import close, evaluated, person, present, small_round, staff  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def _url(call):
    return reverse("officials-proposal", args=[call.slug])


def test_approving_or_returning_without_a_proposal_answers_with_a_message_not_an_error(client, small_round, staff):
    call, _apps = small_round
    client.force_login(staff["decider"])
    for action in ({"action": "approve", "confirm": "yes"}, {"action": "return", "reason": "Puutteellinen"}):
        response = client.post(_url(call), action, follow=True)
        assert response.status_code == 200
        assert response.redirect_chain == [(_url(call), 302)]
        assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert not Proposal.objects.filter(call=call).exists() and not Decision.objects.filter(call=call).exists()


def test_presenting_on_the_screen_needs_a_closed_call_a_date_a_title_and_the_box_ticked(client, evaluated, staff):
    from datetime import timedelta

    from django.utils import timezone

    from avustus.calls.models import Call

    call, _apps = evaluated
    Call.objects.filter(pk=call.pk).update(closes_at=timezone.now() + timedelta(days=2))
    client.force_login(staff["official"])
    form = {"action": "present", "decided_on": timezone.localdate().isoformat(),
            "presenting_official_title": "Neuvotteleva virkamies", "confirm": "yes"}
    assert 'value="present"' not in client.get(_url(call)).content.decode()  # open: the form is not offered
    client.post(_url(call), form)
    assert not Proposal.objects.filter(call=call, status=Proposal.Status.PRESENTED).exists()
    close(call)
    read = client.get(_url(call))
    form["version"] = read.context["present_version"]  # the proposal as the official read it
    page = read.content.decode()
    assert 'value="present"' in page and 'name="confirm" value="yes" required' in page
    for missing in ("confirm", "decided_on", "presenting_official_title"):
        response = client.post(_url(call), {k: v for k, v in form.items() if k != missing}, follow=True)
        assert [m.level_tag for m in response.context["messages"]] == ["error"], missing
        assert not Proposal.objects.filter(call=call, status=Proposal.Status.PRESENTED).exists()
    client.post(_url(call), form)
    proposal = Proposal.objects.get(call=call)
    assert proposal.status == Proposal.Status.PRESENTED
    assert proposal.presenting_official_title == "Neuvotteleva virkamies"


def test_the_screen_approves_the_version_read_and_only_when_confirmed(client, evaluated, staff, monkeypatch):
    from avustus.decisions import signing
    from avustus.decisions.documents import pdf, render

    def no_rendering(*args, **kwargs):
        raise AssertionError("a document was rendered on the request path")

    # Neither the preview (HTML built from the snapshot) nor the signature renders a document.
    for module, name in ((render, "render_snapshot"), (signing, "render_documents"), (pdf, "render_pdf")):
        monkeypatch.setattr(module, name, no_rendering)
    call, _apps = evaluated
    present(call, staff["official"])
    client.force_login(staff["decider"])
    page = client.get(_url(call))
    version = page.context["version"]
    assert f'name="version" value="{version}"' in page.content.decode()
    preview = client.get(reverse("officials-decision-preview", args=[call.slug]),
                         {"version": version, "decision_maker_title": "Kuntaministeri", "lang": "sv"})
    shown, html = preview.context["shown"], preview.content.decode()
    assert f'name="shown" value="{shown}"' in html and 'name="confirm" value="yes" required' in html
    assert "Kuntaministeri" in html and "Bilaga 1" in html  # the decision as its Swedish documents say it
    assert not Decision.objects.filter(call=call).exists()  # a preview keeps nothing
    signing = {"action": "approve", "version": version, "shown": shown, "decision_maker_title": "Kuntaministeri"}
    client.post(_url(call), signing)  # the box left unticked
    assert not Decision.objects.filter(call=call).exists()
    client.post(_url(call), {**signing, "version": "", "confirm": "yes"})  # a form without the version
    client.post(_url(call), {**signing, "shown": "", "confirm": "yes"})  # nor the preview's hash
    response = client.post(_url(call), {**signing, "decision_maker_title": "Ministeri", "confirm": "yes"},
                           follow=True)  # a decision other than the one shown
    assert not Decision.objects.filter(call=call).exists()
    refusals = [str(m) for m in response.context["messages"]]
    assert "Lue päätöksen esikatselu ennen kuin allekirjoitat sen." in refusals  # the site speaks Finnish
    assert refusals[-1] == "Päätös on muuttunut esikatselun jälkeen. Lue se uudelleen ennen allekirjoittamista."
    response = client.post(_url(call), {**signing, "confirm": "yes"})
    decision = Decision.objects.get(call=call)
    assert response.url == reverse("officials-notifications", args=[decision.pk])
    assert decision.snapshot["decision"]["decision_maker"]["title"] == "Kuntaministeri"


def test_a_signed_decision_says_its_documents_are_pending_until_the_task_stores_them(client, evaluated, staff):
    from avustus.decisions import approval
    from tests.conftest import run_document_tasks
    from tests.evaluation.conftest import seen

    call, _apps = evaluated
    present(call, staff["official"])
    decision = approval.approve(call, actor=staff["decider"], version=seen(call))
    client.force_login(staff["decider"])
    client.cookies["django_language"] = "sv"
    assert "undertecknat, handlingarna under arbete" in client.get(reverse("round", args=[call.slug])).content.decode()
    del client.cookies["django_language"]
    notifications = client.get(reverse("officials-notifications", args=[decision.pk])).content.decode()
    assert "allekirjoitettu, asiakirjat tekeillä" in notifications
    document = client.get(reverse("decision-document", args=[decision.pk, "fi", "pdf"]))
    assert document.status_code == 503 and document["Retry-After"] == "30"
    assert "Asiakirjat tekeillä" in document.content.decode()
    round_page = client.get(reverse("round", args=[call.slug])).content.decode()
    assert "allekirjoitettu, asiakirjat tekeillä" in round_page and f"/decisions/{decision.pk}/fi.pdf" not in round_page

    run_document_tasks()
    document = client.get(reverse("decision-document", args=[decision.pk, "fi", "pdf"]))
    assert document.status_code == 200 and document.content.startswith(b"%PDF")
    round_page = client.get(reverse("round", args=[call.slug])).content.decode()
    assert "asiakirjat tekeillä" not in round_page and f"/decisions/{decision.pk}/fi.pdf" in round_page


def test_the_decision_maker_sees_that_a_withdrawal_sent_the_proposal_back(client, evaluated, staff):
    from avustus.applications import services as apps

    call, (hameenlinna, _turku, _oulu) = evaluated
    present(call, staff["official"])
    client.force_login(staff["decider"])
    read = client.get(_url(call)).context["version"]
    apps.withdraw(hameenlinna, actor=get_user_model().objects.get(username="hakija-109"))
    response = client.post(_url(call), {"action": "approve", "version": read, "confirm": "yes"}, follow=True)
    assert not Decision.objects.filter(call=call).exists()
    html = response.content.decode()
    note = html[html.index('role="note"'):]
    assert hameenlinna.reference in note[:note.index("</div>")] and 'value="approve"' not in html
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert Application.objects.get(pk=hameenlinna.pk).status == "withdrawn"
    assert Proposal.objects.get(call=call).status == Proposal.Status.DRAFT
