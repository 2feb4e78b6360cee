"""The e-service screens: from the call's page to a receipt, with the same rules as the services."""

import pytest
from django.urls import reverse

from avustus.applications.models import Application

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in_hameenlinna(client, hameenlinna_applicant):
    """Hämeenlinna's applicant, signed in on ``client``."""
    client.force_login(hameenlinna_applicant)
    return hameenlinna_applicant


def _start(client, open_call, key="k1"):
    return client.post(reverse("start-application", args=[open_call.slug]), {"organisation": "109", "key": key})


def _form(application, **extra):
    data = {
        "version": application.version, "title": "Yhteinen asiointi", "plan.objectives": "Sujuva asiointi.",
        "partner": ["853"], "budget.staff.vat_free": "80 000,00", "budget.staff.vat": "0",
        "budget.services.vat_free": "20000", "budget.services.vat": "4800", "amount_applied": "85000,00",
        "action": "save",
    }
    data.update(extra)
    return data


def test_the_call_page_tells_who_may_apply_and_the_deadline(client, open_call):
    html = client.get(reverse("call", args=[open_call.slug])).content.decode()
    assert "Vähintään 2 kunnan yhteishankkeet" in html
    assert open_call.closes_at.strftime("%Y") in html
    assert client.get(reverse("calls")).status_code == 200


def test_the_call_page_says_every_month_for_a_one_month_interval(client, open_call):
    open_call.reporting_interval_months = 1
    open_call.save()
    assert "kuukauden välein" in client.get(reverse("call", args=[open_call.slug])).content.decode()
    assert "1 kuukauden" not in client.get(reverse("call", args=[open_call.slug])).content.decode()
    client.post(reverse("set_language"), {"language": "sv", "next": "/"})
    assert "varje månad" in client.get(reverse("call", args=[open_call.slug])).content.decode()
    open_call.reporting_interval_months = 4
    open_call.save()
    assert "med 4 månaders mellanrum" in client.get(reverse("call", args=[open_call.slug])).content.decode()


def test_from_draft_to_receipt(client, open_call, signed_in_hameenlinna):
    response = _start(client, open_call)
    application = Application.objects.get()
    assert response.url == reverse("my-application", args=[application.reference])
    assert _start(client, open_call).url == response.url and Application.objects.count() == 1  # a double click
    saved = client.post(response.url, _form(application, partner=[], add_partner="853"))
    assert saved.status_code == 302
    application.refresh_from_db()
    assert application.version == 2 and application.amount_applied == 85000
    assert [m.organisation.code for m in application.members.order_by("position")] == ["109", "853"]
    submitted = client.post(response.url, _form(application, action="submit"))
    assert submitted.url == reverse("receipt", args=[application.reference])
    receipt = client.get(submitted.url).content.decode()
    assert application.reference in receipt and "85\u00a0000,00\u00a0€" in receipt
    copy = client.get(reverse("application-copy", args=[application.reference]))
    assert copy.status_code == 200 and copy.content.startswith(b"%PDF")


def test_a_breach_is_shown_on_the_form_and_nothing_is_submitted(client, open_call, signed_in_hameenlinna):
    url = _start(client, open_call).url
    application = Application.objects.get()
    response = client.post(url, _form(application, amount_applied="85000,01", partner=[], action="submit"))
    assert response.status_code == 422
    html = response.content.decode()
    assert 'role="alert"' in html and "85\u00a0000,00" in html
    assert Application.objects.get().status == "draft"


def test_a_stale_form_does_not_overwrite(client, open_call, signed_in_hameenlinna):
    url = _start(client, open_call).url
    application = Application.objects.get()
    client.post(url, _form(application, title="Ensimmäinen"))
    stale = client.post(url, _form(application, title="Toinen"), follow=True)
    assert Application.objects.get().title == "Ensimmäinen"
    assert "version 2" in stale.content.decode() or "versio 2" in stale.content.decode()


