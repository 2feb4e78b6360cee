"""The settlement, recovery cases and amending decisions in the API: the recipients read them with a token, the
lead answers a hearing naming the case's version (a retry with an Idempotency-Key returns the answer given),
and a partner reads what the project's page shows a partner."""

import json
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from unittest import mock

import pytest
from django.test import Client

from avustus.accounts import tokens as api_tokens
from avustus.actors import SYSTEM
from avustus.audit.models import AuditEntry
from avustus.changes import services as changes
from avustus.payments.payment_file import RECEIVABLE_PREFIX, RECOVERY_PREFIX, reference_of
from avustus.settlement import recovery as service
from avustus.settlement import services as settlement
from avustus.settlement import waivers
from avustus.settlement.models import Recovery
from tests.accounts.test_permissions_removed_partner import removed  # noqa: F401 (fixtures)
from tests.changes.conftest import previewed
from tests.projects.conftest import cast, person, room_for_an_extension  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture
def storage(tmp_path, settings):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path / "files"}}}


def _client(user) -> Client:
    _token, value = api_tokens.create_token(user, actor=SYSTEM)
    return Client(HTTP_AUTHORIZATION=f"Bearer {value}", HTTP_ACCEPT_LANGUAGE="en")


def _post(client, url, body, **headers):
    return client.post(url, json.dumps(body), content_type="application/json", headers=headers)


def test_the_settlement_with_its_returns_and_documents(cast, storage):
    from tests.settlement.test_documents import run_settlement_tasks
    from tests.settlement.test_end_to_end import _final_accepted, _settled, _through_two_payments

    _through_two_payments(cast)
    url = f"/api/v1/projects/{cast.project.reference}/settlement"
    assert _client(cast.lead).get(url).status_code == 404  # not settled yet
    _final_accepted(cast, "20 000,00")
    done = _settled(cast)
    assert run_settlement_tasks() == 1
    settlement.record_return(done, actor=cast.official, returned_on=date(2021, 12, 31), amount="30 000,00",
                             version=settlement.returns_version(done))
    body = _client(cast.lead).get(url).json()
    assert (body["status"], body["final_grant"], body["to_return"], body["paid"]) == (
        "approved", "17000.00", "55643.81", "72643.81")
    assert body["reference_number"] == reference_of(RECEIVABLE_PREFIX, done.pk)
    [entry] = body["returns"]
    assert (entry["amount"], entry["interest"]) == ("30000.00", "1011.62")
    assert [(a["paid_on"], a["amount"]) for a in entry["computation"]["attribution"]] == [
        ("2020-11-20", "29000.00"), ("2020-07-15", "1000.00")]
    links = {(d["lang"], d["format"]): d["url"] for d in body["documents"]}
    assert set(links) == {("fi", "html"), ("fi", "pdf"), ("sv", "html"), ("sv", "pdf")}
    assert links[("fi", "pdf")] == f"http://testserver/projects/{cast.project.reference}/settlement.fi.pdf"
    # A partner reads the figures (as on the project's page) but not the lead's returns and documents.
    partner = _client(cast.partner).get(url).json()
    assert partner["final_grant"] == "17000.00" and partner["returns"] is None and partner["documents"] == []
    assert _client(cast.official).get(url).json()["returns"] == body["returns"]
    assert _client(cast.outsider).get(url).status_code == 404


def _case(cast):
    from tests.settlement.test_end_to_end import _through_two_payments

    _through_two_payments(cast)
    return service.start_recovery(cast.project, actor=cast.official, section=22, subsection=1, amount="40 000,00",
                                  reasons="Kustannuksia käytettiin muuhun.", known_on=date(2022, 9, 1),
                                  deadline=date(2022, 9, 5) + timedelta(days=25), on=date(2022, 9, 5),
                                  version=service.cases_version(cast.project))


