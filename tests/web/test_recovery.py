"""A recovery through the screens: an official starts it, the lead responds, one official prepares the decision
shown, another signs it ticking the box, a return is recorded, a waiver proposed by one official is confirmed by
another ticking the box; refusals are shown in the user's language and leave the data as it was."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from avustus.audit.models import AuditEntry
from avustus.settlement import recovery as service
from avustus.settlement.models import Recovery, RecoveryWaiver, ReferenceRate
from tests.projects.conftest import cast, person  # noqa: F401 (fixtures)
from tests.settlement.test_end_to_end import _through_two_payments

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("storage")]


def _client(user, language="fi") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


@pytest.fixture
def rates_to_date():
    """The table ships to the first half of 2025; the screens work on today's dates, so the rates to a year ahead."""
    day = date(2025, 7, 1)
    while day <= timezone.localdate() + timedelta(days=400):
        ReferenceRate.objects.get_or_create(half_year_start=day, defaults={"rate": Decimal("2.00")})
        day = date(day.year + (day.month == 7), 1 if day.month == 7 else 7, 1)


def _started(cast, amount: str) -> Recovery:
    """A case started today on the project paid twice (the screens work on today's dates)."""
    _through_two_payments(cast)
    today = timezone.localdate()
    return service.start_recovery(cast.project, actor=cast.official, section=22, subsection=1, amount=amount,
                                  reasons="Peruste.", known_on=today, deadline=today + timedelta(days=14),
                                  version=service.cases_version(cast.project))


def _prepared(cast, amount: str) -> Recovery:
    """A case started today, the lead heard and its decision prepared by the official, due in thirty days."""
    recovery = _started(cast, amount)
    service.respond_to_hearing(recovery, actor=cast.lead, response="Vastaus.")
    recovery.refresh_from_db()
    due = timezone.localdate() + timedelta(days=30)
    _snapshot, digest = service.recovery_preview(recovery, actor=cast.official, due_on=due)
    return service.prepare_recovery(recovery, actor=cast.official, due_on=due, version=digest)


