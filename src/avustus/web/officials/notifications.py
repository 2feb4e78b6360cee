"""Notifying a signed decision: when and how each applicant was sent it, and so when it was received."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from avustus.applications.models import Application
from avustus.decisions.models import Decision, Notification
from avustus.decisions.notifications import record_notification
from avustus.web.feedback import flash
from avustus.web.officials.common import official_call, page_of


@login_required
def notifications(request, pk: int):
    decision = get_object_or_404(Decision.objects.select_related("call__programme"), pk=pk)
    call = official_call(request, decision.call.slug)
    if request.method == "POST":
        application = get_object_or_404(Application, call=call, reference=request.POST.get("application", ""))
        try:
            sent_on = date.fromisoformat(request.POST.get("sent_on", ""))
        except ValueError:
            messages.error(request, _("Give the date as YYYY-MM-DD."))
        else:
            try:
                notification = record_notification(decision, application, channel=request.POST.get("channel", ""),
                                                   sent_on=sent_on, actor=request.user)
                messages.success(request, _("Recorded: deemed received on %(received)s; "
                                            "requests for rectification by %(deadline)s.")
                                 % {"received": date_format(notification.received_on, "SHORT_DATE_FORMAT"),
                                    "deadline": date_format(notification.rectification_deadline, "SHORT_DATE_FORMAT")})
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as exc:
                flash(request, exc)
        return redirect("officials-notifications", decision.pk)
    outcomes = decision.outcomes.select_related("application").order_by("application__reference")
    page = page_of(request, outcomes)
    sent: dict[int, list[Notification]] = {}
    for n in Notification.objects.filter(decision=decision, application__in=[o.application_id for o in page]):
        sent.setdefault(n.application_id, []).append(n)
    rows = [{"outcome": o, "notifications": sent.get(o.application_id, [])} for o in page]
    return render(request, "web/officials/notifications.html", {
        "decision": decision, "call": call, "page": page, "rows": rows, "channels": Notification.Channel.choices,
        "today": timezone.localdate().isoformat(),
    })
