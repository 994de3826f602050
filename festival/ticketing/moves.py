"""Moving a paid order to another entry slot of its exhibition: the one way a booking changes
night, used by closure rebooking (festival.closures) and by the visitor's own change.

Places are taken in the new slot by the conditional UPDATE of ``orders`` before the old ones
are returned, so a move never oversells; the order's slot changes in one conditional UPDATE
too, so two moves of the same order at the same moment cannot both happen. Ticket codes (and
so their signed QR codes) stay the same: only the slot they admit to changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from festival.accounts.models import User
from festival.audit.services import record_event
from festival.core import rows
from festival.core.db import db, utcnow
from festival.core.errors import Conflict
from festival.tenants.models import Tenant
from festival.ticketing import orders
from festival.ticketing.models import EntrySlot, Order, Payment, Ticket
from festival.ticketing.pricing import round_money
from festival.ticketing.sales_counts import count_move, count_refund

KEEP = "keep"  # a lower current price: the booking stays as paid
REFUND = "refund"  # a lower current price: the difference goes back to the visitor
PRICE_RULES = (KEEP, REFUND)

MESSAGES = {
    "not_paid": _l("Only a paid order can move to another night."),
    "same": _l("Your tickets are already for this entry time. Choose another one."),
    "other_exhibition": _l("This entry slot is not part of your exhibition. Choose one in the calendar."),
    "used": _l("A ticket of this order was already used at the gate, so the order can no longer move."),
    "changed": _l("This order changed meanwhile. Reload the page and try again."),
    "no_change": _l("This order can no longer be moved online. Please contact the organiser."),
}


@dataclass(frozen=True)
class Move:
    """What a move did: from which slot to which, how many places, what was paid back."""

    old_slot_id: int
    new_slot_id: int
    persons: int
    refunded: Decimal


def move_order(order: Order, tenant: Tenant, slot_id: int, *, actor: User | None, reason: str,
               now: datetime | None = None, notify: bool = True) -> Move:
    """Move a paid order and its valid tickets to another open slot of its exhibition.

    Refuses (409, nothing written once the caller rolls back) a closed, past, full, same or
    foreign slot and an order with a used ticket. Sends the visitor the updated tickets.
    """
    now = now or utcnow()
    if order.status != Order.PAID:
        raise Conflict(str(MESSAGES["not_paid"]))
    tickets = [t for t in orders.tickets_of(order) if t.status != Ticket.VOID]
    if any(t.status == Ticket.USED for t in tickets):
        raise Conflict(str(MESSAGES["used"]))
    if slot_id == order.slot_id:
        raise Conflict(str(MESSAGES["same"]))
    slot, _types = orders.sellable_slot(slot_id, now, [])
    if slot.exhibition_id != order.exhibition_id:
        raise Conflict(str(MESSAGES["other_exhibition"]))
    old_slot, persons = order.slot, sum(t.persons for t in tickets)
    # The sale's own hold: conditional UPDATE, expired holds released, the clear refusal.
    orders.hold_places(slot, persons, now)
    table = Order.__table__.c
    if rows.update_rows(Order, table.id == order.id, table.slot_id == old_slot.id,
                        table.status == Order.PAID, slot_id=slot.id) != 1:
        raise Conflict(str(MESSAGES["changed"]))
    orders.return_places(old_slot.id, persons)
    db.session.refresh(order)
    for ticket in tickets:
        ticket.slot_id, ticket.slot = slot.id, slot
    db.session.flush()
    count_move(order, tickets, old_slot.night, slot.night)
    refunded = _refund_lower_price(order, tenant, tickets, actor, now)
    record_event("festival.ticketing.order.moved", actor=actor, order=order.code, reason=reason[:200],
                 from_slot=old_slot.id, to_slot=slot.id, persons=persons, refunded=str(refunded))
    if notify:
        _send_tickets(order, tenant, old_slot, refunded)
    return Move(old_slot.id, slot.id, persons, refunded)


def _send_tickets(order: Order, tenant: Tenant, old_slot: EntrySlot, refunded: Decimal) -> None:
    from festival.ticketing.notify import send_move_notice
    from festival.ticketing.staff import is_placeholder_email

    if not is_placeholder_email(order.email):  # a box-office buyer without an address
        send_move_notice(order, tenant, old_slot, refunded)


def _lower_prices(order: Order, tickets: list[Ticket]) -> dict[int, Decimal]:
    """Per ticket id, how much less its type costs now than when it was sold (VAT as charged)."""
    lines = {line.id: line for line in order.lines}
    lower = {}
    for ticket in tickets:
        line = lines[ticket.order_line_id]
        difference = line.unit_price - line.ticket_type.price
        if difference <= 0:
            continue
        if not order.prices_include_vat:
            difference += difference * line.vat_rate / 100
        lower[ticket.id] = min(round_money(difference, order.currency), ticket.price)
    return lower


def _refund_lower_price(order: Order, tenant: Tenant, tickets: list[Ticket], actor: User | None,
                        now: datetime) -> Decimal:
    """Ticket types are priced per exhibition, so a difference exists only if the tenant changed
    a price since the sale. Never charged extra; a lower price is paid back if the tenant's rule
    says so, else the booking stays as paid."""
    from festival.payments.gateways import refund_gateway

    lower = _lower_prices(order, tickets) if tenant.price_difference_rule == REFUND else {}
    amount = min(sum(lower.values(), Decimal("0")), order.total - order.refunded_amount)
    if amount <= 0:
        return Decimal("0")
    reference = refund_gateway(order).refund(order, tenant, amount)
    for ticket in tickets:  # a later refund of the ticket pays back only what is left of it
        ticket.price -= lower.get(ticket.id, Decimal("0"))
    db.session.add(Payment(tenant_id=tenant.id, order_id=order.id, kind=Payment.REFUND,
                           provider=order.payment_method, reference=reference, amount=amount,
                           currency=order.currency, created_at=now,
                           created_by_id=actor.id if actor else None))
    order.refunded_amount += amount
    count_refund(order, [], amount)
    db.session.flush()
    return amount


# --- the visitor's own change ---------------------------------------------------------------------

def visitor_change_deadline(order: Order, tenant: Tenant) -> datetime | None:
    """Until when the visitor may move this order themselves; None: not at all."""
    if tenant.visitor_change_hours is None:
        return None
    return order.slot.starts_at - timedelta(hours=tenant.visitor_change_hours)


def visitor_may_change(order: Order, tenant: Tenant, now: datetime | None = None) -> bool:
    """A paid order, not closed (a closure has its own link), no ticket used, before the deadline."""
    deadline = visitor_change_deadline(order, tenant)
    if deadline is None or order.status != Order.PAID or order.slot.is_closed:
        return False
    if any(t.status == Ticket.USED for t in orders.tickets_of(order)):
        return False
    return (now or utcnow()) <= deadline


def visitor_change(order: Order, tenant: Tenant, slot_id: int, now: datetime | None = None) -> Move:
    """The visitor moves their own order from the order page, where the tenant allows it."""
    now = now or utcnow()
    if not visitor_may_change(order, tenant, now):
        raise Conflict(str(MESSAGES["no_change"]))
    return move_order(order, tenant, slot_id, actor=None, reason="visitor", now=now)