def test_a_recovery_through_the_screens(cast, rates_to_date):
    _through_two_payments(cast)
    today = timezone.localdate()
    ref = cast.project.reference
    official, second, lead = _client(cast.official, "en"), _client(cast.second_official, "sv"), _client(cast.lead)
    assert "Start a recovery" in official.get(reverse("project", args=[ref])).content.decode()
    start = reverse("start-recovery", args=[ref])
    form = {"ground": "21:1", "amount": "10 000,00", "reasons": "Kustannukset eivät olleet hankkeen.",
            "known_on": (today - timedelta(days=10)).isoformat(), "deadline": (today + timedelta(days=14)).isoformat(),
            "confirm": "yes"}
    form["version"] = re.search(r'name="version" value="([0-9a-f]{64})"',
                                official.get(start).content.decode()).group(1)
    bad = official.post(start, {**form, "amount": "paljon", "reasons": ""})
    assert bad.status_code == 422 and 'href="#amount"' in bad.content.decode() and not Recovery.objects.exists()
    response = official.post(start, form)
    recovery = Recovery.objects.get()
    page = reverse("project-recovery", args=[ref, recovery.pk])
    assert response["Location"] == page
    # The same form posted again (a double click, a page resent) opens no second case and sends no second request.
    again = official.post(start, form)
    assert again.status_code == 200 and "A recovery case was opened for the project after you opened this form" \
        in again.content.decode()
    # The refused form keeps the version it was read at, so pressing its button once more is refused too.
    shown_again = re.search(r'name="version" value="([0-9a-f]{64})"', again.content.decode()).group(1)
    assert shown_again == form["version"]
    official.post(start, {**form, "version": shown_again})
    assert Recovery.objects.count() == 1

    # The lead sees the case and responds; the partner sees it but may not respond.
    lead_page = lead.get(page).content.decode()
    assert 'name="response"' in lead_page and "Lähetä vastaus" in lead_page and "Valtionavustuslaki, 21 § 1 mom." \
        in lead_page
    assert 'name="response"' not in _client(cast.partner).get(page).content.decode()
    assert _client(cast.partner).post(page, {"response": "Ei."}).status_code == 403
    assert lead.post(page, {"response": ""}).status_code == 422
    lead.post(page, {"response": "Kustannukset olivat hankkeen.", "confirm": "yes"})
    recovery.refresh_from_db()
    assert recovery.response == "Kustannukset olivat hankkeen."

    due = (today + timedelta(days=30)).isoformat()
    shown = official.get(page, {"due_on": due}).content.decode()
    version = re.search(r'name="version" value="([0-9a-f]{64})"', shown).group(1)
    assert "kohdistetaan viimeksi maksettuihin eriin" in shown  # the document in Finnish for an English reader
    official.post(reverse("prepare-recovery", args=[ref, recovery.pk]), {"version": version, "due_on": due})
    recovery.refresh_from_db()
    assert recovery.status == Recovery.Status.PREPARED and recovery.sha256 == version
    # The decision is not the recipients' until it is signed.
    assert lead.get(reverse("recovery-document", args=[ref, recovery.pk, "fi", "html"])).status_code == 404
    sign = reverse("sign-recovery", args=[ref, recovery.pk])
    # The preparer is not offered the signature, and is refused it by the service's check before the tick is read.
    assert f'action="{sign}"' not in official.get(page).content.decode()
    assert f'action="{sign}"' in second.get(page).content.decode()
    assert official.post(sign, {"version": version}).status_code == 403
    assert official.post(sign, {"version": version, "confirm": "yes"}).status_code == 403  # the preparer
    unticked = second.post(sign, {"version": version}, follow=True).content.decode()
    assert "Bekräfta genom att kryssa i rutan" in unticked
    recovery.refresh_from_db()
    assert recovery.status == Recovery.Status.PREPARED
    second.post(sign, {"version": version, "confirm": "yes"})
    recovery.refresh_from_db()
    assert recovery.status == Recovery.Status.DECIDED
    document = lead.get(reverse("recovery-document", args=[ref, recovery.pk, "sv", "html"])).content.decode()
    assert "BESLUT OM ÅTERKRAV AV STATSUNDERSTÖD" in document

    case = re.findall(r'name="version" value="([0-9a-f]{64})"', official.get(page).content.decode())
    assert len(set(case)) == 1  # the return's and the waiver's forms name the same state of the case
    returned = {"returned_on": today.isoformat(), "amount": "4 000,00", "confirm": "yes", "version": case[0]}
    official.post(reverse("recovery-return", args=[ref, recovery.pk]), returned)
    # Posted twice, the return is recorded once: the second post names the case as it was before the first.
    twice = official.post(reverse("recovery-return", args=[ref, recovery.pk]), returned, follow=True)
    assert "A return or a waiver was recorded after you opened the case" in twice.content.decode()
    case = re.search(r'name="version" value="([0-9a-f]{64})"', twice.content.decode()).group(1)
    waived = {"principal": "1 000,00", "reasons": "Kohtuullistetaan.", "version": case}
    official.post(reverse("waive-recovery", args=[ref, recovery.pk]), waived)
    official.post(reverse("waive-recovery", args=[ref, recovery.pk]), waived)
    assert recovery.returns.get().amount == Decimal("4000.00")
    proposed = recovery.waivers.get()
    assert (proposed.principal, proposed.status) == (Decimal("1000.00"), RecoveryWaiver.Status.PROPOSED)
    # Proposed only: nothing due changes, the recipients see nothing of it, and its proposer may not confirm it.
    confirm = reverse("confirm-waiver", args=[ref, recovery.pk])
    proposer_page = official.get(page).content.decode()
    assert "<dt>Principal still to return</dt><dd>6\u00a0000,00\u00a0€</dd>" in proposer_page
    assert f'action="{confirm}"' not in proposer_page and "Another official confirms the waiver." in proposer_page
    assert "Kohtuullistetaan." not in lead.get(page).content.decode()
    shown = second.get(page).content.decode()
    version = re.search(f'action="{confirm}">.*?name="version" value="([0-9a-f]{{64}})"', shown, re.S).group(1)
    assert official.post(confirm, {"version": version, "confirm": "yes"}).status_code == 403
    assert _client(cast.lead).post(confirm, {"version": version, "confirm": "yes"}).status_code == 403
    unticked = second.post(confirm, {"version": version}, follow=True).content.decode()
    assert "Bekräfta genom att kryssa i rutan" in unticked
    assert RecoveryWaiver.objects.get().status == RecoveryWaiver.Status.PROPOSED
    second.post(confirm, {"version": version, "confirm": "yes"})
    # Posted twice, it takes effect once.
    second.post(confirm, {"version": version, "confirm": "yes"})
    confirmed = RecoveryWaiver.objects.get()
    assert (confirmed.status, confirmed.proposed_by, confirmed.confirmed_by) == (
        RecoveryWaiver.Status.CONFIRMED, cast.official, cast.second_official)
    assert AuditEntry.objects.filter(action="recovery.waived").count() == 1
    final = official.get(page).content.decode()
    # 10 000,00 less the 4 000,00 returned and the 1 000,00 waived, in the field that says what is still to
    # return; the return's row and the waiver each show their own amount.
    assert "<dt>Principal still to return</dt><dd>5\u00a0000,00\u00a0€</dd>" in final
    # The interest is computed and recorded with the return: the field asks for the principal alone.
    assert '<label for="return-amount">Principal returned, without interest (euros)</label>' in final
    assert re.search(r'<tr><td>[0-9.]+</td><td class="num">4\u00a0000,00\u00a0€</td>', final)
    assert re.search(r"<li>[0-9.]+: 1\u00a0000,00\u00a0€ – Kohtuullistetaan\.</li>", final)


