"""Security-walk registrations of passes (festival/passes): the holder's pass page behind its
secret link (walked like an order link) and the passes list of the tenant portal.

The WORLD hook gives each tenant a season pass (bought through the ticketing services) with a
reserved visit on a later night; ``fresh`` asks for a new pass with such a visit, for requests
that use one up (cancel, void, reserve).
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from festival.core.db import db
from festival.core.scope import tenant_scope
from tests.security.fillers import world_or_fresh

ORDER_LINKS = {
    "/<tenant_slug>/pass/<pass_token>": "a pass holder's page",
    "/<tenant_slug>/pass/<pass_token>/reserve": "reserves a visit with one pass",
    "/<tenant_slug>/pass/<pass_token>/<visit_night>/ticket.pdf": "one visit's ticket of one pass",
    "/<tenant_slug>/pass/<pass_token>/<visit_night>/cancel": "cancels one visit of one pass",
}


def _open_slots() -> list[tuple[int, object]]:
    """(id, night) of the open tenant's slots still open for sale, soonest first: other domains'
    walks close slots and nights of the same season meanwhile."""
    from festival.core.db import utcnow
    from festival.ticketing.models import EntrySlot

    return [(row.id, row.night) for row in db.session.execute(
        select(EntrySlot.id, EntrySlot.night).where(
            EntrySlot.is_closed.is_(False), EntrySlot.starts_at > utcnow(),
            EntrySlot.taken < EntrySlot.capacity).order_by(EntrySlot.starts_at))]


def _first_of_another_night(slots, nights) -> tuple[int, object]:
    return next((slot_id, night) for slot_id, night in slots if night not in nights)


def _new_pass(builder, org) -> tuple[int, str]:
    """A season pass of ``org`` with a visit reserved on another night than the one it was
    bought for: (id, secret); the visit's night is kept for the ``visit_night`` filler."""
    from festival.exhibitions.models import Exhibition
    from festival.passes.models import Pass
    from festival.passes.services import reserve_visit
    from festival.tenants.models import Tenant
    from festival.ticketing import orders
    from festival.ticketing.models import TicketType
    from festival.ticketing.setup import TicketTypeSpec, create_ticket_type

    with builder.app.test_request_context(), tenant_scope(org.id):
        tenant = db.session.get(Tenant, org.id)
        pass_type = db.session.scalar(select(TicketType).where(TicketType.category == TicketType.PASS))
        if pass_type is None:
            pass_type = create_ticket_type(tenant, db.session.get(Exhibition, org.exhibition_id),
                                           TicketTypeSpec(names={"en": "Season pass"}, category="pass",
                                                          price=Decimal("90.00")), None)
        slots = _open_slots()
        bought_slot, bought_night = slots[0]
        order = orders.create_order(tenant, orders.OrderRequest(
            slot_id=bought_slot, quantities={pass_type.id: 1}, name="Ada Holder", locale="en",
            email=f"{builder.unique('holder')}@visitors.example"))
        orders.confirm_payment(order, tenant, "test", builder.unique("test-pass-"), order.total,
                               notify=False)
        pass_ = db.session.scalar(select(Pass).where(Pass.order_id == order.id))
        visit_slot, visit_night = _first_of_another_night(slots, {bought_night})
        reserve_visit(tenant, pass_, visit_slot)
        # The walk's next URL and body use this pass: the night of its visit, a slot to reserve.
        builder.pass_visit_night = visit_night.isoformat()
        builder.pass_reserve_slot = _first_of_another_night(slots, {bought_night, visit_night})[0]
        db.session.commit()
        values = pass_.id, pass_.secret
        db.session.remove()
    return values


def _world_passes(builder, org) -> None:
    org.pass_id, org.pass_token = _new_pass(builder, org)
    org.pass_visit_night = builder.pass_visit_night


def _visit_night(builder, kind, side, fresh) -> str:
    """The visit night of the pass the walk just filled in (filled after ``pass_token``)."""
    return builder.pass_visit_night if fresh else side.tenant.pass_visit_night


WORLD = {"passes": _world_passes}

FILLERS = {
    "pass_token": world_or_fresh("pass_token", lambda builder, org: _new_pass(builder, org)[1],
                                 _world_passes),
    "pass_id": world_or_fresh("pass_id", lambda builder, org: _new_pass(builder, org)[0], _world_passes),
    "visit_night": _visit_night,
}

BODIES = {
    "pass_reserve": lambda builder, kind: {"slot": str(getattr(builder, "pass_reserve_slot", 0))},
    "pass_cancel": lambda builder, kind: {},
    "pass_void": lambda builder, kind: {},
}
