"""``avustus api-token``: personal API tokens from the command line.

``avustus api-token create USERNAME [--expires-in DAYS] [--name NAME] [--json]`` prints a new token once
(``{"token": "...", ...}`` with ``--json``); ``avustus api-token list USERNAME`` shows the user's tokens
without their values; ``avustus api-token revoke USERNAME HINT`` revokes one by the start it is listed with.
Run by the system administrator, so the audit log records the system as the actor.
"""

import json

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from avustus.accounts import tokens
from avustus.actors import SYSTEM


class Command(BaseCommand):
    help = "Create, list or revoke a user's personal API tokens."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="create a token and print it once")
        create.add_argument("username")
        create.add_argument("--expires-in", type=int, default=tokens.DEFAULT_DAYS, metavar="DAYS",
                            help=f"days the token is valid (default {tokens.DEFAULT_DAYS}, at most {tokens.MAX_DAYS})")
        create.add_argument("--name", default="", help="a name to tell the token apart by")
        create.add_argument("--json", action="store_true", help='print {"token": ...} as JSON')
        listed = actions.add_parser("list", help="the user's tokens, without their values")
        listed.add_argument("username")
        listed.add_argument("--json", action="store_true", help="print the list as JSON")
        revoke = actions.add_parser("revoke", help="revoke a token by the start shown in the list")
        revoke.add_argument("username")
        revoke.add_argument("hint", help="the token's start as listed (avustus_xxxx)")

    def handle(self, *args, action: str, **options):
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(_("No user named “%(name)s”.") % {"name": options["username"]})
        if action == "create":
            return self._create(user, options)
        if action == "list":
            return self._list(user, as_json=options["json"])
        return self._revoke(user, options["hint"])

    def _create(self, user, options):
        try:
            token, value = tokens.create_token(user, actor=SYSTEM, expires_in_days=options["expires_in"],
                                               name=options["name"])
        except ValidationError as exc:
            raise CommandError("; ".join(m for ms in exc.message_dict.values() for m in ms)) from exc
        if options["json"]:
            self.stdout.write(json.dumps({"token": value, "user": user.get_username(),
                                          "expires_at": token.expires_at.isoformat()}))
        else:
            self.stdout.write(value)
            self.stderr.write(_("Valid until %(time)s. It is shown only this once; send it as "
                                "Authorization: Bearer TOKEN.")
                              % {"time": date_format(timezone.localtime(token.expires_at), "SHORT_DATETIME_FORMAT")})

    def _list(self, user, *, as_json: bool):
        rows = [{"hint": t.hint, "name": t.name, "created_at": t.created_at.isoformat(),
                 "expires_at": t.expires_at.isoformat(),
                 "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None,
                 "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None} for t in tokens.tokens_of(user)]
        if as_json:
            self.stdout.write(json.dumps(rows, indent=2))
            return
        for r in rows:
            state = _("revoked") if r["revoked_at"] else _("expires %(time)s") % {"time": r["expires_at"]}
            self.stdout.write(f"{r['hint']}…  {r['name'] or '-'}  {state}")

    def _revoke(self, user, hint: str):
        hint = hint.rstrip("…")
        found = [t for t in tokens.tokens_of(user) if t.hint == hint and t.revoked_at is None]
        if len(found) != 1:
            raise CommandError(_("%(n)s valid tokens of %(user)s start with “%(hint)s”; name exactly one.")
                               % {"n": len(found), "user": user.get_username(), "hint": hint})
        tokens.revoke_token(found[0], actor=SYSTEM)
        self.stdout.write(_("Revoked %(hint)s…") % {"hint": hint})
