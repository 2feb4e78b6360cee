"""Copying a previous round's rules into a new call, and publishing it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from avustus.actors import SYSTEM
from avustus.calls.services import copy_call, publish_call

pytestmark = pytest.mark.django_db


def test_a_copy_has_every_rule_and_opens_only_when_complete(round_2020, applicant_of):
    copy = copy_call(round_2020, slug="kuntadigi-2027", title_fi="Haku 2027", actor=SYSTEM)
    assert copy.status == "draft" and copy.aid_rate == round_2020.aid_rate
    assert copy.cost_categories.count() == round_2020.cost_categories.count() == 5
    assert copy.groups.count() == 2 and copy.exclusions.count() == 3 and copy.texts == round_2020.texts
    assert round_2020.cost_categories.count() == 5  # the source keeps its own rows
    with pytest.raises(ValidationError):
        publish_call(copy, actor=SYSTEM)  # no deadline yet
    copy.closes_at = timezone.now() + timezone.timedelta(days=10)
    copy.save()
    assert publish_call(copy, actor=SYSTEM).status == "published"
    with pytest.raises(ValidationError):
        copy_call(round_2020, slug="kuntadigi-2027", title_fi="Toinen", actor=SYSTEM)
    with pytest.raises(PermissionDenied):
        copy_call(round_2020, slug="x", title_fi="x", actor=applicant_of("109"))
