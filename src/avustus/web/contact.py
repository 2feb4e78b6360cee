"""The user's own contact details: the address messages go to, their language, and consent to electronic
delivery of decisions (Administrative Procedure Act 434/2003, s. 19); the link that confirms the address, sent to
it and sent again on request, and the page it opens."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from avustus.accounts import contacts
from avustus.accounts.models import ContactLanguage
from avustus.web.feedback import error_summary, refusals_flashed


@login_required
@require_http_methods(["GET", "POST"])
def my_contact(request):
    contact = contacts.contact_of(request.user)
    errors: dict[str, list[str]] = {}
    email, language, consent = contact.email, contact.language, contact.electronic_consent
    if request.method == "POST":
        email, language = request.POST.get("email", "").strip(), request.POST.get("language", "")
        consent = request.POST.get("consent") == "yes"
        try:
            contacts.update_contact(request.user, email=email, language=language, consent=consent, actor=request.user)
        except ValidationError as exc:
            errors = exc.message_dict
        else:
            messages.success(request, _("Your contact details were saved."))
            return redirect("my-contact")
    summary = error_summary(errors, {"email": ("contact-email", _("Email address")),
                                     "language": ("contact-language", _("Language of messages")),
                                     "consent": ("contact-consent", _("Electronic delivery"))})
    return render(request, "web/contact.html", {
        "contact": contact, "shown": {"email": email, "language": language, "consent": consent},
        "contact_languages": ContactLanguage.choices, "errors": errors, "error_summary": summary,
    }, status=422 if errors else 200)


@login_required
@require_POST
def send_confirmation(request):
    """Send the link that confirms the address again; back to the contact details either way."""
    with refusals_flashed(request):
        contact = contacts.send_confirmation(request.user, actor=request.user)
        messages.success(request, _("A link that confirms the address was sent to %(email)s. It works for three "
                                    "days.") % {"email": contact.email})
    return redirect("my-contact")


@never_cache  # the link's token is in the address: no cache keeps the page
@login_required
@require_http_methods(["GET", "POST"])
def confirm_address(request, token: str):
    """GET shows the address the link confirms (or why it does not); POST confirms it. A mail system that opens
    links to check them only reads the page."""
    try:
        if request.method == "POST":
            contacts.confirm_address(request.user, token, actor=request.user)
            messages.success(request, _("Your email address was confirmed."))
            return redirect("my-contact")
        address = contacts.address_confirmed_by(request.user, token, actor=request.user)
    except ValidationError as exc:
        return render(request, "web/contact_confirm.html", {"errors": exc.messages}, status=422)
    return render(request, "web/contact_confirm.html", {"address": address})
