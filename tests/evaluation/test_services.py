"""Screening, reviews, the proposal and four eyes, through the services that every screen calls."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from avustus.accounts.models import Role
from avustus.audit.models import AuditEntry
from avustus.decisions import approval
from avustus.decisions.models import Decision, DecisionDocument
from avustus.decisions.selectors import current_outcome
from avustus.errors import NotFound
from avustus.evaluation import proposals, reviews, screening
from avustus.evaluation.models import Assignment, Proposal, Score, Screening
from tests.conftest import run_document_tasks
from tests.evaluation.conftest import ALL_PASS, close, present, seen, submit_review

pytestmark = pytest.mark.django_db

def test_screening_needs_every_item_and_a_reason_for_each_failure(small_round, staff):
    _call, (app, *_rest) = small_round
    with pytest.raises(ValidationError) as caught:
        screening.screen(app, {**ALL_PASS, "aid_rate": (False, "  ")}, actor=staff["official"])
    assert "checks.aid_rate" in caught.value.message_dict
    partial = dict(ALL_PASS)
    del partial["plan"]
    with pytest.raises(ValidationError) as caught:
        screening.screen(app, partial, actor=staff["official"])
    assert "checks.plan" in caught.value.message_dict
    assert not Screening.objects.exists()
    done = screening.screen(app, {**ALL_PASS, "aid_rate": (False, "Haettu yli 85 %")}, actor=staff["official"])
    assert done.eligible is False
    assert done.checks["aid_rate"] == {"passed": False, "reason": "Haettu yli 85 %"}
    entry = AuditEntry.objects.get(action="application.screened")
    assert entry.data["after"]["eligible"] is False and entry.actor == staff["official"]


def test_only_officials_screen(small_round, staff):
    _call, (app, *_rest) = small_round
    with pytest.raises(PermissionDenied):
        screening.screen(app, ALL_PASS, actor=staff["reviewer_a"])


def test_a_reviewer_employed_by_a_consortium_member_is_flagged_and_cannot_score(small_round, staff):
    _call, (hameenlinna, turku, oulu) = small_round
    flagged = reviews.assign_reviewer(turku, staff["reviewer_turku"], actor=staff["official"])
    assert flagged.conflict == Assignment.Conflict.EMPLOYED
    # Declaring "no conflict" does not lift a conflict found from employment.
    reviews.declare_interests(flagged, conflicted=False, reason="", actor=staff["reviewer_turku"])
    with pytest.raises(PermissionDenied):
        reviews.submit_scores(flagged, {"impact": (5, "hyvä"), "feasibility": (5, "hyvä")},
                               actor=staff["reviewer_turku"])
    assert not Score.objects.exists()
    # Oulu's consortium has no Turku in it: no conflict.
    assert reviews.assign_reviewer(oulu, staff["reviewer_turku"], actor=staff["official"]).conflict == "undeclared"


def test_a_declared_conflict_also_stops_scoring(small_round, staff):
    _call, (app, *_rest) = small_round
    assignment = reviews.assign_reviewer(app, staff["reviewer_a"], actor=staff["official"])
    with pytest.raises(ValidationError):
        reviews.submit_scores(assignment, {"impact": (5, "x"), "feasibility": (5, "x")}, actor=staff["reviewer_a"])
    reviews.declare_interests(assignment, conflicted=True, reason="Puoliso hankkeen johtaja",
                               actor=staff["reviewer_a"])
    with pytest.raises(PermissionDenied):
        reviews.submit_scores(assignment, {"impact": (5, "x"), "feasibility": (5, "x")}, actor=staff["reviewer_a"])


def test_scores_need_every_criterion_in_scale_with_a_justification_and_only_the_reviewer_gives_them(small_round, staff):
    _call, (app, *_rest) = small_round
    assignment = reviews.assign_reviewer(app, staff["reviewer_a"], actor=staff["official"])
    reviews.declare_interests(assignment, conflicted=False, reason="", actor=staff["reviewer_a"])
    with pytest.raises(NotFound):
        reviews.submit_scores(assignment, {"impact": (5, "x"), "feasibility": (5, "x")}, actor=staff["reviewer_b"])
    for bad in ({"impact": (6, "x"), "feasibility": (5, "x")}, {"impact": ("viisi", "x"), "feasibility": (5, "x")},
                {"impact": (5, ""), "feasibility": (5, "x")}, {"impact": (5, "x")}):
        with pytest.raises(ValidationError):
            reviews.submit_scores(assignment, bad, actor=staff["reviewer_a"])
    assert not Score.objects.exists()
    scored = reviews.submit_scores(assignment, {"impact": (5, "Laaja"), "feasibility": ("2", "Tiukka")},
                                    actor=staff["reviewer_a"])
    assert scored.weighted_score == Decimal("80.00")
    with pytest.raises(ValidationError):
        reviews.submit_scores(assignment, {"impact": (1, "x"), "feasibility": (1, "x")}, actor=staff["reviewer_a"])


def test_the_proposal_ranks_rounds_and_cuts_where_the_money_runs_out(evaluated):
    call, (hameenlinna, turku, oulu) = evaluated
    computed = proposals.compute_proposal(call)
    lines = {line.key: line for line in computed.result.lines}
    assert [line.key for line in computed.result.lines] == [oulu.reference, hameenlinna.reference, turku.reference]
    assert lines[oulu.reference].amount == Decimal("90000.00")
    assert lines[hameenlinna.reference].amount == Decimal("150000.00")  # 150 050 rounded down to hundreds
    assert lines[turku.reference].outcome == "rejected" and computed.result.cut == turku.reference
    assert computed.result.remaining == Decimal("60000.00")


def test_an_override_needs_a_reason_and_is_audited(evaluated, staff):
    call, (_h, turku, _o) = evaluated
    with pytest.raises(ValidationError):
        proposals.set_line(call, turku, outcome="deferred", reason=" ", actor=staff["official"])
    with pytest.raises(ValidationError):
        proposals.set_line(call, turku, outcome="granted", amount="999999", reason="x", actor=staff["official"])
    proposals.set_line(call, turku, outcome="deferred", reason="Selvitettävä yhteys kansalliseen hankkeeseen",
                      actor=staff["official"])
    line = next(line for line in proposals.compute_proposal(call).result.lines if line.key == turku.reference)
    assert (line.outcome, line.basis) == ("deferred", "override")
    assert AuditEntry.objects.filter(action="proposal.line_set").count() == 1


def test_the_presenting_official_cannot_approve_their_own_proposal(evaluated, staff):
    call, _apps = evaluated
    # Holding both roles does not let one person do both steps.
    present(call, staff["official_2"])
    with pytest.raises(PermissionDenied):
        approval.approve(call, version=seen(call), actor=staff["official_2"])
    with pytest.raises(PermissionDenied):
        approval.approve(call, version=seen(call), actor=staff["official"])  # not a decision-maker at all
    assert not Decision.objects.filter(call=call).exists()
    assert Proposal.objects.get(call=call).status == Proposal.Status.PRESENTED


def test_approval_by_another_decision_maker_signs_the_decision_with_its_documents(evaluated, staff):
    call, (hameenlinna, turku, oulu) = evaluated
    present(call, staff["official"])
    with pytest.raises(ValidationError):
        proposals.set_line(call, turku, outcome="granted", reason="myöhästynyt muutos", actor=staff["official"])
    decision = approval.approve(call, version=seen(call), actor=staff["decider"], decision_maker_title="Kuntaministeri")
    assert decision.status == Decision.Status.SIGNED
    assert (decision.presenting_official, decision.decision_maker) == (staff["official"], staff["decider"])
    assert current_outcome(oulu).amount_granted == Decimal("90000.00")
    assert current_outcome(turku).kind == "rejected"
    assert not DecisionDocument.objects.filter(decision=decision).exists()  # signed, documents pending
    run_document_tasks()
    assert DecisionDocument.objects.filter(decision=decision).count() == 8
    assert decision.stated_granted_total == Decimal("240000.00")


def test_a_proposal_with_unscreened_or_unscored_applications_cannot_be_presented(small_round, staff):
    call, _apps = small_round
    close(call)
    with pytest.raises(ValidationError):
        present(call, staff["official"])


def test_the_number_of_applications_left_undecided_is_told_in_the_right_form(small_round, staff):
    from django.utils.translation import override

    call, (hameenlinna, turku, oulu) = small_round
    close(call)
    with override("fi"), pytest.raises(ValidationError) as three:
        present(call, staff["official"])
    for app in (hameenlinna, turku, oulu):
        screening.screen(app, ALL_PASS, actor=staff["official"])
    for reviewer in (staff["reviewer_a"], staff["reviewer_b"]):
        submit_review(hameenlinna, reviewer, 5, 2, staff["official"])
        submit_review(oulu, reviewer, 5, 5, staff["official"])
    with override("sv"), pytest.raises(ValidationError) as one:  # Turku is not scored
        present(call, staff["official"])
    assert three.value.messages == [
        "Tarkastamatta tai pisteyttämättä olevia hakemuksia on 3. Käsittele ne ennen esittelyä."]
    assert one.value.messages == [
        "1 ansökan har ännu inte förhandsgranskats eller poängsatts. Behandla den före föredragningen."]


def test_flags_of_an_imported_round_are_computed_and_stored(round_2020, person):
    official = person("virkailija", round_2020.programme, Role.OFFICIAL)
    changed = screening.recompute_flags(round_2020, actor=official)
    # Every imported row with fewer than two municipalities found in the registry is flagged.
    flagged = round_2020.applications.exclude(screening_flags=[])
    assert changed == flagged.count() > 0
    assert screening.recompute_flags(round_2020, actor=official) == 0


def test_plan_and_files_open_to_officials_and_to_reviewers_without_a_conflict(small_round, staff, client, settings,
                                                                             tmp_path):
    from django.core.files.base import ContentFile
    from django.core.files.storage import storages
    from django.urls import reverse

    from avustus.applications.models import Attachment

    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}}}
    _call, (_hameenlinna, turku, _oulu) = small_round
    name = storages["default"].save("liite.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    stored = Attachment.objects.create(application=turku, storage_name=name, original_name="liite.pdf",
                                       content_type="application/pdf", size=14, sha256="0" * 64,
                                       uploaded_by=staff["official"])
    url = reverse("dossier-attachment", args=[turku.reference, stored.pk])
    flagged = reviews.assign_reviewer(turku, staff["reviewer_turku"], actor=staff["official"])
    clean = reviews.assign_reviewer(turku, staff["reviewer_a"], actor=staff["official"])
    client.force_login(staff["reviewer_a"])
    assert client.get(url).status_code == 404  # interests not yet declared
    reviews.declare_interests(clean, conflicted=False, reason="", actor=staff["reviewer_a"])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert "Yhteinen asiointipalvelu." in client.get(reverse("review", args=[clean.pk])).content.decode()
    client.force_login(staff["reviewer_turku"])
    assert client.get(url).status_code == 404
    assert "Yhteinen asiointipalvelu." not in client.get(reverse("review", args=[flagged.pk])).content.decode()
    client.force_login(staff["official"])
    assert client.get(url).status_code == 200
    assert AuditEntry.objects.filter(action="application.attachment_read").count() == 2


def test_what_was_presented_is_what_gets_signed(evaluated, staff):
    call, (hameenlinna, turku, oulu) = evaluated
    present(call, staff["official"])
    # Screening and scoring wait until the proposal is returned.
    with pytest.raises(ValidationError):
        screening.screen(oulu, {**ALL_PASS, "aid_rate": (False, "myöhässä huomattu")}, actor=staff["official"])
    with pytest.raises(ValidationError):
        reviews.assign_reviewer(turku, staff["reviewer_turku"], actor=staff["official"])
    # Even a change behind the services' back does not reach the decision: it is built from what was presented.
    Screening.objects.filter(application=oulu).update(eligible=False)
    decision = approval.approve(call, version=seen(call), actor=staff["decider"])
    assert decision.outcomes.get(application=oulu).amount_granted == Decimal("90000.00")


def test_a_proposal_over_the_appropriation_cannot_be_presented(evaluated, staff):
    call, (hameenlinna, turku, oulu) = evaluated
    for app in (hameenlinna, turku, oulu):
        proposals.set_line(call, app, outcome="granted", reason="alueellinen tasapaino", actor=staff["official"])
    with pytest.raises(ValidationError) as caught:
        present(call, staff["official"])
    assert "60" in str(caught.value)  # 360 000 against 300 000: 60 000 over
    assert Proposal.objects.get(call=call).status == Proposal.Status.DRAFT


def test_grants_are_numbered_by_name_and_combinable_ones_say_so(evaluated, staff):
    call, (hameenlinna, turku, oulu) = evaluated
    proposals.set_line(call, turku, outcome="granted", amount="60000", reason="jaettu", actor=staff["official"],
                      combinable_with=oulu)
    present(call, staff["official"])
    decision = approval.approve(call, version=seen(call), actor=staff["decider"])
    numbered = {o.application_id: o for o in decision.outcomes.all()}
    # Hämeenlinna, Oulu, Turku in Finnish alphabetical order, whatever the ranking (Oulu scored best).
    assert [numbered[a.pk].number for a in (hameenlinna, oulu, turku)] == [1, 2, 3]
    assert numbered[turku.pk].special_conditions == ["Hanke on mahdollista yhdistää avustuksen 2 hankkeeseen."]
    assert numbered[oulu.pk].special_conditions == ["Hanke on mahdollista yhdistää avustuksen 3 hankkeeseen."]


def test_a_declared_conflict_stands_and_employment_found_later_still_stops_scoring(small_round, staff):
    from avustus.evaluation.models import Employment
    from avustus.registry.models import Organisation

    _call, (hameenlinna, _turku, oulu) = small_round
    declared = reviews.assign_reviewer(hameenlinna, staff["reviewer_a"], actor=staff["official"])
    reviews.declare_interests(declared, conflicted=True, reason="Sukulainen", actor=staff["reviewer_a"])
    assert reviews.declare_interests(declared, conflicted=False, reason="", actor=staff["reviewer_a"]).conflict \
        == Assignment.Conflict.DECLARED
    later = reviews.assign_reviewer(oulu, staff["reviewer_b"], actor=staff["official"])
    reviews.declare_interests(later, conflicted=False, reason="", actor=staff["reviewer_b"])
    Employment.objects.create(user=staff["reviewer_b"], organisation=Organisation.objects.get(code="564"))
    with pytest.raises(PermissionDenied):
        reviews.submit_scores(later, {"impact": (5, "x"), "feasibility": (5, "x")}, actor=staff["reviewer_b"])
    assert Assignment.objects.get(pk=later.pk).conflict == Assignment.Conflict.EMPLOYED
    assert not Score.objects.exists()


def test_amounts_beyond_money_are_refused_with_a_message(evaluated, staff):
    call, (_h, turku, _o) = evaluated
    for amount in ("1e30", "NaN", "-5", "12,345,6"):
        with pytest.raises(ValidationError):
            proposals.set_line(call, turku, outcome="granted", amount=amount, reason="x", actor=staff["official"])


def test_a_pass_mark_rejects_what_falls_below_it(evaluated, staff):
    call, (_h, turku, _o) = evaluated
    with pytest.raises(ValidationError):
        proposals.set_pass_mark(call, "sata", actor=staff["official"])
    proposals.set_pass_mark(call, "50", actor=staff["official"])
    line = next(line for line in proposals.compute_proposal(call).result.lines if line.key == turku.reference)
    assert (line.outcome, line.basis) == ("rejected", "below_pass_mark")  # Turku scored 40


def test_a_returned_proposal_can_be_changed_and_presented_again(evaluated, staff):
    call, (_h, turku, _o) = evaluated
    present(call, staff["official"])
    with pytest.raises(ValidationError):
        proposals.return_proposal(call, version=seen(call), actor=staff["decider"], reason=" ")
    with pytest.raises(PermissionDenied):
        proposals.return_proposal(call, version=seen(call), actor=staff["official"], reason="itse")
    proposals.return_proposal(call, version=seen(call), actor=staff["decider"], reason="Turun hanke jatkovalmisteluun")
    proposals.set_line(call, turku, outcome="deferred", reason="päättäjän pyynnöstä", actor=staff["official"])
    present(call, staff["official"])
    decision = approval.approve(call, version=seen(call), actor=staff["decider"])
    assert decision.outcomes.get(application=turku).kind == "deferred"
    assert AuditEntry.objects.filter(action="proposal.returned").count() == 1


# --- Withdrawal, what the decision-maker saw, the deadline (issue #10) -----------------------------


def _withdraw(application):
    from django.contrib.auth import get_user_model

    from avustus.applications import services as apps

    lead = get_user_model().objects.get(username=f"hakija-{application.members.get(role='lead').organisation.code}")
    return apps.withdraw(application, actor=lead)


def test_an_application_withdrawn_after_presentation_sends_the_proposal_back_and_is_never_granted(evaluated, staff):
    call, (hameenlinna, turku, oulu) = evaluated
    present(call, staff["official"])
    read = seen(call)  # the decision-maker opens the proposal: Hämeenlinna granted 150 000
    # The applicant may withdraw until the decision is signed (the 2020 decision records a late withdrawal).
    _withdraw(hameenlinna)
    proposal = Proposal.objects.get(call=call)
    assert proposal.status == Proposal.Status.DRAFT and proposal.returned_for_withdrawal == hameenlinna
    returned = AuditEntry.objects.get(action="proposal.returned")
    assert returned.data["withdrawn"] == hameenlinna.reference and returned.data["presented_outcome"] == "granted"
    assert returned.application_reference == hameenlinna.reference  # in the application's own history too
    with pytest.raises(ValidationError):
        approval.approve(call, actor=staff["decider"], version=read)
    assert not Decision.objects.filter(call=call).exists()
    # Presented again, the withdrawn application is decided as withdrawn and its money goes down the ranking.
    present(call, staff["official"])
    decision = approval.approve(call, actor=staff["decider"], version=seen(call))
    withdrawn = decision.outcomes.get(application=hameenlinna)
    assert (withdrawn.kind, withdrawn.amount_granted) == ("withdrawn", None)
    assert decision.outcomes.get(application=turku).amount_granted == Decimal("120000.00")
    assert decision.stated_withdrawn == 1


def test_approval_refuses_a_line_whose_application_was_withdrawn_however_it_happened(evaluated, staff):
    call, (hameenlinna, _turku, _oulu) = evaluated
    present(call, staff["official"])
    # Behind the services' back (a restored backup, a second route): the proposal still says "presented".
    hameenlinna.__class__.objects.filter(pk=hameenlinna.pk).update(status="withdrawn")
    with pytest.raises(ValidationError) as caught:
        approval.approve(call, actor=staff["decider"], version=seen(call))
    assert hameenlinna.reference in str(caught.value)
    assert not Decision.objects.filter(call=call).exists()
    assert Proposal.objects.get(call=call).status == Proposal.Status.PRESENTED


def test_withdrawal_after_the_decision_is_signed_is_refused_and_changes_nothing(evaluated, staff):
    call, (hameenlinna, _turku, _oulu) = evaluated
    present(call, staff["official"])
    approval.approve(call, actor=staff["decider"], version=seen(call))
    with pytest.raises(ValidationError):
        _withdraw(hameenlinna)
    hameenlinna.refresh_from_db()
    assert hameenlinna.status == "submitted"
    assert Proposal.objects.get(call=call).status == Proposal.Status.APPROVED


def test_the_decision_maker_approves_only_the_proposal_they_read(evaluated, staff):
    call, (_h, turku, _o) = evaluated
    present(call, staff["official"])
    read = seen(call)
    # Another decision-maker returns it; it is changed and presented again while the first one reads.
    proposals.return_proposal(call, actor=staff["official_2"], reason="Turku jatkovalmisteluun", version=read)
    proposals.set_line(call, turku, outcome="deferred", reason="päättäjän pyynnöstä", actor=staff["official"])
    present(call, staff["official"])
    for stale in (read, "", None, "0" * 64):
        with pytest.raises(ValidationError):
            approval.approve(call, actor=staff["decider"], version=stale)
        with pytest.raises(ValidationError):
            proposals.return_proposal(call, actor=staff["decider"], reason="x", version=stale)
    assert not Decision.objects.filter(call=call).exists()
    assert Proposal.objects.get(call=call).status == Proposal.Status.PRESENTED
    decision = approval.approve(call, actor=staff["decider"], version=seen(call))
    assert decision.outcomes.get(application=turku).kind == "deferred"


def test_a_proposal_is_presented_only_after_the_deadline_with_a_date_and_a_title(evaluated, staff):
    from datetime import timedelta

    from avustus.calls.models import Call

    call, _apps = evaluated
    Call.objects.filter(pk=call.pk).update(closes_at=timezone.now() + timedelta(days=1))
    call.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        present(call, staff["official"])
    assert "__all__" in caught.value.message_dict
    close(call)
    for missing in ({"decided_on": None}, {"presenting_official_title": " "},
                    {"decided_on": timezone.localdate() - timedelta(days=3)}):
        with pytest.raises(ValidationError):
            present(call, staff["official"], **missing)
    assert not Proposal.objects.filter(call=call).exclude(status=Proposal.Status.DRAFT).exists()
    assert not AuditEntry.objects.filter(action="proposal.presented").exists()
    present(call, staff["official"], presenting_official_title="Neuvotteleva virkamies")
    decision = approval.approve(call, actor=staff["decider"], version=seen(call))
    assert decision.presenting_official_title == "Neuvotteleva virkamies"
    assert decision.decided_on == timezone.localdate()


def test_a_proposal_presented_before_the_deadline_is_not_approved(evaluated, staff):
    from datetime import timedelta

    from avustus.calls.models import Call

    call, _apps = evaluated
    present(call, staff["official"])
    # As the code before this rule let it be: presented while the call was still open.
    Call.objects.filter(pk=call.pk).update(closes_at=timezone.now() + timedelta(days=1))
    with pytest.raises(ValidationError):
        approval.approve(call, actor=staff["decider"], version=seen(call))
    assert Call.objects.get(pk=call.pk).status == Call.Status.PUBLISHED
    assert not Decision.objects.filter(call=call).exists()


def test_approving_or_returning_without_a_proposal_is_refused_with_a_message(small_round, staff):
    call, _apps = small_round
    assert not Proposal.objects.filter(call=call).exists()
    with pytest.raises(ValidationError):
        approval.approve(call, actor=staff["decider"], version="")
    with pytest.raises(ValidationError):
        proposals.return_proposal(call, actor=staff["decider"], reason="Puutteellinen", version="")
    assert not Proposal.objects.filter(call=call).exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("postgresql_only")
def test_a_withdrawal_racing_an_approval_waits_for_it_and_never_leaves_a_withdrawn_grant(evaluated, staff):
    """PostgreSQL: approval holds the proposal's lock; a withdrawal meanwhile waits, then finds the decision signed."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from avustus.applications import services as apps
    from avustus.applications.models import Application
    from tests.races import in_thread, wait_until_blocked_or_done

    call, (hameenlinna, _turku, _oulu) = evaluated
    present(call, staff["official"])
    version = seen(call)
    lead = get_user_model().objects.get(username="hakija-109")
    result: dict = {}
    with transaction.atomic():
        proposals.lock_proposal(call)  # the approval has begun
        thread = in_thread(result, "status", lambda: apps.withdraw(Application.objects.get(pk=hameenlinna.pk),
                                                                   actor=lead).status, refused=ValidationError)
        wait_until_blocked_or_done(thread)
        decision = approval.approve(call, actor=staff["decider"], version=version)
    thread.join()
    hameenlinna.refresh_from_db()
    assert result["status"][0] == "refused", result
    assert hameenlinna.status == "submitted"
    assert decision.outcomes.get(application=hameenlinna).kind == "granted"


