"""``avustus demo``: a working Avustus on this machine with the 2020 round loaded, in one command."""

import os
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from avustus.accounts.services import DEMO_LOGINS, ensure_demo_users
from avustus.actors import SYSTEM
from avustus.audit.chain import record
from avustus.calls.models import Call
from avustus.calls.services import copy_call, publish_call
from avustus.decisions.bundled import bundled_decision
from avustus.decisions.round_import import import_parsed
from avustus.ops.commands import TranslatedCommand
from avustus.rules.money import max_aid
from avustus.settlement.rates import ensure_shipped_rates
from avustus.web import demo_closure, demo_projects, demo_recovery

DEMO_CALL = "kuntadigi-demo"
# A second demo call whose deadline has passed, with applications submitted and reviewed in time, so that
# officials can screen, propose, present and have a decision approved (none of which waits for an open call).
DEMO_CLOSED_CALL = "kuntadigi-demo-closed"
DEMO_APPLICANT_MUNICIPALITY = "109"
DEMO_PLAN_TEXT = "Kunnat kehittävät yhdessä sähköistä asiointia ja jakavat ratkaisut muille kunnille avoimesti."
# Title, partner municipalities (Statistics Finland codes) and VAT-free eligible costs of each demo application.
DEMO_APPLICATIONS = (
    ("Yhteinen ajanvaraus kuntalaisille", ("165", "169"), "180000.00"),
    ("Kirjastojen digitaaliset palvelut", ("061", "433"), "95000.00"),
    ("Rakennusvalvonnan sähköinen asiointi", ("165",), "240500.00"),
)
# The closed call's applications, each with the demo reviewer's score per criterion (0-5).
DEMO_CLOSED_APPLICATIONS = (
    ("Sähköinen varhaiskasvatushaku", ("165", "169"), "150000.00", 5),
    ("Yhteinen asukaspalautejärjestelmä", ("061",), "120000.00", 3),
    ("Avoimen datan rajapinnat", ("433", "165"), "86000.00", 4),
)


def serve(port: int) -> None:
    """Serve the demo as production does (granian, two processes on this machine only), as a child of this
    process rather than in its place, so that the demo's own mail worker (a thread here) runs beside it and
    both stop together; Ctrl-C reaches granian too, which finishes the requests in flight."""
    import os
    import signal
    import subprocess

    from django.db import connections

    from avustus.ops.server import granian_argv

    connections.close_all()
    server = subprocess.Popen(granian_argv(host="127.0.0.1", port=port, workers=2, threads=4),  # noqa: S603
                              env={**os.environ, "DJANGO_SETTINGS_MODULE": "avustus.settings"})

    def stop(signum, frame) -> None:  # Ctrl-C or a service manager's SIGTERM: granian finishes what is in flight
        server.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    server.wait()


