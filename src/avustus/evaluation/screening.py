"""Screening: the official's checklist of each application against the call's conditions, and the automatic flags."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from avustus.accounts.permissions import check_prepares
from avustus.actors import user_of
from avustus.applications.models import Application
from avustus.applications.services import screening_flags_for
from avustus.audit.chain import record
from avustus.calls.models import Call
from avustus.errors import Invalid, NotFound
from avustus.evaluation.models import Screening
from avustus.evaluation.proposals import MAX_REASON, lock_unfrozen
from avustus.texts import limit_message

BASE_CHECKS = ("in_time", "applicants", "consortium", "aid_rate", "eligible_costs", "plan")


def checklist(call: Call) -> list[str]:
    """The codes of a call's screening items: the same general checks for every call, then one per exclusion."""
    return [*BASE_CHECKS, *(f"exclusion:{e.code}" for e in call.exclusions.all())]


def automatic_flags(application: Application) -> list[dict]:
    """Flags raised at submission (or stored by ``recompute_flags``), else computed now without storing."""
    if application.submitted_at is not None or application.screening_flags:
        return list(application.screening_flags)
    return screening_flags_for(application)


def recompute_flags(call: Call, *, actor) -> int:
    """Store the automatic flags of applications that did not come through the e-service (imported rounds)."""
    check_prepares(actor, call.programme, _("only the programme's officials screen applications"))
    changed = 0
    with transaction.atomic():
        for application in call.applications.filter(submitted_at__isnull=True).exclude(
                status=Application.Status.DRAFT).select_related("call"):
            flags = screening_flags_for(application)
            if flags != application.screening_flags:
                application.screening_flags = flags
                application.save(update_fields=["screening_flags"])
                changed += 1
        record("call.flags_recomputed", call, actor=actor, data={"changed": changed})
    return changed


def screen(application: Application, checks: dict[str, tuple[bool, str]], *, actor) -> Screening:
    """Record the official's checklist. Every item is answered; every failed item says why."""
    call = application.call
    check_prepares(actor, call.programme, _("only the programme's officials screen applications"))
    if application.status == Application.Status.DRAFT:
        raise NotFound()
    errors = {}
    items = checklist(call)
    for code in items:
        if code not in checks:
            errors[f"checks.{code}"] = [_("Answer this item.")]
            continue
        passed, reason = checks[code]
        if not passed and not reason.strip():
            errors[f"checks.{code}"] = [_("Say why the application fails this item.")]
        elif len(reason) > MAX_REASON:
            errors[f"checks.{code}"] = [limit_message(MAX_REASON)]
    for code in checks:
        if code not in items:
            errors[f"checks.{code}"] = [_("The call has no such screening item.")]
    if errors:
        raise Invalid(errors)
    with transaction.atomic():
        lock_unfrozen(call)  # under the proposal's lock: a presentation waits for this screening, or refuses it
        screening, _created = Screening.objects.select_for_update().get_or_create(application=application)
        before = {"checks": screening.checks, "eligible": screening.eligible}
        screening.checks = {
            code: {"passed": bool(checks[code][0]), "reason": checks[code][1].strip()} for code in items
        }
        screening.eligible = all(v["passed"] for v in screening.checks.values())
        screening.completed_by = user_of(actor)
        screening.completed_at = timezone.now()
        screening.save()
        record("application.screened", application, actor=actor,
               data={"before": before, "after": {"checks": screening.checks, "eligible": screening.eligible}})
    return screening

