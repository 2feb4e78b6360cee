"""Four eyes on a section 26 waiver (kohtuullistaminen / jämkning) of a signed recovery decision.

A waiver undoes part of a decision two people made, so two people take it: an official proposes it
(``recovery.waive_recovery``: the amount, the interest or not, the reasons), and it takes effect only when a second
person confirms it, ``confirm_waiver``: one who may sign recovery decisions and did not propose it
(``permissions.check_confirms_waiver``, the signature's own rule). Either may decline it with reasons instead,
``decline_waiver``, so that a proposal never leaves the case stuck. Until it is confirmed nothing due changes
(``recovery.amount_due`` and the rest count confirmed waivers only), and returns are recorded meanwhile as if
there were none: the confirmation checks the waiver against what is left then, under the case's lock. Once
confirmed, the lead is told (``events.recovery_waived``).
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from avustus import events
from avustus.accounts import permissions
from avustus.actors import user_of
from avustus.audit.chain import record
from avustus.errors import Conflict, Invalid
from avustus.payments.services import euro_text
from avustus.settlement.documents import snapshot_sha256
from avustus.settlement.models import Recovery, RecoveryWaiver
from avustus.settlement.recovery import amount_due, case_version, lock_recovery, proposed_waiver
from avustus.texts import check_lengths

# The refusal of ``confirm_waiver``, which the screen gives too when it refuses before the form is read.
CONFIRMED_BY_ANOTHER = gettext_noop("A waiver is confirmed by someone who may sign recovery decisions and did not "
                                    "propose it.")
DECLINED_BY = gettext_noop("A proposed waiver is declined by its proposer or by someone who may sign recovery "
                           "decisions.")
WAIVER_CHANGED = gettext_noop("The waiver or the case changed after you opened it; read it again. Nothing was "
                              "recorded now.")


def waiver_version(waiver: RecoveryWaiver) -> str:
    """What the second person was shown, hashed: the waiver as proposed and the case's returns and waivers
    (``recovery.case_version``), so that a waiver declined and proposed again, or a return recorded meanwhile,
    is read again before it is confirmed."""
    return snapshot_sha256({"waiver": waiver.pk, "status": waiver.status, "principal": str(waiver.principal),
                    "interest": waiver.interest, "reasons": waiver.reasons, "proposed_by": waiver.proposed_by_id,
                    "case": case_version(waiver.recovery)})


def _pending(recovery: Recovery, version: str, check_may) -> tuple[Recovery, RecoveryWaiver]:
    """The case locked, and its proposed waiver as the page showed it (``version``), else ``Conflict``; who may
    act on it is asked first (``check_may(project, the proposer's id)``), so that someone who may not learns
    nothing of the waiver's state. Only a decided case has waivers (``waive_recovery``), and it stays decided."""
    current = lock_recovery(recovery)
    waiver = proposed_waiver(current)
    check_may(current.project, waiver.proposed_by_id if waiver else None)
    if waiver is None:
        raise Conflict(_("No waiver of this case awaits confirmation: it was confirmed or declined already."))
    waiver.recovery = current
    if version != waiver_version(waiver):
        raise Conflict(_(WAIVER_CHANGED))
    return current, waiver


def confirm_waiver(recovery: Recovery, *, actor, version: str) -> RecoveryWaiver:
    """A second person confirms the case's proposed waiver as they read it (``version``, ``waiver_version``): it
    takes effect now, if it still fits what is left of the principal, and the lead is told."""
    with transaction.atomic():
        current, waiver = _pending(recovery, version, lambda project, proposer: permissions.check_confirms_waiver(
            actor, project.call.programme, proposer, _(CONFIRMED_BY_ANOTHER), project=project))
        project = current.project
        left = amount_due(current)
        if waiver.principal > left:
            # Returns recorded since the proposal counted in full; the waiver would make the recipient owed money.
            raise Conflict(_("Only %(left)s of the principal is left to return now, less than the waiver's "
                             "%(principal)s: decline it and propose it again.")
                           % {"left": euro_text(left), "principal": euro_text(waiver.principal)})
        waiver.status, waiver.confirmed_by, waiver.confirmed_at = (RecoveryWaiver.Status.CONFIRMED, user_of(actor),
                                                                   timezone.now())
        waiver.save(update_fields=["status", "confirmed_by", "confirmed_at"])
        record("recovery.waived", waiver, actor=actor, application=project.application,
               data={"project": project.reference, "recovery": current.pk, "principal": str(waiver.principal),
                     "interest": waiver.interest, "reasons": waiver.reasons, "proposed_by": waiver.proposed_by_id,
                     "left": str(left - waiver.principal)})
        events.recovery_waived.send(RecoveryWaiver, waiver=waiver, actor=actor)
    return waiver


def decline_waiver(recovery: Recovery, *, actor, version: str, reasons: str) -> RecoveryWaiver:
    """The case's proposed waiver declined with reasons, by the second person (or withdrawn by its proposer):
    nothing due changes, and another waiver may be proposed."""
    check_lengths(reasons=reasons)
    with transaction.atomic():
        current, waiver = _pending(recovery, version, lambda project, proposer: permissions.check_declines_waiver(
            actor, project.call.programme, proposer, _(DECLINED_BY), project=project))
        project = current.project
        if not (reasons or "").strip():
            raise Invalid({"reasons": [_("Give the reasons for declining the waiver.")]})
        waiver.status, waiver.declined_by, waiver.declined_at, waiver.declined_reasons = (
            RecoveryWaiver.Status.DECLINED, user_of(actor), timezone.now(), reasons.strip())
        waiver.save(update_fields=["status", "declined_by", "declined_at", "declined_reasons"])
        record("recovery.waiver_declined", waiver, actor=actor, application=project.application,
               data={"project": project.reference, "recovery": current.pk, "principal": str(waiver.principal),
                     "interest": waiver.interest, "proposed_by": waiver.proposed_by_id,
                     "reasons": waiver.declined_reasons})
    return waiver