def test_the_project_page_lists_its_recoveries_once_in_its_body(cast, rates_to_date):
    recovery = _started(cast, "1 000,00")
    page = _client(cast.partner).get(reverse("project", args=[cast.project.reference])).content.decode()
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert "Takaisinperintä" not in title
    link = reverse("project-recovery", args=[cast.project.reference, recovery.pk])
    assert page.count(f'href="{link}"') == 1 and "Aloita takaisinperintä" not in page


def test_the_signer_sends_a_prepared_decision_back_and_it_is_prepared_again(cast, rates_to_date):
    prepared = _prepared(cast, "1 000,00")
    ref = cast.project.reference
    page = reverse("project-recovery", args=[ref, prepared.pk])
    back = reverse("withdraw-recovery", args=[ref, prepared.pk])
    second = _client(cast.second_official, "sv")
    assert f'action="{back}"' in second.get(page).content.decode()
    assert f'action="{back}"' not in _client(cast.lead).get(page).content.decode()
    assert _client(cast.lead).post(back, {"version": prepared.sha256, "reasons": "Ei."}).status_code == 403
    # No reasons: said in the signer's language, and the decision stays prepared.
    refused = second.post(back, {"version": prepared.sha256, "reasons": ""}, follow=True).content.decode()
    assert "Ange skälen till att beslutet skickas tillbaka." in refused
    assert Recovery.objects.get(pk=prepared.pk).status == Recovery.Status.PREPARED
    response = second.post(back, {"version": prepared.sha256, "reasons": "Förfallodagen är för tidig."})
    assert response["Location"] == page
    stored = Recovery.objects.get(pk=prepared.pk)
    assert (stored.status, stored.sha256, stored.withdrawn_reasons) == (Recovery.Status.HEARING, "",
                                                                        "Förfallodagen är för tidig.")
    # The official sees why and prepares it again from the preview.
    later = prepared.due_on + timedelta(days=14)
    shown = _client(cast.official, "en").get(page, {"due_on": later.isoformat()}).content.decode()
    assert "The decision prepared earlier was sent back:" in shown and "Förfallodagen är för tidig." in shown
    assert 'name="version" value="' in shown


def test_a_signed_recovery_waits_on_the_payment_files_page_until_its_receivables_file(cast, rates_to_date):
    prepared = _prepared(cast, "1 234,00")
    approver, url = _client(cast.decision_maker), reverse("officials-payment-files")
    link = reverse("project-recovery", args=[cast.project.reference, prepared.pk])
    assert link not in approver.get(url).content.decode()  # not signed yet
    service.sign_recovery(prepared, actor=cast.second_official, version=prepared.sha256)
    assert link in approver.get(url).content.decode()
    approver.post(url, {"kind": "receivables", "day": timezone.localdate().isoformat(), "confirm": "yes"})
    assert Recovery.objects.get(pk=prepared.pk).receivable_file is not None
    assert link not in approver.get(url).content.decode()


def test_a_preview_refused_for_a_missing_reference_rate_keeps_the_due_date_typed(cast):
    """No rates after the first half of 2025 here: the preview is refused saying who adds the rate, and the due
    date the official typed stays in its field."""
    recovery = _started(cast, "1 000,00")
    service.respond_to_hearing(recovery, actor=cast.lead, response="Vastaus.")
    due = (timezone.localdate() + timedelta(days=30)).isoformat()
    page = _client(cast.official).get(reverse("project-recovery", args=[cast.project.reference, recovery.pk]),
                                      {"due_on": due}).content.decode()
    assert "puuttuu vielä palvelun viitekorkotaulukosta, joten korkoa ei voi laskea" in page
    assert "palvelun ylläpitäjä lisää" in page
    assert f'<input id="due_on" name="due_on" type="date" value="{due}" required>' in page
    assert "Valmistele tämä päätös" not in page



