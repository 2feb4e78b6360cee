"""An application's history page: officials and auditors of the programme only, newest first, paged in the database."""

import pytest
from django.db import transaction
from django.urls import reverse

from avustus.actors import SYSTEM
from avustus.audit.chain import READ, record
from avustus.audit.models import AuditEntry
from avustus.web import history as history_view
from tests.audit.conftest import people, submitted  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def url(application) -> str:
    return reverse("application-history", args=[application.reference])


def entry_ids(response) -> list[int]:
    return [row["entry"].id for row in response.context["rows"]]


@pytest.mark.parametrize("who", ["official", "decider", "auditor", "admin"])
def test_officials_and_auditors_see_the_history_newest_first(client, submitted, people, who):
    client.force_login(people[who])
    response = client.get(url(submitted))
    assert response.status_code == 200
    about = list(AuditEntry.objects.filter(application_reference=submitted.reference).order_by("-id"))
    # The page's own read is logged first, and shown: browsing the history is a read of non-public data.
    assert about[0].action == READ and about[0].data == {"what": "history"} and about[0].actor == people[who]
    assert entry_ids(response) == [e.id for e in about]
    assert [e.action for e in about[1:]] == ["application.submitted", "application.attachment_added",
                                             "application.saved", "application.created"]
    html = response.content.decode()
    assert "hakija-109" in html and "liite.pdf" in html


@pytest.mark.parametrize("who", [None, "lead", "other", "reviewer"])
def test_anyone_else_gets_a_404_and_nothing_is_logged(client, submitted, people, who):
    if who:
        client.force_login(people[who])
    before = AuditEntry.objects.count()
    assert client.get(url(submitted)).status_code == 404
    assert AuditEntry.objects.count() == before


def test_an_unknown_application_and_a_draft_are_404_alike(client, submitted, people, open_call):
    from avustus.applications import services as applications
    from avustus.registry.models import Organisation

    draft = applications.create_draft(open_call, actor=people["lead"],
                                      organisation=Organisation.objects.get(code="109"))
    client.force_login(people["auditor"])
    assert client.get(reverse("application-history", args=["no-such-thing"])).status_code == 404
    assert client.get(url(draft)).status_code == 404


def test_officials_of_another_programme_get_a_404(client, submitted, django_user_model):
    from avustus.accounts.models import Role
    from avustus.accounts.services import grant_role
    from avustus.calls.models import Programme

    elsewhere = Programme.objects.create(slug="muu", name_fi="Muu ohjelma")
    official = django_user_model.objects.create(username="muu-virkailija")
    grant_role(official, Role.OFFICIAL, actor=SYSTEM, programme=elsewhere)
    client.force_login(official)
    assert client.get(url(submitted)).status_code == 404


def test_before_and_after_are_shown_where_the_entry_has_them(client, submitted, people):
    with transaction.atomic():
        record("proposal.line_set", submitted, actor=people["official"],
               data={"before": {"amount": "1000.00"}, "after": {"amount": "2000.00"}, "reason": "korjaus"})
    client.force_login(people["auditor"])
    response = client.get(url(submitted))
    row = next(r for r in response.context["rows"] if r["entry"].action == "proposal.line_set")
    assert row["before"] == [{"label": "määrä", "value": "1000.00"}]
    assert row["after"] == [{"label": "määrä", "value": "2000.00"}]
    assert row["details"] == [{"label": "perustelu", "value": "korjaus"}]
    assert "<dt>Määrä</dt><dd>2000.00</dd>" in response.content.decode()


def test_entries_are_escaped(client, submitted, people):
    with transaction.atomic():
        record("application.saved", submitted, actor=people["lead"], data={"changes": {"title": "<script>x</script>"}})
    client.force_login(people["auditor"])
    html = client.get(url(submitted)).content.decode()
    assert "<script>x</script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html


def _fill(application, n: int) -> None:
    with transaction.atomic():
        for i in range(n):
            record("test.noted", application, actor=SYSTEM, data={"i": i})


def test_pages_cost_the_same_number_of_queries_however_long_the_history(client, submitted, people,
                                                                       django_assert_num_queries, monkeypatch):
    monkeypatch.setattr(history_view, "PAGE_SIZE", 5)
    client.force_login(people["auditor"])
    for extra in (10, 100):
        _fill(submitted, extra)
        for page in (1, 2, 3):
            with django_assert_num_queries(queries_per_page()) as captured:
                response = client.get(url(submitted), {"page": page})
            assert response.status_code == 200 and len(response.context["rows"]) == 5
    # The page's rows are limited in the database, not sliced in Python.
    assert any("LIMIT 5 OFFSET 10" in q["sql"] for q in captured.captured_queries)