def test_the_lead_answers_the_hearing_naming_the_version(cast):
    recovery = _case(cast)
    lead = _client(cast.lead)
    base = f"/api/v1/projects/{cast.project.reference}/recoveries"
    [listed] = lead.get(base).json()
    assert (listed["id"], listed["status"], listed["hearing_deadline"], listed["decision"]) == (
        recovery.pk, "hearing", "2022-09-30", None)
    url = f"{base}/{recovery.pk}/response"
    stale = _post(lead, url, {"response": "Vastaus.", "version": "0" * 64})
    assert stale.status_code == 409 and "read it again" in stale.json()["errors"][0]["message"]
    empty = _post(lead, url, {"response": "  ", "version": listed["version"]})
    assert empty.status_code == 422 and empty.json()["errors"][0]["path"] == "response"
    assert _post(_client(cast.partner), url, {"response": "Ei.", "version": listed["version"]}).status_code == 403
    assert Recovery.objects.get(pk=recovery.pk).responded_at is None
    body = {"response": "Kustannukset olivat hankkeen mukaisia.", "version": listed["version"]}
    done = _post(lead, url, body, **{"Idempotency-Key": "vastaus-1"})
    assert done.status_code == 200 and done.json()["response"] == body["response"]
    stored = Recovery.objects.filter(pk=recovery.pk).values("response", "responded_at", "responded_by").get()
    assert (stored["response"], stored["responded_by"]) == (body["response"], cast.lead.pk)
    answers = AuditEntry.objects.filter(action="recovery.response", target_id=str(recovery.pk))
    [logged] = answers.values_list("pk", "data")
    assert logged[1]["response"] == body["response"]
    logged_in_all = AuditEntry.objects.count()
    # The same answer again with a key is the answer given, stored and logged once; without one, or another
    # answer, is a conflict that changes nothing.
    again = _post(lead, url, body, **{"Idempotency-Key": "vastaus-1"})
    assert again.status_code == 200 and again.json() == done.json()
    assert _post(lead, url, body).status_code == 409
    assert _post(lead, url, {**body, "response": "Toinen."}, **{"Idempotency-Key": "vastaus-2"}).status_code == 409
    assert Recovery.objects.filter(pk=recovery.pk).values("response", "responded_at", "responded_by").get() == stored
    assert list(answers.values_list("pk", "data")) == [logged]
    assert AuditEntry.objects.count() == logged_in_all


def test_a_signed_recovery_with_its_figures_reference_and_documents(cast):
    recovery = _case(cast)
    service.respond_to_hearing(recovery, actor=cast.lead, response="Vastaus.")
    recovery.refresh_from_db()
    on = date(2022, 10, 10)
    _snapshot, digest = service.recovery_preview(recovery, actor=cast.official, due_on=date(2022, 12, 15), on=on)
    prepared = service.prepare_recovery(recovery, actor=cast.official, due_on=date(2022, 12, 15), version=digest,
                                        on=on)
    url = f"/api/v1/projects/{cast.project.reference}/recoveries/{recovery.pk}"
    # Prepared but not signed: the draft's figures are the officials' still.
    assert _client(cast.lead).get(url).json()["decision"] is None
    decided = service.sign_recovery(prepared, actor=cast.second_official, version=prepared.sha256, on=on)
    service.record_recovery_return(decided, actor=cast.official, returned_on=date(2022, 12, 1), amount="10 000,00",
                                   version=service.case_version(decided))
    proposed = service.waive_recovery(decided, actor=cast.official, principal="5 000,00", interest=False,
                                      reasons="Kohtuus.", version=service.case_version(decided))
    # Proposed only: not in force, so neither listed nor counted for anyone, the officials included.
    for user in (cast.lead, cast.official):
        body = _client(user).get(url).json()
        assert body["decision"]["amount_due"] == "30000.00" and body["waivers"] == []
    # Confirmed on a day of its own, so that the waiver's time is seen to be its confirmation's, not its proposal's.
    confirmed_at = datetime(2023, 1, 10, 8, 0, tzinfo=UTC)
    with mock.patch.object(waivers, "timezone", SimpleNamespace(now=lambda: confirmed_at)):
        waivers.confirm_waiver(decided, actor=cast.second_official, version=waivers.waiver_version(proposed))
    for user in (cast.lead, cast.partner):
        body = _client(user).get(url).json()
        decision = body["decision"]
        assert (decision["decided_on"], decision["due_on"], decision["amount"]) == ("2022-10-10", "2022-12-15",
                                                                                    "40000.00")
        assert decision["total"] == decided.snapshot["total"] and decision["sha256"] == decided.sha256
        assert decision["reference_number"] == reference_of(RECOVERY_PREFIX, decided.pk)
        assert decision["amount_due"] == "25000.00"
        assert len(decision["documents"]) == 6
        assert [r["amount"] for r in body["returns"]] == ["10000.00"]
        assert [(w["principal"], w["reasons"]) for w in body["waivers"]] == [("5000.00", "Kohtuus.")]
        assert datetime.fromisoformat(body["waivers"][0]["decided_at"]) == confirmed_at
    assert _client(cast.outsider).get(url).status_code == 404


