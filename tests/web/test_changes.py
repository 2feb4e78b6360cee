"""Change requests through the screens: the lead's form (errors summarised, nothing stored), an official's
approval, and a second official's confirmation only with the box ticked, naming the version shown."""

import re
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from avustus.changes.models import ChangeDecision, ChangeRequest, ProjectRevision
from avustus.projects.models import ScheduleEntry
from avustus.rules.collation import finnish_key
from tests.changes.conftest import previewed
from tests.projects.conftest import cast, person, room_for_an_extension  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def test_an_extension_beyond_the_period_of_use_is_summarised_and_nothing_stored(cast):
    response = _client(cast.lead).post(reverse("project-changes", args=[cast.project.reference]), {
        "kind": "extension", "new_end": "2022-06-30", "reasons": "Viivästys."})
    assert response.status_code == 422
    page = response.content.decode()
    assert 'href="#new-end"' in page and "period of use" in page
    assert 'value="2022-06-30"' in page  # what was typed stays in the form
    assert not ChangeRequest.objects.exists()


def test_a_bad_date_is_refused_in_words(cast):
    response = _client(cast.lead).post(reverse("project-changes", args=[cast.project.reference]), {
        "kind": "extension", "new_end": "31.12.", "reasons": "Viivästys."})
    assert response.status_code == 422 and "YYYY-MM-DD" in response.content.decode()


def test_from_request_to_amending_decision_on_the_screens(cast):
    room_for_an_extension(cast.project.call)  # an extension to 31.12.2021 allowed
    ref = cast.project.reference
    response = _client(cast.lead).post(reverse("project-changes", args=[ref]), {
        "kind": "extension", "new_end": "2021-12-31", "reasons": "Viivästys."})
    change = ChangeRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("project-change", args=[ref, change.pk])

    decide = reverse("decide-change", args=[ref, change.pk])
    _client(cast.official).post(decide, {"action": "approve", "version": "1", "reasons": "Perusteltu."})
    change.refresh_from_db()
    assert change.status == ChangeRequest.Status.APPROVED and change.version == 2

    second = _client(cast.second_official)
    page = second.get(reverse("project-change", args=[ref, change.pk])).content.decode()
    assert 'name="confirm"' in page and 'name="version" value="2"' in page
    # The decision to sign is shown first (rehearsed and rolled back: nothing changed yet).
    assert "Muutospäätös" in page and "31.12.2021" in page and "Oikaisuvaatimusohje" in page
    swedish = second.get(reverse("project-change", args=[ref, change.pk]) + "?lang=sv").content.decode()
    assert "Ändringsbeslut" in swedish
    assert not ProjectRevision.objects.exists() and not ScheduleEntry.objects.filter(due_on=date(2021, 12, 31)).exists()
    shown = re.search(r'name="shown" value="([0-9a-f]{64})"', page).group(1)
    second.post(decide, {"action": "confirm", "version": "2", "shown": shown})  # the box not ticked
    change.refresh_from_db()
    assert change.status == ChangeRequest.Status.APPROVED
    second.post(decide, {"action": "confirm", "version": "1", "confirm": "yes", "shown": shown})  # a stale version
    change.refresh_from_db()
    assert change.status == ChangeRequest.Status.APPROVED
    second.post(decide, {"action": "confirm", "version": "2", "confirm": "yes", "shown": "0" * 64})  # not as read
    change.refresh_from_db()
    assert change.status == ChangeRequest.Status.APPROVED
    second.post(decide, {"action": "confirm", "version": "2", "confirm": "yes", "shown": shown})
    change.refresh_from_db()
    assert change.status == ChangeRequest.Status.DECIDED
    decision = ChangeDecision.objects.get()
    page = _client(cast.lead).get(reverse("project-change-decision", args=[ref, decision.pk, "sv"])).content.decode()
    assert "Ändringsbeslut" in page and "31.12.2021" in page
    cast.project.refresh_from_db()
    assert cast.project.implementation_end == date(2021, 12, 31)


def test_the_versions_of_the_terms_are_listed_in_finnish(cast):
    room_for_an_extension(cast.project.call)  # an extension to 31.12.2021 allowed
    from avustus.changes import services as changes

    request = changes.submit_request(cast.project, actor=cast.lead, kind="extension", reasons="Viivästys.",
                                     new_end=date(2021, 12, 31))
    request = changes.approve_request(request, actor=cast.official, version=request.version)
    changes.confirm_request(request, actor=cast.second_official, version=request.version, confirmed=True,
                            shown=previewed(request, cast.second_official))
    client = Client()
    client.force_login(cast.partner)
    client.cookies["django_language"] = "fi"
    page = client.get(reverse("project-changes", args=[cast.project.reference])).content.decode()
    assert "Hankkeen ehtojen versiot" in page and "Alkuperäisen päätöksen mukaan" in page
    assert "30.11.2021" in page and "31.12.2021" in page
    assert "Hae muutosta" not in page  # a partner reads, the lead asks


