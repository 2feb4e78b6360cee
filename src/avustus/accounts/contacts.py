"""Contact addresses, the language of messages and consent to electronic delivery, per user and per organisation.

A user's consent matters for one thing: whether a decision emailed to them counts as notified
electronically (Administrative Procedure Act 434/2003, section 19). It is given and withdrawn only by the
user (``permissions.can_edit_contact_of``), is kept with the moment it was given, and every change is on
the audit log. It counts only for an address known to reach the user (``verified``): a new address is sent a
link that confirms it (``confirmation_token``, ``confirm_address``), and the address it replaces is told of the
change, so that a mistyped or someone else's address never starts the time to request rectification.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from avustus import events
from avustus.accounts.models import ContactDetails, ContactLanguage, OrganisationAddress, Role, RoleGrant
from avustus.accounts.permissions import can_act_for, can_edit_contact_of, can_manage_addresses_of, can_see_addresses_of
from avustus.audit.chain import record
from avustus.errors import Invalid, NotAllowed
from avustus.prepared import PreparedRead
from avustus.registry.languages import document_language

LANGUAGES = tuple(ContactLanguage.values)


def contact_of(user) -> ContactDetails:
    """The user's contact details; an unsaved row with the account's email when none are stored yet."""
    try:
        return user.contact
    except ContactDetails.DoesNotExist:
        return ContactDetails(user=user, email=user.email or "")


def address_of(user) -> str:
    """Where messages to the user go: their own address, else the account's email, else none."""
    if user is None:
        return ""
    return contact_of(user).email or user.email or ""


def has_consented(user, *, at: str | None = None) -> bool:
    """Whether a decision emailed to the user counts as notified: they have consented to electronic delivery (and
    not withdrawn it) at an address they have confirmed, and, with ``at``, that address is the one the email went
    to (a letter queued before the user changed their address is not notified at the old one). Consent at an
    address not yet confirmed is kept but does not count until the address is confirmed."""
    if user is None:
        return False
    rows = ContactDetails.objects.filter(user=user, electronic_consent=True, verified=True).exclude(email="")
    return (rows.filter(email__iexact=at) if at is not None else rows).exists()


def language_of(user, organisation=None) -> str:
    """The language of messages to the user: their own choice, else the organisation's, else Finnish."""
    if user is not None:
        chosen = contact_of(user).language
        if chosen in LANGUAGES:
            return chosen
    return document_language(organisation=organisation)


def _clean_email(email: str, field: str = "email") -> str:
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError as error:
            raise Invalid({field: [_("Enter a valid email address, such as name@example.fi.")]}) from error
    return email


def update_contact(user, *, email: str, language: str, consent: bool, actor) -> ContactDetails:
    """The user sets their own address, language and consent; a changed address is unverified again, a link that
    confirms it is sent to it, and the address messages went to until now is told of the change."""
    if not can_edit_contact_of(actor, user):
        raise NotAllowed(_("Only the user themselves sets their contact details and consent."))
    email = _clean_email(email)
    if language not in ("", *LANGUAGES):
        raise Invalid({"language": [_("Choose Finnish, Swedish or English.")]})
    if consent and not email:
        raise Invalid({"consent": [_("Give an email address to receive decisions electronically.")]})
    with transaction.atomic():
        contact, _created = ContactDetails.objects.select_for_update().get_or_create(user=user)
        before = {"email": contact.email, "language": contact.language, "consent": contact.electronic_consent}
        previous = contact.email or user.email or ""  # where messages went until now (``address_of``)
        changed = contact.email != email
        if changed:
            contact.verified = False
        contact.email = email
        contact.language = language
        if consent and not contact.electronic_consent:
            contact.consent_given_at = timezone.now()
        elif not consent:
            contact.consent_given_at = None
        contact.electronic_consent = consent
        contact.save()
        after = {"email": email, "language": language, "consent": consent}
        if after != before:
            record("contact.updated", contact, actor=actor,
                   data={"before": before, "after": after,
                         "consent_given_at": contact.consent_given_at.isoformat() if contact.consent_given_at
                         else None})
        if changed:
            language_used = translation.get_language()
            if email:
                events.address_confirmation_requested.send(ContactDetails, contact=contact, actor=actor,
                                                           language=language_used)
            if previous and previous.lower() != email.lower():
                events.address_changed.send(ContactDetails, contact=contact, previous=previous, actor=actor,
                                            language=language_used)
    return contact


