"""The user's own personal API tokens: create one (shown once on the answer page), list, revoke after confirming."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from avustus.accounts import tokens

LIFETIMES = (30, 90, 180, 365)


def _days(value: str) -> int:
    """The chosen lifetime; 0 (which the service refuses with its message) when it is not a whole number."""
    value = (value or "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) < 6 else 0


@never_cache  # the page that shows a new token must not be kept by any cache or the browser's history
@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request):
    created = None
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            token, value = tokens.create_token(request.user, actor=request.user, name=request.POST.get("name", ""),
                                               expires_in_days=_days(request.POST.get("expires_in", "")))
        except ValidationError as exc:
            errors = exc.message_dict
        else:
            created = {"token": token, "value": value}
    return render(request, "web/tokens/list.html", {
        "tokens": tokens.tokens_of(request.user), "created": created, "errors": errors, "now": timezone.now(),
        "lifetimes": LIFETIMES, "default_days": tokens.DEFAULT_DAYS,
        "name": request.POST.get("name", "") if errors else "",
    }, status=422 if errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def revoke_api_token(request, pk: int):
    """GET asks to confirm; POST revokes. Another user's token is a 404, as one that does not exist."""
    token = tokens.tokens_of(request.user).filter(pk=pk).first()
    if token is None:
        raise Http404
    if request.method == "POST":
        tokens.revoke_token(token, actor=request.user)
        messages.success(request, _("The token %(hint)s… was revoked; it no longer works.") % {"hint": token.hint})
        return redirect("api-tokens")
    return render(request, "web/tokens/revoke.html", {"token": token})
