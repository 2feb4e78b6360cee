"""Recording notifications: the deemed day of receipt and the rectification deadline under Finnish law."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError

from avustus.audit.models import AuditEntry
from avustus.decisions.models import Decision, Notification
from avustus.decisions.notifications import record_notification

pytestmark = pytest.mark.django_db


def test_a_letter_sent_before_christmas(round_2020, official):
    decision = Decision.objects.get(call=round_2020)
    application = decision.outcomes.first().application
    # Sent 17.12.2020: received 24.12 (a holiday, not moved); 30 days end on Saturday 23.1.2021 → Monday 25.1.
    n = record_notification(decision, application, channel="letter", sent_on=datetime.date(2020, 12, 17),
                            actor=official)
    assert (n.received_on, n.rectification_deadline) == (datetime.date(2020, 12, 24), datetime.date(2021, 1, 25))
    again = record_notification(decision, application, channel="letter", sent_on=datetime.date(2020, 12, 17),
                                actor=official)
    assert again.pk == n.pk and Notification.objects.count() == 1
    assert AuditEntry.objects.filter(action="decision.notified").count() == 1


def test_wrong_input_and_wrong_people_are_refused(round_2020, official):
    decision = Decision.objects.get(call=round_2020)
    application = decision.outcomes.first().application
    with pytest.raises(ValidationError):
        record_notification(decision, application, channel="pigeon", sent_on=datetime.date(2020, 3, 1),
                            actor=official)
    with pytest.raises(ValidationError):
        record_notification(decision, application, channel="letter", sent_on=datetime.date(2020, 2, 1),
                            actor=official)
    with pytest.raises(PermissionDenied):
        record_notification(decision, application, channel="letter", sent_on=datetime.date(2020, 3, 1),
                            actor=get_user_model().objects.create(username="someone"))
    assert Notification.objects.count() == 0
