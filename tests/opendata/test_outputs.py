"""The public reuse catalogue: only checked outputs, by kind and municipality, licences shown and non-open
flagged, in fi and sv without login; the JSON export on the web and as a command; a fixed number of queries."""

import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from avustus.reports.outputs import add_output, check_output
from tests.projects.conftest import cast, person, small_round  # noqa: F401 (fixtures)

REPO = "https://github.com/example/ajanvaraus"


@pytest.fixture
def catalogue(cast):
    tool = check_output(add_output(cast.project, actor=cast.lead, kind="software", title="Ajanvaraus",
                                   address=REPO, licence="EUPL-1.2"), actor=cast.official)
    model = check_output(add_output(cast.project, actor=cast.lead, kind="vocabulary", title="Asiakastietomalli",
                                    address="https://tietomallit.suomi.fi/model/asiakas", licence="CC-BY-4.0"),
                         actor=cast.official)
    closed = check_output(add_output(cast.project, actor=cast.lead, kind="document", title="Suljettu opas",
                                     licence="LicenseRef-own"), actor=cast.official)
    add_output(cast.project, actor=cast.lead, kind="document", title="Tarkastamaton luonnos")  # not public yet
    return cast, {"tool": tool, "model": model, "closed": closed}


@pytest.mark.parametrize(("lang", "words"), [("fi", ["Uudelleenkäyttö", "ei avoin lisenssi", "Kankaanpää"]),
                                             ("sv", ["Återanvändning", "inte en öppen licens", "Kankaanpää"])])
def test_the_catalogue_shows_checked_outputs_in_fi_and_sv_without_login(client, catalogue, lang, words):
    response = client.get(reverse("open-outputs"), HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200
    titles = [r.output.title for r in response.context["rows"]]
    assert sorted(titles) == ["Ajanvaraus", "Asiakastietomalli", "Suljettu opas"]
    text = response.content.decode()
    for word in words:
        assert word in text
    assert "EUPL-1.2" in text and REPO in text and "Tarkastamaton" not in text
    flags = {r.output.title: r.open_licence for r in response.context["rows"]}
    assert flags == {"Ajanvaraus": True, "Asiakastietomalli": True, "Suljettu opas": False}


def test_search_by_kind_municipality_and_words(client, catalogue):
    cast, _outputs = catalogue
    def titles(**params):
        return sorted(r.output.title for r in client.get(reverse("open-outputs"), params).context["rows"])
    assert titles(kind="vocabulary") == ["Asiakastietomalli"]
    assert titles(kind="nonsense") == ["Ajanvaraus", "Asiakastietomalli", "Suljettu opas"]
    honkajoki = next(m.organisation.key for m in cast.project.application.members.all()
                     if m.organisation and m.organisation.name_fi == "Honkajoki")
    assert len(titles(organisation=honkajoki)) == 3
    assert titles(organisation="091") == []  # Helsinki took no part
    assert titles(q="ajanvar") == ["Ajanvaraus"]


def test_the_json_export_on_the_web_and_as_a_command(client, catalogue, tmp_path):
    cast, _outputs = catalogue
    response = client.get(reverse("open-outputs-json"), {"kind": "software"})
    document = json.loads(response.content)
    assert response["Content-Type"] == "application/json"
    assert [(o["title"], o["licence"], o["openLicence"], o["address"]) for o in document["outputs"]] == [
        ("Ajanvaraus", "EUPL-1.2", True, REPO)]
    assert document["outputs"][0]["project"]["reference"] == cast.project.reference
    assert "kankaanpaa" not in response.content.decode()  # no user who entered or checked it
    target = tmp_path / "outputs.json"
    with translation.override("en"):
        call_command("export_outputs", "-o", str(target))
    written = json.loads(target.read_text("utf-8"))
    assert {o["title"]: o["openLicence"] for o in written["outputs"]} == {
        "Ajanvaraus": True, "Asiakastietomalli": True, "Suljettu opas": False}


def test_the_catalogue_takes_a_fixed_number_of_queries(client, catalogue):
    cast, _outputs = catalogue
    with CaptureQueriesContext(connection) as three:
        client.get(reverse("open-outputs"))
    for i in range(5):
        check_output(add_output(cast.project, actor=cast.lead, kind="document", title=f"Opas {i}",
                                licence="CC0-1.0"), actor=cast.official)
    with CaptureQueriesContext(connection) as eight:
        response = client.get(reverse("open-outputs"))
    assert len(response.context["rows"]) == 8
    assert len(eight) == len(three)