class Command(TranslatedCommand):
    help = gettext_lazy("Set up the database, load the 2020 round and demo users, and serve the web app.")

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000,
                            help=gettext_lazy("the port to serve the demo on (default 8000)"))
        parser.add_argument("--no-serve", action="store_true", help=gettext_lazy("set everything up, then stop"))

    def handle(self, *args, port: int, no_serve: bool, **options):
        if "AVUSTUS_SITE_URL" not in os.environ:
            # Links in messages lead to the demo where it serves: here (the messages made while setting up, and
            # the demo's mail worker) and in the server's processes, which inherit the environment.
            os.environ["AVUSTUS_SITE_URL"] = settings.AVUSTUS_SITE_URL = f"http://127.0.0.1:{port}"
        call_command("migrate", interactive=False, verbosity=0)
        # The shipped reference rates come with the migrations; a database emptied since (``avustus flush``, or a
        # transactional test) lacks them, and the demo's closed grants compute interest on 2020–2022 dates.
        ensure_shipped_rates()
        result = import_parsed(bundled_decision(), actor=SYSTEM, source_name="bundled 2020 round")
        logins = ensure_demo_users(result.call.programme)
        demo_addresses()  # before the demo's own submissions, so that they produce receipts too
        open_call = self._open_call(result.call)
        self._demo_applications(open_call)
        closed_call = self._closed_call(result.call)
        history = demo_projects.ensure_2020_projects(result.decision)
        extension = demo_projects.ensure_2020_extension()
        decided_call = demo_projects.decided_call(result.call, _submit)
        closed = demo_closure.close_2020_examples(result.call)
        recovered = demo_recovery.recovered_grant()
        store_pending_documents()
        mail = demo_mail_folder()
        facts = DemoFacts(result=result, open_call=open_call, closed_call=closed_call, history=history,
                          extension=extension, decided_call=decided_call, closed=closed, recovered=recovered,
                          logins=logins, url=f"http://127.0.0.1:{port}/", mail=mail)
        for line in summary(facts):
            self.stdout.write(line)
        self.stdout.write("")
        if not no_serve:
            worker = start_demo_worker(mail) if mail is not None else None
            try:
                serve(port)
            finally:
                stop_demo_worker(worker)

    @staticmethod
    def _open_call(decided: Call) -> Call:
        """A call open for two months from the first demo run, with the 2020 round's rules."""
        existing = Call.objects.filter(slug=DEMO_CALL).first()
        if existing is not None:
            return existing
        closes = (timezone.localtime() + timedelta(days=60)).replace(hour=16, minute=15, second=0, microsecond=0)
        call = copy_call(decided, slug=DEMO_CALL, title_fi="Kuntien digitalisaation yhteishankkeet (kokeiluhaku)",
                         title_sv="Kommunernas gemensamma digitaliseringsprojekt (provomgång)",
                         title_en="Joint digitalisation projects of municipalities (demo call)",
                         opens_at=timezone.now(), closes_at=closes, actor=SYSTEM)
        return publish_call(call, actor=SYSTEM)

    @staticmethod
    def _demo_applications(call: Call) -> int:
        """Three applications submitted to the demo call, once, so that the e-service's later states can be seen."""
        existing = call.applications.exclude(status="draft").count()
        if existing:
            return existing
        _submit(call, [(title, partners, costs) for title, partners, costs in DEMO_APPLICATIONS])
        return len(DEMO_APPLICATIONS)

    @staticmethod
    @transaction.atomic
    def _closed_call(decided: Call) -> Call:
        """A call whose deadline has passed, with applications submitted in time and scored, made once.

        The applications go in through the e-service's own ``submit`` while the call is open; the
        deadline is then set to that moment, so that every submission is in time and the call has closed
        by the time anyone logs in. The demo reviewer scores each application through the reviewers'
        services; screening, the proposal and the decision are left for the officials to try.
        """
        from avustus.evaluation import reviews as evaluation

        existing = Call.objects.filter(slug=DEMO_CLOSED_CALL).first()
        if existing is not None:
            return existing
        now = timezone.now()
        call = copy_call(decided, slug=DEMO_CLOSED_CALL,
                         title_fi="Kuntien digitalisaation yhteishankkeet (kokeiluhaku, päättynyt)",
                         title_sv="Kommunernas gemensamma digitaliseringsprojekt (provomgång, avslutad)",
                         title_en="Joint digitalisation projects of municipalities (demo call, closed)",
                         opens_at=now - timedelta(days=30), closes_at=now + timedelta(hours=1), actor=SYSTEM)
        call = publish_call(call, actor=SYSTEM)
        applications = _submit(call, [(title, partners, costs)
                                      for title, partners, costs, _s in DEMO_CLOSED_APPLICATIONS])
        closes_at = timezone.now()
        Call.objects.filter(pk=call.pk).update(closes_at=closes_at)
        call.refresh_from_db()
        record("call.deadline_passed", call, actor=SYSTEM,
               data={"closes_at": closes_at.isoformat(), "demo": True,
                     "why": "the demo's closed call closes right after its applications were submitted"})
        users = get_user_model().objects
        official, reviewer = users.get(username="virkailija"), users.get(username="arvioija")
        criteria = list(call.criteria.all())
        for application, (*_rest, score) in zip(applications, DEMO_CLOSED_APPLICATIONS, strict=True):
            assignment = evaluation.assign_reviewer(application, reviewer, actor=official)
            evaluation.declare_interests(assignment, conflicted=False, reason="", actor=reviewer)
            evaluation.submit_scores(
                assignment, {c.code: (score, "Arvioijan perustelu kokeilua varten.") for c in criteria},
                actor=reviewer)
        return call


@dataclass(frozen=True)
class DemoFacts:
    """What the demo set up, for its summary."""

    result: Any  # the bundled round's import
    open_call: Call
    closed_call: Call
    history: int
    extension: Any  # the 2020 grant's amending decision, or None
    decided_call: Call
    closed: Any  # the two closed 2020 grants
    recovered: Any  # the grant recovered late, or None
    logins: tuple
    url: str
    mail: Any  # the folder messages are written to, or None


