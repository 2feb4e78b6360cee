"""Numbers of e-service applications (``services.number_draft``): the call's own sequence, never given twice,
taken without holding the call's row to the draft's commit."""

import importlib

import pytest

from avustus.applications.models import Application
from avustus.applications.services import create_draft, number_draft
from avustus.calls.models import Call
from avustus.registry.models import Organisation


def _start(call, user, key=""):
    return create_draft(call, actor=user, organisation=Organisation.objects.get(code="109"), idempotency_key=key)


@pytest.mark.django_db
def test_numbers_follow_the_calls_sequence_and_a_retry_takes_none(open_call, hameenlinna_applicant):
    first = _start(open_call, hameenlinna_applicant, key="k")
    assert _start(open_call, hameenlinna_applicant, key="k").pk == first.pk
    second = _start(open_call, hameenlinna_applicant)
    assert (first.reference, second.reference) == ("kuntadigi-2026-0001", "kuntadigi-2026-0002")
    assert Call.objects.get(pk=open_call.pk).numbered == 2


@pytest.mark.django_db
def test_the_counter_alone_numbers_and_never_gives_a_number_twice(open_call, hameenlinna_applicant):
    # Rows of the call that did not take a number are not counted: the counter is the sequence.
    Application.objects.create(call=open_call, reference="kuntadigi-2026-x1", amount_applied=0, source_row=1)
    Call.objects.filter(pk=open_call.pk).update(numbered=7)
    assert _start(open_call, hameenlinna_applicant).reference == "kuntadigi-2026-0008"
    assert number_draft(open_call) == 9  # a number is never given twice, even one whose draft was not made
    assert _start(open_call, hameenlinna_applicant).reference == "kuntadigi-2026-0010"


@pytest.mark.django_db
def test_the_migration_counts_applications_written_without_the_counter(open_call, hameenlinna_applicant):
    from django.apps import apps

    migration = importlib.import_module("avustus.applications.migrations.0007_numbered_from_count")
    # As an older generator wrote them: e-service applications (no source row) and no counter moved.
    for n in (1, 2):
        Application.objects.create(call=open_call, reference=f"kuntadigi-2026-{n:04d}", amount_applied=0)
    Application.objects.create(call=open_call, reference="kuntadigi-2026-x1", amount_applied=0, source_row=1)
    migration.count_into_counter(apps, None)
    assert Call.objects.get(pk=open_call.pk).numbered == 2
    assert _start(open_call, hameenlinna_applicant).reference == "kuntadigi-2026-0003"
    migration.count_into_counter(apps, None)  # a counter already ahead of the rows is left as it is
    assert Call.objects.get(pk=open_call.pk).numbered == 3


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_a_retry_finds_its_draft_before_taking_a_number(open_call, hameenlinna_applicant):
    first = _start(open_call, hameenlinna_applicant, key="burst-1")
    assert _start(open_call, hameenlinna_applicant, key="burst-1").pk == first.pk
    assert _start(open_call, hameenlinna_applicant, key="burst-2").reference == "kuntadigi-2026-0002"
    assert Application.objects.filter(call=open_call).count() == 2
