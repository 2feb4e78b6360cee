"""A page's cursor is the reader's to forge: whatever it holds, the list answers with its first page."""

import base64

import pytest
from django.urls import reverse

from avustus.web.paging import _decode


def _cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize("text", ["[Infinity]", "[-Infinity]", "[NaN]", "[1e400]", '[Infinity, "a"]', '["\\u0000"]',
                                  '[1, "a\\u0000b"]'])
def test_a_key_no_list_holds_is_no_cursor(text):
    assert _decode(_cursor(text), text.count(",") + 1) is None


def test_a_finite_key_is_read_as_written():
    assert _decode(_cursor('[1.5, "a"]'), 2) == [1.5, "a"]


FORGED = [("after", "[Infinity]"), ("before", "[1e400]"), ("after", "[NaN]"), ("after", "[Infinity,\"a\"]"),
          ("before", "[1e400,1e400]"), ("after", '["\\u0000"]'), ("after", '[1,"\\u0000"]')]


@pytest.mark.django_db
@pytest.mark.parametrize("name, args", [("open-grants", []), ("open-organisation", ["109"]),
                                        ("open-programme", ["kuntadigi"]),
                                        ("round-applications", ["kuntadigi-2020-02-26"])])
def test_the_public_lists_answer_a_forged_cursor_with_their_first_page(client, round_2020, name, args):
    """The security test found these answering 500 to anyone: ``json.loads`` reads NaN, Infinity and 1e400, and
    the lookups fail converting them to an integer."""
    url = reverse(name, args=args)
    first = client.get(url)
    assert first.status_code == 200
    for direction, text in FORGED:
        response = client.get(url, {direction: _cursor(text)})
        assert response.status_code == 200, (direction, text)
        assert response.content.decode().count("<tr") == first.content.decode().count("<tr"), (direction, text)