def mark_verified(user, *, actor) -> ContactDetails:
    """The user's address is known to reach them (the system: an operator's or the demo's word)."""
    from avustus.actors import is_system

    if not is_system(actor):
        raise NotAllowed(_("Only the system marks an address verified."))
    with transaction.atomic():
        contact, _created = ContactDetails.objects.select_for_update().get_or_create(
            user=user, defaults={"email": user.email or ""})
        if not contact.verified:
            contact.verified = True
            contact.save(update_fields=["verified", "updated_at"])
            record("contact.verified", contact, actor=actor, data={"email": contact.email})
    return contact


# The link that confirms an address: signed (``django.core.signing``, this salt), naming the user and the address
# (by a keyed digest, so that the address itself is not in the link), valid for ``CONFIRMATION_VALID``.
CONFIRMATION_SALT = "avustus.accounts.contacts.confirm-address"
CONFIRMATION_VALID = timedelta(days=3)


def _address_digest(email: str) -> str:
    return salted_hmac(CONFIRMATION_SALT, email, algorithm="sha256").hexdigest()[:32]


def confirmation_token(contact: ContactDetails) -> str:
    """The token of the link sent to ``contact.email`` (``messaging`` puts it in the confirmation message)."""
    return signing.dumps({"user": contact.user_id, "address": _address_digest(contact.email)},
                         salt=CONFIRMATION_SALT, compress=True)


def confirmation_expires(now=None):
    """When a link made now stops working."""
    return (now or timezone.now()) + CONFIRMATION_VALID


def _contact_confirmed_by(user, token: str, *, lock: bool = False) -> ContactDetails:
    """The user's contact details whose current address ``token`` confirms; refused if the token is tampered
    with, expired, for another user or for an address other than the current one."""
    try:
        named = signing.loads(token or "", salt=CONFIRMATION_SALT, max_age=CONFIRMATION_VALID)
    except signing.SignatureExpired as error:
        raise Invalid({"token": [_("The link has expired: it works for three days. Send yourself a new link from "
                                   "your contact details.")]}) from error
    except signing.BadSignature as error:
        raise Invalid({"token": [_("The link is not valid: check that you copied all of it, or send yourself a "
                                   "new link from your contact details.")]}) from error
    if not isinstance(named, dict) or named.get("user") != user.pk:
        raise Invalid({"token": [_("The link was sent to confirm another user's address. Sign in as the user the "
                                   "message was sent to.")]})
    contacts = ContactDetails.objects.select_for_update() if lock else ContactDetails.objects
    contact = contacts.filter(user=user).first()
    if contact is None or not contact.email or not constant_time_compare(
            str(named.get("address", "")), _address_digest(contact.email)):
        raise Invalid({"token": [_("The link was sent to an address that is no longer your email address. Your "
                                   "address was not confirmed; send yourself a new link from your contact "
                                   "details.")]})
    return contact


def address_confirmed_by(user, token: str, *, actor) -> str:
    """The address the link would confirm, refused as ``confirm_address`` refuses (the page that asks to confirm)."""
    if not can_edit_contact_of(actor, user):
        raise NotAllowed(_("Only the user themselves confirms their email address."))
    return _contact_confirmed_by(user, token).email


def confirm_address(user, token: str, *, actor) -> ContactDetails:
    """The user confirms their own address by the link sent to it: the address is verified, so that consent to
    electronic delivery counts. Confirming again changes nothing."""
    if not can_edit_contact_of(actor, user):
        raise NotAllowed(_("Only the user themselves confirms their email address."))
    with transaction.atomic():
        contact = _contact_confirmed_by(user, token, lock=True)
        if not contact.verified:
            contact.verified = True
            contact.save(update_fields=["verified", "updated_at"])
            record("contact.verified", contact, actor=actor, data={"email": contact.email, "by": "link"})
    return contact