def test_each_step_on_a_change_request_is_offered_to_exactly_those_the_service_lets_take_it(cast):
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.db import transaction

    from avustus.changes import services as changes
    from avustus.errors import DomainError

    room_for_an_extension(cast.project.call)  # an extension to 31.12.2021 allowed
    ref = cast.project.reference
    _client(cast.lead).post(reverse("project-changes", args=[ref]), {
        "kind": "extension", "new_end": "2021-12-31", "reasons": "Viivästys."})
    change = ChangeRequest.objects.get()
    steps = {
        "withdraw": lambda c, user: changes.withdraw_request(c, actor=user, version=c.version),
        "approve": lambda c, user: changes.approve_request(c, actor=user, version=c.version),
        "reject": lambda c, user: changes.reject_request(c, actor=user, version=c.version, reasons="Ei perusteltu."),
        "confirm": lambda c, user: changes.confirm_request(c, actor=user, version=c.version, confirmed=True,
                                                           shown=previewed(c, user)),
    }
    decide = reverse("decide-change", args=[ref, change.pk])

    def succeeds(step, user) -> bool:
        try:
            with transaction.atomic():
                step(ChangeRequest.objects.get(pk=change.pk), user)
                transaction.set_rollback(True)
        except (DomainError, PermissionDenied, ValidationError):
            return False
        return True

    def offers() -> dict[str, set[str]]:
        offered = {}
        for name in ("lead", "partner", "official", "second_official", "decision_maker"):
            user = getattr(cast, name)
            page = _client(user).get(reverse("project-change", args=[ref, change.pk])).content.decode()
            forms = re.findall(rf'<form method="post" action="{re.escape(decide)}"[^>]*>(.*?)</form>', page, re.S)
            shown = {a for form in forms for a in re.findall(r'name="action" value="(\w+)"', form)}
            # A rejection gives its reasons: every form with the button has the field.
            assert all('name="reasons"' in form for form in forms if 'value="reject"' in form), name
            assert shown == {step for step, call in steps.items() if succeeds(call, user)}, name
            offered[name] = shown
        return offered

    assert offers() == {"lead": {"withdraw"}, "partner": set(), "official": {"approve", "reject"},
                        "second_official": {"approve", "reject"}, "decision_maker": set()}
    changes.approve_request(change, actor=cast.official, version=change.version, reasons="Perusteltu.")
    change.refresh_from_db()
    # Who approved it may still reject it before the second official confirms it, not confirm it.
    assert offers() == {"lead": {"withdraw"}, "partner": set(), "official": {"reject"},
                        "second_official": {"confirm", "reject"}, "decision_maker": set()}


def test_only_who_approved_a_change_reads_that_they_approved_it(cast):
    from avustus.changes import services as changes
    from avustus.projects.models import FundedProject

    room_for_an_extension(cast.project.call)
    ref = cast.project.reference
    _client(cast.lead).post(reverse("project-changes", args=[ref]), {
        "kind": "extension", "new_end": "2021-12-31", "reasons": "Viivästys."})
    change = ChangeRequest.objects.get()
    url = reverse("project-change", args=[ref, change.pk])
    note = "You approved this change"

    def reads_note(user) -> bool:
        return note in _client(user).get(url).content.decode()

    # Submitted on a project no longer in progress: officials may only reject it, and none of them approved it.
    FundedProject.objects.filter(pk=cast.project.pk).update(state=FundedProject.State.CLOSED)
    assert not reads_note(cast.official) and not reads_note(cast.second_official)
    FundedProject.objects.filter(pk=cast.project.pk).update(state=FundedProject.State.IN_PROGRESS)
    changes.approve_request(change, actor=cast.official, version=change.version, reasons="Perusteltu.")
    assert reads_note(cast.official) and not reads_note(cast.second_official)


def test_the_partners_chosen_stay_chosen_when_the_form_comes_back_with_an_error(cast):
    from avustus.registry.models import Organisation

    pori = Organisation.objects.get(code="609")
    partner = next(m for m in cast.project.application.members.all() if m.role == "partner")
    response = _client(cast.lead).post(reverse("project-changes", args=[cast.project.reference]), {
        "kind": "partners", "add_partners": str(pori.pk), "remove_partners": str(partner.pk), "reasons": ""})
    assert response.status_code == 422
    page = response.content.decode()
    assert 'href="#reasons"' in page
    add = re.search(r'<select id="add-partner".*?</select>', page, re.S).group(0)
    remove = re.search(r'<select id="remove-partner".*?</select>', page, re.S).group(0)
    assert re.findall(r'<option value="(\d+)" selected>', add) == [str(pori.pk)]
    assert re.findall(r'<option value="(\d+)" selected>', remove) == [str(partner.pk)]
    assert not ChangeRequest.objects.exists()


