"""The submission alone, in process: processor time and statements of ``POST .../submit`` on drafts made beforehand.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<empty> uv run python benchmarks/submit_profile.py 150
    ... 150 --profile out.prof     # a cProfile (processor time) of the timed submissions

The burst benchmark's ``set_up`` makes a call, one applicant with a token and N complete drafts; each draft is
then submitted through Django's test client with the bearer token and a new ``Idempotency-Key``. The first five
warm the process up; the sixth prints its statements; the rest are timed with ``time.process_time`` (the
sealing of the audit chain after commits included, as it falls). Compare runs only on the same machine.
"""

import argparse
import cProfile
import sys
import time
import uuid
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("drafts", type=int, nargs="?", default=150)
    parser.add_argument("--profile", help="write a cProfile of the timed submissions to this file")
    parser.add_argument("--sql", action="store_true", help="print the statements of one submission")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).parent))
    import deadline_burst

    _slug, applicant, client = deadline_burst.in_process("avustus-submit-", args.drafts)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    references = applicant["drafts"]

    def submit(reference: str) -> None:
        answer = client.post(f"/api/v1/applications/{reference}/submit", HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex)
        assert answer.status_code == 200, answer.content  # noqa: S101 -- a benchmark of successful submissions

    for reference in references[:5]:
        submit(reference)
    with CaptureQueriesContext(connection) as captured:
        submit(references[5])
    # The request's own; the audit chain's sealing after its commit (at most every 0.25 s a process) apart.
    own = [q["sql"] for q in captured.captured_queries]
    if "COMMIT" in own:
        own = own[: own.index("COMMIT") + 1]
    print(f"statements of one submission: {len(own)}")
    if args.sql:
        print("\n".join(f"  {sql[:160]}" for sql in own))
    timed = references[6:]
    profile = cProfile.Profile(time.process_time) if args.profile else None
    if profile:
        profile.enable()
    machine_began, began = deadline_burst.machine_busy_seconds(), time.process_time()
    for reference in timed:
        submit(reference)
    spent = time.process_time() - began
    machine = deadline_burst.machine_busy_seconds() - machine_began
    if profile:
        profile.disable()
        profile.dump_stats(args.profile)
    print(f"{connection.vendor}: {len(timed)} submissions, {spent * 1000 / len(timed):.2f} ms of processor time each "
          f"in this process (client and server); the whole machine {machine * 1000 / len(timed):.2f} ms each")


if __name__ == "__main__":
    main()
