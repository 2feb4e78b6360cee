"""Disqualification (Administrative Procedure Act 434/2003 section 28; accounts.permissions): an official of the
programme who also acts for a member of a funded project decides nothing on that project's money. For each kind of
officials' step after the decision, the screen's question does not offer it to them and the service refuses it in
the words of the Act, while another official of the programme is offered it and takes it."""

from datetime import date, timedelta

import pytest

from avustus.accounts import permissions
from avustus.accounts.models import Role
from avustus.accounts.services import grant_role
from avustus.actors import SYSTEM
from avustus.changes import services as changes
from avustus.errors import NotAllowed
from avustus.payments import services as payments
from avustus.payments.models import PaymentApplication
from avustus.reports import final
from avustus.reports import services as reports
from avustus.reports.services import CostInput
from avustus.settlement import recovery
from avustus.settlement import services as settlement
from tests.changes.conftest import previewed
from tests.projects.conftest import cast, person, room_for_an_extension, small_round  # noqa: F401 (fixtures)
from tests.reports.test_final import attach_statement, file_final
from tests.settlement.test_end_to_end import _through_two_payments

# The refusals are matched in English (the Finnish and Swedish words are "esteellinen" and "jävig").
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

DISQUALIFIED = "disqualified"
IBAN = "FI21 1234 5600 0007 85"


def _acts_for(official, project, role="lead") -> None:
    """``official`` is given an applicant's role for the project's ``role`` member: a party's representative."""
    organisation = next(m.organisation for m in project.application.members.all()
                        if m.role == role and m.organisation is not None)
    grant_role(official, Role.APPLICANT, actor=SYSTEM, organisation=organisation)


def _report(cast):
    return reports.submit_report(cast.project, 1, actor=cast.lead, period_start=date(2020, 2, 26),
                                 period_end=date(2020, 6, 26), progress="Etenee.", objectives_stage="Alussa.",
                                 costs=[CostInput("cost-1", 0, "10000.00")], today=date(2020, 6, 26))


def test_an_official_acting_for_a_partner_is_offered_no_review_of_the_interim_report(cast):
    report = _report(cast)
    _acts_for(cast.official, cast.project, role="partner")
    assert not reports.can_review_report(cast.official, report)
    with pytest.raises(NotAllowed, match=DISQUALIFIED):
        reports.return_report(report, actor=cast.official, version=reports.report_version(report), reasons="Puuttuu.")
    assert reports.can_review_report(cast.second_official, report)
    accepted = reports.accept_report(report, actor=cast.second_official, version=reports.report_version(report))
    assert accepted.status == accepted.Status.ACCEPTED


def test_an_official_acting_for_the_lead_reviews_no_part_of_the_final_report(cast, storage):  # noqa: F811
    report = file_final(cast, [CostInput("cost-1", 0, "20 000,00")])
    attach_statement(cast, report)
    _acts_for(cast.second_official, cast.project)
    for part in (final.CONTENT, final.FINANCES):
        assert not final.can_review_final_report(cast.second_official, report, part)
        assert final.can_review_final_report(cast.official, report, part)
    with pytest.raises(NotAllowed, match=DISQUALIFIED):
        final.accept_final_report(report, final.FINANCES, actor=cast.second_official,
                                  version=final.final_report_version(report))
    final.accept_final_report(report, final.FINANCES, actor=cast.official, version=final.final_report_version(report))


def test_an_official_acting_for_the_lead_neither_confirms_nor_rejects_its_account(cast):
    account = payments.register_account(cast.project, IBAN, "Kankaanpään kaupunki", actor=cast.lead)
    _acts_for(cast.official, cast.project)
    assert payments.account_steps(cast.official, cast.project, [account])[account.pk] == frozenset()
    with pytest.raises(NotAllowed, match=DISQUALIFIED):
        payments.confirm_account(account, actor=cast.official, note="Oma tili.")
    with pytest.raises(NotAllowed, match=DISQUALIFIED):
        payments.reject_account(account, actor=cast.official, reason="Ei.")
    assert payments.account_steps(cast.second_official, cast.project, [account])[account.pk] == {"confirm", "reject"}
    confirmed = payments.confirm_account(account, actor=cast.second_official, note="Puhelu kirjaamoon.")
    assert confirmed.status == confirmed.Status.ACTIVE


