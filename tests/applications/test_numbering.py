"""Numbers of e-service applications (``services.number_draft``): the call's own sequence, never given twice,
taken without holding the call's row to the draft's commit."""

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
def test_applications_written_without_the_counter_are_counted(open_call, hameenlinna_applicant):
    # As the generator writes them: e-service applications (no source row) and no counter moved.
    for n in (1, 2):
        Application.objects.create(call=open_call, reference=f"kuntadigi-2026-{n:04d}", amount_applied=0)
    Application.objects.create(call=open_call, reference="kuntadigi-2026-x1", amount_applied=0, source_row=1)
    assert _start(open_call, hameenlinna_applicant).reference == "kuntadigi-2026-0003"
    assert number_draft(open_call) == 4  # a number is never given twice, even one whose draft was not made
    assert _start(open_call, hameenlinna_applicant).reference == "kuntadigi-2026-0005"


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_a_retry_finds_its_draft_before_taking_a_number(open_call, hameenlinna_applicant):
    first = _start(open_call, hameenlinna_applicant, key="burst-1")
    assert _start(open_call, hameenlinna_applicant, key="burst-1").pk == first.pk
    assert _start(open_call, hameenlinna_applicant, key="burst-2").reference == "kuntadigi-2026-0002"
    assert Application.objects.filter(call=open_call).count() == 2