def test_special_conditions_in_swedish_go_into_the_swedish_decision(evaluated, staff):
    """Conditions an official writes in Swedish appear in the Swedish documents; the Finnish ones elsewhere."""
    from avustus.decisions.documents.render import render_decision, render_letter

    call, (hameenlinna, turku, oulu) = evaluated
    proposals.set_line(call, turku, outcome="granted", amount="60000", reason="jaettu", actor=staff["official"],
                      special_conditions=["Hankkeen on raportoitava tuloksistaan kuukausittain."],
                      special_conditions_sv=["Projektet ska rapportera om sina resultat varje månad."])
    proposals.set_line(call, oulu, outcome="granted", amount="60000", reason="jaettu", actor=staff["official"],
                      special_conditions=["Vain suomeksi kirjoitettu ehto."])
    present(call, staff["official"])
    decision = approval.approve(call, actor=staff["decider"], version=seen(call))
    outcome = decision.outcomes.get(application=turku)
    assert outcome.special_conditions_sv == ["Projektet ska rapportera om sina resultat varje månad."]
    sv = render_decision(decision, "sv", "txt").decode()
    fi = render_decision(decision, "fi", "txt").decode()
    assert "Projektet ska rapportera om sina resultat varje månad" in sv
    assert "kuukausittain" not in sv and "kuukausittain" in fi and "varje månad" not in fi
    assert "Vain suomeksi kirjoitettu ehto" in sv  # no Swedish text: the Finnish one stands
    letter = render_letter(turku, lang="sv", fmt="txt").decode()
    assert "Projektet ska rapportera om sina resultat varje månad" in letter.split("Bilaga:")[0]


