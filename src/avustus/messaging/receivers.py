"""Listeners to ``avustus.events``: each renders its message from the templates in the recipient's language
and queues it in the sender's transaction (``outbox.queue``).

Templates: ``messaging/<event>.<language>.txt``, the subject on the first line, a blank line, the body;
plain text that officials can read and correct.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from avustus import events
from avustus.actors import user_of
from avustus.messaging import outbox

LANGUAGES = ("fi", "sv", "en")


def site_url(path: str) -> str:
    """An absolute link for a message (the ``AVUSTUS_SITE_URL`` setting)."""
    return settings.AVUSTUS_SITE_URL + path


def language_for(language: str | None, organisation=None) -> str:
    """The user's own choice, else the organisation's, else Finnish."""
    if language in LANGUAGES:
        return language
    if organisation is not None:
        return organisation.preferred_language
    return "fi"


def render(event: str, language: str, context: dict) -> tuple[str, str]:
    """The subject and body of ``event`` in ``language``."""
    with translation.override(language):
        text = render_to_string(f"messaging/{event}.{language}.txt", context)
    subject, _, body = text.strip("\n").partition("\n")
    return subject.strip(), body.strip("\n") + "\n"


def _application_message(event: str, application, actor, language: str | None) -> None:
    user = user_of(actor)  # the system (an import, a command) has no address of its own
    recipient = (user.email if user is not None else "") or ""
    if not recipient:
        return  # contact addresses per organisation come later; without an address nothing is queued
    lead = application.lead
    language = language_for(language, lead.organisation if lead else None)
    lead_name = ""
    if lead is not None:
        lead_name = lead.organisation.name(language) if lead.organisation else lead.name_as_written
    context = {"application": application, "reference": application.reference, "title": application.title,
               "call": application.call.title(language), "lead": lead_name,
               "link": site_url(reverse("my-application", args=[application.reference]))}
    subject, body = render(event, language, context)
    outbox.queue(event, to=recipient, language=language, subject=subject, body=body, application=application,
                 user=user)


def on_application_submitted(sender, *, application, actor, language=None, **kwargs) -> None:
    _application_message("application_submitted", application, actor, language)


def on_application_withdrawn(sender, *, application, actor, language=None, **kwargs) -> None:
    _application_message("application_withdrawn", application, actor, language)


def connect() -> None:
    events.application_submitted.connect(on_application_submitted, dispatch_uid="messaging.submitted")
    events.application_withdrawn.connect(on_application_withdrawn, dispatch_uid="messaging.withdrawn")
