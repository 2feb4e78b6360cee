"""The settlement and recovery pages offer each step exactly to those whose post the service accepts, and show the
notes each state calls for; the views choose both (``settlement.services.settlement_steps``,
``settlement.recovery.recovery_steps``) and the templates compare no states.

For every person around the project and every state a settlement or a recovery case passes through, the forms on
the page are compared with what the service does when each step is tried (in a transaction rolled back), and the
notes with what the state calls for.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from avustus.errors import NotFound
from avustus.settlement import recovery as recoveries
from avustus.settlement import services as settlement
from avustus.settlement import waivers
from avustus.settlement.models import Recovery, Settlement
from tests.projects.conftest import cast, person  # noqa: F401 (fixtures)
from tests.settlement.test_end_to_end import _final_accepted, _through_two_payments
from tests.web.steps import page_as, succeeds
from tests.web.test_recovery import rates_to_date  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

OFFICIALS = ("official", "second_official", "decision_maker")
EVERYONE = ("lead", "partner", *OFFICIALS)

# The notes, as a Finnish reader sees them.
PREPARED_NOTE = "Laadit tämän loppuselvityksen: toinen virkailija hyväksyy sen."
SIGNED_NOTE = "Päätös avustuksen lopullisesta määrästä, allekirjoitettu:"
HEARING_NOTE = "Päätöksen voi valmistella, kun päätoteuttaja on vastannut tai"
SIGNS_NOTE = "Toinen virkailija allekirjoittaa päätöksen."
RETURNS = "<h2>Palautukset</h2>"
CONFIRMS_NOTE = "Toinen virkailija vahvistaa kohtuullistamisen."


# Settlement: the page's forms by their button, and each step as its service takes it.
SETTLEMENT_FORMS = {step: f'name="action" value="{step}"' for step in ("settle", "approve", "return")}
def _made(project) -> Settlement:
    made = Settlement.objects.filter(project=project).first()
    if made is None:
        raise NotFound()  # nothing settled to take the step on
    return made


SETTLEMENT_STEPS = {
    "settle": lambda project, user: settlement.settle(
        project, actor=user, version=settlement.settlement_preview(project, actor=user)[1]),
    "approve": lambda project, user: settlement.approve_settlement(
        _made(project), actor=user, version=_made(project).sha256),
    "return": lambda project, user: settlement.record_return(
        _made(project), actor=user, returned_on=timezone.localdate(), amount="1,00",
        version=settlement.returns_version(_made(project))),
}


def _pages(cast, names, url: str, forms: dict, steps: dict, take, notes: dict) -> dict[str, tuple[set[str], set[str]]]:
    """Per person in ``names``: the steps the page at ``url`` offers (each form in ``forms`` found in it, which must
    be exactly the ``steps`` the service accepts, each called as ``call(take(), user)``) and the ``notes`` shown."""
    seen = {}
    for name in names:
        user = getattr(cast, name)
        page = page_as(user, url)
        shown = {step for step, form in forms.items() if form in page}
        accepted = {step for step, call in steps.items()
                    if succeeds(lambda call=call, user=user: call(take(), user))}
        assert shown == accepted, name
        seen[name] = (shown, {note for note, text in notes.items() if text in page})
    return seen


def _settlement_page(cast) -> dict[str, tuple[set[str], set[str]]]:
    """Per official: the steps offered (each checked against what the service accepts) and the notes shown."""
    return _pages(cast, OFFICIALS, reverse("project-settlement", args=[cast.project.reference]), SETTLEMENT_FORMS,
                  SETTLEMENT_STEPS, lambda: cast.project, {"prepared": PREPARED_NOTE, "signed": SIGNED_NOTE})


def test_the_settlement_page_offers_each_step_and_note_by_the_settlements_state(cast, storage, rates_to_date):
    _through_two_payments(cast)
    _final_accepted(cast, "20 000,00")
    nothing = (set(), set())
    # Not settled: the programme's officials settle (the decision-maker only reads).
    assert _settlement_page(cast) == {"official": ({"settle"}, set()), "second_official": ({"settle"}, set()),
                                      "decision_maker": nothing}
    _snapshot, digest = settlement.settlement_preview(cast.project, actor=cast.official)
    made = settlement.settle(cast.project, actor=cast.official, version=digest)
    # Prepared: whoever prepared it waits for a second official, who is offered the approval.
    assert _settlement_page(cast) == {"official": (set(), {"prepared"}), "second_official": ({"approve"}, set()),
                                      "decision_maker": nothing}
    made = settlement.approve_settlement(made, actor=cast.second_official, version=made.sha256)
    # Approved: the signed decision for all; returns recorded by the officials while some is left to return.
    assert _settlement_page(cast) == {"official": ({"return"}, {"signed"}),
                                      "second_official": ({"return"}, {"signed"}),
                                      "decision_maker": (set(), {"signed"})}
    lead_page = page_as(cast.lead, reverse("project", args=[cast.project.reference]))
    assert SIGNED_NOTE in lead_page
    settlement.record_return(made, actor=cast.official, returned_on=timezone.localdate(),
                             amount=settlement.left_to_return(made), version=settlement.returns_version(made))
    assert _settlement_page(cast) == {name: (set(), {"signed"}) for name in OFFICIALS}


def test_the_project_page_shows_the_signed_settlement_only_once_approved(cast, storage, rates_to_date):
    _through_two_payments(cast)
    _final_accepted(cast, "20 000,00")
    _snapshot, digest = settlement.settlement_preview(cast.project, actor=cast.official)
    made = settlement.settle(cast.project, actor=cast.official, version=digest)
    url = reverse("project", args=[cast.project.reference])
    for name in ("lead", "official"):
        assert SIGNED_NOTE not in page_as(getattr(cast, name), url), name
    settlement.approve_settlement(made, actor=cast.second_official, version=made.sha256)
    for name in ("lead", "official"):
        assert SIGNED_NOTE in page_as(getattr(cast, name), url), name
    assert SIGNED_NOTE not in page_as(cast.partner, url)  # a partner reads the figures, not the documents


# Recovery: each step's form by where it posts (the preparation by its preview's form), and the service taking it.
def _recovery_forms(recovery: Recovery) -> dict[str, str]:
    args = [recovery.project.reference, recovery.pk]
    return {"respond": 'name="response"', "prepare": 'name="due_on" type="date"',
            "sign": f'action="{reverse("sign-recovery", args=args)}"',
            "send_back": f'action="{reverse("withdraw-recovery", args=args)}"',
            "return": f'action="{reverse("recovery-return", args=args)}"',
            "waive": f'action="{reverse("waive-recovery", args=args)}"',
            "confirm_waiver": f'action="{reverse("confirm-waiver", args=args)}"',
            "decline_waiver": f'action="{reverse("decline-waiver", args=args)}"'}


def _shown_waiver(recovery: Recovery) -> str:
    """The version of the case's proposed waiver, as its page shows it (none: nothing to confirm)."""
    pending = recoveries.proposed_waiver(recovery)
    return waivers.waiver_version(pending) if pending else ""