def test_another_organisations_user_gets_404_on_every_screen(client, open_call, signed_in_hameenlinna, applicant_of):
    url = _start(client, open_call).url
    reference = Application.objects.get().reference
    client.force_login(applicant_of("091"))
    for page in (url, reverse("receipt", args=[reference]), reverse("application-copy", args=[reference])):
        assert client.get(page).status_code == 404
    assert client.post(reverse("withdraw-application", args=[reference])).status_code == 404
    assert client.post(url, {"version": 1, "title": "x", "action": "save"}).status_code == 404


def test_autosave_answers_json_and_detects_a_stale_version(client, open_call, signed_in_hameenlinna):
    url = _start(client, open_call).url
    application = Application.objects.get()
    saved = client.post(url, _form(application, action="autosave", title="Kesken"))
    assert saved.status_code == 200 and saved.json()["version"] == 2
    assert Application.objects.get().title == "Kesken"
    stale = client.post(url, _form(application, action="autosave", title="Vanha"))
    assert stale.status_code == 409 and "versio 2" in stale.json()["error"]
    bad = client.post(url, _form(Application.objects.get(), action="autosave", amount_applied="paljon"))
    assert bad.status_code == 422 and "amount_applied" in bad.json()["errors"]
    assert Application.objects.get().title == "Kesken"


def test_documents_are_attached_by_content_and_downloaded_as_attachments(client, open_call, signed_in_hameenlinna,
                                                                         settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}}}
    url = _start(client, open_call).url
    reference = Application.objects.get().reference
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    fake = SimpleUploadedFile("suunnitelma.pdf", b"<html><script>alert(1)</script></html>", "application/pdf")
    refused = client.post(reverse("add-attachment", args=[reference]), {"file": fake}, follow=True)
    assert "PDF, ODT" in refused.content.decode() and not Application.objects.get().attachments.exists()
    good = SimpleUploadedFile("suunnitelma.pdf", pdf, "application/pdf")
    client.post(reverse("add-attachment", args=[reference]), {"file": good})
    attachment = Application.objects.get().attachments.get()
    assert reverse("attachment", args=[reference, attachment.pk]) in client.get(url).content.decode()
    download = client.get(reverse("attachment", args=[reference, attachment.pk]))
    assert download["Content-Disposition"].startswith("attachment") and download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == pdf
    client.post(reverse("remove-attachment", args=[reference, attachment.pk]))
    assert not Application.objects.get().attachments.filter(removed_at__isnull=True).exists()


def test_a_decided_call_links_its_decisions(client, round_2020):
    html = client.get(reverse("call", args=[round_2020.slug])).content.decode()
    assert reverse("round", args=[round_2020.slug]) in html


def test_withdrawing_asks_for_confirmation_on_the_screen(client, open_call, signed_in_hameenlinna):
    url = _start(client, open_call).url
    application = Application.objects.get()
    client.post(url, _form(application, action="submit"))
    page = client.get(url).content.decode()
    assert 'name="confirm" value="yes" required' in page
    withdraw = reverse("withdraw-application", args=[application.reference])
    response = client.post(withdraw, follow=True)  # the box left unticked: nothing happens
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert Application.objects.get().status == "submitted"
    client.post(withdraw, {"confirm": "yes"})
    assert Application.objects.get().status == "withdrawn"


def _summary_items(html: str) -> list[str]:
    import re

    summary = html[html.index('id="errors"'):]
    summary = summary[:summary.index("</div>")]
    return re.findall(r"<li>(.*?)</li>", summary, re.S)