# Session and user (2), the application and the role check (2), logging the read (the capacity check,
# the applicant check, a savepoint and its release, the head locked, the entry written, the head
# updated: 7), the count and the page (2), the messages about the application (1) and the navigation's role
# check (1).
QUERIES_PER_PAGE = 15


def queries_per_page() -> int:
    """Where the entry is sealed after the commit (PostgreSQL), the head is neither locked nor updated here."""
    from avustus.audit.chain import seals_inline

    return QUERIES_PER_PAGE if seals_inline() else QUERIES_PER_PAGE - 2


def test_pages_stay_put_while_each_view_adds_an_entry(client, submitted, people, monkeypatch):
    monkeypatch.setattr(history_view, "PAGE_SIZE", 3)
    _fill(submitted, 7)
    client.force_login(people["official"])
    response = client.get(url(submitted))
    first, upto = entry_ids(response), response.context["upto"]
    assert first == sorted(first, reverse=True) and upto == str(first[0])
    assert f'href="?upto={upto}&amp;page=2"' in response.content.decode()
    second = entry_ids(client.get(url(submitted), {"upto": upto, "page": 2}))
    third = entry_ids(client.get(url(submitted), {"upto": upto, "page": 3}))
    assert second == [first[-1] - 1, first[-1] - 2, first[-1] - 3] and max(third) == min(second) - 1
    # Every page view was logged all the same.
    assert AuditEntry.objects.filter(action=READ, actor=people["official"]).count() == 3


def test_the_history_shows_labelled_translated_fields_not_json_or_codes(client, submitted, people):
    """Each entry's data is shown as labelled fields in the reader's language: no JSON, no action codes."""
    client.force_login(people["official"])
    client.post(reverse("set_language"), {"language": "sv", "next": "/"})
    html = client.get(url(submitted)).content.decode()
    for code in ("application.submitted", "application.attachment_added", "application.created", "content_type",
                 "amount_applied", "sha256", '{"', '": '):
        assert code not in html, code
    assert "liite.pdf" in html
    assert "<dt>Filnamn</dt><dd>liite.pdf</dd>" in html
    assert "Ansökan inlämnad" in html and "Vad som lästes" in html and "Historik" in html


def test_nested_data_and_coded_values_become_labelled_words():
    from django.utils import translation

    with translation.override("en"):
        _nested_data_in_english()


def _nested_data_in_english():
    rows = history_view._fields({"checks": {"in_time": {"passed": True, "reason": ""}}, "late": False,
                                 "outcome": "granted", "flags": ["too_few_municipalities"]})
    assert rows[0]["label"] == "checklist"
    assert rows[0]["fields"][0]["label"] == "Submitted within the call's window"
    assert rows[0]["fields"][0]["fields"] == [{"label": "passed", "value": "yes"}, {"label": "reason", "value": "–"}]
    assert rows[1] == {"label": "late", "value": "no"}
    assert rows[2] == {"label": "outcome", "value": "granted"}
    assert rows[3] == {"label": "screening flags", "value": "fewer municipalities than the call requires"}
    side = history_view._side({"before": ["granted", "1000.00"]}, "before")
    assert side == [{"label": "", "value": "granted, 1000.00"}]


def test_the_system_is_shown_as_such_and_a_user_named_system_as_a_user(client, submitted, people, django_user_model):
    impostor = django_user_model.objects.create(username="system")
    with transaction.atomic():
        record("test.by_system", submitted, actor=SYSTEM)
        record("test.by_impostor", submitted, actor=impostor)
    client.force_login(people["auditor"])
    client.cookies["django_language"] = "en"
    response = client.get(url(submitted))
    html = response.content.decode()
    rows = {row["entry"].action: row["entry"] for row in response.context["rows"]}
    assert rows["test.by_system"].is_system and not rows["test.by_impostor"].is_system
    by_system = html.split('id="entry-%d"' % rows["test.by_system"].id)[1].split("</tr>")[0]
    by_impostor = html.split('id="entry-%d"' % rows["test.by_impostor"].id)[1].split("</tr>")[0]
    assert "The system (a command or an automatic step)" in by_system
    assert "The system (a command" not in by_impostor and "<td>system</td>" in by_impostor
