"""The issue's "done when", end to end: an application submitted through the API queues its receipts in the
submission's transaction; ``avustus worker --until-idle`` delivers them over SMTP to a server on 127.0.0.1
named by ``AVUSTUS_EMAIL_URL``, once; ``avustus outbox --json`` shows them sent; with the server down they
fail with the error kept, and ``avustus outbox retry`` and the worker then send each exactly once."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django_tasks_db.models import DBTaskResult

from avustus import events
from avustus.accounts import contacts, tokens
from avustus.actors import SYSTEM
from avustus.applications.models import Application
from avustus.messaging.models import OutboundMessage
from avustus.registry.models import Organisation
from avustus.settings import email_from_url
from tests.messaging.addresses import confirmed_address
from tests.messaging.smtp import SMTPServer, free_port

pytestmark = pytest.mark.django_db(transaction=True)

BASE = "/api/v1"
PERSON = "hakija@hameenlinna.example.fi"
REGISTRY = "kirjaamo@hameenlinna.example.fi"


@pytest.fixture
def email_url(settings):
    """Configure mail as ``AVUSTUS_EMAIL_URL`` does at start-up (the settings module's own parser)."""

    def point(url: str) -> None:
        for name, value in email_from_url(url).items():
            setattr(settings, name, value)
        settings.EMAIL_TIMEOUT = 10

    return point


@pytest.fixture
def api(open_call, applicant_of):
    """A client with a personal API token of a Hämeenlinna applicant who has an address; Hämeenlinna has one."""
    user = applicant_of("109")
    confirmed_address(user, PERSON, language="")
    contacts.add_organisation_address(Organisation.objects.get(code="109"), REGISTRY, actor=SYSTEM, verified=True)
    _token, value = tokens.create_token(user, actor=SYSTEM)
    return Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {value}")


def submit_one(client, title: str = "Yhteinen asiointi"):
    created = client.post(f"{BASE}/applications", {"call": "kuntadigi-2026", "lead": "109", "title": title},
                          content_type="application/json")
    assert created.status_code == 201, created.content
    reference = json.loads(created.content)["reference"]
    saved = client.patch(f"{BASE}/applications/{reference}",
                         {"version": 1, "plan": {"objectives": "Asiointi sujuvaksi."}, "partners": ["853"],
                          "budget": [{"category": "staff", "amount_vat_free": "100000.00", "vat": "0.00"}],
                          "amount_applied": "85000.00"}, content_type="application/json")
    assert saved.status_code == 200, saved.content
    return reference, client.post(f"{BASE}/applications/{reference}/submit", HTTP_IDEMPOTENCY_KEY=f"k-{reference}")


def outbox_json() -> list[dict]:
    out = StringIO()
    call_command("outbox", "--json", stdout=out)
    return json.loads(out.getvalue())


def work() -> None:
    call_command("worker", until_idle=True)


def test_a_receipt_of_an_api_submission_is_delivered_once_and_shown_sent(api, email_url, smtp_server):
    email_url(f"smtp://127.0.0.1:{smtp_server.port}")
    reference, submitted = submit_one(api)
    assert submitted.status_code == 200, submitted.content

    queued = OutboundMessage.objects.filter(application__reference=reference)
    assert sorted(queued.values_list("to", "status", "event")) == [
        (PERSON, "queued", "application_submitted"), (REGISTRY, "queued", "application_submitted")]
    assert sorted(t.args_kwargs["args"][0] for t in DBTaskResult.objects.all()) == sorted(m.pk for m in queued)

    work()
    received = smtp_server.recorder.accepted
    assert sorted(m["To"] for m in received) == [PERSON, REGISTRY]
    assert all(reference in m["Subject"] and f"/my/applications/{reference}/" in m.get_payload(decode=True).decode()
               for m in received)

    work()  # again: nothing more
    assert len(smtp_server.recorder.accepted) == 2
    assert {(row["to"], row["status"], row["attempts"]) for row in outbox_json()} == {(PERSON, "sent", 1),
                                                                                      (REGISTRY, "sent", 1)}


def test_a_submission_that_rolls_back_leaves_no_receipt(api, email_url):
    email_url(f"smtp://127.0.0.1:{free_port()}")

    def fail_after_the_receipt(sender, **kwargs):
        assert OutboundMessage.objects.exists()  # the receipt was written, in this transaction
        raise RuntimeError("the submission failed after its receipt was queued")

    events.application_submitted.connect(fail_after_the_receipt, dispatch_uid="test.fail")
    try:
        with pytest.raises(RuntimeError):
            submit_one(api)
    finally:
        events.application_submitted.disconnect(dispatch_uid="test.fail")

    assert Application.objects.get().status == "draft"
    assert not OutboundMessage.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_with_smtp_down_the_errors_are_kept_and_retry_sends_each_once(api, email_url):
    port = free_port()
    email_url(f"smtp://127.0.0.1:{port}")
    for title in ("Ensimmäinen", "Toinen"):
        assert submit_one(api, title)[1].status_code == 200

    work()
    rows = outbox_json()
    assert len(rows) == 4
    assert {row["status"] for row in rows} == {"failed"}
    assert all("ConnectionRefused" in row["last_error"] for row in rows)

    server = SMTPServer(port).start()
    try:
        call_command("outbox", "retry", stdout=StringIO())
        work()
        work()
        ids = server.recorder.message_ids()
        assert sorted(ids) == sorted(OutboundMessage.objects.values_list("message_id", flat=True))
        assert {(row["status"], row["attempts"]) for row in outbox_json()} == {("sent", 2)}
    finally:
        server.stop()
