"""Error summaries: each problem named by its field's label in the user's language, linked to the field."""

import pytest
from django.urls import reverse

from avustus.web.feedback import error_summary

pytestmark = pytest.mark.django_db


def test_a_summary_keeps_the_order_and_leaves_unknown_paths_unlinked():
    items = error_summary({"title": ["A", "B"], "__all__": ["C"]}, {"title": ("title", "Name")})
    assert [(i.target, i.label, i.message) for i in items] == [("title", "Name", "A"), ("title", "Name", "B"),
                                                                 (None, "", "C")]


def test_the_texts_pages_error_summary_links_to_the_text_in_its_language(client, round_2020, official):
    client.force_login(official)
    url = reverse("call-texts", args=[round_2020.slug])
    response = client.post(url, {"instructions.fi": "x" * 20_001, "instructions.sv": "Anvisning."})
    html = response.content.decode()
    summary = html[html.index('id="errors"'):]
    summary = summary[:summary.index("</div>")]
    assert '<a href="#t-instructions-fi">instructions (suomi)</a>: ' in summary
    assert 'id="t-instructions-fi"' in html
