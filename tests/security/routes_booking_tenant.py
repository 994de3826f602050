"""Security-walk registrations of the venue partner's catalog and booking pages
(festival/catalog/browse_views.py, festival/booking/tenant_views.py).

The catalog is published to every tenant, so a lamp group (``catalog_group_id``) is not one tenant's
object: a request that must be refused gets a retired lamp group, which no tenant may see; one
that must work gets a new lamp group of the side's supplier, and remembers it (with the side's
tenant) for the request builder's form body. Bookings are the supplier pages' bookings
(routes_booking_supplier.py: a request between the side's tenant and supplier); the answers to a
counter-offer get a fresh countered booking (``countered_booking_id``). The WORLD hook seeds the
transit tables and gives each tenant an exhibition far enough ahead for lamp groups to travel
there, and each supplier its retired lamp group, before the walk takes a snapshot.
"""

from __future__ import annotations

from sqlalchemy import select

from festival.booking.models import Booking
from festival.core.db import db
from festival.core.scope import platform_scope
from tests.booking import world
from tests.security.routes_booking_supplier import FILLERS as BOOKING_FILLERS
from tests.security.routes_booking_supplier import _booking


def _retired(builder, supplier_id: int) -> int:
    made = getattr(builder, "walk_retired_lamp_groups", {})
    builder.walk_retired_lamp_groups = made
    if supplier_id not in made:
        made[supplier_id] = world.lamp_group(builder.app, supplier_id, builder.unique("WALK-RETIRED-"),
                                             status="retired")
    return made[supplier_id]


def _world(builder, tenant) -> None:
    from festival.suppliers.models import Supplier

    world.seed_reference_data(builder.app)
    tenant.booking_exhibition_id = world.exhibition(builder.app, tenant.id, starts_in_days=200,
                                                    slug="walk-booking")
    with builder.app.app_context(), platform_scope("cli"):
        suppliers = list(db.session.scalars(select(Supplier.id).order_by(Supplier.id)))
        db.session.remove()
    for supplier_id in suppliers:
        _retired(builder, supplier_id)


def _catalog_group_id(builder, kind, side, fresh):
    if not fresh:
        return _retired(builder, side.supplier.id)
    group_id = world.lamp_group(builder.app, side.supplier.id, builder.unique("WALK-OFFER-"))
    builder.walk_request_target = (side.tenant, group_id)
    return group_id


def _countered_booking_id(builder, kind, side, fresh):
    if fresh:
        return _booking(builder, side.tenant, side.supplier.id, side.supplier.slug, Booking.COUNTERED)
    return BOOKING_FILLERS["booking_id"](builder, kind, side, False)


def _request_body(builder, kind) -> dict:
    """Send a request for the lamp group the URL names (the last fresh one), to the side's
    tenant's exhibition ahead."""
    body = {"mode": "sea", "message": "Walk request", "send": "1"}
    target = getattr(builder, "walk_request_target", None)
    if target is not None:
        tenant, group_id = target
        if not getattr(tenant, "booking_exhibition_id", 0):
            _world(builder, tenant)
        body |= {"exhibition": str(tenant.booking_exhibition_id), "lamp_groups": [str(group_id)]}
    return body


# Called by conftest.world for each tenant once its sales exist.
WORLD = {"tenant_bookings": _world}

FILLERS = {"catalog_group_id": _catalog_group_id, "countered_booking_id": _countered_booking_id}

# booking_cancel's body (a reason) is registered by routes_booking_supplier.py for both portals.
BODIES = {
    "booking_request": _request_body,
    "booking_accept_counter": lambda builder, kind: {},
    "booking_reject_counter": lambda builder, kind: {"reason": "Over our budget this season."},
}
