"""What the helpers that tests run as processes of their own set up alike, on the database the environment names
(outside pytest-django): the database migrated, a published call, and applicants, each leading with the next
municipality as its partner. Imported once Django is set up; the helpers run as modules (``python -m
tests.<folder>.<helper>``, from the repository) so that they can import it."""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from avustus.accounts.models import Role
from avustus.accounts.services import grant_role
from avustus.actors import SYSTEM
from avustus.applications.models import Application
from avustus.applications.services import DraftChanges, update_draft
from avustus.calls.models import Call, CostCategory, Programme
from avustus.registry.models import Organisation
from avustus.registry.services import sync_registry


def migrated_call(slug: str) -> Call:
    """The database migrated and the registry loaded, and a call of joint projects open for thirty days more, with
    one cost category (``staff``) and one required field of the plan (``objectives``)."""
    call_command("migrate", verbosity=0)
    sync_registry()
    programme, _ = Programme.objects.get_or_create(slug="kuntadigi", defaults={"name_fi": "Kuntien digitalisaatio"})
    call = Call.objects.create(
        programme=programme, slug=slug, title_fi="Yhteishankkeet", status=Call.Status.PUBLISHED,
        opens_at=timezone.now() - timedelta(days=1), closes_at=timezone.now() + timedelta(days=30),
        aid_rate=Decimal("0.85"), min_municipalities=2, lead_kinds=["municipality"], partner_kinds=["municipality"],
        plan_fields=[{"key": "objectives", "required": True, "max_length": 5000,
                      "label": {"fi": "Tavoitteet", "sv": "Mål", "en": "Objectives"}}],
    )
    CostCategory.objects.create(call=call, code="staff", position=1, name_fi="henkilöstökustannukset")
    return call


def applicants(count: int, prefix: str) -> list[tuple]:
    """``count`` users named ``<prefix>-<code>``, each an applicant for a municipality of its own: (user, the
    municipality, the next municipality in order of code, its partner)."""
    municipalities = list(Organisation.objects.filter(kind="municipality", valid_to__isnull=True)
                          .order_by("code")[: count + 1])
    made = []
    # Each municipality leads with the next as its partner: the shifted side is one shorter, on purpose.
    for lead, partner in zip(municipalities, municipalities[1:], strict=False):
        user = get_user_model().objects.create(username=f"{prefix}-{lead.code}")
        grant_role(user, Role.APPLICANT, actor=SYSTEM, organisation=lead)
        made.append((user, lead, partner))
    return made


def complete(draft: Application, user, partner: Organisation) -> Application:
    """The draft with all that ``migrated_call``'s call asks for, ready to submit."""
    changes = DraftChanges(plan={"objectives": "Asiointi sujuvaksi."}, partners=[partner.key],
                           budget=[{"category": "staff", "amount_vat_free": "10000.00"}], amount_applied="8500.00")
    return update_draft(draft, changes, actor=user, version=draft.version)