def test_a_refused_start_says_every_problem_at_once_each_beside_its_field(cast):
    """A date the form cannot read, a missing reason and an amount above what was paid are all said on the first
    refusal, each beside its field and in the summary: the official corrects the form once."""
    _through_two_payments(cast)
    today = timezone.localdate()
    official = _client(cast.official)
    start = reverse("start-recovery", args=[cast.project.reference])
    version = re.search(r'name="version" value="([0-9a-f]{64})"', official.get(start).content.decode()).group(1)
    form = {"ground": "22:1", "amount": "9 999 999,00", "reasons": " ", "known_on": "31.2.2026",
            "deadline": (today + timedelta(days=14)).isoformat(), "version": version, "confirm": "yes"}
    refused = official.post(start, form)
    assert refused.status_code == 422
    html = refused.content.decode()
    for field in ("amount", "reasons", "known_on"):
        assert f'aria-describedby="{field}-error"' in html and f'href="#{field}"' in html
    assert re.search(r'<span class="field-error" id="amount-error">Takaisin perittävä määrä on suurempi kuin '
                     r'maksettu \([^)]+\)', html)
    assert 'id="deadline-error"' not in html and 'id="ground-error"' not in html
    assert 'value="9 999 999,00"' in html  # what was typed stays
    # Each message twice, in the summary and beside its field; not a third time in a box of its own (the walk).
    assert html.count("Takaisin perittävä määrä on suurempi kuin maksettu") == 2
    assert "Mitään ei tallennettu" not in html
    # With the date and the reasons right, the amount is still refused.
    again = official.post(start, {**form, "known_on": today.isoformat(), "reasons": "Peruste."})
    assert again.status_code == 422 and 'id="amount-error"' in again.content.decode()
    assert not Recovery.objects.exists()


def test_the_hearing_answer_and_the_start_need_the_box_ticked_and_keep_what_was_typed(cast):
    """Opening a case (the hearing request goes out) and the lead's answer (given once) cannot be undone: without
    the box ticked each is refused, the box linked from the summary and marked, nothing stored, the text kept."""
    _through_two_payments(cast)
    today = timezone.localdate()
    official, lead = _client(cast.official), _client(cast.lead)
    start = reverse("start-recovery", args=[cast.project.reference])
    version = re.search(r'name="version" value="([0-9a-f]{64})"', official.get(start).content.decode()).group(1)
    form = {"ground": "22:1", "amount": "1 000,00", "reasons": "Kustannukset eivät olleet hankkeen.",
            "known_on": today.isoformat(), "deadline": (today + timedelta(days=14)).isoformat(), "version": version}
    refused = official.post(start, form)
    assert refused.status_code == 422
    html = refused.content.decode()
    assert 'href="#confirm"' in html and 'aria-invalid="true" aria-describedby="confirm-error"' in html
    assert 'id="confirm-error">Vahvista rastittamalla ruutu' in html and "Kustannukset eivät olleet hankkeen." in html
    assert not Recovery.objects.exists() and not AuditEntry.objects.filter(action="recovery.started").exists()
    # Refused with the rest of the form's problems, at once.
    both = official.post(start, {**form, "reasons": ""}).content.decode()
    assert 'href="#confirm"' in both and 'href="#reasons"' in both
    assert official.post(start, {**form, "confirm": "yes"}).status_code == 302
    recovery = Recovery.objects.get()

    page = reverse("project-recovery", args=[cast.project.reference, recovery.pk])
    unticked = lead.post(page, {"response": "Kustannukset olivat hankkeen mukaisia."})
    assert unticked.status_code == 422
    html = unticked.content.decode()
    assert 'href="#confirm"' in html and 'aria-invalid="true" aria-describedby="confirm-error"' in html
    assert ">Kustannukset olivat hankkeen mukaisia.</textarea>" in html
    empty = lead.post(page, {"response": " "}).content.decode()
    assert 'href="#confirm"' in empty and 'href="#response"' in empty
    assert 'aria-invalid="true" aria-describedby="response-error"' in empty
    recovery.refresh_from_db()
    assert recovery.responded_at is None and not AuditEntry.objects.filter(action="recovery.response").exists()
    assert lead.post(page, {"response": "Kustannukset olivat hankkeen mukaisia.", "confirm": "yes"}).status_code == 302
    recovery.refresh_from_db()
    assert recovery.response == "Kustannukset olivat hankkeen mukaisia."


def test_a_hearing_past_its_deadline_with_no_response_says_none_was_given(cast):
    """The walk through the screens found a case decided years ago still saying "no response yet"."""
    recovery = _started(cast, "1 000,00")  # its deadline in fourteen days
    url = reverse("project-recovery", args=[cast.project.reference, recovery.pk])
    Recovery.objects.filter(pk=recovery.pk).update(hearing_deadline=timezone.localdate())
    page = _client(cast.lead, "en").get(url).content.decode()
    assert "No response yet." in page  # the deadline is today: a response may still come
    Recovery.objects.filter(pk=recovery.pk).update(hearing_deadline=date(2022, 9, 30))
    page = _client(cast.lead, "en").get(url).content.decode()
    assert "No response was given by the deadline, 30.9.2022." in page and "No response yet." not in page
