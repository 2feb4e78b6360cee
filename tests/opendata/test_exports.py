"""The 2020 round's awarded grants as 360Giving JSON, CSV and XLSX: valid, the same figures, the decision's totals."""

import csv
import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from avustus.errors import Invalid, NotFound
from avustus.opendata import validation
from avustus.opendata.exports import round_export
from avustus.opendata.giving360 import json_amount

SLUG = "kuntadigi-2020-02-26"
GRANTED_2020 = Decimal("8268000.00")  # the decision's stated total of the 27 grants


def _package(lang="fi"):
    with translation.override(lang):
        exported = round_export(SLUG, "360giving", lang=lang, issued=date(2026, 11, 30))
    return json.loads(exported.content, parse_float=Decimal)


def test_the_2020_round_exports_27_grants_that_validate_and_add_up_to_the_decision(round_2020):
    data = _package()
    assert validation.problems(data) == []
    grants = data["grants"]
    assert len(grants) == 27
    assert sum(Decimal(str(g["amountAwarded"])) for g in grants) == GRANTED_2020
    assert {g["currency"] for g in grants} == {"EUR"}
    assert {g["awardDate"] for g in grants} == {"2020-02-26"}
    assert all(g["id"].startswith("360G-vm-kuntadigi-kuntadigi-2020-02-26-") for g in grants)
    assert len({g["id"] for g in grants}) == 27
    assert data["publisher"] == {"identifier": "FI-PRO-0245439-9", "name": "Valtiovarainministeriö",
                                 "website": "https://vm.fi/kuntien-digitalisaation-kannustinjarjestelma"}
    assert data["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert data["issued"] == "2026-11-30"


def test_a_grant_names_its_recipient_every_municipality_and_its_partners(round_2020):
    grants = {g["id"].rsplit("-", 1)[1]: g for g in _package()["grants"]}
    hml = grants["010"]  # Hämeenlinna's "Kaupunki taskussa" with Salo
    assert hml["recipientOrganization"] == [{"id": "360G-vm-kuntadigi-ORG-109", "name": "Hämeenlinna"}]
    assert hml["beneficiaryLocation"] == [
        {"name": "Hämeenlinna", "countryCode": "FI", "geoCode": "109"},
        {"name": "Salo", "countryCode": "FI", "geoCode": "734"},
    ]
    applied = round_2020.applications.get(reference=f"{SLUG}-010").amount_applied
    assert hml["amountAwarded"] == 112200 and Decimal(str(hml["amountAppliedFor"])) == applied
    assert hml["description"] == "Kaupunki taskussa. Hankehallinnoija: Hämeenlinna. Osatoteuttajat: Salo."
    # A sub-region stands for its recorded member municipalities, each listed once.
    kase = grants["027"]
    assert [p["geoCode"] for p in kase["beneficiaryLocation"]] == ["421", "074", "236", "849", "924"]


def test_no_personal_data_is_exported(round_2020):
    with translation.override("fi"):
        text = round_export(SLUG, "360giving", lang="fi").content.decode("utf-8")
    decision = round_2020.decisions.get()
    for person in (decision.decision_maker_name, decision.presenting_official_name):
        assert person and person not in text


def test_the_validator_checks_formats_and_reports_what_is_wrong(round_2020):
    data = _package()
    assert validation.problems(data) == []
    data["grants"][0]["awardDate"] = "26.2.2020"
    data["grants"][1]["awardDate"] = "2020-02-26T10:00:00+02:00"  # a date-time is fine too
    data["grants"][2]["currency"] = "EURO"
    del data["grants"][3]["recipientOrganization"][0]["id"]
    wrong = validation.problems(data)
    assert len(wrong) == 3
    assert wrong[0].startswith("grants/0/awardDate")
    # Without a format checker a plain date would match both branches of the oneOf and fail.
    from jsonschema import Draft202012Validator
    plain = Draft202012Validator(validation.validator().schema, registry=validation._registry())
    assert any("awardDate" in "/".join(map(str, e.absolute_path)) for e in plain.iter_errors(_package()))


def test_checking_grant_by_grant_gives_the_verdict_of_the_whole_package(round_2020):
    data = _package()
    data["grants"][5]["amountAwarded"] = "112200"
    data["grants"].append(dict(data["grants"][0]))
    del data["publisher"]["name"]
    whole = {".".join(map(str, e.absolute_path)) for e in validation.validator().iter_errors(data)}
    assert whole == {"grants", "grants.5.amountAwarded", "publisher"}
    wrong = validation.problems(data)
    assert [w.split(":")[0] for w in wrong] == ["grants", "grants/5/amountAwarded", "publisher"]
    assert validation.problems({"grants": []})[0].startswith("grants:")


def test_csv_and_xlsx_carry_the_same_figures_to_the_cent(round_2020):
    from openpyxl import load_workbook

    grants = _package()["grants"]
    with translation.override("fi"):
        csv_file = round_export(SLUG, "csv", lang="fi")
        xlsx_file = round_export(SLUG, "xlsx", lang="fi")
    assert csv_file.filename == f"{SLUG}-grants.csv" and xlsx_file.filename == f"{SLUG}-grants.xlsx"
    lines = list(csv.reader(io.StringIO(csv_file.content.decode("utf-8"))))
    header, body = lines[0], lines[1:]
    assert "Myönnetty (EUR)" in header or "Granted (EUR)" in header
    awarded = header.index("Myönnetty (EUR)") if "Myönnetty (EUR)" in header else header.index("Granted (EUR)")
    assert len(body) == 27
    assert [Decimal(r[awarded]) for r in body] == [Decimal(str(g["amountAwarded"])) for g in grants]
    assert sum(Decimal(r[awarded]) for r in body) == GRANTED_2020

    sheet = load_workbook(io.BytesIO(xlsx_file.content)).active
    cells = list(sheet.iter_rows(values_only=True))
    assert list(cells[0]) == header
    assert len(cells) == 28
    assert [Decimal(str(r[awarded])).quantize(Decimal("0.01")) for r in cells[1:]] == [Decimal(r[awarded])
                                                                                       for r in body]
    assert [r[0] for r in cells[1:]] == [r[0] for r in body]


@pytest.mark.parametrize("value", ["0.01", "112200.00", "99999999999.99", "1234567.89"])
def test_json_amounts_are_exact(value):
    assert Decimal(repr(json_amount(Decimal(value)))).quantize(Decimal("0.01")) == Decimal(value)


def test_an_unknown_round_or_format_is_refused(round_2020):
    with pytest.raises(NotFound):
        round_export("no-such-round", "csv", lang="en")
    with pytest.raises(Invalid):
        round_export(SLUG, "pdf", lang="en")


def test_the_command_writes_the_file(round_2020, tmp_path, capsys):
    from django.core.management import call_command

    target = tmp_path / "grants.json"
    call_command("export", SLUG, "--format", "360giving", "-o", str(target))
    data = json.loads(target.read_text(encoding="utf-8"))
    assert len(data["grants"]) == 27 and validation.problems(data) == []


def test_a_search_exports_only_its_awarded_grants(client, round_2020):
    from django.urls import reverse

    response = client.get(reverse("open-grants-export", args=["360giving"]), {"organisation": "109"},
                          HTTP_ACCEPT_LANGUAGE="sv")
    assert response.status_code == 200 and response["Content-Disposition"].endswith('filename="grants.json"')
    data = json.loads(response.content)
    assert validation.problems(data) == []
    # Hämeenlinna led or joined four granted projects in 2020 (011, its rejected one, is not exported).
    assert sorted(g["id"][-3:] for g in data["grants"]) == ["010", "012", "014", "039"]
    assert data["grants"][0]["beneficiaryLocation"][0]["name"] == "Tavastehus"  # the names in Swedish
    wrong = client.get(reverse("open-grants-export", args=["csv"]), {"min": "lots"})
    assert wrong.status_code == 302 and wrong["Location"].startswith(reverse("open-grants"))
    nothing = client.get(reverse("open-grants-export", args=["csv"]), {"outcome": "rejected", "min": "1"})
    assert nothing.status_code == 302


def test_an_organisation_with_a_business_id_is_named_by_it(round_2020):
    from avustus.registry.models import Organisation

    Organisation.objects.filter(code="109").update(business_id="0139793-6")
    grants = {g["id"][-3:]: g for g in _package()["grants"]}
    assert grants["010"]["recipientOrganization"][0]["id"] == "FI-PRO-0139793-6"
    assert grants["014"]["recipientOrganization"][0]["id"] == "360G-vm-kuntadigi-ORG-179"  # Jyväskylä: none known
