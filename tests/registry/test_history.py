"""Bodies as they were: former municipalities resolve to the body of the document's date and say what they became."""

import dataclasses
import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from avustus.decisions.importing.linking import link
from avustus.decisions.importing.parser import parse_decision
from avustus.registry.models import Organisation
from avustus.registry.resolver import Registry, load_registry, resolve
from avustus.registry.selectors import search_organisations
from avustus.registry.services import sync_registry
from tests.conftest import SEED

REGISTRY = load_registry()


def test_valtimo_resolves_to_itself_and_says_it_became_part_of_nurmes():
    result = resolve("Valtimon kunta")
    assert (result.body.code, result.body.successor_code, result.body.valid_to) == ("911", "541", date(2019, 12, 31))
    assert REGISTRY.successor(result.body).name_fi == "Nurmes"
    assert "merged into Nurmes (541)" in result.note and not result.corrected  # named while it existed


def test_a_name_of_a_body_gone_by_the_documents_date_is_resolved_and_flagged():
    result = resolve("Valtimon kunnalle", on=date(2021, 3, 1))
    assert result.body.code == "911"
    assert "no longer existed on 2021-03-01" in result.note and result.corrected
    assert not resolve("Valtimon kunnalle", on=date(2019, 6, 1)).corrected


def test_misspellings_are_corrected_only_towards_bodies_of_the_date():
    assert resolve("Honkajoen kunnnalle").body is None  # the organisational word misspelt: never corrected
    assert resolve("Honkajokki", on=date(2020, 6, 1)).body.code == "099"
    late = resolve("Honkajokki", on=date(2021, 6, 1))
    assert late.body is None


def test_a_name_shared_by_a_former_and_a_current_body_goes_to_the_one_of_the_date():
    body = REGISTRY.by_key("911")
    new = dataclasses.replace(body, key="999", code="999", valid_to=None, successor_code=None)
    registry = Registry([body, new])
    assert registry.resolve("Valtimo").body is None  # no date: both fit
    assert registry.resolve("Valtimo", on=date(2019, 1, 1)).body is None  # both existed
    assert registry.resolve("Valtimo", on=date(2020, 1, 1)).body.code == "999"


def test_municipalities_on_a_date():
    names_2019 = {b.name_fi for b in REGISTRY.municipalities(on=date(2019, 12, 31))}
    names_2020 = {b.name_fi for b in REGISTRY.municipalities(on=date(2020, 1, 1))}
    assert names_2019 - names_2020 == {"Valtimo"}
    assert "Nastola" not in names_2019 and "Nastola" in {b.name_fi for b in REGISTRY.municipalities()}


def test_resolve_command_json_for_a_former_body(capsys):
    call_command("resolve", "--json", "Valtimon kunta", "Honkajoen kunnalle", "Tampere", "Valtamo")
    out = json.loads(capsys.readouterr().out)
    assert out[0] == {"query": "Valtimon kunta", "resolved_name": "Valtimo", "kind": "municipality", "code": "911",
                      "valid_to": "2019-12-31", "successor": "541"}
    assert (out[1]["code"], out[1]["successor"], out[1]["valid_to"]) == ("099", "214", "2020-12-31")
    assert "valid_to" not in out[2] and "successor" not in out[2]
    assert set(out[3]) == {"query", "error", "candidates"}
    assert {"Valtimo", "Paltamo"} <= {c["resolved_name"] for c in out[3]["candidates"]}


def test_resolve_command_on_a_date(capsys):
    call_command("resolve", "--json", "--on", "2021-06-01", "Honkajokki", "Oululle")
    out = json.loads(capsys.readouterr().out)
    assert "candidates" in out[0] and out[1]["code"] == "564"
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("resolve", "--on", "1.1.2020", "Oulu")


def test_the_importer_reads_names_on_the_decisions_date():
    parsed = parse_decision(SEED.read_text(encoding="utf-8"))
    seen = []

    class Spy(Registry):
        def resolve(self, name, on=None):
            seen.append(on)
            return super().resolve(name, on)

    bodies, = [REGISTRY.bodies]
    link(parsed, Spy(bodies, {b.key: REGISTRY.aliases(b.key) for b in bodies if REGISTRY.aliases(b.key)}))
    assert seen and set(seen) == {date(2020, 2, 26)}


@pytest.mark.django_db
def test_sync_keeps_former_municipalities_with_their_successor():
    orgs = sync_registry()
    valtimo = orgs["911"]
    assert valtimo.valid_to == date(2019, 12, 31) and valtimo.successor == orgs["541"]
    assert not valtimo.valid_on(date(2020, 1, 1)) and orgs["541"].valid_on(date(2030, 1, 1))
    assert list(orgs["214"].predecessors.all()) == [orgs["099"]]
    sync_registry()
    assert Organisation.objects.get(key="911").successor_id == orgs["541"].pk


@pytest.mark.django_db
def test_search_offers_former_municipalities_only_on_their_dates():
    sync_registry()
    assert [o.key for o in search_organisations("Valtimo", on=date(2019, 5, 1))] == ["911"]
    assert list(search_organisations("Valtimo", on=date(2020, 5, 1))) == []
    assert "099" not in [o.key for o in search_organisations("Honka", on=date(2026, 1, 1))]


@pytest.mark.django_db
def test_search_reads_names_as_the_resolver_does():
    sync_registry()
    assert search_organisations("Vantaalle")[0].key == "092"
    assert search_organisations("Kuopion kaupunkiin")[0].key == "297"
    assert [o.key for o in search_organisations("Esbo stad")] == ["049"]
    assert search_organisations("Hämeen")[0].name_fi.startswith("Hämeen")  # prefixes as before
