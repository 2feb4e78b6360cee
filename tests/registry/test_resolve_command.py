"""``avustus resolve NAME... --json``: one object per name, in order, resolved or reported."""

import json

from django.core.management import call_command


def test_json_array_with_one_object_per_name(capsys):
    call_command("resolve", "--json", "Hämeenlinnan kaupungille", "Pargas stad", "seurantajäsenet", "Mäntälä")
    out = json.loads(capsys.readouterr().out)
    assert [o["query"] for o in out] == ["Hämeenlinnan kaupungille", "Pargas stad", "seurantajäsenet", "Mäntälä"]
    assert out[0] == {"query": "Hämeenlinnan kaupungille", "resolved_name": "Hämeenlinna", "kind": "municipality",
                      "code": "109"}
    assert out[1]["code"] == "445"
    assert set(out[2]) == {"query", "error", "candidates"} and "group" in out[2]["error"]
    assert out[3]["resolved_name"] == "Mäntsälä"


def test_plain_output_says_what_was_not_resolved(capsys):
    call_command("resolve", "Keusote", "Kaupunki")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Keusote: Keski-Uudenmaan sote-kuntayhtymä")
    assert "not resolved" in lines[1]
