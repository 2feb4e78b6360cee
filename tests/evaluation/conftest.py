"""People with roles over the programme, and a small published round with criteria and applications."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from avustus.accounts.models import Role
from avustus.accounts.services import grant_role
from avustus.actors import SYSTEM


@pytest.fixture
def person(db):
    """A function making a user holding roles over a programme (and employed by bodies, if given)."""
    from avustus.evaluation.models import Employment
    from avustus.registry.models import Organisation

    def make(username: str, programme, *roles: Role, employer_codes: tuple[str, ...] = ()):
        user = get_user_model().objects.create(username=username, first_name=username.capitalize())
        for role in roles:
            grant_role(user, role, actor=SYSTEM, programme=programme)
        for code in employer_codes:
            Employment.objects.create(user=user, organisation=Organisation.objects.get(code=code))
        return user

    return make


@pytest.fixture
def small_round(open_call, applicant_of):
    """The open call with two criteria and three submitted applications (Hämeenlinna, Turku, Oulu leading)."""
    from avustus.applications import services as apps
    from avustus.calls.models import Criterion, GrantGroup
    from avustus.registry.models import Organisation

    open_call.appropriation = Decimal("300000.00")
    open_call.rounding_unit = Decimal("100")
    open_call.rounding_mode = "down"
    open_call.save()
    Criterion.objects.create(call=open_call, code="impact", position=1, name_fi="Vaikuttavuus", weight=Decimal(2),
                             scale_max=5)
    Criterion.objects.create(call=open_call, code="feasibility", position=2, name_fi="Toteutettavuus",
                             weight=Decimal(1), scale_max=5)
    GrantGroup.objects.create(call=open_call, code="services", position=1, name_fi="Palvelut")
    submitted = []
    for lead, partner, applied in (("109", "853", "150050.00"), ("853", "091", "120000.00"),
                                   ("564", "091", "90000.00")):
        user = applicant_of(lead, f"hakija-{lead}")
        draft = apps.create_draft(open_call, actor=user, organisation=Organisation.objects.get(code=lead),
                                  title=f"Hanke {lead}")
        draft = apps.update_draft(draft, apps.DraftChanges(
            title=f"Hanke {lead}", plan={"objectives": "Yhteinen asiointipalvelu."},
            partners=[Organisation.objects.get(code=partner).key],
            budget=[{"category": "staff", "amount_vat_free": str(Decimal(applied) * 2), "vat": "0", "description": "työ"}], amount_applied=applied,
        ), actor=user, version=draft.version)
        submitted.append(apps.submit(draft, actor=user))
    return open_call, submitted


def days_ago(n: int):
    return timezone.localdate() - timedelta(days=n)


def close(call):
    """Move the call's deadline to a minute ago, as time would: what was submitted was submitted in time."""
    from avustus.calls.models import Call

    Call.objects.filter(pk=call.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    call.refresh_from_db()
    return call
