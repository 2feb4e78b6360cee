"""The deadline burst's three requests in process: processor time of create, fill and submit per application.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<empty> uv run python benchmarks/burst_profile.py 150
    ... 150 --profile out.prof     # a cProfile (processor time) of the timed applications' requests

As ``submit_profile.py`` but for the whole burst: the burst benchmark's ``set_up`` makes a call and one
applicant with a token; each application is then created (``POST /api/v1/applications``), filled (``PATCH``)
and submitted (``POST .../submit``) through Django's test client with the bearer token, as
``deadline_burst.burst_client`` sends them. The first five applications warm the process up; the rest are
timed with ``time.process_time``, each request kind apart (the sealing of the audit chain after commits
included, as it falls). Compare runs only on the same machine, alternated.
"""

import argparse
import cProfile
import json
import sys
import time
import uuid
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("applications", type=int, nargs="?", default=150)
    parser.add_argument("--profile", help="write a cProfile of the timed requests to this file")
    parser.add_argument("--access", type=int, default=0, metavar="N",
                        help="then time N openings of the last application (applications.services.access_application)")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).parent))
    import deadline_burst

    slug, applicant, client = deadline_burst.in_process("avustus-burst-", 0)
    from django.db import connection

    lead, partner = applicant["lead"], applicant["partner"]
    spent = {"create": 0.0, "fill": 0.0, "submit": 0.0}

    def timed(kind: str, send, expected: int) -> dict:
        began = time.process_time()
        answer = send()
        spent[kind] += time.process_time() - began
        assert answer.status_code == expected, answer.content  # noqa: S101 -- a benchmark of successes
        return answer.json()

    def application(n: int) -> str:
        created = timed("create", lambda: client.post(
            "/api/v1/applications", json.dumps({"call": slug, "lead": lead, "title": f"Hanke {n}"}),
            content_type="application/json", HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex), 201)
        reference = created["reference"]
        timed("fill", lambda: client.patch(
            f"/api/v1/applications/{reference}", json.dumps(deadline_burst.fill(created["version"], partner)),
            content_type="application/json"), 200)
        timed("submit", lambda: client.post(
            f"/api/v1/applications/{reference}/submit", HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex), 200)
        return reference

    for n in range(5):
        application(n)
    spent = dict.fromkeys(spent, 0.0)
    count = args.applications
    profile = cProfile.Profile(time.process_time) if args.profile else None
    if profile:
        profile.enable()
    for n in range(5, 5 + count):
        reference = application(n)
    if profile:
        profile.disable()
        profile.dump_stats(args.profile)
    each = {kind: seconds * 1000 / count for kind, seconds in spent.items()}
    print(f"{connection.vendor}: {count} applications, ms of processor time each: "
          + ", ".join(f"{kind} {ms:.2f}" for kind, ms in each.items()) + f", all three {sum(each.values()):.2f}")
    if args.access:
        from django.contrib.auth import get_user_model

        from avustus.applications.services import access_application

        user = get_user_model().objects.get(username__startswith=f"{slug}-")
        began = time.process_time()
        for _ in range(args.access):
            access_application(user, reference, for_edit=True)
        spent_opening = (time.process_time() - began) * 1000 / args.access
        print(f"{connection.vendor}: {args.access} openings of a submitted application, {spent_opening:.3f} ms each")


if __name__ == "__main__":
    main()
