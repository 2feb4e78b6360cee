"""Setting up a call: every rule is data, bad input changes nothing, and publishing freezes the rules."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError

from avustus.audit.models import AuditEntry
from avustus.calls import services
from avustus.calls.models import Call

pytestmark = pytest.mark.django_db

PARTS = {
    "criteria": "impact | Vaikuttavuus | Effekt | 2 | 5\nfeasibility | Toteutettavuus | Genomförbarhet | 1 | 4",
    "exclusions": "sote | Sosiaali- ja terveydenhuolto | Social- och hälsovård | sote, terveyden | vård",
    "groups": "aurora | AuroraAI | AuroraAI | Yhteistyö AuroraAI-ohjelman kanssa | Samarbete",
    "cost_categories": "staff | henkilöstökustannukset | personalkostnader\nhardware | laitteet | utrustning | no",
}


@pytest.fixture
def draft_call(open_call, official_of):
    """A new draft call of the open call's programme, and the official who created it."""
    official = official_of(open_call)
    call = services.create_call(open_call.programme, slug="kuntadigi-2027", title_fi="Yhteishankkeet 2027",
                                actor=official)
    return call, official


def test_rules_are_saved_as_data_with_their_lists(draft_call):
    call, official = draft_call
    services.update_call_rules(call, {
        "appropriation": "30 000 000,00", "aid_rate": "85", "rounding_unit": "100", "rounding_mode": "down",
        "opens_at": "2027-10-01T08:00", "closes_at": "2027-12-19T16:15", "min_municipalities": "2",
        "lead_kinds": ["municipality"], "partner_kinds": ["municipality", "joint_authority"],
        "implementation_end": "2029-11-30", "reporting_interval_months": "4", "instalments": "4",
    }, PARTS, actor=official)
    call.refresh_from_db()
    assert call.appropriation == Decimal("30000000.00") and call.aid_rate == Decimal("0.8500")
    assert call.instalments == 4
    assert call.closes_at.isoformat() == "2027-12-19T14:15:00+00:00"  # 16.15 in Helsinki, winter time
    assert [(c.code, c.weight, c.scale_max) for c in call.criteria.order_by("position")] == [
        ("impact", Decimal("2.00"), 5), ("feasibility", Decimal("1.00"), 4)]
    assert call.exclusions.get().keywords_fi == ["sote", "terveyden"]
    assert list(call.cost_categories.filter(eligible=False).values_list("code", flat=True)) == ["hardware"]
    assert services.part_lines(call, "criteria").splitlines()[0] == "impact | Vaikuttavuus | Effekt | 2.00 | 5"
    assert AuditEntry.objects.filter(action="call.rules_changed").exists()


@pytest.mark.parametrize(("values", "parts", "field"), [
    ({"appropriation": "kolme"}, {}, "appropriation"),
    ({"aid_rate": "120"}, {}, "aid_rate"),
    ({"rounding_mode": "sideways"}, {}, "rounding_mode"),
    ({"instalments": "0"}, {}, "instalments"),
    ({"instalments": "kolme"}, {}, "instalments"),
    ({"opens_at": "2027-12-20T00:00", "closes_at": "2027-12-19T16:15"}, {}, "closes_at"),
    ({"lead_kinds": ["company"]}, {}, "lead_kinds"),
    ({}, {"criteria": "impact | Vaikuttavuus | | -1 | 5"}, "criteria.1"),
    ({}, {"criteria": "x | A\nx | B"}, "criteria.2"),
    ({}, {"groups": "Ryhmä ilman tunnusta"}, "groups.1"),
])
def test_bad_rules_are_refused_by_field_and_nothing_changes(draft_call, values, parts, field):
    call, official = draft_call
    before = (Call.objects.filter(pk=call.pk).values().get(), services.part_lines(call, "criteria"))
    with pytest.raises(ValidationError) as caught:
        services.update_call_rules(call, values, parts, actor=official)
    assert field in caught.value.message_dict
    assert (Call.objects.filter(pk=call.pk).values().get(), services.part_lines(call, "criteria")) == before


def test_a_published_call_keeps_the_rules_applicants_relied_on(open_call, official_of):
    official = official_of(open_call)
    with pytest.raises(ValidationError):
        services.update_call_rules(open_call, {"aid_rate": "100"}, {}, actor=official)
    open_call.refresh_from_db()
    assert open_call.aid_rate == Decimal("0.85")


def test_only_officials_set_up_calls(draft_call):
    call, _official = draft_call
    with pytest.raises(PermissionDenied):
        services.update_call_rules(call, {"aid_rate": "50"}, {}, actor=get_user_model().objects.create(username="x"))


def test_a_copy_needs_a_well_formed_free_identifier(draft_call):
    call, official = draft_call
    for slug in ("Iso Haku", "kuntadigi-2027", ""):
        with pytest.raises(ValidationError) as caught:
            services.copy_call(call, slug=slug, title_fi="Kopio", actor=official)
        assert "slug" in caught.value.message_dict
    assert services.copy_call(call, slug="kuntadigi-2028", title_fi="Kopio", actor=official).status == Call.Status.DRAFT


def test_saving_and_publishing_is_one_step_nothing_saved_if_publishing_is_refused(draft_call):
    call, official = draft_call
    # No deadline yet: publishing is refused, and the rules on the screen are not saved either.
    with pytest.raises(ValidationError):
        services.save_and_publish(call, {"aid_rate": "50"}, {"cost_categories": "staff | henkilöstö | personal"},
                                  actor=official)
    call.refresh_from_db()
    assert call.status == Call.Status.DRAFT and call.aid_rate != Decimal("0.5000")
    assert not AuditEntry.objects.filter(action="call.rules_changed").exists()

    published = services.save_and_publish(
        call, {"aid_rate": "50", "opens_at": "2027-10-01T08:00", "closes_at": "2027-12-19T16:15"},
        {"cost_categories": "staff | henkilöstö | personal"}, actor=official)
    call.refresh_from_db()
    assert published.status == call.status == Call.Status.PUBLISHED and call.aid_rate == Decimal("0.5000")
