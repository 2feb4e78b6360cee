"""Decisions: a signed one of a published call is public; whether its documents exist yet, and where they are."""

from django.http import Http404
from django.urls import reverse
from ninja import Router

from avustus.accounts.permissions import can_see_decision
from avustus.api.auth import OPTIONAL_AUTH
from avustus.api.schemas import DecisionOut, Errors
from avustus.decisions.documents.render import FORMATS, LANGUAGES
from avustus.decisions.models import Decision
from avustus.decisions.signing import documents_pending

router = Router(tags=["decisions"])


@router.get("/decisions/{pk}", response={200: DecisionOut, 401: Errors, 404: Errors, 422: Errors}, auth=OPTIONAL_AUTH,
            operation_id="avustus_api_get_decision")
def get_decision(request, pk: int):
    """A decision and its documents; ``documents_status`` is ``pending`` from the signature until they are stored."""
    decision = Decision.objects.select_related("call__programme").filter(pk=pk).first()
    if decision is None or not can_see_decision(request.user, decision):
        raise Http404
    stored = {(d.lang, d.format): d.sha256 for d in decision.documents.only("lang", "format", "sha256")}
    if documents_pending(decision):
        state, forms = "pending", []
    else:
        state = "stored" if stored else "rendered"
        forms = [(lang, fmt) for lang in LANGUAGES for fmt in FORMATS]
    return {
        "id": decision.pk, "call": decision.call.slug, "kind": decision.kind, "status": decision.status,
        "documents_status": state, "decided_on": decision.decided_on.isoformat() if decision.decided_on else None,
        "signed_at": decision.signed_at, "snapshot_sha256": decision.snapshot_sha256 or None,
        "documents": [{"lang": lang, "format": fmt, "url": reverse("decision-document", args=[decision.pk, lang, fmt]),
                       "sha256": stored.get((lang, fmt))} for lang, fmt in forms],
    }
