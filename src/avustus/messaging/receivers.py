"""Listeners to ``avustus.events``: each renders its message from the templates in each recipient's language
and queues it in the sender's transaction (``outbox.queue``).

Templates: ``messaging/<event>.<language>.txt``, the subject on the first line, a blank line, the body;
plain text that officials can read and correct. Recipients (``accounts.contacts.recipients``): the acting
user and the persons who made the application, then the organisation's own addresses, each once, each in
their language (the user's own choice, else the organisation's, else Finnish).
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from avustus import events
from avustus.accounts.contacts import Recipient, has_consented, recipients, still_acting
from avustus.actors import user_of
from avustus.messaging import outbox
from avustus.rules.deadlines import RECTIFICATION_DAYS, Delivery, rectification_deadline


def site_url(path: str) -> str:
    """An absolute link for a message (the ``AVUSTUS_SITE_URL`` setting)."""
    return settings.AVUSTUS_SITE_URL + path


def render(event: str, language: str, context: dict) -> tuple[str, str]:
    """The subject and body of ``event`` in ``language``."""
    with translation.override(language):
        text = render_to_string(f"messaging/{event}.{language}.txt", context)
    subject, _, body = text.strip("\n").partition("\n")
    return subject.strip(), body.strip("\n") + "\n"


def _name(member, language: str) -> str:
    if member is None:
        return ""
    return member.organisation.name(language) if member.organisation else member.name_as_written


def _base_context(application, language: str) -> dict:
    return {"application": application, "reference": application.reference, "title": application.title,
            "call": application.call.title(language), "lead": _name(application.lead, language),
            "link": site_url(reverse("my-application", args=[application.reference]))}


def _send_each(event: str, targets: list[Recipient], application, build, *, decision=None, key=None,
               notifies=None) -> None:
    """Render and queue ``event`` for each recipient; ``build(recipient)`` gives the template's context."""
    for recipient in targets:
        subject, body = render(event, recipient.language, build(recipient))
        outbox.queue(event, to=recipient.to, language=recipient.language, subject=subject, body=body,
                     application=application, decision=decision, user=recipient.user,
                     key=key(recipient) if key else None, notifies=bool(notifies and notifies(recipient)))


def lead_recipients(application, *, actor=None, language: str | None = None) -> list[Recipient]:
    """The lead's people (whoever acted, and who made the application while they still act for the lead) and the
    lead organisation's addresses."""
    lead = application.lead
    organisation = lead.organisation if lead else None
    acting = user_of(actor) if actor is not None else None
    creator = application.created_by
    # Who acted is told whoever they are; the creator who just acted for the lead is asked nothing more (the
    # deadline burst's submissions count their statements).
    users = [] if creator is None or (acting is not None and creator.pk == acting.pk) else [creator]
    return recipients(organisation, users=still_acting(organisation, users), acting=acting, language=language)


def _application_message(event: str, application, actor, language: str | None) -> None:
    # The system (an import, a command) has no address of its own; the organisation's still get the receipt.
    targets = lead_recipients(application, actor=actor, language=language)
    _send_each(event, targets, application, lambda r: _base_context(application, r.language))


def on_application_submitted(sender, *, application, actor, language=None, **kwargs) -> None:
    _application_message("application_submitted", application, actor, language)


def on_application_withdrawn(sender, *, application, actor, language=None, **kwargs) -> None:
    _application_message("application_withdrawn", application, actor, language)


def _date(day, language: str) -> str:
    """26.2.2020 in every language: the way the decisions themselves write dates."""
    return f"{day.day}.{day.month}.{day.year}" if day else ""


def on_decision_documents_ready(sender, *, decision, actor, **kwargs) -> None:
    """The decision letter: to the lead's people and addresses, and as copies to the partners' addresses.

    A letter to a person who has consented to electronic delivery is marked ``notifies``: when it is sent,
    the worker records the electronic notification (deemed received on the third day) and the rectification
    deadline follows from that day. The deadline the letter states is counted from today, the day it is
    queued; a letter that goes out later gets a later recorded deadline, never an earlier one.
    """
    from avustus.messaging.letters import letter_context

    today = timezone.localdate()
    # Not select_related("decision..."): every outcome's row would carry its own copy of the signed snapshot
    # (megabytes for a large round; 5,000 applications ran out of memory). ``decision`` is read once instead.
    outcomes = (decision.outcomes.select_related("application__call", "application__created_by")
                .prefetch_related("application__members__organisation"))
    for outcome in outcomes:
        application = outcome.application
        if outcome.kind == "withdrawn":
            continue  # a withdrawn application was told when it was withdrawn
        lead = lead_recipients(application)
        copies = [r for member in application.partners
                  for r in recipients(member.organisation, copy=True) if member.organisation]
        seen = {r.to.lower() for r in lead}
        copies = [r for r in copies if r.to.lower() not in seen]

        def build(recipient, outcome=outcome):
            consented = not recipient.copy and has_consented(recipient.user, at=recipient.to)
            received, deadline = rectification_deadline(today, Delivery.ELECTRONIC)
            return {**letter_context(decision, outcome, recipient.language), "copy": recipient.copy,
                    "electronic": consented, "received_on": _date(received, recipient.language),
                    "deadline": _date(deadline, recipient.language), "days": RECTIFICATION_DAYS,
                    **_base_context(outcome.application, recipient.language)}

        _send_each("decision_letter", lead + copies, application, build, decision=decision,
                   key=lambda r, a=application: f"decision_letter:{decision.pk}:{a.pk}:{r.to.lower()}",
                   notifies=lambda r: r.user is not None and not r.copy)


def on_rectification_requested(sender, *, request, actor, **kwargs) -> None:
    application = request.application
    _send_each("rectification_requested", lead_recipients(application), application,
               lambda r: {**_base_context(application, r.language), "received_on": _date(request.received_on,
                                                                                          r.language),
                          "late": request.late, "deadline": _date(request.deadline, r.language)},
               decision=request.decision)


def on_rectification_decided(sender, *, request, decision, actor, **kwargs) -> None:
    application = request.application
    _send_each("rectification_decided", lead_recipients(application), application,
               lambda r: {**_base_context(application, r.language), "amended": request.resolution == "amended",
                          "received_on": _date(request.received_on, r.language)},
               decision=decision)


def connect() -> None:
    events.application_submitted.connect(on_application_submitted, dispatch_uid="messaging.submitted")
    events.application_withdrawn.connect(on_application_withdrawn, dispatch_uid="messaging.withdrawn")
    events.decision_documents_ready.connect(on_decision_documents_ready, dispatch_uid="messaging.letter")
    events.rectification_requested.connect(on_rectification_requested, dispatch_uid="messaging.rect_requested")
    events.rectification_decided.connect(on_rectification_decided, dispatch_uid="messaging.rect_decided")
    from avustus.messaging import closing, followup  # they build on this module's helpers

    followup.connect()
    closing.connect()
    from avustus.messaging import changes  # change requests to a funded project

    changes.connect()
    from avustus.messaging import recovery

    recovery.connect()
    from avustus.messaging import addresses  # a user's own address: its confirmation, and its change

    addresses.connect()