def _due() -> object:
    return timezone.localdate() + timedelta(days=30)


RECOVERY_STEPS = {
    "respond": lambda r, user: recoveries.respond_to_hearing(r, actor=user, response="Vastaus."),
    "prepare": lambda r, user: recoveries.prepare_recovery(
        r, actor=user, due_on=_due(), version=recoveries.recovery_preview(r, actor=user, due_on=_due())[1]),
    "sign": lambda r, user: recoveries.sign_recovery(r, actor=user, version=r.sha256),
    "send_back": lambda r, user: recoveries.withdraw_recovery_decision(r, actor=user, version=r.sha256,
                                                                      reasons="Eräpäivä on liian aikainen."),
    "return": lambda r, user: recoveries.record_recovery_return(r, actor=user, returned_on=timezone.localdate(),
                                                                amount="1,00", version=recoveries.case_version(r)),
    "waive": lambda r, user: recoveries.waive_recovery(r, actor=user, principal="1,00", interest=False,
                                                       reasons="Kohtuus.", version=recoveries.case_version(r)),
    "confirm_waiver": lambda r, user: waivers.confirm_waiver(r, actor=user, version=_shown_waiver(r)),
    "decline_waiver": lambda r, user: waivers.decline_waiver(r, actor=user, version=_shown_waiver(r),
                                                             reasons="Ei perusteita."),
}


