"""What the screens show for the codes of the data, in the reader's language: one place for every label.

Codes (an outcome, a kind of body, a screening flag, a check, an allocation's basis, an audit action)
are stored and compared as codes; the screens, their templates (the ``label`` and ``outcome_label``
filters) and the audit history read their names here.
"""

from typing import TYPE_CHECKING

from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from avustus.rules import allocation

if TYPE_CHECKING:  # django-stubs-ext is a development dependency, needed only by the type checker
    from django_stubs_ext import StrOrPromise

KIND_LABELS = {"municipality": _("municipality"), "joint_authority": _("joint municipal authority")}
ROUNDING_LABELS = {"down": _("down"), "half_up": _("to the nearest (half up)"), "up": _("up")}
# A decision signed in Avustus whose documents the background task has not stored yet.
DOCUMENTS_PENDING = _("signed, documents pending")
PART_LABELS = {
    "cost_categories": _("Eligible cost categories (last field: no = not eligible)"),
    "exclusions": _("Exclusions (keywords separated by commas)"),
    "criteria": _("Evaluation criteria (weight, highest score)"),
    "groups": _("Groups of grants and their conditions"),
}

SORT_KEY_LABELS = {
    "received": _("time of submission"), "lead": _("lead applicant"), "applied": _("amount applied"),
    "status": _("screening"), "score": _("score"), "spread": _("spread between reviewers"),
    "reviews": _("number of reviews"),
}

FLAG_LABELS = {
    "exclusion": _("possibly excluded theme"),
    "too_few_municipalities": _("fewer municipalities than the call requires"),
    "category_not_eligible": _("cost category the call does not pay"),
}

CHECK_LABELS = {
    "in_time": _("Submitted within the call's window"),
    "applicants": _("The lead and the partners are bodies the call admits"),
    "consortium": _("The consortium has at least the call's minimum number of municipalities"),
    "aid_rate": _("The amount applied is within the aid rate of the eligible costs"),
    "eligible_costs": _("The budget contains only eligible costs"),
    "plan": _("The plan answers every part the call asks for"),
}

# Why a line of a decision proposal stands as it does (the allocation's basis).
BASIS_LABELS = {
    allocation.BASIS_OVERRIDE: _("set by hand"),
    allocation.BASIS_WITHDRAWN: _("withdrawn"),
    allocation.BASIS_INELIGIBLE: _("ineligible in screening"),
    allocation.BASIS_NOT_SCREENED: _("not screened yet"),
    allocation.BASIS_NOT_SCORED: _("not scored yet"),
    allocation.BASIS_BELOW_PASS_MARK: _("below the pass mark"),
    allocation.BASIS_FUNDED: _("funded in ranking order"),
    allocation.BASIS_NO_FUNDS: _("the appropriation ran out"),
    allocation.BASIS_TOO_SMALL: _("less than the rounding unit"),
}

# The orders a round's list of applications can be read in.
ROUND_SORT_LABELS = {
    "row": _("order in the decision"),
    "lead": _("lead applicant"),
    "title": _("project"),
    "applied": _("amount applied"),
    "granted": _("amount granted"),
    "outcome": _("outcome"),
}

# Vocabularies for the ``label`` template filter: ``mode|label:"rounding"``.
VOCABULARIES = {"kind": KIND_LABELS, "rounding": ROUNDING_LABELS, "part": PART_LABELS, "sort": SORT_KEY_LABELS,
                "flag": FLAG_LABELS}


def label(code: str, vocabulary: str) -> "StrOrPromise":
    """A code's name in a vocabulary, in the reader's language; the code itself if unknown."""
    return VOCABULARIES[vocabulary].get(code, code)


def outcome_label(kind: str | None) -> str:
    """An outcome's name in the reader's language, capitalised; empty for no outcome."""
    from avustus.decisions.models import Outcome

    if kind not in Outcome.Kind.values:
        return ""
    return str(Outcome.Kind(kind).label).capitalize()


def check_label(code: str, exclusions: dict, lang: str) -> "StrOrPromise":
    """A screening check's name; an exclusion's check (``exclusion:<code>``) names the excluded theme."""
    if code in exclusions:
        return gettext("Not excluded: %(name)s") % {"name": exclusions[code].text(lang)}
    return CHECK_LABELS[code]


# --- The audit history -----------------------------------------------------------------------------
# Words of the audit history have a context of their own, so that the same English word elsewhere may translate
# otherwise.


# What users read for each action code; an action not listed here shows its code.
ACTIONS = {
    "application.created": _("application started"),
    "application.saved": _("draft saved"),
    "application.save_conflict": _("save refused: the draft had changed meanwhile"),
    "application.submitted": _("application submitted"),
    "application.withdrawn": _("application withdrawn"),
    "application.partner_editing": _("partner's editing right changed"),
    "application.attachment_added": _("attachment added"),
    "application.attachment_removed": _("attachment removed"),
    "application.attachment_read": _("attachment downloaded"),
    "application.read": _("read"),
    "application.screened": _("screened"),
    "review.assigned": _("reviewer assigned"),
    "review.interests_declared": _("reviewer's interests declared"),
    "review.scored": _("scores given"),
    "proposal.line_set": _("proposal changed"),
    "proposal.returned": _("proposal returned to preparation"),
    "decision.notified": _("decision notified"),
    "rectification.registered": _("rectification request registered"),
    "rectification.prepared": _("rectification request prepared"),
    "rectification.decided": _("rectification request decided"),
    "review.conflict_found": pgettext_lazy("audit history", "conflict of interest found"),
    "list.read": _("read in a list"),
    "decision.read": _("unsigned decision read"),
    "proposal.pass_mark_set": _("pass mark set"),
    "proposal.presented": _("decision proposal presented"),
    "proposal.approved": _("decision proposal approved"),
    "decision.signed": _("decision signed"),
    "decision.prepared": _("decision prepared"),
    "decision.imported": _("decision imported"),
    "decision.reimported": _("decision imported again"),
    "decision.amendment_started": _("amending decision started"),
    "recovery.started": _("recovery started and the recipient asked to be heard"),
    "recovery.response": _("response to the recovery hearing"),
    "recovery.prepared": _("recovery decision prepared"),
    "recovery.decided": _("recovery decision signed"),
    "recovery.returned": _("recovered amount returned"),
    "recovery.waiver_proposed": _("waiver of a recovery proposed"),
    "recovery.waived": _("recovery waived in whole or in part"),
    "recovery.waiver_declined": _("proposed waiver of a recovery declined"),
    "recovery.decision_withdrawn": _("recovery decision sent back unsigned"),
}


