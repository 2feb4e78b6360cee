"""Decision letters and rectification messages: to whom, in which language, what they say, and the electronic
notification recorded when (and only when) a letter to a consenting person is actually sent."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from avustus import events
from avustus.accounts import contacts
from avustus.accounts.models import Role
from avustus.accounts.services import grant_role
from avustus.actors import SYSTEM
from avustus.applications.models import Application
from avustus.decisions import amending, rectification
from avustus.decisions.models import Decision, Notification
from avustus.messaging.models import OutboundMessage
from avustus.rules.deadlines import rectification_deadline
from avustus.rules.money import format_amount
from tests.conftest import run_document_tasks
from tests.messaging.addresses import confirmed_address

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def granted(round_2020):
    """A granted application of the 2020 round with partners, made by a user of the lead who has consented, in Swedish;
    its lead and a partner have addresses of their own."""
    decision = Decision.objects.get(call=round_2020)
    outcome = next(o for o in decision.outcomes.filter(kind="granted").select_related("application")
                   if o.application.partners and all(p.organisation for p in o.application.partners))
    application = outcome.application
    user = get_user_model().objects.create(username="yhteyshenkilo")
    confirmed_address(user, "yhteys@kunta.example.fi", language="sv", consent=True)
    Application.objects.filter(pk=application.pk).update(created_by=user)
    application.refresh_from_db()
    grant_role(user, Role.APPLICANT, actor=SYSTEM, organisation=application.lead.organisation)
    contacts.add_organisation_address(application.lead.organisation, "kirjaamo@lead.example.fi", actor=SYSTEM)
    contacts.add_organisation_address(application.partners[0].organisation, "kirjaamo@partner.example.fi",
                                      actor=SYSTEM)
    return decision, outcome, application, user


def letters(application):
    return {m.to: m for m in OutboundMessage.objects.filter(event="decision_letter", application=application)}


def test_the_letter_goes_to_the_lead_and_as_a_copy_to_partners_each_in_their_language(granted):
    decision, outcome, application, user = granted

    events.decision_documents_ready.send(Decision, decision=decision, actor=SYSTEM)
    events.decision_documents_ready.send(Decision, decision=decision, actor=SYSTEM)  # once per key

    sent = letters(application)
    assert set(sent) == {"yhteys@kunta.example.fi", "kirjaamo@lead.example.fi", "kirjaamo@partner.example.fi"}
    person, lead, partner = (sent["yhteys@kunta.example.fi"], sent["kirjaamo@lead.example.fi"],
                             sent["kirjaamo@partner.example.fi"])
    assert (person.language, person.user, person.notifies, person.decision) == ("sv", user, True, decision)
    assert (lead.language, lead.user, lead.notifies) == (application.lead.organisation.preferred_language, None,
                                                         False)
    assert partner.notifies is False and partner.subject.startswith(("Tiedoksi:", "För kännedom:"))
    # The consenting person's letter: the outcome, the amount, the instructions and the deadline from today.
    amount = format_amount(outcome.amount_granted, cents=False)
    assert f"understöd beviljas, högst {amount}" in person.body
    assert "ANVISNING FÖR BEGÄRAN OM OMPRÖVNING" in person.body
    received, deadline = rectification_deadline(timezone.localdate(), "electronic")
    assert f"{deadline.day}.{deadline.month}.{deadline.year}" in person.body
    assert "elektroniska delgivningen" in person.body
    assert f"/applications/{application.reference}/letter.sv.pdf" in person.body
    # The organisation's shared address has not consented: it is told the decision comes another way.
    assert "OIKAISUVAATIMUKSEN" in lead.body and "(kirjeellä)" in lead.body
    assert "OIKAISUVAATIMUKSEN" not in partner.body  # a copy carries no instructions of its own


def test_sending_records_electronic_notification_only_for_the_consenting_person(granted, smtp_server, mail_to):
    decision, _outcome, application, user = granted
    mail_to(smtp_server.port)
    events.decision_documents_ready.send(Decision, decision=decision, actor=SYSTEM)
    assert not Notification.objects.exists()  # queued is not sent

    call_command("worker", until_idle=True)

    notification = Notification.objects.get()
    today = timezone.localdate()
    assert (notification.application, notification.channel, notification.recipient, notification.sent_on) == (
        application, "electronic", "yhteys@kunta.example.fi", today)
    assert (notification.received_on, notification.rectification_deadline) == rectification_deadline(
        today, "electronic")
    sent = letters(application)
    assert sent["yhteys@kunta.example.fi"].notification == notification
    assert sent["kirjaamo@lead.example.fi"].notification is None
    assert {m.status for m in sent.values()} == {"sent"}
    # Every granted application's letters went out once, and a second run sends nothing more.
    count = len(smtp_server.recorder.accepted)
    call_command("worker", until_idle=True)
    assert len(smtp_server.recorder.accepted) == count == OutboundMessage.objects.count()


def test_a_withdrawn_consent_makes_the_sent_letter_information_only(granted, smtp_server, mail_to):
    decision, _outcome, application, user = granted
    mail_to(smtp_server.port)
    events.decision_documents_ready.send(Decision, decision=decision, actor=SYSTEM)
    contacts.update_contact(user, email="yhteys@kunta.example.fi", language="sv", consent=False, actor=user)

    call_command("worker", until_idle=True)

    assert letters(application)["yhteys@kunta.example.fi"].status == "sent"
    assert not Notification.objects.exists()  # consent counts when the letter is sent


def test_consent_at_an_address_not_confirmed_notifies_nothing_and_the_old_address_is_told(granted, smtp_server,
                                                                                           mail_to):
    from avustus.decisions.notifications import record_emailed

    decision, _outcome, application, user = granted
    # A mistyped address (or one someone else set in the account), consent kept, never confirmed.
    contacts.update_contact(user, email="yhteys@kunta.exmaple.fi", language="sv", consent=True, actor=user)
    notice = OutboundMessage.objects.get(event="address_changed")
    assert (notice.to, notice.language) == ("yhteys@kunta.example.fi", "sv")
    assert "yhteys@kunta.exmaple.fi" in notice.body
    mail_to(smtp_server.port)
    events.decision_documents_ready.send(Decision, decision=decision, actor=SYSTEM)

    letter = letters(application)["yhteys@kunta.exmaple.fi"]
    assert "elektroniska delgivningen" not in letter.body and "per brev" in letter.body
    call_command("worker", until_idle=True)

    letter.refresh_from_db()
    assert letter.status == "sent" and letter.notification is None
    assert not Notification.objects.exists()  # no deemed receipt, no rectification period started
    assert record_emailed(decision, application, user=user, recipient="yhteys@kunta.exmaple.fi",
                          sent_on=timezone.localdate(), actor=SYSTEM) is None


def test_a_later_decision_letter_and_the_rectification_messages(granted, person):
    decision, _outcome, application, user = granted
    official = person("virkailija", decision.call.programme, Role.OFFICIAL)
    decider = person("paattaja", decision.call.programme, Role.DECISION_MAKER)
    # A deferred application decided later (signed here: its documents' signal queues the letter).
    deferred = decision.outcomes.filter(kind="deferred").select_related("application").first().application
    Application.objects.filter(pk=deferred.pk).update(created_by=user)
    grant_role(user, Role.APPLICANT, actor=SYSTEM, organisation=deferred.lead.organisation)
    amending.later_decision(decision, {deferred: ("granted", Decimal("100000.00"))}, presenting_official=official,
                            actor=decider)
    assert not OutboundMessage.objects.filter(event="decision_letter", application=deferred).exists()
    assert run_document_tasks() == 1  # the letter goes out with the documents, not before them
    later = OutboundMessage.objects.get(event="decision_letter", application=deferred, to="yhteys@kunta.example.fi")
    assert later.subject == f"Senare beslut om ansökan {deferred.reference}"
    assert "högst 100\u00a0000 euro" in later.body

    request = rectification.register_request(decision, application, received_on=timezone.localdate(),
                                             requester="Kunta", grounds="Arvio väärä", actor=official)
    received = OutboundMessage.objects.get(event="rectification_requested", to="yhteys@kunta.example.fi")
    assert received.subject.startswith("Begäran om omprövning") and application.reference in received.subject
    request = rectification.prepare(request, resolution="upheld", reasoning="Arvio oli oikea", actor=official)
    rectification.decide(request, actor=decider, version=rectification.prepared_version(request),
                         decided_on=timezone.localdate())
    run_document_tasks()
    decided = OutboundMessage.objects.get(event="rectification_decided", to="yhteys@kunta.example.fi")
    assert "det tidigare beslutet står fast" in decided.body
    amended = OutboundMessage.objects.filter(event="decision_letter", application=application).exclude(
        decision=decision)
    assert amended.filter(subject__startswith="Ändringsbeslut").exists()  # the new decision's own letter


def test_the_letters_read_the_decisions_snapshot_at_most_once_not_with_every_outcome(granted):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    decision = granted[0]
    with CaptureQueriesContext(connection) as queries:
        events.decision_documents_ready.send(Decision, decision=decision, actor=SYSTEM)
    # Joined to the outcomes, the snapshot (megabytes for a large round) came once per row: 5,000 ran out of memory.
    joined = [q["sql"] for q in queries if 'FROM "decisions_outcome"' in q["sql"] and '"snapshot"' in q["sql"]]
    assert joined == []
    assert set(letters(granted[2])) == {"yhteys@kunta.example.fi", "kirjaamo@lead.example.fi",
                                        "kirjaamo@partner.example.fi"}