def test_an_official_acting_for_the_lead_neither_accepts_nor_approves_its_payment(cast):
    account = payments.register_account(cast.project, IBAN, "Kankaanpään kaupunki", actor=cast.lead)
    payments.confirm_account(account, actor=cast.official, note="Puhelu kirjaamoon.")
    report = _report(cast)
    reports.accept_report(report, actor=cast.official, version=reports.report_version(report))
    application = payments.apply_for_payment(cast.project, actor=cast.lead)
    _acts_for(cast.official, cast.project)

    assert payments.payment_steps(cast.official, cast.project, [application])[application.pk] == frozenset()
    with pytest.raises(NotAllowed, match=DISQUALIFIED):
        payments.accept_payment_application(application, actor=cast.official)
    assert payments.payment_steps(cast.second_official, cast.project, [application])[application.pk] == {
        "accept", "reject"}
    application = payments.accept_payment_application(application, actor=cast.second_official)

    # The second person: not the disqualified official either, though they did not accept it.
    assert "approve" not in payments.payment_steps(cast.official, cast.project, [application])[application.pk]
    with pytest.raises(NotAllowed, match=DISQUALIFIED):
        payments.approve_payment(application, actor=cast.official, version=payments.payment_version(application))
    assert "approve" in payments.payment_steps(cast.decision_maker, cast.project, [application])[application.pk]
    approved = payments.approve_payment(application, actor=cast.decision_maker,
                                        version=payments.payment_version(application))
    assert approved.status == PaymentApplication.Status.APPROVED


def test_an_official_acting_for_the_lead_neither_settles_nor_approves_its_settlement(cast, storage, person):  # noqa: F811
    _through_two_payments(cast)
    report = file_final(cast, [CostInput("cost-1", 0, "20 000,00")])
    attach_statement(cast, report)
    report = final.accept_final_report(report, final.CONTENT, actor=cast.official,
                                       version=final.final_report_version(report))
    final.accept_final_report(report, final.FINANCES, actor=cast.second_official,
                              version=final.final_report_version(report))
    programme = cast.project.call.programme
    _acts_for(cast.second_official, cast.project)

    assert not permissions.can_manage_projects(cast.second_official, programme, project=cast.project)
    with pytest.raises(NotAllowed, match=DISQUALIFIED):
        settlement.settlement_preview(cast.project, actor=cast.second_official)
    _snapshot, digest = settlement.settlement_preview(cast.project, actor=cast.official)
    made = settlement.settle(cast.project, actor=cast.official, version=digest)

    assert not permissions.can_approve_settlement(cast.second_official, programme, made.prepared_by_id,
                                                  project=cast.project)
    with pytest.raises(NotAllowed, match=DISQUALIFIED):
        settlement.approve_settlement(made, actor=cast.second_official, version=made.sha256)
    third = person("virkailija3", programme, Role.OFFICIAL)
    assert permissions.can_approve_settlement(third, programme, made.prepared_by_id, project=cast.project)
    approved = settlement.approve_settlement(made, actor=third, version=made.sha256)
    assert approved.status == approved.Status.APPROVED


