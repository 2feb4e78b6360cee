"""The settlement document's words for each outcome, in Finnish and Swedish, every figure to the cent (no database)."""

import pytest

from avustus.decisions.documents.text import render_text
from avustus.settlement.document import build_settlement_document, render_settlement

DATA = {"title": "Yhteinen asiointipalvelu", "decided_on": "2020-02-26",
        "recipient": {"fi": "Kankaanpään kaupunki", "sv": "Kankaanpää stad"},
        "issuer": {"fi": "Valtiovarainministeriö", "sv": "Finansministeriet"},
        "rectification": {"fi": "Oikaisua voi vaatia 30 päivässä.", "sv": "Omprövning kan begäras inom 30 dagar."},
        "approved_on": "2021-12-10", "approved_by": "Virkailija Kaksi", "prepared_by": "Virkailija Yksi"}


def _snapshot(**figures):
    base = {"project": "kuntadigi-2020-02-26-021", "grant": "131700.00", "aid_rate": "0.8500",
            "accepted_costs": "200000.00", "paid": "72643.81",
            "payments": [{"number": 1, "paid_on": "2020-07-15", "amount": "72643.81"}], "final_grant": "131700.00",
            "last_instalment": "0.00", "to_return": "0.00", "left_unreturned": "0.00"}
    return {**base, **figures}


@pytest.mark.parametrize("figures, fi, sv", [
    ({"last_instalment": "59056.19"}, "viimeisenä maksueränä 59\u00a0056,19 euroa",
     "59\u00a0056,19 euro ut som sista rat"),
    ({"to_return": "55643.81", "final_grant": "17000.00"}, "55\u00a0643,81 euroa enemmän", "Beloppet ska återbetalas"),
    ({"left_unreturned": "99.99", "final_grant": "72543.82"}, "99,99 euroa enemmän", "behöver därför inte återbetalas"),
    ({"paid": "131700.00"}, "maksettavaa tai palautettavaa ei ole", "inget ska betalas ut eller återbetalas"),
])
def test_each_outcome_in_both_languages(figures, fi, sv):
    snapshot = _snapshot(**figures)
    fi_text = render_text(build_settlement_document(snapshot, "a" * 64, DATA, "fi"))
    sv_text = render_text(build_settlement_document(snapshot, "a" * 64, DATA, "sv"))
    assert fi in fi_text and sv in sv_text
    assert "Kankaanpään kaupunki" in fi_text and "Kankaanpää stad" in sv_text
    assert "Oikaisuvaatimus" in fi_text and "Begäran om omprövning" in sv_text
    assert "85 prosenttia" in fi_text and "85 procent" in sv_text and "10.12.2021" in fi_text


def test_the_same_data_gives_the_same_bytes_and_only_its_forms():
    assert render_settlement(_snapshot(), "a" * 64, DATA, "fi", "html") == render_settlement(
        _snapshot(), "a" * 64, DATA, "fi", "html")
    with pytest.raises(ValueError):
        render_settlement(_snapshot(), "a" * 64, DATA, "en", "html")
    with pytest.raises(ValueError):
        render_settlement(_snapshot(), "a" * 64, DATA, "fi", "txt")


def test_names_and_titles_are_escaped_in_the_html():
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    data = {**DATA, "title": payload, "recipient": {"fi": payload, "sv": payload}, "approved_by": payload}
    html = render_settlement(_snapshot(), "a" * 64, data, "fi", "html").decode()
    assert "<script>alert" not in html and "<img" not in html and "&lt;script&gt;" in html
