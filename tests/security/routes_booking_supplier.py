"""Security-walk registrations of the supplier's booking pages (festival/booking/supplier_views.py).

A booking is shared by one tenant and one supplier, so ``booking_id`` is filled with a booking
between the side's tenant and the side's supplier (whichever portal the rule belongs to): A's
objects are alpha's bookings with xcai, B's are beta's with yguang. The rows are written directly
(the security world's season is too close for a lamp group to travel there), one per pair for
reading, and a fresh one for each action that uses one up: a request waiting for
an answer (``booking_id``), or a booking on site for the last steps (``on_site_booking_id``).
The WORLD hook makes the world's bookings with every supplier before the walk takes a snapshot.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from festival.booking.models import Booking, BookingLine
from festival.core.db import db
from festival.core.scope import platform_scope
from tests.security.conftest import SEASON

ARRIVES, LEAVES = SEASON[0] - timedelta(days=7), SEASON[1] + timedelta(days=5)
WEEKLY_PRICE = Decimal("5000.00")
STATUSES = (Booking.REQUESTED, Booking.ON_SITE)


def _lamp_group(builder, supplier_id: int, slug: str) -> int:
    from tests.booking.world import lamp_group

    made = getattr(builder, "walk_lamp_groups", {})
    builder.walk_lamp_groups = made
    if supplier_id not in made:
        made[supplier_id] = lamp_group(builder.app, supplier_id, f"WALK-{slug}"[:40])
    return made[supplier_id]


def _booking(builder, tenant, supplier_id: int, slug: str, status: str) -> int:
    """A booking of ``tenant`` with a supplier, one lamp group on site around the season."""
    lamp_group_id = _lamp_group(builder, supplier_id, slug)
    with builder.app.app_context(), platform_scope("cli"):
        parties = {"tenant_id": tenant.id, "supplier_id": supplier_id}
        booking = Booking(
            **parties, exhibition_id=tenant.exhibition_id, status=status,
            reference=builder.unique("LB-W")[:20], transport_mode="air", currency="CNY",
            exhibition_title=f"{tenant.name} season", venue_name="City Park",
            destination_city="Somewhere", destination_country="US", destination_region="NA",
            season_start=SEASON[0], season_end=SEASON[1], message="Walk request")
        booking.lines.append(BookingLine(
            **parties, lamp_group_id=lamp_group_id, lamp_group_code=f"WALK-{slug}",
            lamp_group_names={"en": "Walk lamp group"}, containers_teu=1, weekly_price=WEEKLY_PRICE,
            weeks=2, arrives_on=ARRIVES, on_site_until=LEAVES))
        db.session.add(booking)
        db.session.commit()
        booking_id = booking.id
        db.session.remove()
    return booking_id


def _world_bookings(builder, tenant) -> None:
    """Up front, so that reading them writes nothing: with every supplier of the world, a request
    waiting for an answer and a booking on site."""
    from festival.suppliers.models import Supplier

    with builder.app.app_context(), platform_scope("cli"):
        suppliers = [(row.id, row.slug) for row in db.session.scalars(select(Supplier).order_by(Supplier.id))]
        db.session.remove()
    tenant.walk_bookings = {(slug, status): _booking(builder, tenant, supplier_id, slug, status)
                            for supplier_id, slug in suppliers for status in STATUSES}


def _filler(status: str):
    def fill(builder, kind, side, fresh):
        """A booking of side.tenant with side.supplier: a fresh one, or the world's."""
        tenant, supplier = side.tenant, side.supplier
        if fresh:
            return _booking(builder, tenant, supplier.id, supplier.slug, status)
        if (supplier.slug, status) not in getattr(tenant, "walk_bookings", {}):
            _world_bookings(builder, tenant)
        return tenant.walk_bookings[supplier.slug, status]

    return fill


def _counter_body(builder, kind) -> dict:
    return {"price_1": "4321.00", "arrives_1": ARRIVES.isoformat(), "until_1": LEAVES.isoformat(),
            "message": "A lower price for a shorter stay."}


# Called by conftest.world for each tenant once its sales exist.
WORLD = {"supplier_bookings": _world_bookings}

FILLERS = {"booking_id": _filler(Booking.REQUESTED), "on_site_booking_id": _filler(Booking.ON_SITE)}

# The counter-offer page is for those who may answer: GET and POST both need bookings.manage.
BODIES = {
    "booking_accept": lambda builder, kind: {},
    "booking_decline": lambda builder, kind: {"reason": "Booked elsewhere that season."},
    "booking_cancel": lambda builder, kind: {"reason": "The workshop flooded."},
    "booking_counter": _counter_body,
    "booking_advance": lambda builder, kind: {"status": Booking.RETURNED},
}