def summary(facts: DemoFacts) -> list[str]:
    """The lines the demo prints when it has set up: what is loaded, the logins and what to try, in the language
    active (``avustus`` takes it from ``--lang`` or the environment: fi, sv, else English)."""
    result, open_call, closed_call, decided_call = facts.result, facts.open_call, facts.closed_call, facts.decided_call
    loaded = (_("Round %(round)s loaded: %(count)s applications.") if result.changed
              else _("Round %(round)s already loaded: %(count)s applications."))
    lines = [
        loaded % {"round": result.call.slug, "count": result.call.applications.count()},
        _("Open call for trying the e-service: %(call)s, until %(closes)s (%(status)s): %(state)s (a proposal is "
          "presented only after the deadline).") % {
            "call": open_call.slug, "closes": f"{timezone.localtime(open_call.closes_at):%d.%m.%Y %H:%M}",
            "status": open_call.get_status_display(), "state": state_summary(open_call)},
        _("Closed call for trying the officials' steps: %(call)s, closed %(closed)s: %(state)s; the reviewer has "
          "scored them, to screen, propose, present and decide.") % {
            "call": closed_call.slug, "closed": f"{timezone.localtime(closed_call.closes_at):%d.%m.%Y %H:%M}",
            "state": state_summary(closed_call)},
    ]
    extension = facts.extension
    if extension is not None:
        lines.append(_("A 2020 grant changed by an amending decision of %(decided)s: %(project)s, a partner joined "
                       "(the round's terms leave no room for an extension).") % {
            "decided": f"{extension.decided_on:%d.%m.%Y}", "project": extension.project.reference})
    decided_on = decided_call.decisions.values_list("decided_on", flat=True).first()
    lines += [
        _("Funded projects: the 2020 round's %(history)s grants as history, and %(call)s, decided on %(decided)s, "
          "with %(projects)s projects in progress (reports accepted, due, overdue and to review; a payment made and "
          "one waiting).") % {"history": facts.history, "call": decided_call.slug,
                              "decided": f"{decided_on:%d.%m.%Y}", "projects": decided_call.projects.count()},
        _("Closed 2020 grants: %(paid)s (settled, its last instalment paid) and %(returned)s (settled, the unused "
          "grant returned with interest).") % {"paid": facts.closed[0].reference,
                                               "returned": facts.closed[1].reference},
        _("A 2020 grant recovered late: %(recovery)s.") % {"recovery": demo_recovery.summary(facts.recovered)},
        "", f"Avustus: {facts.url}", "", _("Demo logins (username / password):"),
    ]
    lines += [f"  {login.username:<12} {login.password:<18} {login.description}" for login in facts.logins]
    if facts.mail is None:
        lines.append(_("Messages go out through AVUSTUS_EMAIL_URL, sent by `avustus worker` (not the demo)."))
    else:
        lines.append(_("Messages are written to %(folder)s as files (set AVUSTUS_EMAIL_URL to send them).")
                     % {"folder": facts.mail})
    return lines


def _submit(call: Call, specs) -> list:
    """Applications of Hämeenlinna (the demo applicant) with the given partners and costs, submitted to ``call``."""
    from avustus.applications import services
    from avustus.registry.models import Organisation

    user = get_user_model().objects.get(username="hameenlinna")
    lead = Organisation.objects.get(code=DEMO_APPLICANT_MUNICIPALITY)
    category = call.cost_categories.filter(eligible=True).order_by("position").first()
    if category is None:  # the bundled round's categories are copied into every demo call
        raise CommandError(f"the demo call {call.slug} has no eligible cost category to budget for")
    submitted = []
    for title, partners, costs in specs:
        draft = services.create_draft(call, actor=user, organisation=lead, title=title, idempotency_key=title)
        draft = services.update_draft(draft, services.DraftChanges(
            plan={f["key"]: DEMO_PLAN_TEXT for f in call.plan_fields},
            partners=[Organisation.objects.get(code=code).key for code in partners],
            budget=[{"category": category.code, "amount_vat_free": costs, "vat": "0",
                     "description": "Projektipäällikkö ja kehittäjät"}],
            amount_applied=str(max_aid(Decimal(costs), call.aid_rate)),
        ), actor=user, version=draft.version)
        submitted.append(services.submit(draft, actor=user, idempotency_key=title))
    return submitted



