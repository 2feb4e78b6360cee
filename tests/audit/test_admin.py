"""What only services write, the admin shows and never changes, even for a superuser: the audit log, the outbox
and a user's own contact details (``audit.admin.ReadOnlyAdmin``)."""

import pytest
from django.contrib.admin import site
from django.test import RequestFactory

from avustus.accounts.models import ContactDetails
from avustus.audit.models import AuditEntry
from avustus.messaging.models import OutboundMessage


@pytest.mark.parametrize("model", [AuditEntry, OutboundMessage, ContactDetails])
def test_the_admin_shows_but_never_adds_changes_or_deletes(model, django_user_model):
    request = RequestFactory().get("/admin/")
    request.user = django_user_model.objects.create(username="root", is_superuser=True, is_staff=True)
    model_admin = site._registry[model]
    assert model_admin.has_view_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
