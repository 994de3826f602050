"""Sell out a slot of 2,000 persons through the JSON API with N concurrent buyers.

Every buyer has its own keep-alive connection; all start together (a barrier). Prints a RESULT
line: admitted persons, sold-out answers and any other answers; bench/run reads the slot back.
"""

from __future__ import annotations

import argparse
import http.client
import json
import threading
import uuid
from collections import Counter


def buyer(host: str, port: int, token: str, body: bytes, quota: list[int], lock: threading.Lock,
          barrier: threading.Barrier, statuses: Counter) -> None:
    connection = http.client.HTTPConnection(host, port, timeout=30)
    barrier.wait()
    while True:
        with lock:
            if quota[0] <= 0:
                break
            quota[0] -= 1
        connection.request("POST", "/api/v1/orders", body=body, headers={
            "Content-Type": "application/json", "Authorization": f"Bearer {token}",
            "Idempotency-Key": uuid.uuid4().hex})
        response = connection.getresponse()
        response.read()
        with lock:
            statuses[response.status] += 1
    connection.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--slot", type=int, required=True)
    parser.add_argument("--ticket-type", type=int, required=True)
    parser.add_argument("--buyers", type=int, default=16)
    parser.add_argument("--requests", type=int, default=2600, help="total requests (> capacity)")
    args = parser.parse_args()
    body = json.dumps({"slot_id": args.slot, "items": [{"ticket_type_id": args.ticket_type, "quantity": 1}],
                       "email": "rush@example.com", "name": "Rush Buyer", "locale": "en"}).encode()
    statuses: Counter = Counter()
    quota, lock = [args.requests], threading.Lock()
    barrier = threading.Barrier(args.buyers)
    threads = [threading.Thread(target=buyer, args=(args.host, args.port, args.token, body, quota, lock,
                                                    barrier, statuses)) for _ in range(args.buyers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    others = sum(count for status, count in statuses.items() if status not in (201, 409))
    print(f"RESULT buyers={args.buyers} admitted={statuses[201]} sold_out={statuses[409]} other={others} "
          f"statuses={dict(statuses)}")


if __name__ == "__main__":
    main()