def send_confirmation(user, *, actor) -> ContactDetails:
    """Send the link that confirms the user's address again (the earlier one lost or expired)."""
    if not can_edit_contact_of(actor, user):
        raise NotAllowed(_("Only the user themselves sets their contact details and consent."))
    with transaction.atomic():
        contact = ContactDetails.objects.select_for_update().filter(user=user).first()
        if contact is None or not contact.email:
            raise Invalid({"email": [_("Give an email address first; the link is sent to it.")]})
        if contact.verified:
            raise Invalid({"email": [_("Your email address has already been confirmed.")]})
        record("contact.confirmation_sent", contact, actor=actor, data={"email": contact.email})
        events.address_confirmation_requested.send(ContactDetails, contact=contact, actor=actor,
                                                   language=translation.get_language())
    return contact


def add_organisation_address(organisation, email: str, *, actor, verified: bool = False) -> OrganisationAddress:
    """Add an address of the organisation (idempotent: the same address again changes nothing)."""
    if not can_manage_addresses_of(actor, organisation):
        raise NotAllowed(_("Only those who act for the organisation set its addresses."))
    email = _clean_email(email)
    if not email:
        raise Invalid({"email": [_("Enter a valid email address, such as name@example.fi.")]})
    with transaction.atomic():
        address, created = OrganisationAddress.objects.get_or_create(
            organisation=organisation, email=email, defaults={"verified": verified})
        if created:
            record("organisation.address_added", organisation, actor=actor, data={"email": email,
                                                                                  "verified": verified})
    return address


def remove_organisation_address(address: OrganisationAddress, *, actor) -> None:
    if not can_manage_addresses_of(actor, address.organisation):
        raise NotAllowed(_("Only those who act for the organisation set its addresses."))
    with transaction.atomic():
        record("organisation.address_removed", address.organisation, actor=actor, data={"email": address.email})
        address.delete()


def organisation_addresses(organisation, *, actor) -> list[OrganisationAddress]:
    """The organisation's addresses, for those who may see them."""
    if not can_see_addresses_of(actor, organisation):
        raise NotAllowed(_("Only officials and those who act for the organisation see its addresses."))
    return list(OrganisationAddress.objects.filter(organisation=organisation))


@dataclass(frozen=True)
class Recipient:
    """One address a message goes to, in its language; ``user`` is set when the address is a person's."""

    to: str
    language: str
    user: object = None
    copy: bool = False  # a partner's copy of what went to the lead


# Every submission's receipt asks, so compiled once (avustus.prepared); the addresses alone, not their rows. By
# email: the model's order begins with the organisation, one here, and would join it only to sort.
_ADDRESSES_OF = PreparedRead(lambda organisation: OrganisationAddress.objects.filter(organisation_id=organisation)
                             .order_by("email").values_list("email", flat=True), organisation=int)


def recipients(organisation, *, users=(), acting=None, language: str | None = None,
               copy: bool = False) -> list[Recipient]:
    """The persons' and the organisation's addresses, each once (a person's first, so that their consent and
    language count). ``acting`` is the user who acted, and ``language`` the language they were using: it is
    their language when they have not chosen one of their own."""
    found: dict[str, Recipient] = {}
    for user in (acting, *users):
        if user is None:
            continue
        to = address_of(user)
        if to and to.lower() not in found:
            chosen = contact_of(user).language
            if chosen not in LANGUAGES:
                chosen = language if user is acting and language in LANGUAGES else language_of(user, organisation)
            found[to.lower()] = Recipient(to, chosen, user, copy)
    if organisation is not None:
        for email in _ADDRESSES_OF.all(organisation=organisation.pk):
            if email.lower() not in found:
                found[email.lower()] = Recipient(email, organisation.preferred_language, None, copy)
    return list(found.values())


def still_acting(organisation, users) -> list:
    """Those of ``users`` who act for ``organisation`` as applicants now. Who made an application and has since
    left the organisation (their role taken away) is no longer told of its matters, nor is a decision deemed
    notified to them (``decisions.notifications.record_emailed``)."""
    if organisation is None:
        return []
    return [user for user in users if user is not None and can_act_for(user, organisation)]


def applicant_users(organisation) -> list:
    """The users who act for the organisation as applicants."""
    if organisation is None:
        return []
    return [grant.user for grant in RoleGrant.objects.filter(role=Role.APPLICANT, organisation=organisation)
            .select_related("user", "user__contact").order_by("user_id")]