def test_the_amending_decisions(cast):
    room_for_an_extension(cast.project.call)  # an extension to 31.12.2021 allowed
    url = f"/api/v1/projects/{cast.project.reference}/amending-decisions"
    assert _client(cast.lead).get(url).json() == []
    request = changes.submit_request(cast.project, actor=cast.lead, kind="extension", reasons="Viivästys.",
                                     new_end=date(2021, 12, 15))
    request = changes.approve_request(request, actor=cast.official, version=request.version)
    decision = changes.confirm_request(request, actor=cast.second_official, version=request.version, confirmed=True,
                                       shown=previewed(request, cast.second_official))
    for user in (cast.lead, cast.partner, cast.official):
        [body] = _client(user).get(url).json()
        assert (body["id"], body["change_request"], body["kind"], body["sha256"]) == (
            decision.pk, request.pk, "extension", decision.snapshot_sha256)
        assert [d["url"] for d in body["documents"]] == [
            f"http://testserver/projects/{cast.project.reference}/changes/decisions/{decision.pk}/{lang}/"
            for lang in ("fi", "sv")]
    assert _client(cast.outsider).get(url).status_code == 404


def test_a_removed_partner_reads_the_amending_decisions_up_to_its_removal(removed):
    """As the decision's page (``permissions.can_read_change_decision``): the project is gone for the removed
    partner's people, but the decisions up to the one that removed them are still theirs to read."""
    cast, (first, removal, later), _pori = removed
    base = f"/api/v1/projects/{cast.project.reference}/amending-decisions"
    partner = _client(cast.partner)
    assert partner.get(f"/api/v1/projects/{cast.project.reference}").status_code == 404
    assert [d["id"] for d in partner.get(base).json()] == [first.pk, removal.pk]
    body = partner.get(f"{base}/{removal.pk}").json()
    assert (body["id"], body["kind"], body["sha256"]) == (removal.pk, "partners", removal.snapshot_sha256)
    assert [d["url"] for d in body["documents"]] == [
        f"http://testserver/projects/{cast.project.reference}/changes/decisions/{removal.pk}/{lang}/"
        for lang in ("fi", "sv")]
    # The decision after the removal does not exist for them, answered as the API answers anything unseen.
    refused = partner.get(f"{base}/{later.pk}")
    assert refused.status_code == 404 and refused.json() == {"errors": [{"path": "", "message": "not found"}]}
    # The lead reads every one; an outsider none, listed or one by one; a decision of no project is no decision.
    lead = _client(cast.lead)
    assert [d["id"] for d in lead.get(base).json()] == [first.pk, removal.pk, later.pk]
    assert lead.get(f"{base}/{later.pk}").json()["id"] == later.pk
    outsider = _client(cast.outsider)
    assert outsider.get(base).status_code == 404 and outsider.get(f"{base}/{first.pk}").status_code == 404
    assert lead.get(f"/api/v1/projects/NO-SUCH/amending-decisions/{first.pk}").status_code == 404
    assert Client().get(base).status_code == 401


def test_a_project_without_amending_decisions_lists_none_to_who_sees_it(cast):
    base = f"/api/v1/projects/{cast.project.reference}/amending-decisions"
    assert _client(cast.partner).get(base).json() == []
    assert _client(cast.outsider).get(base).status_code == 404
    assert _client(cast.lead).get(f"{base}/1").status_code == 404
