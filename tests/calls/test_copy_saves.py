"""A copied call saves as it is shown: what ``copy_call`` produces, the set-up screen accepts back."""

import pytest
from django.urls import reverse

from avustus.calls import services
from avustus.calls.models import Call

pytestmark = pytest.mark.django_db


def _form_as_shown(client, call) -> dict:
    """The set-up form's fields with the values the screen shows for ``call``, as a browser would send them."""
    values = services.rules_form_values(call)
    data = {name: ("" if value is None else str(value)) for name, value in values.items()
            if name not in ("lead_kinds", "partner_kinds")}
    data["lead_kinds"] = values["lead_kinds"]
    data["partner_kinds"] = values["partner_kinds"]
    data.update({part: services.part_lines(call, part) for part in services.PART_FIELDS})
    return data


def test_a_copy_of_the_2020_round_saves_unchanged_from_the_setup_screen(client, round_2020, official):
    copy = services.copy_call(round_2020, slug="kuntadigi-2021", title_fi="Yhteishankkeet 2021", actor=official)
    codes = {c for part in services.PART_FIELDS for c in getattr(copy, part).values_list("code", flat=True)}
    assert any("_" in code for code in codes)  # the imported round's codes have underscores
    client.force_login(official)
    url = reverse("officials-setup", args=[copy.slug])
    response = client.post(url, _form_as_shown(client, copy))
    assert response.status_code == 302, response.content.decode()
    assert {c for part in services.PART_FIELDS for c in getattr(Call.objects.get(pk=copy.pk), part)
            .values_list("code", flat=True)} == codes


def test_a_refused_line_names_its_list_in_the_users_language(round_2020, official):
    from django.core.exceptions import ValidationError
    from django.utils import translation

    copy = services.copy_call(round_2020, slug="kuntadigi-2021", title_fi="Yhteishankkeet 2021", actor=official)
    with translation.override("fi"), pytest.raises(ValidationError) as caught:
        services.update_call_rules(copy, {}, {"criteria": "Iso Kirjain | Vaikuttavuus"}, actor=official)
    assert caught.value.message_dict["criteria.1"][0].startswith("Arviointikriteerit, rivi 1:")
    with translation.override("sv"), pytest.raises(ValidationError) as caught:
        services.update_call_rules(copy, {}, {"cost_categories": "x"}, actor=official)
    assert caught.value.message_dict["cost_categories.1"][0].startswith("Godtagbara kostnadsslag, rad 1:")


def test_a_refused_rule_names_its_field_by_the_screens_label(client, round_2020, official):
    copy = services.copy_call(round_2020, slug="kuntadigi-2021", title_fi="Yhteishankkeet 2021", actor=official)
    client.force_login(official)
    data = _form_as_shown(client, copy)
    data.update({"min_municipalities": "kaksi", "rounding_mode": "sideways"})
    response = client.post(reverse("officials-setup", args=[copy.slug]), data)
    html = response.content.decode()
    assert "<li>Kuntia vähintään: Anna kokonaisluku.</li>" in html
    assert "<li>Pyöristys: Valitse, miten myönnettävät määrät pyöristetään.</li>" in html