def test_a_presentation_is_refused_when_the_proposal_changed_after_the_official_read_it(evaluated, staff):
    """Another official sets a line between the presenter opening the page and presenting: nothing is presented."""
    call, (_hameenlinna, turku, _oulu) = evaluated
    read = proposals.presentable_version(proposals.compute_proposal(call))
    proposals.set_line(call, turku, outcome="deferred", reason="lisäselvitys", actor=staff["official_2"])
    for stale in (read, "", None):
        with pytest.raises(ValidationError) as caught:
            present(call, staff["official"], version=stale)
        assert list(caught.value.message_dict) == ["version"]
    assert not Proposal.objects.filter(call=call, status=Proposal.Status.PRESENTED).exists()
    present(call, staff["official"])  # read again: presented
    assert Proposal.objects.get(call=call).status == Proposal.Status.PRESENTED


def test_no_decision_is_dated_in_the_future(evaluated, staff):
    from datetime import timedelta

    call, _apps = evaluated
    with pytest.raises(ValidationError) as caught:
        present(call, staff["official"], decided_on=timezone.localdate() + timedelta(days=1))
    assert list(caught.value.message_dict) == ["decided_on"]
    # A proposal presented yesterday for today's date (as the code before this rule allowed for any date) waits.
    present(call, staff["official"])
    Proposal.objects.filter(call=call).update(decided_on=timezone.localdate() + timedelta(days=3))
    with pytest.raises(ValidationError):
        approval.approve(call, actor=staff["decider"], version=seen(call))
    assert not Decision.objects.filter(call=call).exists()
