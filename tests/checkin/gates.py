"""A tenant on sale with gates, and tickets whose entry slot is open now (tests of check-in).

The sales world's first night is tomorrow; ``slot_around_now`` moves its first entry slot to
the current moment (tonight), so the portal and the API, which scan at the real clock, admit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from festival.checkin import services
from festival.checkin.models import CheckIn, EntryCount, Gate
from festival.core.db import db, utcnow
from festival.core.scope import tenant_scope
from festival.exhibitions.models import Exhibition
from festival.exhibitions.services import ExhibitionPlan, create_exhibition
from festival.tenants.models import Tenant
from festival.ticketing import orders
from festival.ticketing.models import EntrySlot, Order, Ticket
from tests.ticketing.portal_staff import Staff, paid_order, staff_world


@dataclass
class GateWorld:
    staff: Staff
    north: int
    south: int
    closed: int  # a gate closed to scanning
    elsewhere: int  # a gate of another exhibition of the same tenant
    slot_starts: datetime  # the first slot, moved to start 10 minutes ago

    @property
    def world(self):
        return self.staff.world

    @property
    def portal(self) -> str:
        return self.staff.portal


def in_scope(app, tenant_id: int, work):
    with app.test_request_context(), tenant_scope(tenant_id):
        result = work()
        db.session.commit()
        db.session.remove()
    return result


def build_gate_world(app, factory, slug: str = "paris") -> GateWorld:
    staff = staff_world(app, factory, slug)
    world = staff.world

    def work():
        tenant = db.session.get(Tenant, world.tenant_id)
        exhibition = db.session.get(Exhibition, world.exhibition_id)
        north = services.create_gate(tenant, exhibition, "North gate", None)
        south = services.create_gate(tenant, exhibition, "South gate", None)
        closed = services.create_gate(tenant, exhibition, "Old gate", None)
        services.set_gate_active(closed, False, None)
        other = create_exhibition(tenant, ExhibitionPlan(
            slug="winter", titles={"en": "Winter lights"}, venue_name="Quai",
            season_start=world.first_night, season_end=world.first_night,
            opens_at=exhibition.opens_at, closes_at=exhibition.closes_at), None)
        elsewhere = services.create_gate(tenant, other, "Winter gate", None)
        starts = utcnow().replace(microsecond=0) - timedelta(minutes=10)
        slot = db.session.get(EntrySlot, world.slot_ids[0])
        slot.starts_at, slot.ends_at = starts, starts + timedelta(hours=1)
        slot.night = services.tonight(exhibition, tenant)
        return GateWorld(staff, north.id, south.id, closed.id, elsewhere.id, starts)

    return in_scope(app, world.tenant_id, work)


def tickets(app, gw: GateWorld, quantities: dict[int, int] | None = None, slot_index: int = 0,
            email: str = "marie@example.fr") -> list[tuple[str, str]]:
    """A paid order's tickets as (typed code, signed QR payload)."""
    order_id = paid_order(app, gw.world, quantities or {gw.world.adult_id: 1}, email=email,
                          slot_index=slot_index)

    def work():
        tenant = db.session.get(Tenant, gw.world.tenant_id)
        order = db.session.get(Order, order_id)
        return [(t.code, orders.qr_payload(t, tenant)) for t in orders.tickets_of(order)]

    return in_scope(app, gw.world.tenant_id, work)


def ticket_state(app, gw: GateWorld, code: str) -> tuple[str, int | None]:
    def work():
        from sqlalchemy import select

        ticket = db.session.scalar(select(Ticket).where(Ticket.code == code))
        return ticket.status, ticket.used_gate_id

    return in_scope(app, gw.world.tenant_id, work)


def scan_rows(app, gw: GateWorld) -> list[tuple[str, int, bool]]:
    """(result, persons, offline) of every recorded scan, in order."""
    from sqlalchemy import select

    return in_scope(app, gw.world.tenant_id, lambda: [
        (r.result, r.persons, r.offline) for r in db.session.scalars(
            select(CheckIn).order_by(CheckIn.id))])


def entry_persons(app, gw: GateWorld) -> int:
    from sqlalchemy import func, select

    return in_scope(app, gw.world.tenant_id, lambda: db.session.scalar(
        select(func.coalesce(func.sum(EntryCount.persons), 0))))


__all__ = ["Gate", "GateWorld", "build_gate_world", "tickets", "ticket_state", "scan_rows",
           "entry_persons", "in_scope"]
