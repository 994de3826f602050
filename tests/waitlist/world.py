"""A sold-out night for the waiting-list tests: the Paris world (tests/ticketing/world.py) with
four entry slots of four places on its first night, every place taken."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update

from festival.core.db import db
from festival.core.scope import tenant_scope
from festival.ticketing.models import EntrySlot, Ticket
from festival.waitlist.models import WaitingRequest
from tests.ticketing.portal_staff import Staff, paid_order, read, staff_world

CAPACITY = 4


@dataclass
class SoldOut:
    staff: Staff
    orders: list[int]  # paid orders in the first slot, in the order given

    @property
    def world(self):
        return self.staff.world

    @property
    def night_url(self) -> str:
        world = self.world
        return f"/{world.slug}/{world.exhibition_slug}/{world.first_night.isoformat()}"


def sold_out_night(app, factory, first_slot_orders: list[dict]) -> SoldOut:
    """The first slot sold through paid orders (adult counts per order), the other three slots
    taken by others (their places are not the tests' concern)."""
    staff = staff_world(app, factory, "paris", capacity=CAPACITY)
    world = staff.world
    order_ids = [paid_order(app, world, {world.adult_id: adults}, email=f"buyer{n}@example.fr")
                 for n, adults in enumerate(first_slot_orders)]
    with app.app_context(), tenant_scope(world.tenant_id):
        db.session.execute(update(EntrySlot).where(EntrySlot.id.in_(world.slot_ids[1:]))
                           .values(taken=CAPACITY))
        db.session.commit()
        db.session.remove()
    return SoldOut(staff, order_ids)


def free_places(app, world) -> list[int]:
    """Free places of each slot of the first night, in time order."""
    def work():
        return [db.session.get(EntrySlot, slot_id).remaining for slot_id in world.slot_ids]

    return read(app, world, work)


def requests(app, world) -> dict[str, dict]:
    """Each request by email: status, persons, slot, order."""
    def work():
        return {r.email: {"status": r.status, "persons": r.persons, "slot_id": r.slot_id,
                          "order_id": r.order_id, "secret": r.secret}
                for r in db.session.scalars(select(WaitingRequest).order_by(WaitingRequest.id))}

    return read(app, world, work)


def ticket_ids(app, world, order_id: int) -> list[int]:
    return read(app, world, lambda: list(db.session.scalars(
        select(Ticket.id).where(Ticket.order_id == order_id).order_by(Ticket.id))))
