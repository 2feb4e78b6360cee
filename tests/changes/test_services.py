"""Change requests: who may ask and decide, four eyes, stale versions, the period of use, effects, versions kept."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from avustus.audit.models import AuditEntry
from avustus.changes import services as changes
from avustus.changes.models import ChangeDecision, ChangeRequest, Immutable, ProjectRevision
from avustus.changes.services import MoveInput
from avustus.errors import Conflict, Invalid, NotAllowed, NotFound
from avustus.projects.models import ApprovedBudgetLine, ScheduleEntry
from avustus.registry.models import Organisation
from avustus.reports import services as reports
from avustus.reports.services import CostInput
from tests.accounts.test_permissions_removed_partner import removed  # noqa: F401 (fixtures)
from tests.changes.conftest import previewed

pytestmark = pytest.mark.django_db

REASONS = "Hankinta viivästyi toimittajan konkurssin vuoksi."


def _extension(cast, new_end=date(2021, 12, 31)):
    return changes.submit_request(cast.project, actor=cast.lead, kind="extension", reasons=REASONS, new_end=new_end)


def _decided(cast, request):
    request = changes.approve_request(request, actor=cast.official, version=request.version, reasons="Perusteltu.")
    return changes.confirm_request(request, actor=cast.second_official, version=request.version, confirmed=True,
                                   decided_on=date(2021, 10, 1),
                                   shown=previewed(request, cast.second_official, date(2021, 10, 1)))


@pytest.fixture
def budget(cast):
    """An approved budget for the imported project (the 2020 round's applications came without one)."""
    members = {m.position: m for m in cast.project.application.members.all()}
    categories = {c.code: c for c in cast.project.call.cost_categories.all()}
    for code, position, amount in (("cost-1", 0, "100000.00"), ("cost-2", 0, "30000.00"), ("cost-1", 1, "5000.00")):
        ApprovedBudgetLine.objects.create(project=cast.project, category=categories[code], member=members[position],
                                          amount_vat_free=Decimal(amount))
    return cast


def _cells(project):
    return {(line.category.code, line.member.position): line.amount_vat_free for line in project.budget.all()}


def test_only_the_lead_asks(cast):
    for someone in (cast.partner, cast.outsider, cast.official):
        with pytest.raises(NotAllowed):
            changes.submit_request(cast.project, actor=someone, kind="extension", reasons=REASONS,
                                   new_end=date(2021, 12, 31))
    assert not ChangeRequest.objects.exists()


def test_reasons_are_required_and_nothing_is_stored(cast):
    with pytest.raises(Invalid) as caught:
        changes.submit_request(cast.project, actor=cast.lead, kind="extension", reasons="  ",
                               new_end=date(2021, 12, 31))
    assert "reasons" in caught.value.message_dict
    assert not ChangeRequest.objects.exists()


@pytest.mark.parametrize("new_end", [date(2022, 1, 1), date(2021, 12, 31), date(2021, 12, 1)])
def test_an_extension_beyond_the_period_of_use_is_refused_saying_why(cast, new_end):
    # The 2020 round as decided: the appropriation usable until 31.12.2021. An extension to its last day would
    # leave the last instalment unpayable (the final report due that day, a payment after it refused).
    cast.project.call.appropriation_usable_until = date(2021, 12, 31)
    cast.project.call.save(update_fields=["appropriation_usable_until"])
    assert changes.last_permissible_end(cast.project) == date(2021, 11, 30)
    with pytest.raises(Invalid) as caught:
        _extension(cast, new_end)
    message = caught.value.message_dict["new_end"][0]
    assert "period of use" in message and "31.12.2021" in message
    assert "extended at most to 30.11.2021" in message
    with translation.override("fi"), pytest.raises(Invalid) as in_finnish:
        _extension(cast, new_end)
    assert "enintään 30.11.2021 asti" in in_finnish.value.message_dict["new_end"][0]
    with translation.override("sv"), pytest.raises(Invalid) as in_swedish:
        _extension(cast, new_end)
    assert "högst till och med 30.11.2021" in in_swedish.value.message_dict["new_end"][0]
    assert not ChangeRequest.objects.exists()


def test_the_last_permissible_end_leaves_the_last_instalment_payable(cast):
    # With the appropriation usable through 31.1.2022, an extension to 31.12.2021 is the last allowed: its final
    # report is due that day, and the month after it is left to pay the last instalment.
    assert changes.last_permissible_end(cast.project) == date(2021, 12, 31)
    with pytest.raises(Invalid, match="at most to 31.12.2021"):
        _extension(cast, date(2022, 1, 1))
    decision = _decided(cast, _extension(cast, date(2021, 12, 31)))
    final_due = decision.project.schedule.get(kind=ScheduleEntry.Kind.FINAL).due_on
    assert final_due == date(2021, 12, 31) < date(2022, 1, 31)


def test_an_earlier_end_is_not_an_extension(cast):
    with pytest.raises(Invalid) as caught:
        _extension(cast, date(2021, 11, 1))
    assert "later than" in caught.value.message_dict["new_end"][0]


def test_one_open_request_at_a_time(cast):
    _extension(cast)
    with pytest.raises(Conflict):
        _extension(cast)


def test_the_lead_withdraws_naming_the_version(cast):
    request = _extension(cast)
    with pytest.raises(NotAllowed):
        changes.withdraw_request(request, actor=cast.partner, version=request.version)
    with pytest.raises(Conflict):
        changes.withdraw_request(request, actor=cast.lead, version=request.version + 1)
    withdrawn = changes.withdraw_request(request, actor=cast.lead, version=request.version)
    assert withdrawn.status == ChangeRequest.Status.WITHDRAWN
    with pytest.raises(Conflict):
        changes.approve_request(withdrawn, actor=cast.official, version=withdrawn.version)


def test_only_officials_decide_and_a_stale_version_is_refused(cast):
    request = _extension(cast)
    with pytest.raises(NotAllowed):
        changes.approve_request(request, actor=cast.lead, version=request.version)
    with pytest.raises(Conflict):
        changes.approve_request(request, actor=cast.official, version=request.version - 1)
    assert ChangeRequest.objects.get().status == ChangeRequest.Status.SUBMITTED


def test_a_rejection_needs_reasons_and_changes_nothing(cast):
    request = _extension(cast)
    with pytest.raises(Invalid):
        changes.reject_request(request, actor=cast.official, version=request.version, reasons="")
    rejected = changes.reject_request(request, actor=cast.official, version=request.version,
                                      reasons="Ei perusteltu.")
    assert rejected.status == ChangeRequest.Status.REJECTED
    cast.project.refresh_from_db()
    assert cast.project.implementation_end == date(2021, 11, 30)
    assert not ChangeDecision.objects.exists()


def test_four_eyes_the_approver_does_not_confirm(cast):
    request = _extension(cast)
    held = ChangeRequest.objects.get(pk=request.pk)  # read before the approval: who approved is not in it
    request = changes.approve_request(request, actor=cast.official, version=request.version)
    # The decision as the second official reads it: the others are refused even naming it.
    shown = previewed(request, cast.second_official)
    for copy in (request, held):
        with pytest.raises(NotAllowed):
            changes.confirm_request(copy, actor=cast.official, version=request.version, confirmed=True, shown=shown)
    with pytest.raises(NotAllowed):  # a decision-maker is not one of the programme's project officials
        changes.confirm_request(request, actor=cast.decision_maker, version=request.version, confirmed=True,
                                shown=shown)
    with pytest.raises(Invalid):
        changes.confirm_request(request, actor=cast.second_official, version=request.version, confirmed=False,
                                shown=shown)
    with pytest.raises(Conflict):
        changes.confirm_request(request, actor=cast.second_official, version=request.version - 1, confirmed=True,
                                shown=shown)
    cast.project.refresh_from_db()
    assert cast.project.implementation_end == date(2021, 11, 30)
    assert not ProjectRevision.objects.exists()


def test_an_extension_moves_the_end_and_the_final_report_and_interim_reports_continue(cast):
    decision = _decided(cast, _extension(cast, date(2021, 12, 31)))
    project = cast.project
    project.refresh_from_db()
    assert project.implementation_end == date(2021, 12, 31)
    schedule = [(e.kind, e.number, e.due_on) for e in ScheduleEntry.objects.filter(project=project)]
    # The final report is due on the new end (the 2020 call: the same day); 26.10.2021 + 4 months is past it.
    assert schedule[-2:] == [("interim", 5, date(2021, 10, 26)), ("final", 1, date(2021, 12, 31))]
    assert len(schedule) == 6
    assert decision.request.status == ChangeRequest.Status.DECIDED
    assert project.version == 2


def test_a_longer_extension_adds_interim_reports_every_four_months(cast):
    cast.project.call.appropriation_usable_until = None
    cast.project.call.save(update_fields=["appropriation_usable_until"])
    _decided(cast, _extension(cast, date(2022, 6, 30)))
    due = {(e.kind, e.number): e.due_on for e in ScheduleEntry.objects.filter(project=cast.project)}
    assert due[("interim", 6)] == date(2022, 2, 28)  # 26.2.2022 is a Saturday
    assert due[("interim", 7)] == date(2022, 6, 27)  # 26.6.2022 is a Sunday, before the end of 30.6.2022
    assert ("interim", 8) not in due
    assert due[("final", 1)] == date(2022, 6, 30)


def test_an_extension_keeps_an_interim_date_announced_for_the_call(cast):
    """A date announced for the whole call (``set_call_report_date``) is not a date set by hand on the entry, but
    it is still the date the lead was told: rescheduling after an extension must not put it back."""
    from avustus.projects.services import set_call_report_date

    set_call_report_date(cast.project.call, "interim", 4, date(2021, 7, 15), reason="Kesälomat.", actor=cast.official)
    _decided(cast, _extension(cast, date(2021, 12, 31)))
    due = {(e.kind, e.number): e.due_on for e in ScheduleEntry.objects.filter(project=cast.project)}
    assert due[("interim", 4)] == date(2021, 7, 15)
    assert due[("final", 1)] == date(2021, 12, 31)


def test_an_extension_moves_a_final_report_date_set_by_hand_for_the_old_end(cast):
    """Set by hand earlier than the old end's date, the final report would stay due before the interim reports the
    extension adds: it follows the new end."""
    from avustus.projects.services import set_due_date

    cast.project.call.appropriation_usable_until = None
    cast.project.call.save(update_fields=["appropriation_usable_until"])
    set_due_date(cast.project, "final", 1, date(2021, 11, 15), reason="Sovittu.", actor=cast.official)
    _decided(cast, _extension(cast, date(2022, 6, 30)))
    due = {(e.kind, e.number): e.due_on for e in ScheduleEntry.objects.filter(project=cast.project)}
    assert due[("interim", 7)] == date(2022, 6, 27) and due[("final", 1)] == date(2022, 6, 30)
    assert max(d for (kind, _n), d in due.items() if kind == "interim") < due[("final", 1)]


def test_every_version_is_kept_and_never_changed(cast):
    _decided(cast, _extension(cast, date(2021, 12, 31)))
    first, second = ProjectRevision.objects.filter(project=cast.project)
    assert (first.number, first.implementation_end, first.change_request) == (1, date(2021, 11, 30), None)
    assert (second.number, second.implementation_end) == (2, date(2021, 12, 31))
    assert first.schedule[-1] == {"kind": "final", "number": 1, "due_on": "2021-11-30"}
    assert second.schedule[-1] == {"kind": "final", "number": 1, "due_on": "2021-12-31"}
    with pytest.raises(Immutable):
        first.save()


def test_the_amending_decision_is_signed_in_both_languages_with_rectification(cast):
    decision = _decided(cast, _extension(cast, date(2021, 12, 31)))
    assert "Muutospäätös" in decision.document_fi and "31.12.2021" in decision.document_fi
    assert "Oikaisuvaatimusohje" in decision.document_fi and "30 päivän kuluessa" in decision.document_fi
    assert "Ändringsbeslut" in decision.document_sv and "omprövning" in decision.document_sv
    assert len(decision.snapshot_sha256) == 64
    entry = AuditEntry.objects.filter(action="changes.decided").get()
    assert entry.data["sha256"] == decision.snapshot_sha256
    assert entry.data["approved_by"] == cast.official.pk
    with pytest.raises(Immutable):
        decision.save()


def test_a_budget_move_changes_the_caps_and_keeps_the_total(budget):
    request = changes.submit_request(budget.project, actor=budget.lead, kind="budget", reasons=REASONS,
                                     moves=[MoveInput("cost-1", 0, "cost-3", 1, "12 500,00")])
    _decided(budget, request)
    assert _cells(budget.project) == {("cost-1", 0): Decimal("87500.00"), ("cost-2", 0): Decimal("30000.00"),
                                      ("cost-1", 1): Decimal("5000.00"), ("cost-3", 1): Decimal("12500.00")}
    before, after = ProjectRevision.objects.filter(project=budget.project)
    assert sum(Decimal(line["amount_vat_free"]) for line in before.budget) == Decimal("135000.00")
    assert sum(Decimal(line["amount_vat_free"]) for line in after.budget) == Decimal("135000.00")
    assert len(after.budget) == 4


def test_a_move_leaves_what_was_accepted(budget):
    report = reports.submit_report(budget.project, 1, actor=budget.lead, period_start=date(2020, 2, 26),
                                   period_end=date(2020, 6, 26), progress="Etenee.", objectives_stage="Alussa.",
                                   costs=[CostInput("cost-2", 0, "29000.00")], today=date(2020, 6, 26))
    reports.accept_report(report, actor=budget.official, version=reports.report_version(report))
    with pytest.raises(Invalid) as caught:
        changes.submit_request(budget.project, actor=budget.lead, kind="budget", reasons=REASONS,
                               moves=[MoveInput("cost-2", 0, "cost-1", 0, "1000.01")])
    assert "already accepted" in caught.value.message_dict["moves.0"][0]
    assert not ChangeRequest.objects.exists()


def test_a_bad_amount_is_refused_in_words(budget):
    with pytest.raises(Invalid) as caught:
        changes.submit_request(budget.project, actor=budget.lead, kind="budget", reasons=REASONS,
                               moves=[MoveInput("cost-1", 0, "cost-2", 0, "kymppi")])
    assert "euros and cents" in caught.value.message_dict["moves.0"][0]


def test_partners_added_and_removed(budget):
    honkajoki = next(m for m in budget.project.application.members.all() if m.position == 1)
    jamijarvi = next(m for m in budget.project.application.members.all() if m.position == 2)
    with pytest.raises(Invalid) as caught:  # Honkajoki still has budget
        changes.submit_request(budget.project, actor=budget.lead, kind="partners", reasons=REASONS,
                               remove_partners=[honkajoki.pk])
    assert "move it to other members first" in caught.value.message_dict["remove_partners"][0]
    pori = Organisation.objects.get(code="609")
    request = changes.submit_request(budget.project, actor=budget.lead, kind="partners", reasons=REASONS,
                                     add_partners=[pori.pk], remove_partners=[jamijarvi.pk])
    decision = _decided(budget, request)
    in_force = [m.organisation.name_fi for m in changes.members_in_force(budget.project)]
    assert "Pori" in in_force and "Jämijärvi" not in in_force
    assert "Pori" in decision.document_fi and "Jämijärvi" in decision.document_fi
    assert ProjectRevision.objects.filter(project=budget.project).last().members == [
        m.pk for m in changes.members_in_force(budget.project)]


def test_a_joint_project_keeps_the_municipalities_the_call_requires(cast):
    """The review against the decision found a project of the 2020 round ("vain hankkeisiin, jotka useammat kunnat
    toteuttavat yhdessä") able to drop its partners one by one and go on as one municipality's."""
    members = {m.organisation.name_fi: m for m in cast.project.application.members.select_related("organisation")}
    # Honkajoki merged into Kankaanpää, the lead, on 1.1.2021: today they are one municipality.
    with pytest.raises(Invalid) as caught:
        changes.submit_request(cast.project, actor=cast.lead, kind="partners", reasons=REASONS,
                               remove_partners=[members[name].pk for name in ("Jämijärvi", "Karvia", "Siikainen",
                                                                              "Pomarkku")])
    assert caught.value.message_dict["remove_partners"] == [
        "The call funds joint projects of at least 2 municipalities; after this change the project would have 1."]
    request = changes.submit_request(cast.project, actor=cast.lead, kind="partners", reasons=REASONS,
                                     remove_partners=[members[name].pk for name in ("Jämijärvi", "Karvia",
                                                                                    "Siikainen")])
    _decided(cast, request)  # Kankaanpää (with Honkajoki) and Pomarkku: two municipalities
    with pytest.raises(Invalid) as caught:
        changes.submit_request(cast.project, actor=cast.lead, kind="partners", reasons=REASONS,
                               remove_partners=[members["Pomarkku"].pk])
    assert "after this change the project would have 1" in caught.value.message_dict["remove_partners"][0]
    assert not ChangeRequest.objects.filter(status=ChangeRequest.Status.SUBMITTED).exists()
    # Honkajoki's removal leaves the municipalities as they are today; another joining keeps a removal possible.
    pori = Organisation.objects.get(code="609")
    request = changes.submit_request(cast.project, actor=cast.lead, kind="partners", reasons=REASONS,
                                     add_partners=[pori.pk], remove_partners=[members["Pomarkku"].pk,
                                                                              members["Honkajoki"].pk])
    assert request.status == ChangeRequest.Status.SUBMITTED


def test_confirmation_checks_again_under_the_lock(cast):
    request = _extension(cast, date(2021, 12, 31))
    request = changes.approve_request(request, actor=cast.official, version=request.version)
    cast.project.call.appropriation_usable_until = date(2021, 12, 1)
    cast.project.call.save(update_fields=["appropriation_usable_until"])
    with pytest.raises(Invalid, match="period of use"):
        changes.confirm_request(request, actor=cast.second_official, version=request.version, confirmed=True,
                                shown=previewed(request, cast.second_official))
    cast.project.refresh_from_db()
    assert cast.project.implementation_end == date(2021, 11, 30)


def test_the_2020_round_records_its_appropriations_period_of_use(round_2020):
    # A three-year transferable appropriation of the 2019 budget: usable in 2019, 2020 and 2021.
    assert round_2020.appropriation_usable_until == date(2021, 12, 31)


def test_the_decision_signed_is_the_one_previewed(cast):
    from avustus.changes.decision import preview_snapshot, snapshot_sha256

    request = changes.approve_request(_extension(cast), actor=cast.official, version=1)
    snapshot = preview_snapshot(request, actor=cast.second_official)
    assert snapshot["change"]["final_report_due"] == "2021-12-31"
    assert not ProjectRevision.objects.exists()  # the rehearsal was rolled back
    # Another decision than the one read, or none read (a form without the hash): refused, nothing changed.
    for stale in ("0" * 64, ""):
        with pytest.raises(Conflict, match="changed since you read it"):
            changes.confirm_request(request, actor=cast.second_official, version=request.version, confirmed=True,
                                    shown=stale)
    assert not ChangeDecision.objects.exists() and not ProjectRevision.objects.exists()
    assert ChangeRequest.objects.get(pk=request.pk).status == ChangeRequest.Status.APPROVED
    decision = changes.confirm_request(request, actor=cast.second_official, version=request.version,
                                       confirmed=True, shown=snapshot_sha256(snapshot))
    assert decision.snapshot_sha256 == snapshot_sha256(snapshot)


def test_the_form_offers_the_bodies_the_service_accepts(cast):
    """The lead's form and the service use one rule: the call's partner kinds, any kind when it names none."""
    project = cast.project
    member_ids = {m.organisation_id for m in changes.members_in_force(project) if m.organisation_id}
    authority = Organisation.objects.exclude(kind="municipality").exclude(pk__in=member_ids).first()
    municipality = Organisation.objects.filter(kind="municipality").exclude(pk__in=member_ids).first()
    assert authority is not None and municipality is not None
    project.call.partner_kinds = ["municipality"]
    offered = set(changes.partner_candidates(project, member_ids).values_list("pk", flat=True))
    assert municipality.pk in offered and authority.pk not in offered
    assert not changes.may_join(project, authority) and changes.may_join(project, municipality)
    project.call.partner_kinds = []
    offered = set(changes.partner_candidates(project, member_ids).values_list("pk", flat=True))
    assert authority.pk in offered and changes.may_join(project, authority)
    assert not member_ids & offered


def test_readable_decisions_are_those_each_user_may_read_the_earliest_first(removed):
    """The service the decision's page and the API share: the lead reads every amending decision in the order
    signed, a partner removed by one reads those up to and including it (its project gone), an outsider none."""
    cast, (first, removal, later), pori_user = removed
    reference = cast.project.reference
    project, decisions = changes.readable_decisions(cast.lead, reference)
    assert project == cast.project and decisions == [first, removal, later]
    assert changes.readable_decisions(cast.partner, reference)[1] == [first, removal]
    assert changes.readable_decisions(cast.partner, reference, removal.pk)[1] == [removal]
    # Pori, added by the first decision, sees the project and so reads them all.
    assert changes.readable_decisions(pori_user, reference)[1] == [first, removal, later]
    with pytest.raises(NotFound):
        changes.readable_decisions(cast.partner, reference, later.pk)  # after its removal: not its to read
    with pytest.raises(NotFound):
        changes.readable_decisions(cast.outsider, reference)
    with pytest.raises(NotFound):
        changes.readable_decisions(cast.lead, "NO-SUCH")


def test_a_project_without_amending_decisions_reads_none_to_who_sees_it(cast):
    assert changes.readable_decisions(cast.lead, cast.project.reference) == (cast.project, [])
    with pytest.raises(NotFound):
        changes.readable_decisions(cast.outsider, cast.project.reference)
    with pytest.raises(NotFound):
        changes.readable_decisions(cast.lead, cast.project.reference, 1)


def test_a_body_that_no_longer_exists_is_not_offered_nor_added(cast):
    """Alahärmä merged into Kauhava at the start of 2009: the lead's form does not offer it, and a form posted by
    hand with it is refused on the field, saying why."""
    project = cast.project
    member_ids = {m.organisation_id for m in changes.members_in_force(project) if m.organisation_id}
    alaharma = Organisation.objects.get(code="004")
    offered = set(changes.partner_candidates(project, member_ids).values_list("pk", flat=True))
    assert alaharma.pk not in offered and Organisation.objects.get(code="233").pk in offered
    assert not offered & set(Organisation.objects.filter(valid_to__isnull=False).values_list("pk", flat=True))
    with pytest.raises(Invalid) as caught:
        changes.submit_request(project, actor=cast.lead, kind="partners", reasons=REASONS,
                               add_partners=[alaharma.pk])
    assert caught.value.message_dict["add_partners"] == [
        "Alahärmä no longer exists: it merged into Kauhava after 31.12.2008. Only a body that exists today can be "
        "added as a partner."]
    # A body that ceased with no successor named is refused as well.
    Organisation.objects.filter(pk=alaharma.pk).update(successor=None)
    with pytest.raises(Invalid, match="it ceased after 31.12.2008"):
        changes.submit_request(project, actor=cast.lead, kind="partners", reasons=REASONS,
                               add_partners=[alaharma.pk])
    assert not ChangeRequest.objects.exists()