def test_the_error_summary_links_each_problem_to_its_field_by_its_label(client, open_call, signed_in_hameenlinna):
    url = _start(client, open_call).url
    application = Application.objects.get()
    response = client.post(url, _form(application, title="", partner=[], action="submit", **{"plan.objectives": ""}))
    assert response.status_code == 422
    items = _summary_items(response.content.decode())
    assert '<a href="#title">Hankkeen nimi</a>: Tämä kenttä on pakollinen. Täytä se.' in items
    assert any(i.startswith('<a href="#plan-objectives">Tavoitteet</a>:') for i in items)
    assert any(i.startswith('<a href="#partner_query">Hakijaryhmä</a>:') for i in items)
    assert not any("<code>" in i or "plan.objectives" in i for i in items)
    # Every link leads to an input that is on the page.
    html = response.content.decode()
    for target in ("title", "plan-objectives", "partner_query"):
        assert f'id="{target}"' in html


def test_the_error_summary_is_in_swedish_for_a_swedish_user(client, open_call, signed_in_hameenlinna):
    client.cookies["django_language"] = "sv"
    url = _start(client, open_call).url
    application = Application.objects.get()
    response = client.post(url, _form(application, title="", action="submit"))
    items = _summary_items(response.content.decode())
    assert any(i.startswith('<a href="#title">Projektets namn</a>:') for i in items)


def test_a_negative_amount_is_refused_as_negative_and_linked_to_its_budget_cell(client, open_call,
                                                                                signed_in_hameenlinna):
    url = _start(client, open_call).url
    application = Application.objects.get()
    response = client.post(url, _form(application, **{"budget.services.vat": "-4800"}))
    assert response.status_code == 422
    items = _summary_items(response.content.decode())
    assert items == ['<a href="#budget-services-vat">palvelujen ostot, alv</a>: Summa ei voi olla negatiivinen.']
    assert 'id="budget-services-vat"' in response.content.decode()
    assert Application.objects.get().version == application.version  # nothing saved
    amount = client.post(url, _form(application, amount_applied="-1"))
    assert _summary_items(amount.content.decode()) == [
        '<a href="#amount_applied">Haettu määrä, euroa</a>: Summa ei voi olla negatiivinen.']


@pytest.fixture
def granted_2020(client, round_2020, applicant_of):
    """The lead of a granted 2020 application (Sastamala, 087300 €), logged in to the e-service."""
    client.force_login(applicant_of("837"))
    return Application.objects.get(reference="kuntadigi-2020-02-26-041")


def test_after_the_decision_the_applicants_list_shows_the_outcome_and_amount(client, granted_2020):
    html = client.get(reverse("my-applications")).content.decode()
    row = html[html.index(granted_2020.reference):]
    row = row[:row.index("</tr>")]
    assert "Päätetty: myönnetty" in row and "87\u00a0300,00\u00a0€" in row
    assert "lähetetty" not in row.lower()


def test_after_the_decision_the_application_shows_letter_and_next_steps_and_no_withdrawal(client, granted_2020):
    url = reverse("my-application", args=[granted_2020.reference])
    html = client.get(url).content.decode()
    assert "87\u00a0300,00\u00a0€" in html and "Päätetty: myönnetty" in html
    for lang in ("fi", "sv"):
        for fmt in ("html", "pdf"):
            assert reverse("letter", args=[granted_2020.reference, lang, fmt]) in html
    # What follows a grant, in the call's own words: payment applications and reporting.
    assert "maksatushakemusten perusteella" in html and "loppuraportti" in html.lower()
    assert reverse("withdraw-application", args=[granted_2020.reference]) not in html
    letter = client.get(reverse("letter", args=[granted_2020.reference, "sv", "html"]))
    assert letter.status_code == 200 and "BESLUT OM ANSÖKAN OM STATSUNDERSTÖD" in letter.content.decode()


def test_the_next_steps_are_in_swedish_for_a_swedish_user(client, granted_2020):
    client.cookies["django_language"] = "sv"
    html = client.get(reverse("my-application", args=[granted_2020.reference])).content.decode()
    assert "Beslut fattat: beviljad" in html
    assert "Vad händer härnäst" in html and "utbetalningsansökningar" in html


