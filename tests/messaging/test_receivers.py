"""The stages' signals become receipts: queued in the sender's transaction, in the recipient's language."""

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from avustus import events
from avustus.messaging.models import OutboundMessage
from tests.messaging.addresses import confirmed_address


@pytest.fixture
def applicant(hameenlinna_applicant):
    hameenlinna_applicant.email = "hakija@hameenlinna.example.fi"
    hameenlinna_applicant.save()
    return hameenlinna_applicant


@pytest.mark.parametrize(("language", "subject", "words"), [
    ("fi", "on vastaanotettu", "Diaarinumero"),
    ("sv", "har tagits emot", "Diarienummer"),
    ("en", "received", "Tracking number"),
])
def test_submission_queues_a_receipt_in_the_users_language(draft_application, applicant, language, subject,
                                                           words):
    with transaction.atomic():
        events.application_submitted.send(type(draft_application), application=draft_application, actor=applicant,
                                          language=language)

    message = OutboundMessage.objects.get()
    assert (message.event, message.to, message.language, message.user) == (
        "application_submitted", "hakija@hameenlinna.example.fi", language, applicant)
    assert message.application == draft_application
    assert message.subject.endswith(subject)
    assert draft_application.reference in message.subject
    assert words in message.body
    assert f"/my/applications/{draft_application.reference}/" in message.body
    assert draft_application.lead.organisation.name(language) in message.body  # Tavastehus in Swedish
    assert DBTaskResult.objects.get().args_kwargs["args"] == [message.pk]


def test_without_the_users_choice_the_organisations_language_is_used(draft_application, applicant):
    events.application_submitted.send(type(draft_application), application=draft_application, actor=applicant)

    assert OutboundMessage.objects.get().language == "fi"  # Hämeenlinna is a Finnish-speaking municipality


def test_withdrawal_queues_a_notice(draft_application, applicant):
    events.application_withdrawn.send(type(draft_application), application=draft_application, actor=applicant,
                                      language="sv")

    message = OutboundMessage.objects.get()
    assert message.event == "application_withdrawn"
    assert message.subject == f"Ansökan {draft_application.reference} har återtagits"
    assert "/withdraw" not in message.body and f"/my/applications/{draft_application.reference}/" in message.body


def test_a_user_without_an_address_gets_nothing(draft_application, hameenlinna_applicant):
    events.application_submitted.send(type(draft_application), application=draft_application,
                                      actor=hameenlinna_applicant, language="fi")

    assert not OutboundMessage.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_a_rolled_back_submission_leaves_no_receipt(draft_application, applicant):
    with pytest.raises(RuntimeError), transaction.atomic():
        events.application_submitted.send(type(draft_application), application=draft_application, actor=applicant)
        raise RuntimeError("the submission failed after the signal")

    assert not OutboundMessage.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_the_system_as_actor_gets_nothing(draft_application):
    from avustus.actors import SYSTEM

    events.application_submitted.send(type(draft_application), application=draft_application, actor=SYSTEM)

    assert not OutboundMessage.objects.exists()


def test_submitting_and_withdrawing_through_the_services_queue_one_message_each(draft_application, applicant):
    """The services send the signals in their own transactions; a retried submission queues nothing more."""
    from avustus.applications.services import DraftChanges, submit, update_draft, withdraw

    complete = update_draft(draft_application, DraftChanges(
        title="Yhteinen asiointi", plan={"objectives": "Asiointi sujuvaksi."}, partners=["853"],
        budget=[{"category": "staff", "amount_vat_free": "10000", "vat": "0", "description": "työ"}],
        amount_applied="8500"), actor=applicant, version=draft_application.version)
    submitted = submit(complete, actor=applicant, idempotency_key="k")
    submit(submitted, actor=applicant, idempotency_key="k")  # a double click
    withdraw(submitted, actor=applicant)
    assert sorted(OutboundMessage.objects.values_list("event", flat=True)) == [
        "application_submitted", "application_withdrawn"]


def test_the_receipt_goes_to_the_organisations_addresses_and_the_acting_user(draft_application, applicant):
    from avustus.accounts import contacts
    from avustus.actors import SYSTEM

    organisation = draft_application.lead.organisation
    contacts.add_organisation_address(organisation, "kirjaamo@hameenlinna.example.fi", actor=SYSTEM)
    contacts.add_organisation_address(organisation, "HAKIJA@hameenlinna.example.fi", actor=SYSTEM)  # the same
    confirmed_address(applicant, "hakija@hameenlinna.example.fi", language="en")

    events.application_submitted.send(type(draft_application), application=draft_application, actor=applicant,
                                      language="sv")

    # The user's own choice of language wins over the one they were using; the organisation's is Finnish.
    assert sorted(OutboundMessage.objects.values_list("to", "language", "user")) == [
        ("hakija@hameenlinna.example.fi", "en", applicant.pk), ("kirjaamo@hameenlinna.example.fi", "fi", None)]


def test_who_made_the_application_and_has_left_the_lead_is_told_nothing_more(draft_application, applicant):
    """The security test found a former employee still sent every message of the application they once made
    (the withdrawal, the decision letter, the payments), and a decision counted as notified to them."""
    from avustus.accounts.models import RoleGrant

    RoleGrant.objects.filter(user=applicant, organisation=draft_application.lead.organisation).delete()
    colleague = type(applicant).objects.create(username="kollega")
    events.application_withdrawn.send(type(draft_application), application=draft_application, actor=colleague)
    assert not OutboundMessage.objects.filter(to="hakija@hameenlinna.example.fi").exists()


def test_a_decision_is_not_deemed_notified_to_someone_who_no_longer_acts_for_the_lead(draft_application,
                                                                                      applicant):
    from avustus.accounts.contacts import has_consented
    from avustus.accounts.models import RoleGrant
    from avustus.decisions.notifications import record_emailed

    confirmed_address(applicant, "hakija@hameenlinna.example.fi", language="fi", consent=True)
    assert has_consented(applicant)  # consented at a confirmed address: only the role is missing below
    RoleGrant.objects.filter(user=applicant, organisation=draft_application.lead.organisation).delete()
    assert record_emailed(None, draft_application, user=applicant, recipient="hakija@hameenlinna.example.fi",
                          sent_on=None, actor=None) is None


def test_a_letter_to_an_address_no_longer_the_users_is_not_notified(draft_application, applicant):
    """The review found a letter queued to an address the user has since changed (and confirmed the new one)
    recorded as notified at the old one, starting the rectification period there."""
    from avustus.decisions.notifications import record_emailed

    confirmed_address(applicant, "uusi@hameenlinna.example.fi", language="fi", consent=True)
    assert record_emailed(None, draft_application, user=applicant, recipient="vanha@hameenlinna.example.fi",
                          sent_on=None, actor=None) is None
    from avustus.accounts.contacts import has_consented

    assert has_consented(applicant, at="UUSI@hameenlinna.example.fi")  # the address itself, in any case
