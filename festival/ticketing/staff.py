"""What staff do to sales beside the visitor's shop: box-office sales, resending tickets,
closing an entry slot, regenerating slots. The rules live here so the portal and the API agree."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from festival.accounts.models import User
from festival.audit.services import record_event
from festival.core.db import db, utcnow
from festival.core.errors import DomainError
from festival.exhibitions.models import Exhibition
from festival.payments.gateways import ON_SITE_METHODS
from festival.tenants.models import Tenant
from festival.ticketing import orders, setup
from festival.ticketing.models import EntrySlot, Order, Ticket, Voucher
from festival.ticketing.slots import SlotSync, sync_slots

# Box-office buyers without an address get one that can never receive mail (RFC 2606);
# ".invalid" would be the natural choice, but the email validator refuses special-use names.
PLACEHOLDER_DOMAIN = "no-email.example"
BOX_OFFICE_NAME = _l("Box office")

MESSAGES = {
    "method": _l("Choose cash or card on site."),
    "no_address": _l("This order has no email address. Enter the buyer's address to send the tickets."),
    "not_issued": _l("Only the tickets of a paid order can be sent."),
    "not_selling": _l("Entry slots can be regenerated until the festival closes."),
}


def placeholder_email(tenant: Tenant) -> str:
    return f"box-office.{tenant.slug}@{PLACEHOLDER_DOMAIN}"


def is_placeholder_email(email: str) -> bool:
    """True for the address a box-office sale gets when the buyer gave none: never mailed."""
    return (email or "").lower().endswith("@" + PLACEHOLDER_DOMAIN)


@dataclass
class BoxOfficeSale:
    """A sale at the box office: paid on the spot, tickets printed there."""

    slot_id: int
    quantities: dict[int, int]
    payment_method: str  # cash or card_on_site
    name: str = ""
    email: str = ""
    locale: str = ""
    holder_names: dict[int, list[str]] = field(default_factory=dict)


def sell_at_box_office(tenant: Tenant, sale: BoxOfficeSale, actor: User | None,
                       now: datetime | None = None) -> Order:
    """Hold the places, take the payment and issue the tickets in one unit of work.

    The same capacity rules as online: a sold-out slot refuses the sale (409). The buyer's
    address is optional; without one, the tickets are printed and no mail is sent.
    """
    if sale.payment_method not in ON_SITE_METHODS:
        raise DomainError(str(MESSAGES["method"]))
    now = now or utcnow()
    email = (sale.email or "").strip() or placeholder_email(tenant)
    order = orders.create_order(tenant, orders.OrderRequest(
        slot_id=sale.slot_id, quantities=sale.quantities, email=email,
        name=(sale.name or "").strip() or str(BOX_OFFICE_NAME), locale=sale.locale or tenant.default_locale,
        channel=Order.BOX_OFFICE, payment_method=sale.payment_method,
        holder_names=sale.holder_names), actor=actor, now=now)
    reference = f"{sale.payment_method}-{order.code}-{secrets.token_hex(4)}"
    orders.confirm_payment(order, tenant, sale.payment_method, reference, order.total, actor=actor,
                           now=now, notify=not is_placeholder_email(order.email))
    record_event("festival.ticketing.order.sold_at_box_office", actor=actor, order=order.code,
                 method=sale.payment_method, total=str(order.total), persons=order.persons)
    return order


def resend_tickets(order: Order, tenant: Tenant, email: str, actor: User | None) -> str:
    """Send the confirmation with the tickets again, to the order's address or a corrected one.

    A corrected address replaces the order's (later mails go there too) and is audited.
    Returns the address the mail goes to.
    """
    from festival.ticketing.notify import send_confirmation

    if order.status != Order.PAID:
        raise DomainError(str(MESSAGES["not_issued"]), 409)
    corrected = (email or "").strip()
    address = orders.normalize_email(corrected) if corrected else order.email
    if is_placeholder_email(address):
        raise DomainError(str(MESSAGES["no_address"]))
    if address != order.email:
        previous, order.email = order.email, address
        record_event("festival.ticketing.order.email_changed", actor=actor, order=order.code,
                     previous=previous, email=address)
    send_confirmation(order, tenant, to=address)
    record_event("festival.ticketing.order.resent", actor=actor, order=order.code, email=address)
    return address


def refund_order(order: Order, tenant: Tenant, ticket_ids: list[int] | None, actor: User | None,
                 reason: str = "") -> Decimal:
    """A staff refund of chosen tickets (None: all): voided, places back, money back, the visitor told.

    Box-office buyers without an address are told at the desk, not by mail.
    """
    from festival.ticketing.notify import send_refund_notice

    before = {t.id for t in orders.tickets_of(order) if t.status != Ticket.VOID}
    amount = orders.refund_tickets(order, tenant, ticket_ids, actor, reason)
    voided = [t for t in orders.tickets_of(order) if t.id in before and t.status == Ticket.VOID]
    if not is_placeholder_email(order.email):
        send_refund_notice(order, tenant, amount, voided)
    return amount


def set_slot_closed(slot: EntrySlot, closed: bool, actor: User | None) -> bool:
    """Stop or resume sales for one slot (weather, safety); sold tickets stay valid.

    Returns False when the slot already was in that state (a repeated click changes nothing).
    """
    if slot.is_closed == closed:
        return False
    slot.is_closed = closed
    db.session.flush()
    record_event("festival.ticketing.slot.closed" if closed else "festival.ticketing.slot.reopened",
                 actor=actor, slot=slot.id, starts_at=slot.starts_at.isoformat())
    return True


def save_voucher(tenant: Tenant, exhibition: Exhibition, voucher: Voucher | None, spec: setup.VoucherSpec,
                 actor: User | None) -> Voucher:
    """Create or change a voucher (the rules, currency digits included, are in setup)."""
    if voucher is None:
        return setup.create_voucher(tenant, exhibition, spec, actor)
    setup.update_voucher(tenant, voucher, spec, actor)
    return voucher


def generate_slots(tenant: Tenant, exhibition: Exhibition, actor: User | None) -> SlotSync:
    """Open sales the first time; later, make the slots match the changed plan.

    A running festival is re-synced without a status change; sold slots are never lost
    (``sync_slots`` keeps them, closed, and counts them in ``kept_sold``).
    """
    if exhibition.status == Exhibition.PLANNING:
        result = setup.open_sales(tenant, exhibition, actor)
    elif exhibition.status in orders.SELLING:
        result = sync_slots(exhibition, tenant)
    else:
        raise DomainError(str(MESSAGES["not_selling"]), 409)
    record_event("festival.ticketing.slots.synced", actor=actor, exhibition=exhibition.slug,
                 added=result.added, updated=result.updated, removed=result.removed,
                 kept_sold=result.kept_sold)
    return result