def test_an_official_acting_for_the_lead_neither_starts_nor_signs_its_recovery(cast):
    _through_two_payments(cast)
    programme = cast.project.call.programme
    _acts_for(cast.second_official, cast.project)
    on = date(2022, 9, 5)
    with pytest.raises(NotAllowed, match=DISQUALIFIED):
        recovery.start_recovery(cast.project, actor=cast.second_official, section=22, subsection=1,
                                amount="40 000,00", reasons="Käytetty muuhun.", known_on=date(2022, 9, 1),
                                deadline=on + timedelta(days=25), on=on, version=recovery.cases_version(cast.project))
    case = recovery.start_recovery(cast.project, actor=cast.official, section=22, subsection=1, amount="40 000,00",
                                   reasons="Käytetty muuhun.", known_on=date(2022, 9, 1),
                                   deadline=on + timedelta(days=25), on=on,
                                   version=recovery.cases_version(cast.project))
    due_on, day = date(2022, 12, 15), date(2022, 10, 10)
    with pytest.raises(NotAllowed, match=DISQUALIFIED):
        recovery.recovery_preview(case, actor=cast.second_official, due_on=due_on, on=day)
    _snapshot, digest = recovery.recovery_preview(case, actor=cast.official, due_on=due_on, on=day)
    prepared = recovery.prepare_recovery(case, actor=cast.official, due_on=due_on, version=digest, on=day)

    assert not permissions.can_sign_recovery_decision(cast.second_official, programme, prepared.prepared_by_id,
                                                      project=cast.project)
    assert not permissions.can_withdraw_recovery_decision(cast.second_official, programme,
                                                          prepared.prepared_by_id, project=cast.project)
    with pytest.raises(NotAllowed, match=DISQUALIFIED):
        recovery.sign_recovery(prepared, actor=cast.second_official, version=prepared.sha256, on=day)
    with pytest.raises(NotAllowed, match=DISQUALIFIED):
        recovery.withdraw_recovery_decision(prepared, actor=cast.second_official, version=prepared.sha256,
                                            reasons="Ei.")
    assert permissions.can_sign_recovery_decision(cast.decision_maker, programme, prepared.prepared_by_id,
                                                  project=cast.project)
    signed = recovery.sign_recovery(prepared, actor=cast.decision_maker, version=prepared.sha256, on=day)
    assert signed.status == signed.Status.DECIDED


def test_an_official_acting_for_the_lead_neither_approves_nor_confirms_its_change(cast, person):  # noqa: F811
    room_for_an_extension(cast.project.call)
    request = changes.submit_request(cast.project, actor=cast.lead, kind="extension",
                                     reasons="Hankinta viivästyi.", new_end=date(2021, 12, 31))
    _acts_for(cast.official, cast.project)
    # As the lead's person they may still withdraw what the lead asked; as an official they decide nothing.
    assert changes.change_steps(cast.official, request) == {"withdraw"}
    with pytest.raises(NotAllowed, match=DISQUALIFIED):
        changes.approve_request(request, actor=cast.official, version=request.version, reasons="Perusteltu.")
    with pytest.raises(NotAllowed, match=DISQUALIFIED):
        changes.reject_request(request, actor=cast.official, version=request.version, reasons="Ei.")
    assert changes.change_steps(cast.second_official, request) == {"approve", "reject"}
    request = changes.approve_request(request, actor=cast.second_official, version=request.version,
                                      reasons="Perusteltu.")

    third = person("virkailija3", cast.project.call.programme, Role.OFFICIAL)
    # The decision as the one who may sign it reads it: the disqualified official is refused even naming it.
    shown = previewed(request, third, date(2021, 10, 1))
    assert "confirm" not in changes.change_steps(cast.official, request)
    with pytest.raises(NotAllowed, match=DISQUALIFIED):
        changes.confirm_request(request, actor=cast.official, version=request.version, confirmed=True,
                                decided_on=date(2021, 10, 1), shown=shown)
    assert "confirm" in changes.change_steps(third, request)
    decision = changes.confirm_request(request, actor=third, version=request.version, confirmed=True,
                                       decided_on=date(2021, 10, 1), shown=shown)
    assert decision.request_id == request.pk


def test_the_disqualified_official_still_reads_the_project_and_its_settlement(cast):
    _acts_for(cast.official, cast.project)
    assert permissions.is_disqualified(cast.official, cast.project)
    assert permissions.can_see_project(cast.official, cast.project)
    assert permissions.can_read_settlement(cast.official, cast.project)
    # Acting for a body that is no member of this project is no bar.
    from avustus.registry.models import Organisation

    other = Organisation.objects.exclude(memberships__application=cast.project.application).exclude(
        predecessors__memberships__application=cast.project.application).first()
    grant_role(cast.second_official, Role.APPLICANT, actor=SYSTEM, organisation=other)
    assert not permissions.is_disqualified(cast.second_official, cast.project)
    assert permissions.can_manage_projects(cast.second_official, cast.project.call.programme, project=cast.project)