def test_a_submitted_application_without_a_decision_can_still_be_withdrawn(client, open_call, signed_in_hameenlinna):
    url = _start(client, open_call).url
    application = Application.objects.get()
    client.post(url, _form(application, action="submit"))
    html = client.get(url).content.decode()
    assert reverse("withdraw-application", args=[application.reference]) in html
    assert "Mitä seuraavaksi" not in html


def test_starting_again_on_the_screens_reuses_the_users_empty_draft(client, open_call, signed_in_hameenlinna,
                                                                    applicant_of):
    first = _start(client, open_call, key="k1").url
    assert _start(client, open_call, key="k2").url == first  # another click, another page load
    assert Application.objects.count() == 1
    # Once something is written in it, the next click starts a new application.
    application = Application.objects.get()
    client.post(first, {"version": application.version, "title": "Ensimmäinen hanke", "action": "save"})
    second = _start(client, open_call, key="k3").url
    assert second != first and Application.objects.count() == 2
    # A colleague's empty draft is theirs: the colleague's click makes their own.
    colleague = applicant_of("109", username="kollega")
    client.force_login(colleague)
    assert _start(client, open_call, key="k4").url not in (first, second)
    assert Application.objects.count() == 3


def test_the_api_still_creates_a_draft_per_request(open_call, signed_in_hameenlinna):
    from avustus.applications.services import create_draft
    from avustus.registry.models import Organisation

    organisation = Organisation.objects.get(code="109")
    one = create_draft(open_call, actor=signed_in_hameenlinna, organisation=organisation)
    two = create_draft(open_call, actor=signed_in_hameenlinna, organisation=organisation)
    assert one.pk != two.pk


def test_a_refused_save_shows_what_was_typed_to_be_corrected(client, open_call, signed_in_hameenlinna):
    url = _start(client, open_call).url
    application = Application.objects.get()
    response = client.post(url, _form(application, title="Uusi nimi", amount_applied="-5",
                                      **{"budget.services.vat": "-4800", "plan.objectives": "Kirjoitettu teksti"}))
    assert response.status_code == 422
    html = response.content.decode()
    assert 'value="Uusi nimi"' in html and 'value="-5"' in html and 'value="-4800"' in html
    assert ">Kirjoitettu teksti</textarea>" in html
    assert Application.objects.get().title == ""  # nothing was stored


def test_a_draft_changed_meanwhile_is_a_message_on_the_form_when_the_service_says_conflict(
        client, draft_application, hameenlinna_applicant, monkeypatch):
    # The services' domain error (avustus.errors.Conflict) is handled like the draft's own conflict error.
    from avustus.applications import services
    from avustus.errors import Conflict

    def stale(*args, **kwargs):
        raise Conflict("Hakemusta on muutettu sillä välin.")

    monkeypatch.setattr(services, "update_draft", stale)
    client.force_login(hameenlinna_applicant)
    url = reverse("my-application", args=[draft_application.reference])
    response = client.post(url, {"version": str(draft_application.version), "title": "Uusi"}, follow=True)
    assert response.redirect_chain == [(url, 302)]
    assert "Hakemusta on muutettu sillä välin." in [str(m) for m in response.context["messages"]]
    autosave = client.post(url, {"action": "autosave", "version": str(draft_application.version)})
    assert autosave.status_code == 409


def test_the_partner_search_reads_case_forms_and_offers_no_former_municipality(
        client, open_call, signed_in_hameenlinna):
    application = Application.objects.get(reference=_start(client, open_call).url.rstrip("/").split("/")[-1])
    url = reverse("my-application", args=[application.reference])
    for query, offered, not_offered in [("Vantaalle", "092", None), ("Valtimo", None, "911"),
                                        ("Honkajoki", None, "099")]:
        html = client.post(url, _form(application, action="save", search_partner="", partner_query=query,
                                      version=Application.objects.get(pk=application.pk).version)).content.decode()
        if offered:
            assert f'name="add_partner" value="{offered}"' in html, query
        if not_offered:  # merged before the call's deadline: not a partner for a new project
            assert f'name="add_partner" value="{not_offered}"' not in html, query
            assert 'aria-label="Hakutulokset"' in html  # the search did run


