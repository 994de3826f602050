"""Property: for any sequence of groups joining, places freed and bought by others, holds that
lapse, groups withdrawing and holds turned into orders, the waiting list of a night

- never offers a group fewer places than it asked for, and never splits it: every open hold
  holds exactly its group's persons in ONE slot, and the slots' taken places add up exactly;
- never exceeds a slot's capacity;
- gives one hold to one request: held places are counted once, for one request;
- offers in order, first that fits: after every step no waiting group fits in the free places
  of any slot, and a group offered places never jumps an earlier group that asked for as few.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select, update

from festival.core.db import db, utcnow
from festival.core.errors import DomainError
from festival.core.scope import tenant_scope
from festival.exhibitions.models import Exhibition
from festival.tenants.models import Tenant
from festival.ticketing import orders
from festival.ticketing.models import EntrySlot, Order, OrderLine
from festival.waitlist import services
from festival.waitlist.models import WaitingRequest
from tests.ticketing.world import build_sales_world

CAPACITY = 4
SLOTS = 2  # the first night keeps two open slots of four places

steps = st.lists(st.one_of(
    st.tuples(st.just("join"), st.integers(1, 5)),
    st.tuples(st.just("free"), st.integers(0, SLOTS - 1), st.integers(1, 4)),
    st.tuples(st.just("buy"), st.integers(0, SLOTS - 1), st.integers(1, 4)),
    st.tuples(st.just("lapse"), st.integers(0, 5)),
    st.tuples(st.just("withdraw"), st.integers(0, 5)),
    st.tuples(st.just("convert"), st.integers(0, 5), st.integers(0, 3)),
), min_size=1, max_size=14)


@pytest.fixture
def night(app, factory):
    world = build_sales_world(app, factory, "houston", capacity=CAPACITY)
    with app.app_context(), tenant_scope(world.tenant_id):
        db.session.execute(update(EntrySlot).where(EntrySlot.id.in_(world.slot_ids[SLOTS:]))
                           .values(is_closed=True))
        db.session.commit()
        db.session.remove()
    return world


class Run:
    """One example: the world's night sold out to others, then the steps, each committed."""

    def __init__(self, app, world):
        self.app, self.world = app, world
        self.slots = world.slot_ids[:SLOTS]
        self.others = dict.fromkeys(self.slots, CAPACITY)  # places held by people off the list
        self.ordered = dict.fromkeys(self.slots, 0)  # places of orders made from holds
        self.joined = 0

    def step(self, work) -> None:
        with self.app.test_request_context(), tenant_scope(self.world.tenant_id):
            try:
                work(db.session.get(Tenant, self.world.tenant_id))
            except DomainError:
                db.session.rollback()
            else:
                db.session.commit()  # the commit offers freed places
            db.session.remove()

    def reset(self) -> None:
        def work(tenant):
            db.session.execute(delete(WaitingRequest))
            db.session.execute(delete(OrderLine))
            db.session.execute(delete(Order))
            db.session.execute(update(EntrySlot).where(EntrySlot.id.in_(self.slots))
                               .values(taken=CAPACITY))
        self.step(work)

    def requests(self) -> list[WaitingRequest]:
        return list(db.session.scalars(select(WaitingRequest).order_by(
            WaitingRequest.created_at, WaitingRequest.id)))

    def pick(self, status: tuple, index: int) -> WaitingRequest | None:
        chosen = [r for r in self.requests() if r.status in status]
        return chosen[index % len(chosen)] if chosen else None

    # --- the steps -----------------------------------------------------------------------------

    def join(self, persons: int) -> None:
        def work(tenant):
            self.joined += 1
            services.join_list(tenant, db.session.get(Exhibition, self.world.exhibition_id),
                               self.world.first_night, persons, f"g{self.joined}@example.com",
                               "Group", "en")
        self.step(work)

    def free(self, slot_index: int, persons: int) -> None:
        slot_id = self.slots[slot_index]
        persons = min(persons, self.others[slot_id])
        if persons:
            self.others[slot_id] -= persons
            self.step(lambda tenant: orders.return_places(slot_id, persons))

    def buy(self, slot_index: int, persons: int) -> None:
        slot_id = self.slots[slot_index]

        def work(tenant):
            if orders.take_places(slot_id, persons):
                self.others[slot_id] += persons
        self.step(work)

    def lapse(self, index: int) -> None:
        def work(tenant):
            held = self.pick((WaitingRequest.OFFERED,), index)
            if held is not None:
                held.hold_expires_at = utcnow() - timedelta(minutes=1)
                db.session.flush()
                services.lapse_expired_holds()
        self.step(work)

    def withdraw(self, index: int) -> None:
        self.step(lambda tenant: (r := self.pick(WaitingRequest.ACTIVE, index)) and services.withdraw(r))

    def convert(self, index: int, unused: int) -> None:
        def work(tenant):
            held = self.pick((WaitingRequest.OFFERED,), index)
            if held is None:
                return
            adults = max(held.persons - unused, 1)
            slot_id = held.slot_id
            services.buy_with_hold(tenant, held, {self.world.adult_id: adults}, "", "test")
            self.ordered[slot_id] += adults
        self.step(work)

    # --- what must hold after every step -------------------------------------------------------

    def check(self, offered_before: set[int]) -> set[int]:
        with self.app.app_context(), tenant_scope(self.world.tenant_id):
            line = self.requests()
            free = {}
            for slot_id in self.slots:
                slot = db.session.get(EntrySlot, slot_id)
                held = [r for r in line if r.status == WaitingRequest.OFFERED and r.slot_id == slot_id]
                assert slot.taken <= slot.capacity
                # Exactly the group's persons per hold, counted once, in this one slot.
                assert slot.taken == self.others[slot_id] + self.ordered[slot_id] + sum(
                    r.persons for r in held), (slot_id, slot.taken, self.others, self.ordered)
                free[slot_id] = slot.capacity - slot.taken
            waiting = [r for r in line if r.status == WaitingRequest.WAITING]
            # First that fits: nobody who fits in one slot is left waiting.
            assert all(r.persons > max(free.values()) for r in waiting), (free, waiting)
            offered_now = {r.id for r in line if r.status == WaitingRequest.OFFERED} - offered_before
            for position, request in enumerate(line):
                if request.id in offered_now:
                    # In order: no earlier group still waiting asked for as few places.
                    assert all(earlier.persons > request.persons for earlier in line[:position]
                               if earlier.status == WaitingRequest.WAITING)
            for request in line:
                if request.status == WaitingRequest.OFFERED:
                    assert request.slot_id in self.slots and request.hold_expires_at is not None
            ids = {r.id for r in line if r.status == WaitingRequest.OFFERED}
            db.session.remove()
        return ids


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=steps)
# The chosen rule, spelled out: three places free, the four wait, the pair behind them is served.
@example(steps=[("join", 4), ("join", 2), ("free", 0, 3)])
def test_offers_keep_groups_whole_in_order_and_within_capacity(app, night, steps):
    run = Run(app, night)
    run.reset()
    offered = run.check(set())
    for name, *args in steps:
        getattr(run, name)(*args)
        offered = run.check(offered)
