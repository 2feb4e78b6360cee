"""Officials edit the texts of a call; nobody else can, and signed documents keep theirs."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from avustus.audit.models import AuditEntry
from avustus.calls.services import update_call_texts

pytestmark = pytest.mark.django_db


def test_an_official_changes_a_text_and_it_is_audited(round_2020, official):
    update_call_texts(round_2020, {"instructions": {"fi": "Uusi ohje.", "sv": "Ny anvisning."}}, actor=official)
    round_2020.refresh_from_db()
    assert round_2020.texts["instructions"] == {"fi": "Uusi ohje.", "sv": "Ny anvisning."}
    entry = AuditEntry.objects.get(action="call.texts_changed")
    assert entry.data["after"]["instructions"]["fi"] == "Uusi ohje." and entry.actor == official


def test_others_cannot_and_bad_input_changes_nothing(round_2020, official):
    reviewer = get_user_model().objects.create(username="arvioija")
    before = dict(round_2020.texts)
    with pytest.raises(PermissionDenied):
        update_call_texts(round_2020, {"instructions": {"fi": "x"}}, actor=reviewer)
    with pytest.raises(ValidationError):
        update_call_texts(round_2020, {"no-such-text": {"fi": "x"}}, actor=official)
    with pytest.raises(ValidationError):
        update_call_texts(round_2020, {"instructions": {"de": "x"}}, actor=official)
    round_2020.refresh_from_db()
    assert round_2020.texts == before


def test_the_screen_saves_and_is_hidden_from_others(client, round_2020, official):
    url = reverse("call-texts", args=[round_2020.slug])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(get_user_model().objects.create(username="someone"))
    assert client.get(url).status_code == 404
    client.force_login(official)
    assert "instructions.sv" in client.get(url).content.decode()
    response = client.post(url, {"instructions.fi": "Ohje <b>tässä</b>.", "instructions.sv": "Anvisning."})
    assert response.status_code == 302
    round_2020.refresh_from_db()
    assert round_2020.texts["instructions"]["fi"] == "Ohje <b>tässä</b>."
    assert "Ohje &lt;b&gt;tässä&lt;/b&gt;." in client.get(url).content.decode()


def test_a_plan_fields_label_falls_back_to_finnish_and_then_to_its_key():
    from avustus.calls.texts import plan_field_label

    field = {"key": "objectives", "label": {"fi": "Tavoitteet", "sv": "Mål"}}
    assert plan_field_label(field, "sv") == "Mål"
    assert plan_field_label(field, "en") == "Tavoitteet"
    assert plan_field_label({"key": "objectives", "label": {"sv": "Mål"}}, "fi") == "objectives"
    assert plan_field_label({"key": "objectives"}, "sv") == "objectives"


def test_the_screen_offers_saving_only_to_those_the_service_lets_save(client, round_2020, official):
    from avustus.accounts.models import Role
    from avustus.accounts.services import grant_role
    from avustus.actors import SYSTEM

    url = reverse("call-texts", args=[round_2020.slug])
    for role, saves in ((Role.DECISION_MAKER, False), (Role.AUDITOR, False), (Role.OFFICIAL, True)):
        user = get_user_model().objects.create(username=f"lukija-{role}")
        grant_role(user, role, actor=SYSTEM, programme=round_2020.programme)
        client.force_login(user)
        client.cookies["django_language"] = "en"
        page = client.get(url).content.decode()
        assert "instructions.sv" in page  # every official of the programme reads them
        assert ("Save texts</button>" in page) is saves, role
        assert (" readonly>" not in page) is saves, role
        try:
            update_call_texts(round_2020, {"instructions": {"fi": f"Ohje {role}."}}, actor=user)
            saved = True
        except PermissionDenied:
            saved = False
        assert saved is saves, role
