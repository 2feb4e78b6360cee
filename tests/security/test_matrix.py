"""The authorisation matrix: every route of the project, asked by every kind of user, answers as the table says.

``MATRIX`` below is the table: one row per route (by its URL name) and method, one column per actor.
Every URL pattern the project has must appear in it, so a new route cannot ship without someone
deciding who may use it: ``test_every_route_is_in_the_matrix`` fails until a row is added.

What the answers mean, and why:
- 404 where the user may not know the thing exists (another organisation's draft, attachment or
  application screen, an officials' page for a non-official): the answer is the same as for nothing.
- ``LOGIN`` (a redirect to the login page) where an anonymous user asks for a screen that needs a login;
  the API answers 401 instead.
- 403 only where the user knows the thing exists and is refused an action on it.
- ``GO`` is a redirect elsewhere than to a login page (a form that saved, or refused with a message).

The requests are made against real objects (a submitted application of an open call, a draft with an
attachment, the 2020 round, its signed decision and an unsigned amending one); each request runs in a
savepoint that is rolled back, so one actor's withdrawal does not change what the next one sees.
"""

import json
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import request_finished
from django.db import close_old_connections, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from avustus.accounts import contacts
from avustus.accounts import tokens as api_tokens
from avustus.accounts.models import Role
from avustus.accounts.services import grant_role
from avustus.actors import SYSTEM
from avustus.applications import attachments
from avustus.applications import services as applications
from avustus.calls.models import Call
from avustus.decisions.amending import start_amending_decision
from avustus.decisions.models import Decision, Outcome
from avustus.evaluation.models import Assignment, RectificationRequest
from avustus.opendata.background import run_export_job, start_round_export
from avustus.registry.models import Organisation
from avustus.web.middleware import PUBLIC_ROUTES

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("storage")]


@dataclass(frozen=True)
class Redirect:
    """A 302 to a URL starting with ``to`` (or, with ``to`` None, to anywhere that is not a login page)."""

    to: str | None

    def __repr__(self) -> str:
        return f"302→{self.to or 'elsewhere'}"


LOGIN = Redirect("/login/")
ADMIN_LOGIN = Redirect("/admin/login/")
GO = Redirect(None)
OK, CREATED, GONE, BAD, NO, NF, NA, INVALID = 200, 201, 204, 401, 403, 404, 405, 422

ACTORS = ("anonymous", "lead", "other", "official", "decider", "reviewer", "auditor", "admin")

# What fills the URL's parameters: objects made by the ``world`` fixture below.
#   open-call      the published call kuntadigi-2026, open for applications
#   round          the 2020 round (imported, decided)
#   submitted      an application of the open call led by Hämeenlinna (109), the lead's organisation
#   draft          a complete draft of the open call led by 109, with one attachment
#   attachment     that attachment
#   decided        an application of the 2020 round with a grant or a deferral
#   signed         the 2020 round's signed collective decision, as Finnish HTML
#   unsigned       a draft amending decision of it, as Finnish HTML
#   round-draft    that draft, on the round's pages
#   export         an official's finished export of the 2020 round (CSV), made in the background
#   org            the registry entry of Hämeenlinna
#   token          a personal API token of the lead's user
#   none           the route has no parameters