def _options(page: str, select: str) -> list[str]:
    html = re.search(rf'<select id="{select}".*?</select>', page, re.S).group(0)
    return re.findall(r'<option value="\d+"[^>]*>([^<]*)</option>', html)


def test_the_partners_to_remove_are_named_in_the_pages_language(cast):
    from avustus.registry.models import Organisation

    # Pomarkku has no other name; were it bilingual, its Swedish name would be shown on Swedish pages.
    Organisation.objects.filter(name_fi="Pomarkku").update(name_sv="Påmark")
    url = reverse("project-changes", args=[cast.project.reference])
    swedish, finnish = _client(cast.lead), _client(cast.lead)
    swedish.cookies["django_language"], finnish.cookies["django_language"] = "sv", "fi"
    assert "Påmark" in _options(swedish.get(url).content.decode(), "remove-partner")
    assert "Pomarkku" in _options(finnish.get(url).content.decode(), "remove-partner")


def test_the_partners_offered_exist_today_named_and_sorted_in_the_pages_language(cast):
    url = reverse("project-changes", args=[cast.project.reference])
    finnish, swedish = _client(cast.lead), _client(cast.lead)
    finnish.cookies["django_language"] = "fi"
    swedish.cookies["django_language"] = "sv"
    offered_fi = _options(finnish.get(url).content.decode(), "add-partner")
    offered_sv = _options(swedish.get(url).content.decode(), "add-partner")
    # Merged away: not offered in either language.
    for ceased in ("Alahärmä", "Anjalankoski", "Jyväskylän mlk", "Houtskari", "Houtskär"):
        assert ceased not in offered_fi and ceased not in offered_sv
    # Named in Swedish where the registry has a Swedish name, in Finnish otherwise.
    assert "Kristinestad" in offered_sv and "Mariehamn" in offered_sv and "Kauhava" in offered_sv
    assert "Kristiinankaupunki" not in offered_sv and "Maarianhamina" not in offered_sv
    assert "Kristiinankaupunki" in offered_fi and "Kristinestad" not in offered_fi
    # In each language's alphabetical order: Åbo after Vörå on the Swedish page, Turku before Vöyri on the Finnish.
    assert offered_sv.index("Vörå") < offered_sv.index("Åbo")
    assert offered_fi.index("Turku") < offered_fi.index("Vöyri")
    assert offered_fi == sorted(offered_fi, key=finnish_key) and offered_sv == sorted(offered_sv, key=finnish_key)


def test_a_body_that_no_longer_exists_posted_by_hand_is_refused_on_its_field(cast):
    from avustus.registry.models import Organisation

    swedish = _client(cast.lead)
    swedish.cookies["django_language"] = "sv"
    alaharma = Organisation.objects.get(code="004")
    response = swedish.post(reverse("project-changes", args=[cast.project.reference]), {
        "kind": "partners", "add_partners": str(alaharma.pk), "reasons": "Uusi kunta mukaan."})
    assert response.status_code == 422
    page = response.content.decode()
    assert 'href="#add-partner"' in page
    assert "Alahärmä finns inte längre: den gick samman med Kauhava efter 31.12.2008." in page
    assert not ChangeRequest.objects.exists()


def test_missing_reasons_are_said_beside_their_field(cast):
    response = _client(cast.lead).post(reverse("project-changes", args=[cast.project.reference]), {
        "kind": "extension", "new_end": "2021-10-31", "reasons": " "})
    assert response.status_code == 422
    page = response.content.decode()
    assert re.search(r'<textarea id="reasons" name="reasons" rows="4" required aria-invalid="true" '
                     r'aria-describedby="reasons-error"> </textarea><span class="field-error" id="reasons-error">',
                     page)
    assert 'href="#reasons"' in page
    assert not ChangeRequest.objects.exists()


def test_a_refused_end_date_amount_or_partner_is_said_beside_its_field(cast):
    """The walk found only the reasons marked: the new end, the amount and the partners were said in the summary
    alone."""
    url = reverse("project-changes", args=[cast.project.reference])
    lead = _client(cast.lead)
    for form, field in (({"kind": "extension", "new_end": "31.2.2021"}, "new-end"),
                        ({"kind": "extension", "new_end": "2021-10-31"}, "new-end"),
                        ({"kind": "budget"}, "amount"),
                        ({"kind": "partners"}, "add-partner")):
        page = lead.post(url, {**form, "reasons": "Perusteltu."}).content.decode()
        assert re.search(rf'id="{field}"[^>]* aria-invalid="true" aria-describedby="{field}-error"', page), form
        assert f'<span class="field-error" id="{field}-error">' in page, form
    assert not ChangeRequest.objects.exists()
