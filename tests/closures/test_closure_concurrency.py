"""On PostgreSQL: a closure with 500 affected orders whose visitors decide at the same moment,
most of them rebooking into the same few slots with little room: no slot is oversold, and
every order ends in exactly one of rebooked, credited, refunded or undecided."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import select, update

from festival.closures import services
from festival.closures.models import ClosureOrder
from festival.core import mail
from festival.core.db import db
from festival.core.errors import DomainError
from festival.core.scope import tenant_scope
from festival.exhibitions.models import Exhibition
from festival.tenants.models import Tenant
from festival.ticketing import moves, orders
from festival.ticketing.models import EntrySlot, Order, Ticket
from tests.closures.helpers import figures_agree, in_scope, sum_valid_persons
from tests.conftest import postgres_only
from tests.ticketing.world import build_sales_world

ORDERS = 500
THREADS = 8
TARGET_CAPACITY = 40  # three slots of the second night: 120 places for 500 visitors


def _affected_orders(app, world) -> None:
    with app.test_request_context(), tenant_scope(world.tenant_id):
        tenant = db.session.get(Tenant, world.tenant_id)
        for number in range(ORDERS):
            order = orders.create_order(tenant, orders.OrderRequest(
                slot_id=world.slot_ids[number % len(world.slot_ids)], quantities={world.adult_id: 1},
                email=f"visitor{number}@example.com", name=f"Visitor {number}", locale="en"))
            orders.confirm_payment(order, tenant, "test", f"test-{order.code}", order.total, notify=False)
        exhibition = db.session.get(Exhibition, world.exhibition_id)
        services.close_night(tenant, exhibition, services.ClosureRequest(
            night=world.first_night, reason="Storm", offer="choice", slot_ids=[]), None)
        db.session.commit()
        db.session.remove()


def _decide(app, world, token: str, wish: str, targets: list[int]) -> str:
    with app.test_request_context(), tenant_scope(world.tenant_id):
        tenant = db.session.get(Tenant, world.tenant_id)
        link = services.find_link(token)
        try:
            if wish == "refund":
                services.ask_refund(link, tenant)
            elif wish == "credit":
                services.take_credit(link, tenant)
            else:
                services.rebook(link, tenant, targets[hash(token) % len(targets)])
            db.session.commit()
            return wish
        except DomainError:
            db.session.rollback()
            return "refused"
        finally:
            db.session.remove()


@postgres_only
def test_five_hundred_visitors_decide_at_once_and_no_slot_is_oversold(app, factory, monkeypatch):
    world = build_sales_world(app, factory, "paris", capacity=130)
    second_night = world.first_night + timedelta(days=1)
    targets = in_scope(app, world, lambda: list(db.session.scalars(
        select(EntrySlot.id).where(EntrySlot.night == second_night).order_by(EntrySlot.starts_at)))[:3])
    in_scope(app, world, lambda: db.session.execute(
        update(EntrySlot).where(EntrySlot.id.in_(targets)).values(capacity=TARGET_CAPACITY)))
    # Mail is not what this test is about (tests/closures/test_closures.py follows it): 500
    # notices over SMTP and the ticket PDFs of 120 moves would take most of a minute.
    monkeypatch.setattr(mail, "send_message", lambda message, recipient: None)
    monkeypatch.setattr(moves, "_send_tickets", lambda *notice: None)
    _affected_orders(app, world)
    tokens = in_scope(app, world, lambda: list(db.session.scalars(
        select(ClosureOrder.token).order_by(ClosureOrder.id))))
    assert len(tokens) == ORDERS
    wishes = ["refund" if n % 10 == 0 else "credit" if n % 10 == 1 else "rebook" for n in range(ORDERS)]

    barrier = threading.Barrier(THREADS)
    outcomes, lock = [], threading.Lock()

    def visitors(share: int) -> None:
        barrier.wait()
        for n in range(share, ORDERS, THREADS):
            outcome = _decide(app, world, tokens[n], wishes[n], targets)
            with lock:
                outcomes.append(outcome)

    threads = [threading.Thread(target=visitors, args=(share,)) for share in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(outcomes) == ORDERS

    def state():
        slots = {s.id: (s.taken, s.capacity) for s in db.session.scalars(select(EntrySlot))}
        links = db.session.execute(select(ClosureOrder.decision, Order.status, Order.slot_id)
                                   .join(Order, Order.id == ClosureOrder.order_id)).all()
        return slots, links

    slots, links = in_scope(app, world, state)
    for slot_id, (taken, capacity) in slots.items():
        assert taken <= capacity
        assert taken == sum_valid_persons(app, world, slot_id)  # nothing leaked, nothing lost
    assert sum(slots[t][0] for t in targets) == 3 * TARGET_CAPACITY  # rebooking filled them exactly
    expected = {ClosureOrder.REBOOKED: (Order.PAID, set(targets)),
                ClosureOrder.CREDITED: (Order.CANCELLED, set(world.slot_ids)),
                ClosureOrder.REFUNDED: (Order.REFUNDED, set(world.slot_ids)),
                ClosureOrder.UNDECIDED: (Order.PAID, set(world.slot_ids))}
    for decision, status, slot_id in links:
        assert status == expected[decision][0] and slot_id in expected[decision][1]
    decided = sorted(d for d, _s, _slot in links)
    assert decided.count(ClosureOrder.REBOOKED) == outcomes.count("rebook") == 3 * TARGET_CAPACITY
    assert decided.count(ClosureOrder.REFUNDED) == outcomes.count("refund") == ORDERS // 10
    assert decided.count(ClosureOrder.CREDITED) == outcomes.count("credit") == ORDERS // 10
    assert decided.count(ClosureOrder.UNDECIDED) == outcomes.count("refused")
    void = in_scope(app, world, lambda: db.session.scalar(
        select(db.func.count()).select_from(Ticket).where(Ticket.status == Ticket.VOID)))
    assert void == 2 * ORDERS // 10
    assert figures_agree(app, world)
