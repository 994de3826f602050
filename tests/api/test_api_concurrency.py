"""The on-sale rush on PostgreSQL: 50 buyers at once for a slot of 20 persons through the API.

Each buyer has its own test client, app context, session and database connection, and all are
released together by a barrier, so the conditional UPDATE of the slot meets real contention.
"""

from __future__ import annotations

import threading
from collections import Counter

from sqlalchemy import create_engine, text

from tests.api.conftest import Api, make_token, order_body
from tests.conftest import OWNER_URL, postgres_only

SOLD_OUT = "This entry slot is sold out. Choose another slot or night."


def rush(app, token: str, body: dict, buyers: int) -> list[tuple[int, dict]]:
    barrier = threading.Barrier(buyers)
    answers: list[tuple[int, dict]] = []
    lock = threading.Lock()

    def buyer(number: int) -> None:
        client = Api(app.test_client(), token)
        barrier.wait()
        response = client.post("/orders", {**body, "email": f"buyer{number}@example.com"},
                               key=f"buyer-{number}-{id(barrier)}")
        with lock:
            answers.append((response.status_code, response.get_json()))

    threads = [threading.Thread(target=buyer, args=(n,)) for n in range(buyers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def held(slot_id: int) -> tuple[int, int, int]:
    """(orders holding places, persons they hold, the slot's taken) as the owner sees them."""
    owner = create_engine(OWNER_URL)
    with owner.connect() as conn:
        orders, persons = conn.execute(text(
            "SELECT count(*), coalesce(sum(persons), 0) FROM ticket_order "
            "WHERE slot_id = :s AND status IN ('pending', 'paid')"), {"s": slot_id}).one()
        taken = conn.execute(text("SELECT taken FROM entry_slot WHERE id = :s"), {"s": slot_id}).scalar()
    owner.dispose()
    return orders, persons, taken


def buy_one(paris) -> dict:
    return order_body(paris, items=[{"ticket_type_id": paris.adult_id, "quantity": 1}])


@postgres_only
def test_fifty_buyers_for_twenty_places_get_exactly_twenty(app, paris):
    answers = rush(app, make_token(app, paris.tenant_id), buy_one(paris), 50)
    assert Counter(status for status, _body in answers) == {201: 20, 409: 30}, answers
    assert {b["error"]["message"] for s, b in answers if s == 409} == {SOLD_OUT}
    assert held(paris.slot_ids[0]) == (20, 20, 20)


@postgres_only
def test_lapsed_holds_sell_again_to_buyers_arriving_together(app, paris):
    token, slot_id = make_token(app, paris.tenant_id), paris.slot_ids[0]
    assert Counter(s for s, _b in rush(app, token, buy_one(paris), 20)) == {201: 20}
    # The 20 holds lapse (15 minutes pass); 25 buyers arrive at once and each finds the slot full
    # of lapsed holds: whichever of them releases them, 20 get a place and 5 a clear sold-out.
    owner = create_engine(OWNER_URL)
    with owner.begin() as conn:
        conn.execute(text("UPDATE ticket_order SET expires_at = now() - interval '1 minute' "
                          "WHERE slot_id = :s AND status = 'pending'"), {"s": slot_id})
    owner.dispose()
    again = rush(app, token, buy_one(paris), 25)
    assert Counter(status for status, _body in again) == {201: 20, 409: 5}, again
    assert {b["error"]["message"] for s, b in again if s == 409} == {SOLD_OUT}
    assert held(slot_id) == (20, 20, 20)
    owner = create_engine(OWNER_URL)
    with owner.connect() as conn:
        expired = conn.execute(text("SELECT count(*) FROM ticket_order WHERE slot_id = :s "
                                    "AND status = 'expired'"), {"s": slot_id}).scalar()
    owner.dispose()
    assert expired == 20