def test_withdrawal_is_offered_to_the_leads_people_only_as_the_service_accepts_it(client, open_call,
                                                                                   signed_in_hameenlinna,
                                                                                   applicant_of):
    from django.db import transaction
    from django.test import Client

    from avustus.applications import services
    from avustus.errors import DomainError

    url = _start(client, open_call).url
    application = Application.objects.get()
    client.post(url, _form(application, action="submit"))
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    partner = applicant_of("853", "turku-hakija")  # Turku, the partner the form names
    withdraw_url = reverse("withdraw-application", args=[application.reference])
    for user, offered in ((signed_in_hameenlinna, True), (partner, False)):
        reader = Client()
        reader.force_login(user)
        page = reader.get(url)
        assert page.status_code == 200
        assert (withdraw_url in page.content.decode()) is offered
        try:
            with transaction.atomic():
                services.withdraw(application, actor=user)
                transaction.set_rollback(True)
            withdrawn = True
        except DomainError:
            withdrawn = False
        assert withdrawn is offered
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


def test_a_draft_is_offered_withdrawal_exactly_to_those_the_service_lets_withdraw_it(client, open_call,
                                                                                   signed_in_hameenlinna, applicant_of):
    from avustus.applications import services
    from avustus.registry.models import Organisation
    from tests.web.steps import page_as, succeeds

    url = _start(client, open_call).url
    application = Application.objects.get()
    client.post(url, _form(application))  # Turku a partner, and allowed to edit: the draft's form is its page too
    turku = applicant_of("853")
    services.set_partner_editing(application, Organisation.objects.get(code="853"), actor=signed_in_hameenlinna,
                                 allowed=True)
    withdraw = reverse("withdraw-application", args=[application.reference])
    offered = {}
    for name, user in (("lead", signed_in_hameenlinna), ("partner", turku)):
        page = page_as(user, url)
        assert 'name="action" value="save"' in page  # both see the draft's form
        accepted = succeeds(lambda user=user: services.withdraw(Application.objects.get(), actor=user))
        assert (withdraw in page) == accepted, name
        offered[name] = accepted
    assert offered == {"lead": True, "partner": False}
    assert Application.objects.get().status == "draft"  # the tries were rolled back


def test_withdrawing_a_draft_asks_for_the_same_confirmation_on_the_screen(client, open_call, signed_in_hameenlinna):
    url = _start(client, open_call).url
    application = Application.objects.get()
    withdraw = reverse("withdraw-application", args=[application.reference])
    page = client.get(url).content.decode()
    form = page[page.index(f'action="{withdraw}"'):]
    form = form[:form.index("</form>")]
    assert 'type="checkbox" name="confirm" value="yes" required' in form
    assert "Perun hakemuksen. Perumista ei voi jälkikäteen kumota." in form and "Peru hakemus" in form
    assert "peru luonnos" in page
    response = client.post(withdraw, follow=True)  # the box left unticked: nothing happens
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert Application.objects.get().status == "draft"
    response = client.post(withdraw, {"confirm": "yes"}, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["success"]
    assert Application.objects.get().status == "withdrawn"
    page = response.content.decode()
    assert withdraw not in page and 'name="action" value="save"' not in page  # nothing left to edit or withdraw


def test_the_drafts_withdrawal_is_in_swedish_for_a_swedish_user(client, open_call, signed_in_hameenlinna):
    url = _start(client, open_call).url
    client.cookies["django_language"] = "sv"
    page = client.get(url).content.decode()
    for text in ("Återtagande av ansökan", "återta utkastet", "Jag återtar ansökan. Återtagandet kan inte ångras.",
                 "Återta ansökan"):
        assert text in page
