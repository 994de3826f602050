"""A tenant whose gates are open now: staff of every role, two gates, and a paid order whose entry
slot is running at this very moment, for the tests of the scanner page (HTTP and browser)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from festival.checkin.services import create_gate, tonight
from festival.core.db import db, utcnow
from festival.core.scope import tenant_scope
from festival.exhibitions.models import Exhibition
from festival.tenants.models import Tenant
from festival.ticketing import orders
from festival.ticketing.models import EntrySlot, Ticket
from tests.ticketing.portal_staff import Staff, paid_order, staff_world


@dataclass
class GateTicket:
    code: str
    payload: str  # the signed QR payload printed on the ticket
    persons: int


@dataclass
class GateWorld:
    staff: Staff
    gate_ids: dict[str, int]  # gate name -> id
    tickets: list[GateTicket]  # two adults (1 person each), then a family (4 persons)

    @property
    def world(self):
        return self.staff.world

    def scanner_path(self, gate: str = "North gate") -> str:
        return f"{self.staff.portal}/checkin/{self.world.exhibition_id}/{self.gate_ids[gate]}"


def gate_world(app, factory, slug: str = "paris") -> GateWorld:
    """Gates "North gate" and "South gate", and a paid order (2 adults, 1 family) admissible now."""
    staff = staff_world(app, factory, slug)
    world = staff.world
    order_id = paid_order(app, world, {world.adult_id: 2, world.family_id: 1})
    with app.test_request_context(), tenant_scope(world.tenant_id):
        tenant = db.session.get(Tenant, world.tenant_id)
        exhibition = db.session.get(Exhibition, world.exhibition_id)
        gate_ids = {name: create_gate(tenant, exhibition, name, None).id
                    for name in ("North gate", "South gate")}
        # The order's slot runs now, so its tickets may enter whatever the time of the test.
        now = utcnow()
        slot = db.session.get(EntrySlot, world.slot_ids[0])
        slot.starts_at, slot.ends_at = now - timedelta(minutes=10), now + timedelta(minutes=50)
        slot.night = tonight(exhibition, tenant, now)
        rows = db.session.scalars(select(Ticket).where(Ticket.order_id == order_id)
                                  .order_by(Ticket.persons, Ticket.id)).all()
        tickets = [GateTicket(t.code, orders.qr_payload(t, tenant), t.persons) for t in rows]
        db.session.commit()
        db.session.remove()
    return GateWorld(staff, gate_ids, tickets)


def admitted_check_ins(app, world) -> list[tuple[str, int]]:
    """(ticket code, persons) of every admission recorded for the tenant, in scan order."""
    from festival.checkin.models import CheckIn

    with app.app_context(), tenant_scope(world.tenant_id):
        rows = db.session.execute(
            select(Ticket.code, CheckIn.persons).join(Ticket, CheckIn.ticket_id == Ticket.id)
            .where(CheckIn.result == CheckIn.ADMITTED).order_by(CheckIn.scanned_at)).all()
        db.session.remove()
    return [tuple(row) for row in rows]