def _recovery_page(cast, recovery: Recovery) -> dict[str, tuple[set[str], set[str]]]:
    """Per person: the steps offered (each checked against what the service accepts) and the notes shown."""
    return _pages(cast, EVERYONE, reverse("project-recovery", args=[cast.project.reference, recovery.pk]),
                  _recovery_forms(recovery), RECOVERY_STEPS, lambda: Recovery.objects.get(pk=recovery.pk),
                  {"hearing": HEARING_NOTE, "signs": SIGNS_NOTE, "returns": RETURNS, "confirms": CONFIRMS_NOTE})


def test_the_recovery_page_offers_each_step_and_note_by_the_cases_state(cast, rates_to_date):
    _through_two_payments(cast)
    today = timezone.localdate()
    recovery = recoveries.start_recovery(cast.project, actor=cast.official, section=22, subsection=1,
                                         amount="1 000,00", reasons="Peruste.", known_on=today,
                                         deadline=today + timedelta(days=14),
                                         version=recoveries.cases_version(cast.project))
    nothing = (set(), set())
    # The hearing open: the lead answers; the officials are told when they may prepare the decision.
    assert _recovery_page(cast, recovery) == {
        "lead": ({"respond"}, set()), "partner": nothing, "official": (set(), {"hearing"}),
        "second_official": (set(), {"hearing"}), "decision_maker": nothing}
    recovery = recoveries.respond_to_hearing(recovery, actor=cast.lead, response="Vastaus.")
    # Answered: the officials prepare it.
    assert _recovery_page(cast, recovery) == {
        "lead": nothing, "partner": nothing, "official": ({"prepare"}, set()),
        "second_official": ({"prepare"}, set()), "decision_maker": nothing}
    _snapshot, digest = recoveries.recovery_preview(recovery, actor=cast.official, due_on=_due())
    recovery = recoveries.prepare_recovery(recovery, actor=cast.official, due_on=_due(), version=digest)
    # Prepared: another official signs; its preparer may send it back and is told who signs.
    assert _recovery_page(cast, recovery) == {
        "lead": nothing, "partner": nothing, "official": ({"send_back"}, {"signs"}),
        "second_official": ({"sign", "send_back"}, set()), "decision_maker": ({"sign", "send_back"}, set())}
    recovery = recoveries.sign_recovery(recovery, actor=cast.second_official, version=recovery.sha256)
    # Decided: the returns for everyone; the officials record returns and propose waivers while principal is due.
    returns_only = (set(), {"returns"})
    assert _recovery_page(cast, recovery) == {
        "lead": returns_only, "partner": returns_only, "official": ({"return", "waive"}, {"returns"}),
        "second_official": ({"return", "waive"}, {"returns"}), "decision_maker": returns_only}
    recoveries.waive_recovery(recovery, actor=cast.official, principal="1 000,00", interest=True, reasons="Kohtuus.",
                              version=recoveries.case_version(recovery))
    # Proposed: a signer who did not propose it confirms it; either declines it; no second proposal meanwhile. The
    # recipients see nothing of it.
    assert _recovery_page(cast, recovery) == {
        "lead": returns_only, "partner": returns_only,
        "official": ({"return", "decline_waiver"}, {"returns", "confirms"}),
        "second_official": ({"return", "confirm_waiver", "decline_waiver"}, {"returns"}),
        "decision_maker": ({"confirm_waiver", "decline_waiver"}, {"returns"})}
    waivers.confirm_waiver(recovery, actor=cast.decision_maker, version=_shown_waiver(recovery))
    assert _recovery_page(cast, recovery) == {name: returns_only for name in EVERYONE}
