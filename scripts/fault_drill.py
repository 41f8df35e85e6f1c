#!/usr/bin/env python3
"""Fault drill: are readers' comments lost when PostgreSQL or Redis goes away?

Starts the production stack of tests/stack.py (nginx, gunicorn with 2 workers, PostgreSQL,
Redis, with a fault proxy in front of each) and, for each fault asked for:
  1. opens the story's comment form once per planned post (each reader loaded the page
     before anything went wrong),
  2. posts one comment per second for --seconds (each with a unique body) through nginx,
  3. cuts the service for --outage seconds in the middle (live connections closed, new ones
     refused), then brings it back,
  4. counts, per post: stored (its body is in the stack's database), given back (not stored,
     but answered 503 with the reader's text in the page), answered 500, lost (neither
     stored nor given back).

Prints a table; exits 1 when a post was lost or answered 500 (the target is 0 and 0).
Needs what the stack test needs: nginx, PostgreSQL and Redis on this machine.

    .venv/bin/python scripts/fault_drill.py                     # 60 s, 10 s outage, both
    .venv/bin/python scripts/fault_drill.py --seconds 20 --outage 5 --fault postgresql
"""

import argparse
import collections
import html
import secrets
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests import stack as harness  # noqa: E402

FAULTS = ("postgresql", "redis")


@dataclass
class Result:
    body: str
    status: int | None = None  # None: no HTTP answer at all
    given_back: bool = False
    error: str = ""


def send(stack, loaded, body):
    reader = harness.browser()
    try:
        answer = harness.post_comment(reader, stack, body, loaded=loaded)
    except Exception as error:  # noqa: BLE001 (a dropped connection is a result to count)
        return Result(body, error=error.__class__.__name__)
    given_back = answer.status_code == 503 and body in html.unescape(answer.text)
    return Result(body, answer.status_code, given_back)


def drill(stack, fault, seconds, outage):
    proxy = stack.database_proxy if fault == "postgresql" else stack.redis_proxy
    tag = f"drill-{fault}-{secrets.token_hex(3)}"
    bodies = [
        f"{tag} post {n:03d}: every word of this comment must be kept." for n in range(seconds)
    ]
    forms = [harness.comment_fields(harness.browser(), stack) for _ in bodies]

    start = time.monotonic() + 0.5
    cut_at = start + (seconds - outage) / 2
    events = [(start + n, "post", n) for n in range(seconds)]
    events += [(cut_at, "down", None), (cut_at + outage, "up", None)]
    futures = []
    with ThreadPoolExecutor(max_workers=16) as pool:
        for when, what, n in sorted(events, key=lambda event: event[0]):
            time.sleep(max(0.0, when - time.monotonic()))  # the drill's clock, not a wait
            if what == "post":
                futures.append(pool.submit(send, stack, forms[n], bodies[n]))
            elif what == "down":
                proxy.down()
            else:
                proxy.up()
        results = [future.result() for future in futures]
    proxy.up()

    rows = stack.query("SELECT body FROM comments_comment WHERE body LIKE %s", (f"{tag} %",))
    stored = collections.Counter(body for (body,) in rows)
    kept = sum(1 for r in results if stored[r.body] or r.given_back)
    answers = collections.Counter(str(r.status) if r.status else r.error for r in results)
    return {
        "fault": fault,
        "sent": len(results),
        "stored": sum(1 for r in results if stored[r.body]),
        "given back": sum(1 for r in results if r.given_back and not stored[r.body]),
        "500": sum(1 for r in results if r.status == 500),
        "lost": len(results) - kept,
        "duplicates": sum(count - 1 for count in stored.values()),
        "answers": ", ".join(f"{key}×{n}" for key, n in sorted(answers.items())),
    }


def table(rows):
    columns = ["fault", "sent", "stored", "given back", "500", "lost", "duplicates", "answers"]
    widths = {c: max(len(c), *(len(str(row[c])) for row in rows)) for c in columns}
    lines = ["  ".join(c.ljust(widths[c]) for c in columns)]
    lines.append("  ".join("-" * widths[c] for c in columns))
    lines += ["  ".join(str(row[c]).ljust(widths[c]) for c in columns) for row in rows]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=60, help="posts, one a second (60)")
    parser.add_argument("--outage", type=int, default=10, help="seconds of outage (10)")
    parser.add_argument(
        "--fault", choices=FAULTS, action="append", help="postgresql and/or redis (both)"
    )
    args = parser.parse_args(argv)
    if not 0 < args.outage < args.seconds:
        parser.error("--outage must be shorter than --seconds")
    missing = harness.missing_services()
    if missing:
        raise SystemExit("the drill needs " + "; ".join(missing))

    # A rate limit no drill reaches: the posts still count in Redis, as in production.
    with harness.Stack(
        proxy_database=True, proxy_redis=True, env={"COMMENTS_RATE_LIMIT": "100000"}
    ) as stack:
        print(stack.describe(), flush=True)
        rows = []
        for fault in args.fault or FAULTS:
            print(f"{fault}: {args.seconds} posts, {args.outage} s outage ...", flush=True)
            rows.append(drill(stack, fault, args.seconds, args.outage))
            harness.wait_for(lambda: stack.healthy(stack.port), 60, "recovery", stack)
    print()
    print(table(rows))
    return 1 if any(row["lost"] or row["500"] for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
