"""Hostile form input: the e-service form and the API's draft update answer 2xx/3xx or a clear 4xx, never 5xx,
and a save that is refused leaves the stored application exactly as it was.

The values are what people and scripts send: amounts like '1e9', '-0', 'NaN', '1,2,3' or forty nines,
huge strings, control characters (NUL among them, which PostgreSQL refuses to store), other scripts'
digits, missing fields, versions that are stale, negative, huge or not numbers at all. The invariant
checked is the one a user relies on: the application changes only when its version goes up.
"""

import json

import pytest
from django.db import transaction
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from avustus.applications import services
from avustus.applications.models import Application

pytestmark = pytest.mark.django_db

FUZZ = settings(max_examples=60, derandomize=True, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large, HealthCheck.filter_too_much])

NASTY_AMOUNTS = ["1e9", "1e40", "-1e40", "-0", "NaN", "sNaN", "Infinity", "-1", "1,2,3", "0,005", "12 500,00",
                 "\u00a0100", "١٢٣", "1_000", "0x10", "9" * 40, "", " ", "85000,00", "100000", "0.1e1", "€5"]
nasty_text = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=30),
    st.sampled_from(["\x00", "a\x00b", "\u202e", "<script>alert(1)</script>", "x" * 20_000, "\r\n", "\ud7ff"]),
)
amounts = st.one_of(st.sampled_from(NASTY_AMOUNTS), st.text(max_size=12),
                    st.decimals(allow_nan=True, allow_infinity=True).map(str), st.integers().map(str))
versions = st.one_of(st.integers(-3, 4).map(str), st.sampled_from(["", "abc", "1.0", "9" * 30, "-0", "٣", " 2"]))
partner_keys = st.one_of(st.sampled_from(["853", "091", "109", "", "nope", "\x00"]), st.text(max_size=8))


def _dump(application: Application) -> dict:
    """Everything a save may change, read fresh from the database."""
    application = Application.objects.get(pk=application.pk)
    return {
        "application": model_to_dict(application),
        "members": [model_to_dict(m) for m in application.members.order_by("position", "pk")],
        "budget": [model_to_dict(b) for b in application.budget_lines.order_by("position", "pk")],
    }


@pytest.fixture
def lead(open_call, hameenlinna_applicant):
    return hameenlinna_applicant


@pytest.fixture
def complete_draft(draft_application, lead):
    """The shared draft filled in completely: a save that is refused must leave all of this as it was."""
    return services.update_draft(draft_application, services.DraftChanges(
        title="Yhteinen asiointi", plan={"objectives": "Sujuva asiointi."}, partners=["853"],
        budget=[{"category": "staff", "amount_vat_free": "100000", "vat": "0"}], amount_applied="85000",
    ), actor=lead, version=1)


def _check(response, before: dict, application: Application) -> None:
    assert response.status_code < 500, response.content[:500]
    after = _dump(application)
    if after["application"]["version"] == before["application"]["version"]:
        assert after == before, "a refused save changed the application"


form_values = st.fixed_dictionaries(
    {},
    optional={
        "version": versions,
        "title": nasty_text,
        "plan.objectives": nasty_text,
        "partner": st.lists(partner_keys, max_size=3),
        "add_partner": partner_keys,
        "remove_partner": partner_keys,
        "budget.staff.vat_free": amounts,
        "budget.staff.vat": amounts,
        "budget.travel.vat_free": amounts,
        "budget.hardware.vat_free": amounts,
        "amount_applied": amounts,
        "action": st.sampled_from(["save", "submit", "autosave", "", "delete"]),
        "search_partner": st.just(""),
        "partner_query": nasty_text,
    },
)


@FUZZ
@given(values=form_values)
# Found by this test once: 500s before the fixes (Decimal overflow; NUL on PostgreSQL; a version not a number).
@example(values={"version": "2", "amount_applied": "1e40"})
@example(values={"version": "2", "title": "a\x00b", "action": "autosave"})
@example(values={"version": "abc", "title": "x"})
@example(values={"version": "2", "partner": ["\x00"]})
def test_the_e_service_form_refuses_bad_input_without_a_trace(complete_draft, lead, values):
    before = _dump(complete_draft)
    with transaction.atomic():
        client = Client(raise_request_exception=False)
        client.force_login(lead)
        response = client.post(reverse("my-application", args=[complete_draft.reference]), values)
        _check(response, before, complete_draft)
        transaction.set_rollback(True)


budget_lines = st.lists(
    st.one_of(
        st.fixed_dictionaries({"category": st.sampled_from(["staff", "travel", "hardware", "nope", ""]),
                               "amount_vat_free": amounts},
                              optional={"vat": amounts, "description": nasty_text}),
        st.dictionaries(st.text(max_size=5), st.one_of(st.none(), st.integers(), st.text(max_size=5)), max_size=3),
        st.integers(), st.none(), st.text(max_size=5),
    ),
    max_size=4,
)
json_values = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=10))
patches = st.fixed_dictionaries(
    {},
    optional={
        "version": st.one_of(st.integers(-2**40, 2**70), st.sampled_from([1, 2, 2**31, 2**63]), json_values),
        "title": st.one_of(nasty_text, json_values),
        "plan": st.one_of(st.dictionaries(st.sampled_from(["objectives", "other", ""]), st.one_of(nasty_text,
                                                                                               json_values),
                                          max_size=2), json_values),
        "partners": st.one_of(st.lists(st.one_of(partner_keys, json_values), max_size=4), json_values),
        "budget": st.one_of(budget_lines, json_values),
        "amount_applied": st.one_of(amounts, json_values),
    },
)


@FUZZ
@given(body=patches)
@example(body={"version": 2, "amount_applied": "1e40"})
@example(body={"version": 2, "budget": [{"category": "staff", "amount_vat_free": "-1e40", "description": "\x00"}]})
@example(body={"version": 2, "title": "a\x00b", "plan": {"objectives": "\x00"}})
@example(body={"version": 2, "partners": ["\x00"]})
@example(body={"version": -1, "title": "x"})
@example(body={"version": 2**63, "title": "x"})
def test_the_api_refuses_a_bad_draft_update_without_a_trace(complete_draft, lead, body):
    before = _dump(complete_draft)
    with transaction.atomic():
        client = Client(raise_request_exception=False)
        client.force_login(lead)
        response = client.patch(f"/api/v1/applications/{complete_draft.reference}", json.dumps(body),
                                content_type="application/json")
        _check(response, before, complete_draft)
        if response.status_code != 200:
            errors = json.loads(response.content)["errors"]
            assert errors and all(e["message"] for e in errors), "a refusal must say what is wrong"
        transaction.set_rollback(True)


@pytest.mark.parametrize("url", ["/applications/a%00b/", "/organisations/%00/",
                                 "/rounds/x/applications/?municipality=%00", "/api/v1/organisations?q=%00",
                                 "/api/v1/applications/%00", "/my/applications/%00/"])
def test_a_nul_character_in_a_url_is_a_bad_request_not_a_crash(url, lead, client):
    """PostgreSQL refuses text with NUL in any query; such a URL is refused before a view runs one."""
    client.force_login(lead)
    assert client.get(url).status_code == 400
