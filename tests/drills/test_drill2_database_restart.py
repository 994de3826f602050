"""Drill 2: PostgreSQL stops and starts again in the middle of an on-sale rush.

Visitors keep buying through nginx while the drill stops the cluster (open connections cut),
waits, and starts it. During the outage they get a clear 503 that asks them to try again (never
a 500); afterwards the same gunicorn processes sell again; no slot holds more than its capacity,
and every order a visitor saw paid is paid, with its tickets and one confirmation mail.
"""

from __future__ import annotations

import itertools
import random
import re
import threading
import time

from sqlalchemy import text

from tests.conftest import PASSWORD, postgres_only
from tests.drills import stack
from tests.drills.buyers import UNAVAILABLE, Purchase, Visitor, sign_in
from tests.drills.conftest import OWNER
from tests.drills.stack import needs_tools

pytestmark = [postgres_only, needs_tools]

BUYERS = 4
OUTAGE_SECONDS = 2


class Rush:
    """Visitors buying in threads until told to stop, each order for a random slot of the night,
    while a signed-in box-office clerk keeps reloading the list of orders."""

    def __init__(self, drill, prefix: str):
        self.drill, self.prefix = drill, prefix
        self.visitors = [Visitor(drill.shop()) for _ in range(BUYERS)]
        self.clerk = Visitor(drill.shop(), retries=1)
        drill.forget_rate_limits()
        assert sign_in(self.clerk.http, drill.proxy, OWNER, PASSWORD).status_code == 302
        self.purchases: list[Purchase] = []
        self.failures: list[BaseException] = []
        self.stop = threading.Event()
        self._numbers = itertools.count()
        self._threads = [threading.Thread(target=self._buy, args=(v,)) for v in self.visitors]
        self._threads.append(threading.Thread(target=self._watch_sales))

    def _buy(self, visitor: Visitor) -> None:
        world = self.drill.world
        chooser = random.Random(id(visitor))  # noqa: S311 - spreads load, not a secret
        try:
            while not self.stop.is_set():
                email = f"{self.prefix}-{next(self._numbers)}@drill.example"
                purchase = visitor.buy(world.exhibition_slug, world.first_night.isoformat(),
                                       chooser.choice(world.slot_ids), world.adult_id,
                                       chooser.randint(1, 3), email)
                if purchase is not None:
                    self.purchases.append(purchase)
        except BaseException as error:  # judged by the test, not lost in a thread
            self.failures.append(error)

    def _watch_sales(self) -> None:
        try:
            while not self.stop.is_set():
                self.clerk.send("orders list", "GET", "/manage/orders")
                time.sleep(0.2)
        except BaseException as error:
            self.failures.append(error)

    def __enter__(self):
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self._threads:
            thread.join(timeout=300)

    def answers(self):
        return [answer for visitor in [*self.visitors, self.clerk] for answer in visitor.answers]

    def sold_after(self, moment: float) -> int:
        return sum(1 for purchase in self.purchases if purchase.paid_at > moment)


def _wait_for(condition, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.2)


def test_a_database_restart_in_the_rush_costs_no_seat_and_no_paid_order(drill, mailbox):
    with Rush(drill, "rush") as rush:
        _wait_for(lambda: len(rush.purchases) >= BUYERS)
        drill.cluster.stop()
        # Meanwhile a load balancer asking /readyz hears that no instance can serve.
        assert all(stack.answers(f"{base}/readyz", 503) for base in drill.instances)
        time.sleep(OUTAGE_SECONDS)
        drill.cluster.start()
        back = time.monotonic()
        # The same gunicorn processes find the database again: visitors buy once more.
        _wait_for(lambda: rush.sold_after(back) >= BUYERS)
    assert not rush.failures, rush.failures
    answers = rush.answers()

    # Every answer was a page a person can act on, or a clear "try again in a moment".
    wrong = sorted({(a.step, a.status) for a in answers if not (200 <= a.status < 500 or a.status == 503)})
    assert not wrong, wrong
    outage = [a for a in answers if a.status == 503]
    assert outage, "no request met the outage: the drill proved nothing"
    assert {a.status for a in rush.clerk.answers} == {200, 503}  # the clerk stayed signed in
    for answer in outage:
        assert answer.retry_after is not None and int(answer.retry_after) > 0
        assert UNAVAILABLE in answer.text and "Please try again in a moment." in answer.text
        assert "Traceback" not in answer.text
    assert rush.sold_after(back) >= BUYERS

    # A new visitor after the rush buys at the first try: no 503 left anywhere.
    late = Visitor(drill.shop(), retries=1)
    assert late.buy(drill.world.exhibition_slug, drill.world.first_night.isoformat(),
                    drill.world.slot_ids[-1], drill.world.adult_id, 1, "late@drill.example")
    assert {a.status for a in late.answers} <= {200, 303}
    for base in drill.instances:
        assert stack.answers(f"{base}/readyz")

    _assert_no_seat_oversold(drill)
    purchases = [*rush.purchases]
    _assert_paid_orders_kept(drill, purchases)
    _assert_one_confirmation_each(drill, mailbox, purchases)


def _assert_no_seat_oversold(drill) -> None:
    with drill.owner.connect() as conn:
        slots = conn.execute(text(
            "SELECT s.id, s.capacity, s.taken, coalesce(sum(o.persons), 0) AS held "
            "FROM entry_slot s LEFT JOIN ticket_order o "
            "ON o.slot_id = s.id AND o.status IN ('pending', 'paid') "
            "GROUP BY s.id, s.capacity, s.taken")).all()
    for slot_id, capacity, taken, held in slots:
        assert taken <= capacity, f"slot {slot_id}: {taken} taken of {capacity}"
        assert taken == held, f"slot {slot_id}: taken {taken}, orders hold {held}"
    small = next(row for row in slots if row[0] == drill.world.slot_ids[0])
    assert small[2] > 0  # the small slot was in the rush


def _assert_paid_orders_kept(drill, purchases: list[Purchase]) -> None:
    with drill.owner.connect() as conn:
        rows = {code: (status, persons, tickets) for code, status, persons, tickets in conn.execute(
            text("SELECT o.code, o.status, o.persons, count(t.id) FROM ticket_order o "
                 "LEFT JOIN ticket t ON t.order_id = o.id AND t.status = 'valid' "
                 "GROUP BY o.id, o.code, o.status, o.persons"))}
    for purchase in purchases:
        assert rows.get(purchase.code) == ("paid", purchase.persons, purchase.persons), purchase


def _assert_one_confirmation_each(drill, mailbox, purchases: list[Purchase]) -> None:
    stack.festival(drill.env, "worker", "--burst")
    stack.festival({**drill.env, "MAIL_SWEEP_GRACE_SECONDS": "0"}, "deliver-mail")
    codes = [re.search(r"order (\S+)\. Your tickets", mailbox.text(m)).group(1)
             for m in mailbox.messages if "@drill.example" in m["To"]]
    for purchase in purchases:
        assert codes.count(purchase.code) == 1, purchase
    assert len(codes) == len(set(codes))
