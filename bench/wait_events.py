"""What the app's PostgreSQL sessions are doing during a measurement: sampled wait events.

    python bench/wait_events.py DATABASE SECONDS [--every 0.01]

Samples pg_stat_activity (as the superuser, on 127.0.0.1) every 10 ms and reports, over all
samples of the database's client sessions, the share in each state: "running (CPU)" (active, no
wait event), each wait event (Lock:transactionid, LWLock:WALWrite, IO:DataFileRead, …), and
"idle" (waiting for the app to send the next statement: the app, not the database, is busy).
"""

from __future__ import annotations

import argparse
import os
import time
from collections import Counter

import psycopg

SAMPLE = """
SELECT state, wait_event_type, wait_event FROM pg_stat_activity
WHERE datname = %s AND backend_type = 'client backend' AND pid <> pg_backend_pid()
"""


def label(state: str | None, wait_type: str | None, wait_event: str | None) -> str:
    if state == "active":
        return f"active, waiting on {wait_type}:{wait_event}" if wait_type else "active, running (CPU)"
    if state == "idle in transaction":
        return "idle in transaction (waiting for the app)"
    return "idle (no transaction)"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("database")
    parser.add_argument("seconds", type=float)
    parser.add_argument("--every", type=float, default=0.01)
    args = parser.parse_args()
    host = os.environ.get("PGHOST", "127.0.0.1")
    counts: Counter = Counter()
    samples = 0
    with psycopg.connect(host=host, user="postgres", dbname=args.database, autocommit=True) as conn:
        end = time.monotonic() + args.seconds
        while time.monotonic() < end:
            rows = conn.execute(SAMPLE, (args.database,)).fetchall()
            samples += 1
            counts.update(label(*row) for row in rows)
            time.sleep(args.every)
    sessions = sum(counts.values())
    print(f"PostgreSQL sessions sampled {samples} times ({sessions} session samples):")
    for what, seen in counts.most_common():
        print(f"  {100 * seen / max(sessions, 1):5.1f}%  {what}")


if __name__ == "__main__":
    main()
