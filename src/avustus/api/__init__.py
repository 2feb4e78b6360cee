"""The JSON API under /api/v1/: the same use cases as the screens, through the same services.

Errors are JSON: ``{"errors": [{"path": "budget.1.vat", "message": "..."}]}`` with status 422 for
invalid input, 404 for what the user may not see (whether or not it exists), 403 for a step the user
may not take, 409 for a stale save, 401 (with ``WWW-Authenticate: Bearer``) without credentials, 413
for a body over the size limit (``errors.py`` maps each kind once).

A client authenticates with a personal API token (``Authorization: Bearer avustus_...``, no CSRF
token needed: a browser never adds that header by itself) or with the e-service's session cookie,
which needs the CSRF token as well (``auth.py``). Calls and the registry are public.

The modules depend in one direction: ``auth``, ``parsing`` and ``schemas`` are leaves, the routers
(``calls``, ``organisations``, ``applications``, ``attachments``, ``decisions``, ``projects``,
``final_report``, ``changes``, ``closing``) use them, and this module builds the
API from them all. Operation ids are given on each route: they were fixed when the API was one module,
and clients generate code from them.
"""

from ninja import NinjaAPI

from avustus.api import (
    applications,
    attachments,
    calls,
    changes,
    closing,
    decisions,
    errors,
    final_report,
    organisations,
    outputs,
    projects,
)
from avustus.api.parsing import JsonParser

DESCRIPTION = """\
The e-service of Avustus as JSON: read calls, the registry of Finnish public bodies and signed decisions
(public), and start, edit, submit and withdraw applications for the organisations you act for. A decision
signed in Avustus has `documents_status` `pending` until its documents are made (seconds to a minute).

**Authentication.** Send a personal API token as `Authorization: Bearer avustus_...`. Create one on
the page *API tokens* of the e-service (in the menu once signed in) or with
`avustus api-token create USERNAME`; it is shown once, is valid for 90 days by default (a year at
most) and can be revoked at any time. A token acts with its user's roles, except for steps that need a
person's own confirmation (presenting, approving, signing, paying), which it is refused with 403.
The e-service's session cookie works too, with the CSRF token in the `X-CSRFToken` header.
A request without credentials to a route that needs them gets 401 with `WWW-Authenticate: Bearer`.

**Errors** are `{"errors": [{"path": "budget.0.vat", "message": "..."}]}`: `path` names the field
inside the body (empty for the request as a whole) and `message` is in the user's language.

**Retries.** Creating an application takes an `Idempotency-Key` header: the same key from the same
user for the same organisation returns the draft already made; submitting with it again returns the
submitted application. Filing an interim report and applying for payment take one too.

**Funded projects.** The recipients (lead and partners) read their projects, reports and payments; the lead
files interim reports and the final report, attaches documents (the auditor's statement among them), registers
the bank account, applies for payment, applies for changes and answers a recovery hearing; the recipients read
the settlement, recovery cases and amending decisions. Officials' reviews and the steps that move money (settling,
approving, preparing and signing a recovery, recording returns and payments, payment files) are taken in person on
the screens.
"""

api = NinjaAPI(title="Avustus API", version="1", urls_namespace="api-v1", description=DESCRIPTION,
               parser=JsonParser())
errors.register(api)
api.add_router("", calls.router)
api.add_router("", organisations.router)
api.add_router("", applications.router)
api.add_router("", attachments.router)
api.add_router("", decisions.router)
api.add_router("", projects.router)
api.add_router("", final_report.router)
api.add_router("", changes.router)
api.add_router("", outputs.router)
api.add_router("", closing.router)
