"""A user's own address in messages: the link that confirms a new address, sent to it, and the notice to the
address it replaced that the address was changed (so that a mistyped or someone else's address is noticed).

Listeners to ``events.address_confirmation_requested`` and ``events.address_changed`` (``accounts.contacts``).
"""

from django.urls import reverse
from django.utils import timezone

from avustus import events
from avustus.accounts.contacts import LANGUAGES, Recipient, confirmation_expires, confirmation_token, language_of
from avustus.messaging.receivers import _date, _send_each, site_url


def _language(contact, language: str | None) -> str:
    """The user's own language, else the one they were using, else Finnish (a user has no organisation here)."""
    if contact.language in LANGUAGES:
        return contact.language
    return language if language in LANGUAGES else language_of(None)


def on_address_confirmation_requested(sender, *, contact, actor, language=None, **kwargs) -> None:
    if not contact.email or contact.verified:
        return
    link = site_url(reverse("my-contact-confirm", args=[confirmation_token(contact)]))
    expires = timezone.localtime(confirmation_expires())
    to = Recipient(contact.email, _language(contact, language), contact.user)
    _send_each("address_confirmation", [to], None,
               lambda r: {"address": contact.email, "link": link, "expires_on": _date(expires, r.language),
                          "expires_at": f"{expires:%H.%M}", "contact_link": site_url(reverse("my-contact"))})


def on_address_changed(sender, *, contact, previous, actor, language=None, **kwargs) -> None:
    to = Recipient(previous, _language(contact, language), contact.user)
    _send_each("address_changed", [to], None,
               lambda r: {"previous": previous, "address": contact.email,
                          "contact_link": site_url(reverse("my-contact"))})


def connect() -> None:
    events.address_confirmation_requested.connect(on_address_confirmation_requested,
                                                  dispatch_uid="messaging.address_confirmation")
    events.address_changed.connect(on_address_changed, dispatch_uid="messaging.address_changed")
