"""Calls for applications, public: those that are or were open (a draft call answers as no call)."""

from django.http import Http404
from ninja import Router

from avustus.api.schemas import CallOut, Errors
from avustus.calls.models import Call

router = Router(tags=["calls"])


def _call_out(call: Call) -> dict:
    return {
        "id": call.slug,
        "title": {"fi": call.title_fi, "sv": call.title_sv, "en": call.title_en},
        "status": call.status,
        "opens_at": call.opens_at,
        "closes_at": call.closes_at,
        "aid_rate": call.aid_rate,
        "min_municipalities": call.min_municipalities,
        "lead_kinds": call.lead_kinds,
        "partner_kinds": call.partner_kinds,
        "cost_categories": [
            {"code": c.code, "name": {"fi": c.name_fi, "sv": c.name_sv, "en": c.name_en}, "eligible": c.eligible}
            for c in call.cost_categories.all()
        ],
        "plan_fields": call.plan_fields,
    }


@router.get("/calls", response=list[CallOut], operation_id="avustus_api_list_calls")
def list_calls(request):
    """Calls that are or were open for applications."""
    calls = Call.objects.exclude(status=Call.Status.DRAFT).prefetch_related("cost_categories").order_by("slug")
    return [_call_out(c) for c in calls]


@router.get("/calls/{call_id}", response={200: CallOut, 400: Errors, 404: Errors}, operation_id="avustus_api_get_call")
def get_call(request, call_id: str):
    call = Call.objects.exclude(status=Call.Status.DRAFT).filter(slug=call_id).first()
    if call is None:
        raise Http404
    return _call_out(call)