def _mailbox(name: str) -> str:
    """``kirjaamo.hameenlinna``: a name as the local part of an example.fi address."""
    return name.lower().translate(str.maketrans("äöåé ", "aoae-"))


def demo_addresses() -> None:
    """Every demo user has a verified address at example.fi (the applicant has consented to electronic delivery,
    so that the decision letters the demo sends show electronic notification); the demo calls' organisations
    have their registry office's address."""
    from avustus.accounts import contacts
    from avustus.registry.models import Organisation

    for user in get_user_model().objects.filter(username__in=[login.username for login in DEMO_LOGINS]):
        if not contacts.contact_of(user).email:
            contacts.update_contact(user, email=f"{user.username}@example.fi", language="",
                                    consent=user.username == "hameenlinna", actor=SYSTEM)
            contacts.mark_verified(user, actor=SYSTEM)
    codes = {DEMO_APPLICANT_MUNICIPALITY} | {code for _t, partners, *_r in DEMO_APPLICATIONS + DEMO_CLOSED_APPLICATIONS
                                             for code in partners}
    for organisation in Organisation.objects.filter(code__in=codes):
        contacts.add_organisation_address(organisation, f"kirjaamo.{_mailbox(organisation.name_fi)}@example.fi",
                                          actor=SYSTEM, verified=True)


def demo_mail_folder():
    """Without ``AVUSTUS_EMAIL_URL``, the folder the demo writes its messages to (``<data directory>/mail``);
    with it, None: mail goes where it says, sent by ``avustus worker``."""
    import os

    from django.conf import settings

    if os.environ.get("AVUSTUS_EMAIL_URL") or os.environ.get("EMAIL_URL"):
        return None
    return settings.DATA_DIR / "mail"


def store_pending_documents() -> None:
    """The documents of the demo's signed decisions, made now rather than left to a worker: a new user finds
    them at once, and no mail is sent by this (the letters they release are queued for the worker)."""
    from avustus.decisions.models import Decision
    from avustus.decisions.signing import documents_pending, store_documents

    for decision in Decision.objects.filter(status=Decision.Status.SIGNED).exclude(snapshot_sha256=""):
        if documents_pending(decision):
            store_documents(decision.pk, decision.snapshot_sha256)


def start_demo_worker(folder):
    """The demo's own worker writing messages as files into ``folder``: the same loop as ``avustus worker``, in
    a thread of the server's process; ``stop_demo_worker`` ends it with the server."""
    from django.conf import settings

    from avustus.messaging.worker import start_in_thread

    folder.mkdir(parents=True, exist_ok=True)
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(folder)
    return start_in_thread()


def stop_demo_worker(worker) -> None:
    if worker is not None:
        from avustus.messaging.worker import stop_thread

        stop_thread(*worker)


def state_summary(call: Call) -> str:
    """How many of the call's applications are at each step, as it is now: a second run of the demo after
    the officials have screened or decided says so, rather than repeating what the first run set up."""
    from avustus.decisions.models import Decision, Outcome

    applications = call.applications.exclude(status="draft")
    decided = dict(
        Outcome.objects.filter(application__in=applications, decision__status=Decision.Status.SIGNED)
        .order_by("application_id", "decision__decided_on", "decision_id")  # the latest decision last wins
        .values_list("application_id", "kind")
    )
    counts: dict[str, int] = {}
    for app_id, status, screened in applications.values_list("id", "status", "screening__completed_at"):
        if app_id in decided:
            state = {"granted": "granted", "deferred": "deferred", "rejected": "not granted",
                     "withdrawn": "withdrawn"}[decided[app_id]]
        elif status == "withdrawn":
            state = "withdrawn"
        elif screened is None:
            state = "to screen"
        else:
            state = "screened"
        counts[state] = counts.get(state, 0) + 1
    if not counts:
        return _("no submitted applications")
    words = {"to screen": pgettext("demo summary", "to screen"),
             "screened": pgettext("demo summary", "screened, to evaluate and decide"),
             "granted": pgettext("demo summary", "granted"), "deferred": pgettext("demo summary", "deferred"),
             "not granted": pgettext("demo summary", "not granted"),
             "withdrawn": pgettext("demo summary", "withdrawn")}
    parts = ", ".join(f"{counts[s]} {word}" for s, word in words.items() if s in counts)
    total = sum(counts.values())
    return ngettext("%(total)s submitted application (%(parts)s)", "%(total)s submitted applications (%(parts)s)",
                    total) % {"total": total, "parts": parts}