# One answer per actor, in the order of ACTORS (anonymous, lead, other, official, decider, reviewer, auditor, admin).
# route name (namespace:name)             method   object       anon   lead   other  offic  decid  review audit  admin
MATRIX = [
    ("home",                              "GET",    "none",       OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    ("calls",                             "GET",    "none",       OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    ("call",                              "GET",    "open-call",  OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    ("start-application",                 "POST",   "open-call",  LOGIN, GO,    GO,    GO,    GO,    GO,    GO,    GO),
    ("round",                             "GET",    "round",      OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    # A draft (unpublished) call is its programme's plan: 404 to the public, its officials still reach it.
    ("round",                             "GET",    "draft-call", NF,    NF,    NF,    OK,    OK,    NF,    OK,    OK),
    ("round-applications",                "GET",    "draft-call", NF,    NF,    NF,    OK,    OK,    NF,    OK,    OK),
    ("call",                              "GET",    "draft-call", NF,    NF,    NF,    NF,    NF,    NF,    NF,    NF),
    ("start-application",                 "POST",   "draft-call", LOGIN, NF,    NF,    NF,    NF,    NF,    NF,    NF),
    ("officials-setup",                   "GET",    "draft-call", LOGIN, NF,    NF,    OK,    OK,    NF,    OK,    OK),
    ("round-applications",                "GET",    "open-call",  OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    ("call-texts",                        "GET",    "round",      LOGIN, NF,    NF,    OK,    OK,    NF,    OK,    OK),
    ("call-texts",                        "POST",   "round",      LOGIN, NF,    NF,    GO,    NO,    NF,    NO,    GO),
    ("decision-document",                 "GET",    "signed",     OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    ("decision-document",                 "GET",    "unsigned",   NF,    NF,    NF,    OK,    OK,    NF,    OK,    OK),
    ("application",                       "GET",    "submitted",  OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    ("application",                       "GET",    "draft",      NF,    NF,    NF,    NF,    NF,    NF,    NF,    NF),
    ("find-application",                  "GET",    "none",       OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    ("letter",                            "GET",    "decided",    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    ("my-applications",                   "GET",    "none",       LOGIN, OK,    OK,    OK,    OK,    OK,    OK,    OK),
    ("my-application",                    "GET",    "draft",      LOGIN, OK,    NF,    NF,    NF,    NF,    NF,    NF),
    ("my-application",                    "POST",   "draft",      LOGIN, GO,    NF,    NF,    NF,    NF,    NF,    NF),
    ("my-application",                    "GET",    "submitted",  LOGIN, OK,    NF,    NF,    NF,    NF,    NF,    NF),
    ("receipt",                           "GET",    "submitted",  LOGIN, OK,    NF,    NF,    NF,    NF,    NF,    NF),
    ("application-copy",                  "GET",    "submitted",  LOGIN, OK,    NF,    NF,    NF,    NF,    NF,    NF),
    ("withdraw-application",              "POST",   "submitted",  LOGIN, GO,    NF,    NF,    NF,    NF,    NF,    NF),
    ("add-attachment",                    "POST",   "draft",      LOGIN, GO,    NF,    NF,    NF,    NF,    NF,    NF),
    ("attachment",                        "GET",    "attachment", LOGIN, OK,    NF,    NF,    NF,    NF,    NF,    NF),
    ("remove-attachment",                 "POST",   "attachment", LOGIN, GO,    NF,    NF,    NF,    NF,    NF,    NF),
    ("officials",                         "GET",    "none",       LOGIN, NF,    NF,    OK,    OK,    NF,    OK,    OK),
    ("officials-create-call",             "POST",   "none",       LOGIN, NF,    NF,    GO,    NF,    NF,    NF,    GO),
    ("officials-setup",                   "GET",    "round",      LOGIN, NF,    NF,    OK,    OK,    NF,    OK,    OK),
    ("officials-screening",               "GET",    "round",      LOGIN, NF,    NF,    OK,    OK,    NF,    OK,    OK),
    ("officials-evaluation",              "GET",    "round",      LOGIN, NF,    NF,    OK,    OK,    NF,    OK,    OK),
    ("officials-proposal",                "GET",    "round",      LOGIN, NF,    NF,    OK,    OK,    NF,    OK,    OK),
    # The decision to sign: only decision-makers; the 2020 round has no presented proposal, so back with a message.
    ("officials-decision-preview",        "GET",    "round",      LOGIN, NF,    NF,    NF,    GO,    NF,    NF,    NF),
    ("officials-proposal-line",           "GET",    "round-app",  LOGIN, NF,    NF,    OK,    NF,    NF,    NF,    OK),
    ("officials-rectifications",          "GET",    "round",      LOGIN, NF,    NF,    OK,    OK,    NF,    OK,    OK),
    # A prepared later decision as its signer would sign it: decision-makers only.
    ("officials-later-preview",           "GET",    "round-draft", LOGIN, NF,   NF,    NF,    OK,    NF,    NF,    NF),
    ("officials-dashboard",               "GET",    "programme",  LOGIN, NF,    NF,    OK,    OK,    NF,    OK,    OK),
    ("officials-round-export",            "POST",   "round",      LOGIN, NF,    NF,    GO,    GO,    NF,    GO,    GO),
    ("officials-round-export",            "GET",    "round",      LOGIN, NA,    NA,    NA,    NA,    NA,    NA,    NA),
    ("officials-export",                  "GET",    "export",     LOGIN, NF,    NF,    OK,    OK,    NF,    OK,    OK),
    ("officials-export-download",         "GET",    "export",     LOGIN, NF,    NF,    OK,    OK,    NF,    OK,    OK),
    # Starting a stalled export again: who may see the job and start an export of its round. This one is ready, so
    # back to its page with the message that it is not started again.
    ("officials-export-restart",          "POST",   "export",     LOGIN, NF,    NF,    GO,    GO,    NF,    GO,    GO),
    ("officials-export-restart",          "GET",    "export",     LOGIN, NA,    NA,    NA,    NA,    NA,    NA,    NA),
    ("officials-later",                   "GET",    "round",      LOGIN, NF,    NF,    OK,    OK,    NF,    OK,    OK),
    ("officials-screen",                  "GET",    "decided",    LOGIN, NF,    NF,    OK,    OK,    NF,    OK,    OK),
    ("officials-screen",                  "GET",    "draft",      LOGIN, NF,    NF,    NF,    NF,    NF,    NF,    NF),
    ("officials-notifications",           "GET",    "signed",     LOGIN, NF,    NF,    OK,    OK,    NF,    OK,    OK),
    ("officials-rectification",           "GET",    "rectification", LOGIN, NF, NF,    OK,    OK,    NF,    OK,    OK),
    ("dossier-attachment",                "GET",    "submitted-attachment", LOGIN, NF, NF, OK, OK,  OK,    OK,    OK),
    ("dossier-attachment",                "GET",    "attachment", LOGIN, NF,    NF,    NF,    NF,    NF,    NF,    NF),
    ("reviews",                           "GET",    "none",       LOGIN, OK,    OK,    OK,    OK,    OK,    OK,    OK),
    ("review",                            "GET",    "assignment", LOGIN, NF,    NF,    NF,    NF,    OK,    NF,    NF),
    ("application-history",               "GET",    "submitted",  NF,    NF,    NF,    OK,    OK,    NF,    OK,    OK),
    ("application-history",               "GET",    "draft",      NF,    NF,    NF,    NF,    NF,    NF,    NF,    NF),
    # Contact details and consent: everyone signed in sets their own, and no one else's.
    ("my-contact",                        "GET",    "none",       LOGIN, OK,    OK,    OK,    OK,    OK,    OK,    OK),
    ("my-contact",                        "POST",   "none",       LOGIN, GO,    GO,    GO,    GO,    GO,    GO,    GO),
    # The link that confirms an address is its user's alone: anyone else is refused with the reason (422).
    ("my-contact-confirm",                "GET",    "address-link", LOGIN, OK,  INVALID, INVALID, INVALID, INVALID,
     INVALID, INVALID),
    ("my-contact-confirm",                "POST",   "address-link", LOGIN, GO,  INVALID, INVALID, INVALID, INVALID,
     INVALID, INVALID),
    # Sending the link again: back to the page, sent or refused with a message (no address, or confirmed already).
    ("my-contact-send-link",              "POST",   "none",       LOGIN, GO,    GO,    GO,    GO,    GO,    GO,    GO),
    # Personal API tokens: everyone signed in has their own page; a token is its user's alone.
    ("api-tokens",                        "GET",    "none",       LOGIN, OK,    OK,    OK,    OK,    OK,    OK,    OK),
    ("api-tokens",                        "POST",   "none",       LOGIN, OK,    OK,    OK,    OK,    OK,    OK,    OK),
    ("revoke-api-token",                  "GET",    "token",      LOGIN, OK,    NF,    NF,    NF,    NF,    NF,    NF),
    ("revoke-api-token",                  "POST",   "token",      LOGIN, GO,    NF,    NF,    NF,    NF,    NF,    NF),
    ("organisations",                     "GET",    "none",       OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    ("organisation",                      "GET",    "org",        OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    # Open data: public, no login; a draft call's are nobody's, officials' included (they have its own pages).
    ("open-grants",                       "GET",    "none",       OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    ("open-grants-export",                "GET",    "grants-csv", OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    ("open-round",                        "GET",    "round",      OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    ("open-round",                        "GET",    "draft-call", NF,    NF,    NF,    NF,    NF,    NF,    NF,    NF),
    ("open-round-export",                 "GET",    "round-csv",  OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    ("open-round-export",                 "GET",    "draft-call-csv", NF, NF,   NF,    NF,    NF,    NF,    NF,    NF),
    ("open-organisation",                 "GET",    "org",        OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    ("open-programme",                    "GET",    "programme",  OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    ("open-outputs",                      "GET",    "none",       OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    ("open-outputs-json",                 "GET",    "none",       OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    ("login",                             "GET",    "none",       OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    ("logout",                            "POST",   "none",       GO,    GO,    GO,    GO,    GO,    GO,    GO,    GO),
    ("set_language",                      "POST",   "none",       GO,    GO,    GO,    GO,    GO,    GO,    GO,    GO),
    # The server's probes answer anyone (a load balancer has no login) and say nothing about anyone.
    ("livez",                             "GET",    "none",       OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    ("healthz",                           "GET",    "none",       OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    # Django's admin: only staff get in (the administrator here is staff; nobody else is).
    ("admin:index",                       "GET",    "none",       ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN,
                                                                  ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, OK),
    # The JSON API: 401 without a session or a token; the rest as the screens.
    ("api-v1:api-root",                   "GET",    "none",       NF,    NF,    NF,    NF,    NF,    NF,    NF,    NF),
    ("api-v1:openapi-json",               "GET",    "none",       OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    ("api-v1:openapi-view",               "GET",    "none",       OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    ("api-v1:list_calls",                 "GET",    "none",       OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    ("api-v1:get_call",                   "GET",    "open-call",  OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    ("api-v1:get_call",                   "GET",    "draft-call", NF,    NF,    NF,    NF,    NF,    NF,    NF,    NF),
    ("api-v1:get_decision",               "GET",    "signed",     OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    ("api-v1:get_decision",               "GET",    "unsigned",   NF,    NF,    NF,    OK,    OK,    NF,    OK,    OK),
    ("api-v1:search_organisations",       "GET",    "none",       OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    ("api-v1:create_application",         "POST",   "none",       BAD,   CREATED, NO,  NO,    NO,    NO,    NO,    NO),
    ("api-v1:get_application",            "GET",    "submitted",  BAD,   OK,    NF,    NF,    NF,    NF,    NF,    NF),
    ("api-v1:get_application",            "GET",    "draft",      BAD,   OK,    NF,    NF,    NF,    NF,    NF,    NF),
    ("api-v1:update_application",         "PATCH",  "draft",      BAD,   OK,    NF,    NF,    NF,    NF,    NF,    NF),
    ("api-v1:submit_application",         "POST",   "draft",      BAD,   OK,    NF,    NF,    NF,    NF,    NF,    NF),
    ("api-v1:withdraw_application",       "POST",   "submitted",  BAD,   OK,    NF,    NF,    NF,    NF,    NF,    NF),
    ("api-v1:add_attachment",             "POST",   "draft",      BAD,   CREATED, NF,  NF,    NF,    NF,    NF,    NF),
    ("api-v1:list_attachments",           "GET",    "draft",      BAD,   OK,    NF,    NF,    NF,    NF,    NF,    NF),
    ("api-v1:download_attachment",        "GET",    "attachment", BAD,   OK,    NF,    NF,    NF,    NF,    NF,    NF),
    ("api-v1:remove_attachment",          "DELETE", "attachment", BAD,   GONE,  NF,    NF,    NF,    NF,    NF,    NF),
]

# Patterns left out of the matrix on purpose. Django's admin generates a page per registered model and
# action (list, add, change, delete, history, password, autocomplete, view on site, its own login and
# logout, a catch-all); all sit behind the admin's own is_staff check, whose front door (admin:index) is
# in the matrix above. Anything else, including a new page under /admin/ that the project adds itself
# with a name outside the admin's namespace, must be in the matrix.
EXCLUDED = [
    re.compile(r"^admin:(?!index$).+"),  # the admin's own pages below /admin/
    re.compile(r"^admin:<unnamed "),  # the admin's redirects from an object's bare URL to its change page
]

HOW_TO_ADD = (
    "Add a row to MATRIX in tests/security/test_matrix.py for each, saying what each actor gets, e.g.\n"
    '    ("{name}", "GET", "<object>", LOGIN, NF, NF, OK, OK, NF, OK, OK),\n'
    "(columns: route name, method, the object filling its URL, then anonymous, lead, other, official, "
    "decider, reviewer, auditor, admin). If the route needs an object the table does not have yet, add it "
    "to the world fixture and to OBJECTS."
)


def _patterns(resolver=None, namespace: str = "", prefix: str = ""):
    """(name, route) of every URL pattern, walking included URL confs; unnamed ones are named by their route."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}".strip(":") if pattern.namespace else namespace
            yield from _patterns(pattern, inner, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            name = pattern.name or f"<unnamed {route}>"
            yield (f"{namespace}:{name}" if namespace else name), route


def test_every_route_is_in_the_matrix():
    from tests.security.test_project_matrix import PROJECT_MATRIX  # the funded project's routes, own columns

    listed = {row[0] for row in MATRIX} | {row[0] for row in PROJECT_MATRIX}
    routes = dict(_patterns())
    missing = sorted(name for name in routes if name not in listed and not any(e.match(name) for e in EXCLUDED))
    assert not missing, "Routes missing from the authorisation matrix: " + ", ".join(
        f"{name} (/{routes[name]})" for name in missing) + "\n" + HOW_TO_ADD.format(name=missing[0])
    stale = sorted(listed - set(routes))
    assert not stale, f"The matrix lists routes that no longer exist: {', '.join(stale)}; remove their rows."


def test_the_matrix_is_well_formed():
    for row in MATRIX:
        assert len(row) == 3 + len(ACTORS), f"row {row[0]} {row[1]} needs one answer per actor: {ACTORS}"
        assert row[2] in OBJECTS, f"row {row[0]} {row[1]} names an unknown object {row[2]!r}; see OBJECTS"


# --- The world the matrix is asked in -------------------------------------------------------------

DRAFT_CALL_TITLE = "Suunnitteilla oleva haku"
MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# Another document: the same file is not attached twice to one application.
ANOTHER_PDF = b"%PDF-1.4\n% toinen\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _complete(application, actor, title: str):
    changes = applications.DraftChanges(
        title=title, plan={"objectives": "Asiointi sujuvaksi."}, partners=["853"],
        budget=[{"category": "staff", "amount_vat_free": "100000.00", "vat": "0.00"}], amount_applied="85000.00",
    )
    return applications.update_draft(application, changes, actor=actor, version=application.version)


@pytest.fixture
def world(round_2020, open_call, applicant_of):
    """Users for every column and the objects the rows name."""
    users = get_user_model().objects
    programme = open_call.programme
    lead = applicant_of("109")
    actors = {"anonymous": None, "lead": lead, "other": applicant_of("091")}
    for actor, role in (("official", Role.OFFICIAL), ("decider", Role.DECISION_MAKER), ("reviewer", Role.REVIEWER),
                        ("auditor", Role.AUDITOR), ("admin", Role.ADMINISTRATOR)):
        actors[actor] = users.create(username=f"matrix-{actor}", is_staff=(actor == "admin"))
        grant_role(actors[actor], role, actor=SYSTEM, programme=programme)

    hameenlinna = Organisation.objects.get(code="109")
    submitted = applications.create_draft(open_call, actor=lead, organisation=hameenlinna)
    submitted = _complete(submitted, lead, "Jätetty hakemus")
    submitted_file = attachments.add_attachment(submitted, SimpleUploadedFile("suunnitelma.pdf", MINIMAL_PDF),
                                                actor=lead)
    submitted = applications.submit(submitted, actor=lead)
    draft = _complete(applications.create_draft(open_call, actor=lead, organisation=hameenlinna), lead,
                      "Luonnos jota kukaan muu ei näe")
    attachment = attachments.add_attachment(draft, SimpleUploadedFile("liite.pdf", MINIMAL_PDF), actor=lead)
    signed = Decision.objects.get(call=round_2020, amends__isnull=True)
    unsigned = start_amending_decision(signed, actor=actors["official"], decided_on=date(2020, 6, 10))
    decided = Outcome.objects.filter(decision=signed).select_related("application").first().application
    rectification = RectificationRequest.objects.create(
        decision=signed, application=decided, received_on=date(2020, 3, 20), requester="Kunta", grounds="Perusteet")
    assignment = Assignment.objects.create(application=submitted, reviewer=actors["reviewer"], conflict="none")
    token, _value = api_tokens.create_token(lead, actor=SYSTEM)
    address_link = contacts.confirmation_token(
        contacts.update_contact(lead, email="hakija@hameenlinna.example.fi", language="", consent=True, actor=lead))
    draft_call = Call.objects.create(programme=programme, slug="kuntadigi-suunnitteilla", title_fi=DRAFT_CALL_TITLE,
                                     appropriation=Decimal("7654321.00"))
    # An official's export of the round made in the background, finished: its page and its file.
    export = start_round_export(actors["official"], round_2020.slug, "csv", lang="fi")
    run_export_job(export.pk)
    objects = {
        "none": {},
        "open-call": {"slug": open_call.slug, "call_id": open_call.slug},
        "round": {"slug": round_2020.slug},
        "submitted": {"reference": submitted.reference},
        "draft": {"reference": draft.reference},
        "attachment": {"reference": draft.reference, "attachment_id": attachment.pk},
        "decided": {"reference": decided.reference, "lang": "fi", "fmt": "html"},
        "signed": {"pk": signed.pk, "lang": "fi", "fmt": "html"},
        "unsigned": {"pk": unsigned.pk, "lang": "fi", "fmt": "html"},
        "round-draft": {"slug": round_2020.slug, "pk": unsigned.pk},
        "org": {"key": hameenlinna.key},
        "round-app": {"slug": round_2020.slug, "reference": decided.reference},
        "rectification": {"pk": rectification.pk},
        "assignment": {"pk": assignment.pk},
        "submitted-attachment": {"reference": submitted.reference, "attachment_id": submitted_file.pk},
        "token": {"pk": token.pk},
        "address-link": {"token": address_link},
        "draft-call": {"slug": draft_call.slug, "call_id": draft_call.slug},
        "grants-csv": {"fmt": "csv"},
        "round-csv": {"slug": round_2020.slug, "fmt": "csv"},
        "draft-call-csv": {"slug": draft_call.slug, "fmt": "csv"},
        "programme": {"slug": round_2020.programme.slug},
        "export": {"pk": export.pk},
    }
    return {"actors": actors, "objects": objects, "draft": draft, "submitted": submitted, "open_call": open_call,
            "draft_call": draft_call}


OBJECTS = ("none", "open-call", "round", "submitted", "draft", "attachment", "decided", "signed", "unsigned", "org",
           "round-app", "rectification", "assignment", "submitted-attachment", "token", "draft-call",
           "grants-csv", "round-csv", "draft-call-csv", "programme", "round-draft", "export", "address-link")


def _url(name: str, objects: dict) -> str:
    """The route's URL with its parameters taken from the object's values (only those the route has)."""
    pattern = dict(_patterns())[name]
    params = re.findall(r"<(?:\w+:)?(\w+)>", pattern)
    return reverse(name, kwargs={p: objects[p] for p in params})


def _body(name: str, world: dict) -> tuple[dict | str | None, str | None]:
    """What a row's POST, PATCH or DELETE sends: a valid request, so that only permission decides."""
    draft = world["draft"]
    if name == "start-application":
        return {"organisation": "109", "key": "matrix"}, None
    if name == "my-application":
        return {"version": draft.version, "title": "Tallennettu", "plan.objectives": "Sujuva asiointi.",
                "partner": ["853"], "budget.staff.vat_free": "100000", "amount_applied": "85000",
                "action": "save"}, None
    if name == "add-attachment":
        return {"file": SimpleUploadedFile("toinen.pdf", ANOTHER_PDF)}, None
    if name == "officials-create-call":
        return {"programme": world["open_call"].programme.slug, "slug": "matrix-call", "title_fi": "Matriisi"}, None
    if name == "officials-round-export":
        return {"format": "csv"}, None
    if name == "api-tokens":
        return {"name": "matrix", "expires_in": "90"}, None
    if name in ("withdraw-application", "officials-export-restart"):
        return {"confirm": "yes"}, None
    if name == "set_language":
        return {"language": "sv", "next": "/"}, None
    if name == "api-v1:create_application":
        return json.dumps({"call": world["open_call"].slug, "lead": "109"}), "application/json"
    if name == "api-v1:update_application":
        return json.dumps({"version": draft.version, "title": "Tallennettu"}), "application/json"
    if name == "api-v1:add_attachment":
        return {"file": SimpleUploadedFile("toinen.pdf", ANOTHER_PDF)}, None
    return {}, None


def _send(client: Client, method: str, url: str, body, content_type):
    if method == "GET":
        return client.get(url)
    if method == "POST":
        return client.post(url, body, content_type=content_type) if content_type else client.post(url, body)
    if method == "PATCH":
        return client.patch(url, body, content_type=content_type or "application/json")
    if method == "DELETE":
        return client.delete(url)
    raise AssertionError(f"no way to send {method}")


def _matches(expected, response) -> bool:
    if isinstance(expected, Redirect):
        location = response.get("Location", "")
        if response.status_code != 302:
            return False
        if expected.to is None:
            return "/login/" not in location
        return location.startswith(expected.to)
    if isinstance(expected, (set, frozenset)):
        return response.status_code in expected
    return response.status_code == expected


def _answer(response) -> str:
    if response.status_code == 302:
        return f"302→{response['Location']}"
    return str(response.status_code)


def _close(response) -> None:
    """Close a streamed download without request_finished closing the test's database connection."""
    if not getattr(response, "streaming", False):
        return
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def test_every_actor_gets_what_the_matrix_says(world):
    wrong, uncached = [], []
    for name, method, obj, *answers in MATRIX:
        url = _url(name, world["objects"][obj])
        for actor, expected in zip(ACTORS, answers, strict=True):
            # Each request in a savepoint rolled back after it: one actor's withdrawal or upload is not
            # what the next actor finds.
            with transaction.atomic():
                client = Client(raise_request_exception=False)
                if world["actors"][actor] is not None:
                    client.force_login(world["actors"][actor])
                body, content_type = _body(name, world)
                response = _send(client, method, url, body, content_type)
                _close(response)
                transaction.set_rollback(True)
            if not _matches(expected, response):
                wrong.append(f"{method} {url} ({name}, {obj}) as {actor}: "
                             f"expected {expected!r}, got {_answer(response)}")
            # Shared computers: nothing a signed-in user gets, nor any non-public route, may be cached.
            cache = response.get("Cache-Control", "")
            if actor != "anonymous" or name not in PUBLIC_ROUTES:
                if "no-store" not in cache or "private" not in cache:
                    uncached.append(f"{method} {url} ({name}) as {actor}: Cache-Control {cache!r}")
            elif "no-store" in cache:
                uncached.append(f"{method} {url} ({name}) as {actor}: a public page marked {cache!r}")
    assert not wrong, f"{len(wrong)} answers differ from the matrix:\n" + "\n".join(wrong)
    assert not uncached, f"{len(uncached)} answers cached wrongly:\n" + "\n".join(uncached)


def test_a_bearer_token_gets_what_a_session_gets_from_the_api(world):
    """The API rows again, each signed-in actor sending their own personal API token instead of a session
    cookie, with CSRF checks enforced as for a script: the same answers, and no CSRF token needed."""
    wrong = []
    for name, method, obj, *answers in MATRIX:
        if not name.startswith("api-v1:"):
            continue
        url = _url(name, world["objects"][obj])
        for actor, expected in zip(ACTORS, answers, strict=True):
            if world["actors"][actor] is None:
                continue
            with transaction.atomic():
                _token, value = api_tokens.create_token(world["actors"][actor], actor=SYSTEM)
                client = Client(raise_request_exception=False, enforce_csrf_checks=True,
                                HTTP_AUTHORIZATION=f"Bearer {value}")
                body, content_type = _body(name, world)
                response = _send(client, method, url, body, content_type)
                _close(response)
                transaction.set_rollback(True)
            if not _matches(expected, response):
                wrong.append(f"{method} {url} ({name}, {obj}) as {actor} with a token: expected {expected!r}, "
                             f"got {_answer(response)}")
    assert not wrong, f"{len(wrong)} answers differ from the matrix:\n" + "\n".join(wrong)


def test_drafts_never_show_on_public_pages(world, client):
    """A draft's title must not appear where anyone may look: lists of the call and of its organisations."""
    open_call = world["open_call"]
    title = world["draft"].title
    pages = [reverse("home"), reverse("round", args=[open_call.slug]),
             reverse("round-applications", args=[open_call.slug]),
             reverse("organisation", args=[world["objects"]["org"]["key"]]),
             reverse("organisation", args=[Organisation.objects.get(code="853").key]),
             reverse("api-v1:search_organisations")]
    for user in (None, world["actors"]["other"]):
        if user is not None:
            client.force_login(user)
        for page in pages:
            response = client.get(page)
            assert response.status_code == 200, page
            assert title not in response.content.decode(), f"the draft's title shows on {page}"
            assert world["draft"].reference not in response.content.decode(), f"the draft shows on {page}"


def test_unpublished_calls_never_show_publicly(world, client):
    """A draft call's title and appropriation are not on the public pages nor in the public API (#10)."""
    draft_call = world["draft_call"]
    pages = [reverse("home"), reverse("calls"), reverse("api-v1:list_calls")]
    for user in (None, world["actors"]["other"], world["actors"]["reviewer"]):
        client.logout()
        if user is not None:
            client.force_login(user)
        for page in pages:
            body = client.get(page).content.decode()
            assert DRAFT_CALL_TITLE not in body and draft_call.slug not in body, f"the draft call shows on {page}"
            assert "7 654 321" not in body and "7654321" not in body
    # The programme's official finds it on the home page, on the way to its set-up.
    client.force_login(world["actors"]["official"])
    assert DRAFT_CALL_TITLE in client.get(reverse("home")).content.decode()


def test_the_api_answers_for_a_draft_call_as_for_no_call(world, client):
    client.force_login(world["actors"]["lead"])

    def create(slug):
        response = client.post(reverse("api-v1:create_application"), json.dumps({"call": slug, "lead": "109"}),
                               content_type="application/json")
        return response.status_code, response.json()

    assert create(world["draft_call"].slug) == create("no-such-call")
