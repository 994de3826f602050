"""The on-sale rush's per-order cost in process: time, SQL statements and their round trips.

Run by ``bench/run --in-process`` against its fresh database (DATABASE_URL is the non-owner
role), or by hand with the same environment and the seed's JSON as the first argument.
Prints the median wall time of one ``POST /api/v1/orders`` through Flask's test client and the
statements it sent; with ``--profile FILE`` also writes cProfile stats of the measured orders.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import statistics
import time
import uuid

from sqlalchemy import event

from festival import create_app
from festival.core.db import db


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("seed", help="the JSON printed by bench/seed.py")
    parser.add_argument("--orders", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--profile")
    args = parser.parse_args()
    seed = json.loads(args.seed)
    app = create_app()
    client = app.test_client()
    # The body bench/post_order.lua sends.
    body = json.dumps({"slot_id": seed["rush_slot"],
                       "items": [{"ticket_type_id": seed["ticket_type"], "quantity": 1}],
                       "email": "bench@example.com", "name": "Bench Buyer", "locale": "en"})
    headers = {"Authorization": f"Bearer {seed['token']}", "Content-Type": "application/json"}

    def post() -> None:
        response = client.post("/api/v1/orders", data=body,
                               headers={**headers, "Idempotency-Key": uuid.uuid4().hex})
        assert response.status_code == 201, response.get_data(as_text=True)

    for _ in range(args.warmup):
        post()
    shown: list[str] = []

    def note(conn, cursor, statement, *rest) -> None:
        shown.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    post()
    event.remove(engine, "before_cursor_execute", note)
    profiler = cProfile.Profile() if args.profile else None
    timings, cpu = [], []
    for _ in range(args.orders):
        start, start_cpu = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        post()
        if profiler:
            profiler.disable()
        timings.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    if profiler:
        profiler.dump_stats(args.profile)
    print(f"median {statistics.median(timings) * 1000:.2f} ms per order (Python CPU "
          f"{statistics.mean(cpu) * 1000:.2f} ms) over {args.orders}; "
          f"{len(shown)} statements through the DB-API for one order:")
    for statement in shown:
        print("  ", " ".join(statement.split())[:150])


if __name__ == "__main__":
    main()
