"""Run in its own process by test_kill.py, on the database its environment names.

``setup N``: migrate, queue N messages (committed), print their ids.
``state``: print every message's id, status, attempts and Message-ID.
``lease-passed``: make the messages left ``sending`` look an hour old, as they will once the lease is over.
``addresses``: every user, and every application's lead, gets an address at example.fi (``<name>@example.fi``,
confirmed; ``kirjaamo-<code>@example.fi``).
"""

import json
import sys
from datetime import timedelta

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from avustus.messaging import outbox  # noqa: E402
from avustus.messaging.models import OutboundMessage  # noqa: E402


def main(command: str, *args: str) -> object:
    if command == "setup":
        call_command("migrate", verbosity=0)
        return [outbox.queue("test", to=f"vastaanottaja{n}@example.fi", language="fi", subject=f"Viesti {n}",
                             body="Sisältö\n").pk for n in range(int(args[0]))]
    if command == "state":
        return [{"id": m.pk, "status": m.status, "attempts": m.attempts, "message_id": m.message_id}
                for m in OutboundMessage.objects.order_by("pk")]
    if command == "lease-passed":
        return OutboundMessage.objects.filter(status="sending").update(
            sending_since=timezone.now() - timedelta(hours=1))
    if command == "addresses":
        from django.contrib.auth import get_user_model

        from avustus.accounts import contacts
        from avustus.actors import SYSTEM
        from avustus.applications.models import ConsortiumMember

        for user in get_user_model().objects.all():
            contacts.update_contact(user, email=f"{user.username}@example.fi", language="", consent=False,
                                    actor=SYSTEM)
            contacts.mark_verified(user, actor=SYSTEM)
        # Their links that confirm the addresses are not what the tests count.
        OutboundMessage.objects.filter(event__in=("address_confirmation", "address_changed")).delete()
        leads = {m.organisation for m in ConsortiumMember.objects.filter(role="lead").select_related("organisation")}
        for organisation in leads:
            contacts.add_organisation_address(organisation, f"kirjaamo-{organisation.code}@example.fi", actor=SYSTEM)
        return sorted([contacts.address_of(u) for u in get_user_model().objects.all()]
                      + [f"kirjaamo-{organisation.code}@example.fi" for organisation in leads])
    raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    print(json.dumps(main(*sys.argv[1:])))
