"""A published call's cost categories and exclusions are read once per process (``calls.parts``)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from avustus.applications.validation import call_rules, exclusions_of
from avustus.calls import parts
from avustus.calls.models import Call, CostCategory, Exclusion

pytestmark = pytest.mark.django_db


def _fresh(call: Call) -> Call:
    return Call.objects.get(pk=call.pk)  # as the next request reads it


def test_a_published_calls_parts_are_read_once(open_call):
    first = call_rules(_fresh(open_call))
    with CaptureQueriesContext(connection) as queries:
        again = call_rules(_fresh(open_call))
        exclusions_of(_fresh(open_call))
    assert again == first and "hardware" not in again.eligible_categories
    read = [q["sql"] for q in queries.captured_queries]
    assert not [sql for sql in read if "calls_costcategory" in sql or "calls_exclusion" in sql]


def test_a_part_saved_in_the_process_is_seen_at_once(open_call):
    assert "travel" in call_rules(_fresh(open_call)).eligible_categories
    CostCategory.objects.filter(call=open_call, code="travel").get().delete()
    Exclusion.objects.create(call=open_call, code="lobbying", name_fi="edunvalvonta", keywords_fi=["lobbaus"])
    assert "travel" not in call_rules(_fresh(open_call)).eligible_categories
    assert [e.code for e in exclusions_of(_fresh(open_call))][-1] == "lobbying"


def test_a_draft_calls_parts_are_not_kept(open_call):
    draft = _fresh(open_call)
    draft.status = Call.Status.DRAFT
    parts.categories_of(draft)
    with CaptureQueriesContext(connection) as queries:
        parts.categories_of(draft)
    assert len(queries.captured_queries) == 1


def test_a_kept_entry_is_read_again_after_its_time(open_call, monkeypatch):
    parts.categories_of(_fresh(open_call))
    # Changed behind this process's back (another process, or a bulk update that sends no signal).
    CostCategory.objects.filter(call=open_call, code="staff").update(eligible=False)
    assert "staff" in call_rules(_fresh(open_call)).eligible_categories
    now = parts.time.monotonic()
    monkeypatch.setattr(parts.time, "monotonic", lambda: now + parts.TTL + 1)
    assert "staff" not in call_rules(_fresh(open_call)).eligible_categories
