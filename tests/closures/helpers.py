"""Orders in a sales world, in the visitor's language, and what the tests read back."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from festival.closures.models import ClosureOrder
from festival.core.db import db
from festival.core.scope import tenant_scope
from festival.tenants.models import Tenant
from festival.ticketing import orders
from festival.ticketing.models import EntrySlot, Order, Ticket
from festival.ticketing.sales_counts import maintained_sales, sales_from_orders
from tests.ticketing.world import SalesWorld


def order_in(app, world: SalesWorld, slot_id: int, email: str, locale: str = "fr", adults: int = 2,
             paid: bool = True, name: str = "Marie Curie") -> int:
    """An order in ``slot_id`` (paid through the test gateway unless ``paid=False``); its id."""
    with app.test_request_context(), tenant_scope(world.tenant_id):
        tenant = db.session.get(Tenant, world.tenant_id)
        order = orders.create_order(tenant, orders.OrderRequest(
            slot_id=slot_id, quantities={world.adult_id: adults}, email=email, name=name, locale=locale))
        if paid:
            orders.confirm_payment(order, tenant, "test", f"test-{order.code}", order.total, notify=False)
        db.session.commit()
        order_id = order.id
        db.session.remove()
    return order_id


def in_scope(app, world: SalesWorld, work):
    with app.test_request_context(), tenant_scope(world.tenant_id):
        result = work()
        db.session.commit()
        db.session.remove()
    return result


def slots_of(app, world: SalesWorld, night_offset: int) -> list[int]:
    night = world.first_night + timedelta(days=night_offset)
    return in_scope(app, world, lambda: list(db.session.scalars(
        select(EntrySlot.id).where(EntrySlot.night == night).order_by(EntrySlot.starts_at))))


def taken(app, world: SalesWorld, slot_id: int) -> int:
    return in_scope(app, world, lambda: db.session.get(EntrySlot, slot_id).taken)


def order_facts(app, world: SalesWorld, order_id: int) -> dict:
    def work():
        order = db.session.get(Order, order_id)
        tickets = list(db.session.scalars(select(Ticket).where(Ticket.order_id == order_id)
                                          .order_by(Ticket.id)))
        return {"status": order.status, "slot_id": order.slot_id, "secret": order.secret,
                "refunded": order.refunded_amount, "code": order.code,
                "tickets": [(t.code, t.status, t.slot_id) for t in tickets]}
    return in_scope(app, world, work)


def link_of(app, world: SalesWorld, order_id: int) -> dict:
    def work():
        link = db.session.scalar(select(ClosureOrder).where(ClosureOrder.order_id == order_id))
        return {"token": link.token, "decision": link.decision}
    return in_scope(app, world, work)


def figures_agree(app, world: SalesWorld) -> bool:
    """The maintained sales figures equal a recount of the raw rows (non-zero rows only)."""
    def work():
        def nonzero(figures):
            return {key: value for key, value in figures.items() if any(vars(value).values())}
        return nonzero(maintained_sales()) == nonzero(sales_from_orders())
    return in_scope(app, world, work)


def sum_valid_persons(app, world: SalesWorld, slot_id: int) -> int:
    return in_scope(app, world, lambda: db.session.scalar(
        select(func.coalesce(func.sum(Ticket.persons), 0)).where(
            Ticket.slot_id == slot_id, Ticket.status != Ticket.VOID)))