# What users read for each key of an entry's data. A key not listed here is shown in words ("based on"),
# never as a code with underscores, and nothing is shown as JSON.
FIELDS = {
    "what": pgettext_lazy("audit history", "what was read"),
    "lead": _("lead applicant"),
    "version": _("version"),
    "changes": pgettext_lazy("audit history", "changes"),
    "based_on": pgettext_lazy("audit history", "edited version"),
    "current": pgettext_lazy("audit history", "version stored meanwhile"),
    "title": pgettext_lazy("audit history", "title"),
    "plan": _("project plan"),
    "partners": pgettext_lazy("audit history", "partners"),
    "budget": pgettext_lazy("audit history", "budget"),
    "category": _("cost category"),
    "amount_vat_free": _("amount without VAT"),
    "vat": _("VAT"),
    "description": _("description"),
    "amount_applied": _("amount applied"),
    "flags": _("screening flags"),
    "idempotency_key": pgettext_lazy("audit history", "submission key"),
    "organisation": pgettext_lazy("audit history", "body"),
    "allowed": _("may edit"),
    "attachment": pgettext_lazy("audit history", "attachment number"),
    "attachments": _("attachments"),
    "name": _("file name"),
    "content_type": _("file type"),
    "size": pgettext_lazy("audit history", "size in bytes"),
    "sha256": pgettext_lazy("audit history", "SHA-256 checksum"),
    "checks": _("checklist"),
    "passed": pgettext_lazy("audit history", "passed"),
    "eligible": _("eligible"),
    "reviewer": _("reviewer"),
    "conflict": _("conflict of interest"),
    "reason": _("reason"),
    "scores": _("scores"),
    "weighted_score": _("weighted score"),
    "outcome": _("outcome"),
    "amount": pgettext_lazy("audit history", "amount"),
    "group": pgettext_lazy("audit history", "group"),
    "conditions": _("special conditions"),
    "combinable_with": _("may be combined with"),
    "request": pgettext_lazy("audit history", "request number"),
    "decision": pgettext_lazy("audit history", "decision number"),
    "received_on": pgettext_lazy("audit history", "received on"),
    "deadline": _("deadline"),
    "late": _("late"),
    "resolution": _("resolution"),
    "application": _("application"),
    "channel": pgettext_lazy("audit history", "channel"),
    "sent_on": pgettext_lazy("audit history", "sent on"),
}
# Coded values shown in words: outcomes, conflicts of interest, resolutions, channels.
VALUES = {
    "granted": _("granted"),
    "deferred": _("deferred for further investigation"),
    "rejected": pgettext_lazy("audit history", "not granted"),
    "withdrawn": _("withdrawn"),
    "undeclared": _("not yet declared"),
    "none": _("no conflict of interest"),
    "declared": _("conflict of interest declared"),
    "employed": _("employed by a member of the consortium"),
    "upheld": _("original decision upheld"),
    "amended": _("decision amended"),
    "letter": _("by letter"),
    "electronic": _("electronically"),
}
# What was read ("what" of an application.read entry).
READS = {
    "history": pgettext_lazy("audit history", "history"),
    "application": pgettext_lazy("audit history", "application"),
    "screening": pgettext_lazy("audit history", "screening"),
    "plan": pgettext_lazy("audit history", "project plan"),
    "attachments": pgettext_lazy("audit history", "attachments"),
}
# The outbox's events, as officials read them on an application's page and its history.
MESSAGE_EVENTS = {
    "application_submitted": pgettext_lazy("outbox", "receipt of submission"),
    "application_withdrawn": pgettext_lazy("outbox", "notice of withdrawal"),
    "decision_letter": pgettext_lazy("outbox", "decision letter"),
    "rectification_requested": pgettext_lazy("outbox", "receipt of a rectification request"),
    "rectification_decided": pgettext_lazy("outbox", "rectification request decided"),
    "call_deadline_approaching": pgettext_lazy("outbox", "reminder: the call closes"),
    "rectification_period_ending": pgettext_lazy("outbox", "reminder: the time for rectification ends"),
    "rectification_overdue": pgettext_lazy("outbox", "reminder: a rectification request is undecided"),
}


def message_rows(messages) -> list[dict]:
    """Outbox messages as rows of the officials' table: what, to whom, when, status."""
    return [{"message": m, "event": MESSAGE_EVENTS.get(m.event, m.event.replace("_", " ")),
             "copy": m.subject.startswith(("Tiedoksi:", "För kännedom:", "For information:"))} for m in messages]
