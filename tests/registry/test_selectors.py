"""The registry's bodies by their keys: each group of keys in one query, what the keys name and nothing else."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from avustus.registry.models import Organisation
from avustus.registry.selectors import organisations_by_key

pytestmark = pytest.mark.django_db


def test_the_bodies_named_are_found_by_key_with_their_successors_in_one_query_per_eight_keys(open_call):
    keys = list(Organisation.objects.order_by("key").values_list("key", flat=True)[:11])
    assert len(keys) == 11

    with CaptureQueriesContext(connection) as one:
        found = organisations_by_key([keys[0], "no-such-body", keys[0]])
    with CaptureQueriesContext(connection) as two:
        many = organisations_by_key(keys)

    assert list(found) == [keys[0]] and found[keys[0]] == Organisation.objects.get(key=keys[0])
    assert sorted(many) == keys
    assert all(many[k].pk == Organisation.objects.get(key=k).pk for k in keys)
    assert len(one.captured_queries) == 1 and len(two.captured_queries) == 2
    with CaptureQueriesContext(connection) as successors:
        [o.successor for o in many.values()]
    assert successors.captured_queries == []  # read with the bodies
    assert organisations_by_key([]) == {}
