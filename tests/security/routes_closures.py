"""Security-walk registrations of night closures (festival/closures/views.py): the staff's
closure pages, the visitor's personal closure link and the order page's change of night.

A closure is made for each tenant of the security world on its last night, never in the slot
the builder's orders use; a fresh closure link closes one more slot of the second night."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from festival.core.db import db
from festival.core.scope import platform_scope, tenant_scope
from tests.security.conftest import SEASON

ORDER_LINKS = {
    "/<tenant_slug>/closure/<closure_token>": "a visitor's personal link for a closed night",
    "/<tenant_slug>/o/<secret>/change": "the visitor changes the night of one order",
}


def _close_one_slot(builder, org, night) -> tuple[int, str]:
    """A paid order in the first open slot of ``night`` not yet closed, then that slot closed
    with the visitor's choice: (closure id, the order's closure token)."""
    from festival.closures.models import ClosureOrder
    from festival.closures.services import ClosureRequest, close_night
    from festival.exhibitions.models import Exhibition
    from festival.tenants.models import Tenant
    from festival.ticketing import orders
    from festival.ticketing.models import EntrySlot

    with builder.app.test_request_context(), tenant_scope(org.id):
        tenant = db.session.get(Tenant, org.id)
        slot = db.session.scalars(select(EntrySlot).where(
            EntrySlot.night == night, EntrySlot.is_closed.is_(False), EntrySlot.id != org.slot_id)
            .order_by(EntrySlot.starts_at)).first()
        order = orders.create_order(tenant, orders.OrderRequest(
            slot_id=slot.id, quantities={org.ticket_type_id: 1},
            email=f"{builder.unique('closed')}@visitors.example", name="Ada Visitor", locale="en"))
        orders.confirm_payment(order, tenant, "test", builder.unique("test-"), order.total, notify=False)
        closure = close_night(tenant, db.session.get(Exhibition, org.exhibition_id), ClosureRequest(
            night=night, reason="Storm", offer="choice", slot_ids=[slot.id]), None)
        token = db.session.scalar(select(ClosureOrder.token).where(ClosureOrder.closure_id == closure.id))
        db.session.commit()
        values = closure.id, token
        db.session.remove()
    return values


def _world_closure(builder, org) -> None:
    org.closure_id, org.closure_token = _close_one_slot(builder, org, SEASON[1])


def _closure_token(builder, kind, side, fresh):
    if fresh:
        return _close_one_slot(builder, side.tenant, SEASON[0] + timedelta(days=1))[1]
    return side.tenant.closure_token


def _night_without_closure(builder, kind) -> dict:
    """A night of the season no closure touches yet (each allowed request closes one)."""
    from festival.closures.models import Closure

    with builder.app.app_context(), platform_scope("cli"):
        closed = set(db.session.scalars(select(Closure.night)))
        db.session.remove()
    night = next(SEASON[0] + timedelta(days=n) for n in range(2, 7)
                 if SEASON[0] + timedelta(days=n) not in closed)
    return {"night": night.isoformat(), "reason": "Storm warning", "offer": "choice"}


WORLD = {"closures": _world_closure}
FILLERS = {
    "closure_id": lambda builder, kind, side, fresh: side.tenant.closure_id,
    "closure_token": _closure_token,
}
BODIES = {
    "closure_new": _night_without_closure,
    "closure_remind": lambda builder, kind: {},
    "closure_choice": lambda builder, kind: {"decision": "credited"},
    "order_change_night": lambda builder, kind: {"slot": "1"},
}
