"""The lists of a large round: a fixed number of queries per page, and keyset pages that cover every row once."""

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from avustus.evaluation import ranking, reviews, screening
from avustus.evaluation.proposals import compute_proposal, presentable_version
from avustus.evaluation.selectors import proposal_ranks
from avustus.ops.generate import generate
from tests.evaluation.conftest import evaluated, person, present, small_round, staff  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

LISTS = ("screening", "evaluation", "proposal", "applications", "projects")
MAX_QUERIES = 8


def _queries(captured) -> list[str]:
    # Transaction control (the test's savepoints, SQLite's BEGIN) is not a query of the page.
    return [q["sql"] for q in captured.captured_queries
            if not re.match(r"(SAVEPOINT|RELEASE|ROLLBACK|BEGIN|COMMIT)", q["sql"])]


def _get(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return response, _queries(captured)


def _round(client, n: int, seed: int, name: str = ""):
    # The funded projects are the earlier round's grants (about nine in ten of its applications): that round is
    # made about as large as the list wanted.
    generated = generate(applications=n if name != "projects" else 2, seed=seed,
                         history=2 if name != "projects" else n + n // 8)
    client.force_login(generated.users["official"])
    return generated


def _url(generated, name: str) -> str:
    if name == "projects":  # the earlier, decided round's
        return f"/rounds/{generated.calls[1].slug}/projects/"
    return f"/rounds/{generated.round.slug}/{name}/"


def _ref(row) -> str:
    """A row's application, whichever shape the list gives it in (an application, a ranked line, a line's view)."""
    if isinstance(row, dict):
        return row["application"].reference
    return getattr(row, "application", row).reference


def _next(body: str, marker: str = 'rel="next"') -> str | None:
    found = re.search(r'<a href="([^"]+)" ' + marker, body)
    return html.unescape(found.group(1)) if found else None


@pytest.mark.parametrize("name", LISTS)
def test_every_list_costs_the_same_few_queries_for_ten_rows_and_a_hundred(client, name):
    small = _round(client, 10, seed=1, name=name)
    client.get(_url(small, name))  # the first reader ranks the round; warm translations and the session
    _response, few = _get(client, _url(small, name))
    large = _round(client, 100, seed=2, name=name)
    client.get(_url(large, name))
    response, many = _get(client, _url(large, name))
    assert len(response.context["page"]) == 50
    assert len(many) == len(few) <= MAX_QUERIES, many


@pytest.mark.parametrize("name", LISTS)
def test_the_next_links_pass_every_row_once_and_the_last_page_ends_the_list(client, name):
    generated = _round(client, 120, seed=4, name=name)
    url = _url(generated, name)
    client.get(url)  # the first read ranks the round and starts the audit log (generated history is not audited)
    response, first_queries = _get(client, url)
    seen, numbers = [], []
    while True:
        page = response.context["page"]
        seen += [_ref(row) for row in page]
        numbers.append(page.number)
        following = _next(response.content.decode())
        if following is None:
            break
        response, queries = _get(client, url + following)
        assert len(queries) <= MAX_QUERIES
    assert len(seen) == len(set(seen)) == page.count
    assert numbers == [1, 2, 3]
    # The last page, read backwards from the end, shows what the last "next" showed, at the same cost.
    last, last_queries = _get(client, url + "?last=1")
    assert [_ref(r) for r in last.context["page"]] == seen[100:]
    assert len(last_queries) == len(first_queries)
    # "Previous" from the last page lines up with the pages counted from the start.
    back, _queries_ = _get(client, url + _next(last.content.decode(), 'rel="prev"'))
    assert [_ref(r) for r in back.context["page"]] == seen[50:100]
    assert back.context["page"].number == 2


def test_a_forged_cursor_shows_the_first_page(client):
    generated = _round(client, 60, seed=5)
    url = _url(generated, "screening")
    first = client.get(url).context["page"]
    for forged in ("?after=%%%", "?after=WyJ4Il0", "?before=bm90IGpzb24", "?after=W1siYSJdLCAxLCAyXQ"):
        response = client.get(url + forged)
        assert response.status_code == 200
        assert [a.reference for a in response.context["page"]] == [a.reference for a in first]


def test_the_proposal_page_shows_the_allocation_present_computes_and_follows_changes(client):
    generated = _round(client, 70, seed=6)
    call, official = generated.round, generated.users["official"]

    def shown():
        lines, response = [], client.get(_url(generated, "proposal"))
        version = response.context["present_version"]
        while True:
            lines += [(row["application"].reference, row["line"].outcome, row["line"].amount, row["rank"])
                      for row in response.context["page"]]
            following = _next(response.content.decode())
            if following is None:
                return lines, version
            response = client.get(_url(generated, "proposal") + following)

    def computed():
        result = compute_proposal(call)
        ranks = proposal_ranks(result)
        return ([(line.key, line.outcome, line.amount, ranks[line.key]) for line in result.result.lines],
                presentable_version(result))

    assert shown() == computed()
    # A screening, a score and the pass mark change it; the page follows, without being recomputed per view.
    unscreened = call.applications.filter(screening__isnull=True, status="submitted").first()
    screening.screen(unscreened, {code: (True, "") for code in screening.checklist(call)}, actor=official)
    top = call.applications.get(reference=computed()[0][0][0])
    reviewer = next(r for r in generated.users["reviewers"] if not top.assignments.filter(reviewer=r).exists())
    assignment = reviews.assign_reviewer(top, reviewer, actor=official)
    reviews.declare_interests(assignment, conflicted=False, reason="", actor=reviewer)
    reviews.submit_scores(assignment, {c.code: (0, "heikko") for c in call.criteria.all()}, actor=reviewer)
    assert ranking.current(call).stale is False
    assert shown() == computed()
    with CaptureQueriesContext(connection) as captured:
        client.get(_url(generated, "proposal"))
    assert not any("evaluation_assignment" in sql for sql in _queries(captured))  # read from the stored ranking


@pytest.mark.parametrize(("name", "sorts"), [
    ("screening", ("received", "lead", "applied", "status")),
    ("evaluation", ("score", "spread", "reviews", "applied")),
    ("applications", ("row", "lead", "title", "applied", "granted", "outcome")),
])
def test_every_sort_pages_through_every_row_once_empty_values_included(client, round_2020, official, name, sorts):
    """The 2020 round was imported: no submission times, no scores, one outcome each: empty values on every page."""
    client.force_login(official)
    url = f"/rounds/{round_2020.slug}/{name}/"
    for sort in sorts:
        response = client.get(f"{url}?sort={sort}")
        seen = []
        while True:
            seen += [_ref(row) for row in response.context["page"]]
            following = _next(response.content.decode())
            if following is None:
                break
            assert f"sort={sort}" in following
            response = client.get(url + following)
        assert len(seen) == len(set(seen)) == response.context["page"].count > 50, sort


def test_a_presented_proposal_costs_no_more_queries_than_one_being_prepared(client, evaluated, staff):
    from avustus.evaluation.models import Proposal

    call, _apps = evaluated
    client.force_login(staff["decider"])
    url = f"/rounds/{call.slug}/proposal/"
    client.get(url)
    _response, preparing = _get(client, url)
    present(call, staff["official"])
    client.get(url)  # presenting is a change of the proposal's row: the next reader ranks again
    response, presented = _get(client, url)
    assert Proposal.objects.get(call=call).status == Proposal.Status.PRESENTED
    assert f"esittelijä {staff['official'].username}" in response.content.decode()  # "presented by", in Finnish
    assert len(presented) == len(preparing) <= MAX_QUERIES
