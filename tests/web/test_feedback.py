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


def _posted(data: dict, path: str = "/projects/x/schedule/"):
    from django.contrib.sessions.backends.signed_cookies import SessionStore
    from django.test import RequestFactory

    request = RequestFactory().post(path, data)
    request.session = SessionStore()
    return request


def _next_page(posted, path: str = "/projects/x/schedule/"):
    from django.test import RequestFactory

    request = RequestFactory().get(path)
    request.session = posted.session
    return request


def test_a_refused_forms_typing_is_kept_once_for_its_own_form_without_the_tick_or_the_version():
    from django.core.exceptions import ValidationError

    from avustus.web.feedback import kept_form, refusals_flashed

    posted = _posted({"action": "instalment", "reason": "Hanke pidentyi.", "confirm": "yes", "version": "3",
                      "csrfmiddlewaretoken": "t"})
    posted._messages = type("Messages", (), {"add": lambda *args, **kwargs: None})()
    with refusals_flashed(posted):
        raise ValidationError({"reason": ["Ei."]})
    page = _next_page(posted)
    # Another form of the same address, or another address, gets nothing; the form's own gets what was typed.
    assert kept_form(page, "/projects/x/schedule/", action="due") == {}
    assert kept_form(page, "/projects/y/schedule/") == {}
    assert kept_form(page, "/projects/x/schedule/", action="instalment") == {"action": "instalment",
                                                                             "reason": "Hanke pidentyi."}
    # Taken out of the session by the page that asked: the next page shows the form empty.
    assert kept_form(_next_page(posted), "/projects/x/schedule/") == {}


def test_what_was_kept_is_not_shown_after_ten_minutes(monkeypatch):
    from avustus.web import feedback

    posted = _posted({"reason": "Myöhässä."})
    feedback.keep_form(posted)
    real = feedback.time.time
    monkeypatch.setattr(feedback.time, "time", lambda: real() + feedback.KEPT_SECONDS + 1)
    assert feedback.kept_form(_next_page(posted), "/projects/x/schedule/") == {}


def test_a_form_refused_as_read_before_a_change_is_not_kept():
    """A conflict is often the same form's own first post: kept, one more press would record it again."""
    from avustus.errors import Conflict
    from avustus.web.feedback import kept_form, refusals_flashed

    posted = _posted({"amount": "4 000,00", "returned_on": "2023-01-10"}, "/projects/x/recoveries/1/returns/")
    posted._messages = type("Messages", (), {"add": lambda *args, **kwargs: None})()
    with refusals_flashed(posted):
        raise Conflict("Luettu ennen muutosta.")
    assert kept_form(_next_page(posted, "/projects/x/recoveries/1/"), "/projects/x/recoveries/1/returns/") == {}


def test_what_was_kept_is_escaped_where_the_page_shows_it():
    from django.template import Context, Template

    from avustus.web import feedback

    posted = _posted({"reason": '"><script>alert(1)</script>'})
    feedback.keep_form(posted)
    html = Template('{% load avustus %}<input value="{% kept path "reason" %}">').render(
        Context({"request": _next_page(posted), "path": "/projects/x/schedule/"}))
    assert html == '<input value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">'
