"""Orders: places taken atomically, holds that expire, payment confirmed once, refunds.

Every function here only flushes; the caller's unit of work commits (one transaction per
request, job or command), so an order, its lines, its places and its voucher use are
written together or not at all.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from functools import cache
from typing import TypeVar

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, bindparam, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from festival.accounts.models import User
from festival.audit.services import record_event
from festival.core import rows
from festival.core.db import db, utcnow
from festival.core.errors import Conflict, DomainError, refusal
from festival.core.i18n import LOCALES
from festival.exhibitions.models import Exhibition
from festival.ops import metrics
from festival.tenants.models import Tenant
from festival.ticketing import codes, signing
from festival.ticketing.models import (
    EntrySlot,
    Order,
    OrderLine,
    Payment,
    ReceiptCounter,
    Ticket,
    TicketType,
    Voucher,
)
from festival.ticketing.pricing import Quote, quote, round_money
from festival.ticketing.sales_counts import count_refund, count_sale

MAX_TICKETS_PER_ORDER = 100
SELLING = (Exhibition.ON_SALE, Exhibition.RUNNING)
# session.info key: ids of the slots whose places were returned in the open transaction.
FREED_SLOTS = "ticketing.freed_slots"

MESSAGES = {
    "email": _l("Enter a valid email address."),
    "name": _l("Enter a name of at most 160 characters."),
    "quantity": _l("Quantities are whole numbers from 0 upwards."),
    "nothing": _l("Choose at least one ticket."),
    "too_many": _l("An order holds at most %(count)s tickets.", count=MAX_TICKETS_PER_ORDER),
    "unknown_slot": _l("This entry slot does not exist. Choose another."),
    "not_on_sale": _l("Tickets for this exhibition are not on sale."),
    "closed_night": _l("This night or entry slot is closed. Choose another."),
    "slot_over": _l("This entry slot is over. Choose a later one."),
    "unknown_type": _l("This ticket type is not sold for this exhibition."),
    "type_window": _l("%(name)s is not on sale at this time."),
    "type_max": _l("At most %(count)s × %(name)s per order."),
    "type_min": _l("At least %(count)s × %(name)s per order."),
    "sold_out": _l("This entry slot is sold out. Choose another slot or night."),
    "few_left": _l("Only %(count)s places are left in this entry slot."),
    "voucher_unknown": _l("This voucher code is not valid."),
    "voucher_expired": _l("This voucher has expired."),
    "voucher_early": _l("This voucher is not valid yet."),
    "voucher_used": _l("This voucher has been used up."),
    "voucher_types": _l("This voucher does not apply to the tickets you chose."),
    "not_paid": _l("Only a paid order can be refunded."),
    "no_tickets": _l("Choose at least one valid ticket to refund."),
    "not_cancellable": _l("This order can no longer be cancelled online. Please contact the organiser."),
}


def _fail(key: str, status: int = 400, **values) -> DomainError:
    return refusal(MESSAGES, key, status, **values)


@dataclass
class OrderRequest:
    """What a visitor, a box office or an API client asks for."""

    slot_id: int
    quantities: dict[int, int]
    email: str
    name: str
    locale: str
    voucher_code: str = ""
    channel: str = Order.ONLINE
    payment_method: str = "test"
    holder_names: dict[int, list[str]] = field(default_factory=dict)
    # False for a tour operator's group block: a group books past a visitor's per-type
    # minimum and maximum (the order ceiling MAX_TICKETS_PER_ORDER still holds).
    per_order_limits: bool = True


def normalize_email(email: str) -> str:
    try:
        return validate_email((email or "").strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        raise _fail("email") from None


# --- capacity: one conditional UPDATE, never read-then-write ----------------------------------

@cache
def _places_free() -> tuple[list, dict]:
    """The conditional UPDATE that takes places in a slot (parameters ``slot_id``, ``persons``):
    its criteria and its values, built once."""
    slot = EntrySlot.__table__.c
    slot_id, persons = bindparam("slot_id", type_=Integer), bindparam("persons", type_=Integer)
    return ([slot.id == slot_id, slot.is_closed.is_(False), slot.taken + persons <= slot.capacity],
            {"taken": slot.taken + persons})


def take_places(slot_id: int, persons: int) -> bool:
    """Hold ``persons`` places in the slot if they are free; True when taken."""
    where, values = _places_free()
    return rows.update_rows(EntrySlot, *where, params={"slot_id": slot_id, "persons": persons},
                            **values) == 1


def return_places(slot_id: int, persons: int) -> None:
    db.session.execute(
        update(EntrySlot).where(EntrySlot.id == slot_id, EntrySlot.taken >= persons)
        .values(taken=EntrySlot.taken - persons).execution_options(synchronize_session=False))
    # Noted for the commit: the waiting list of the slot's night is offered the freed places
    # in this same transaction (festival/waitlist/hooks.py), before anyone else can buy them.
    db.session.info.setdefault(FREED_SLOTS, set()).add(slot_id)


def _use_voucher(voucher_id: int) -> bool:
    result = db.session.execute(
        update(Voucher).where(Voucher.id == voucher_id,
                              (Voucher.max_uses.is_(None)) | (Voucher.used < Voucher.max_uses))
        .values(used=Voucher.used + 1).execution_options(synchronize_session=False))
    return result.rowcount == 1


def _return_voucher(voucher_id: int | None) -> None:
    if voucher_id is not None:
        db.session.execute(update(Voucher).where(Voucher.id == voucher_id, Voucher.used > 0)
                           .values(used=Voucher.used - 1).execution_options(synchronize_session=False))


def release_expired_holds(now: datetime | None = None, slot_id: int | None = None) -> int:
    """Expire pending orders past their hold and give their places back; returns how many.

    Each order changes state in one conditional UPDATE, so a payment confirmed at the same
    moment and a second releaser both see the order change only once.
    """
    now = now or utcnow()
    query = select(Order.id, Order.slot_id, Order.persons, Order.voucher_id).where(
        Order.status == Order.PENDING, Order.expires_at < now)
    if slot_id is not None:
        query = query.where(Order.slot_id == slot_id)
    return sum(_end_pending(row, Order.EXPIRED, now) for row in db.session.execute(query).all())


def _end_pending(order, status: str, now: datetime) -> bool:
    """Move a pending order to ``status`` and give back its places and voucher use, once:
    the conditional UPDATE lets exactly one of several concurrent callers do it."""
    changed = db.session.execute(
        update(Order).where(Order.id == order.id, Order.status == Order.PENDING)
        .values(status=status, cancelled_at=now).execution_options(synchronize_session=False)).rowcount
    if changed:
        return_places(order.slot_id, order.persons)
        _return_voucher(order.voucher_id)
    return bool(changed)


# --- creating an order ---------------------------------------------------------------------------

def find_voucher(code: str, exhibition_id: int, now: datetime) -> Voucher | None:
    code = (code or "").strip().upper()
    if not code:
        return None
    voucher = db.session.scalar(select(Voucher).where(
        Voucher.code == code, Voucher.exhibition_id == exhibition_id, Voucher.is_active.is_(True)))
    if voucher is None:
        raise _fail("voucher_unknown")
    if voucher.valid_until is not None and now > voucher.valid_until:
        raise _fail("voucher_expired")
    if voucher.valid_from is not None and now < voucher.valid_from:
        raise _fail("voucher_early")
    if voucher.max_uses is not None and voucher.used >= voucher.max_uses:
        raise _fail("voucher_used")
    return voucher


def _check_quantities(quantities: dict) -> dict[int, int]:
    clean: dict[int, int] = {}
    for key, value in quantities.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise _fail("quantity")
        if not isinstance(key, int) or isinstance(key, bool):
            raise _fail("unknown_type")
        if value:
            clean[key] = value
    if not clean:
        raise _fail("nothing")
    if sum(clean.values()) > MAX_TICKETS_PER_ORDER:
        raise _fail("too_many")
    return clean


def _type_ids(quantities: dict) -> list[int]:
    return [key for key in quantities if isinstance(key, int) and not isinstance(key, bool)
            and 0 < key < 2**31]


@cache
def _sellable_slot_query():
    """The slot, its season's status and the asked ticket types (parameters ``slot_id`` and
    ``type_ids``), built once: the on-sale rush runs it for every order."""
    return (select(EntrySlot, Exhibition.status, TicketType)
            .join(Exhibition, Exhibition.id == EntrySlot.exhibition_id)
            .outerjoin(TicketType, (TicketType.exhibition_id == EntrySlot.exhibition_id)
                       & TicketType.id.in_(bindparam("type_ids", expanding=True)))
            .where(EntrySlot.id == bindparam("slot_id")))


def sellable_slot(slot_id: int, now: datetime, type_ids: list[int]) -> tuple[EntrySlot, dict]:
    """The slot if tickets can be sold for it now, else a clear refusal; with the ticket types
    of ``type_ids`` sold for its exhibition, read in the same query (the on-sale rush reads this
    for every order)."""
    rows = db.session.execute(_sellable_slot_query(), {"slot_id": slot_id, "type_ids": type_ids}).all() \
        if isinstance(slot_id, int) and 0 < slot_id < 2**31 else []
    if not rows:
        raise _fail("unknown_slot")
    slot, exhibition_status, _type = rows[0]
    if exhibition_status not in SELLING:
        raise _fail("not_on_sale", 409)
    if slot.is_closed:
        raise _fail("closed_night", 409)
    if slot.ends_at <= now:
        raise _fail("slot_over", 409)
    return slot, {row.TicketType.id: row.TicketType for row in rows if row.TicketType is not None}


def price_request(tenant: Tenant, slot: EntrySlot, types: dict[int, TicketType],
                  quantities: dict[int, int], voucher_code: str, locale: str,
                  now: datetime, per_order_limits: bool = True) -> tuple[Quote, Voucher | None]:
    """Check the ticket types (``types``: those of the slot's exhibition asked for) and the
    voucher, and price them (no writes). ``per_order_limits=False``: a group block, which the
    types' per-order minimum and maximum do not bind."""
    quantities = _check_quantities(quantities)
    lines = []
    for type_id, quantity in quantities.items():
        tt = types.get(type_id)
        if tt is None or not tt.is_active:
            raise _fail("unknown_type")
        name = tt.name(locale, tenant.default_locale)
        if not tt.on_sale_at(now):
            raise _fail("type_window", name=name)
        if per_order_limits and quantity > tt.max_per_order:
            raise _fail("type_max", count=tt.max_per_order, name=name)
        if per_order_limits and quantity < tt.min_per_order:
            raise _fail("type_min", count=tt.min_per_order, name=name)
        lines.append((tt, quantity))
    lines.sort(key=lambda line: (line[0].position, line[0].id))
    voucher = find_voucher(voucher_code, slot.exhibition_id, now)
    if voucher is not None and voucher.ticket_type_ids and not any(
            tt.id in voucher.ticket_type_ids for tt, _q in lines):
        raise _fail("voucher_types")
    return quote(lines, voucher, tenant.currency, tenant.prices_include_vat), voucher


def hold_places(slot: EntrySlot, persons: int, now: datetime) -> None:
    """Take ``persons`` places in ``slot`` for a move or a pass visit, or refuse clearly
    (closed, few left, sold out; 409). Expired holds of the slot are released first if needed."""
    _with_places(slot, now, lambda: take_places(slot.id, persons))


Taken = TypeVar("Taken")


def _with_places(slot: EntrySlot, now: datetime, take: Callable[[], Taken]) -> Taken:
    """``take()`` (which takes places in ``slot`` and answers falsy when they are not free), with
    the sale's capacity rules: expired holds of the slot are released and it is tried once more,
    then a clear refusal (closed, few left, sold out; 409)."""
    taken = take()
    if taken:
        return taken
    # Expired holds never block a sale: release them for this slot and try once more (also when
    # a buyer arriving at the same moment released them first).
    release_expired_holds(now, slot_id=slot.id)
    taken = take()
    if taken:
        return taken
    db.session.refresh(slot, ["taken", "capacity", "is_closed"])
    if slot.is_closed:
        raise _fail("closed_night", 409)
    if slot.remaining > 0:
        raise _fail("few_left", 409, count=slot.remaining)
    raise _fail("sold_out", 409)


def create_order(tenant: Tenant, request: OrderRequest, actor: User | None = None,
                 now: datetime | None = None) -> Order:
    """Check, price and hold: a pending order holding its places until it expires or is paid."""
    now = now or utcnow()
    email = normalize_email(request.email)
    name = (request.name or "").strip()
    if not name or len(name) > 160:
        raise _fail("name")
    locale = request.locale if request.locale in LOCALES else tenant.default_locale
    slot, types = sellable_slot(request.slot_id, now, _type_ids(request.quantities))
    priced, voucher = price_request(tenant, slot, types, request.quantities, request.voucher_code,
                                    locale, now, request.per_order_limits)
    hold = timedelta(minutes=current_app.config["ORDER_HOLD_MINUTES"])
    order_row = dict(        tenant_id=tenant.id, code=codes.order_code(), secret=codes.order_secret(),
        exhibition_id=slot.exhibition_id, slot_id=slot.id, email=email, name=name, locale=locale,
        status=Order.PENDING, channel=request.channel, payment_method=request.payment_method,
        currency=tenant.currency, persons=priced.persons, subtotal=priced.subtotal,
        discount=priced.discount, total=priced.total, tax_total=priced.tax_total,
        prices_include_vat=priced.prices_include_vat, voucher_id=voucher.id if voucher else None,
        created_at=now, expires_at=now + hold, created_by_id=actor.id if actor else None,
        delivery_status=None)
    line_rows = [dict(
        tenant_id=tenant.id, ticket_type_id=line.ticket_type.id,
        quantity=line.quantity, persons_each=line.ticket_type.persons, unit_price=line.unit_price,
        discount=line.discount, total=line.total, vat_rate=line.vat_rate, tax=line.tax)
        for line in priced.lines]
    # The places, the order and its lines in one write (one statement on PostgreSQL) and no
    # unit-of-work flush: the largest share of an order's time in the on-sale rush
    # (docs/PERFORMANCE.md).
    where, values = _places_free()
    order, lines = _with_places(slot, now, lambda: rows.insert_if_updated(
        "take_places", EntrySlot, where, values, {"slot_id": slot.id, "persons": priced.persons},
        Order, order_row, OrderLine, "order_id", line_rows))
    if voucher is not None and not _use_voucher(voucher.id):
        raise _fail("voucher_used")
    set_committed_value(order, "lines", lines)
    metrics.order_created(request.channel)
    return order


# --- payment -------------------------------------------------------------------------------------

class PaymentOutcome(enum.Enum):
    PAID = "paid"  # tickets issued now
    ALREADY_PAID = "already_paid"  # a repeat: nothing changed
    NO_CAPACITY = "no_capacity"  # paid after its hold lapsed and the places are gone: refund


def next_yearly_number(counter: type, tenant_id: int, year: int) -> int:
    """The next number of the open tenant's ``year`` in ``counter`` (a tenant-owned model with
    ``year`` and ``last_number``, unique per tenant and year): no gaps, no repeats, since the
    increment is one UPDATE … RETURNING in the caller's transaction. Receipts and invoices."""
    for _attempt in range(3):
        number = db.session.execute(
            update(counter).where(counter.year == year)
            .values(last_number=counter.last_number + 1)
            .returning(counter.last_number)
            .execution_options(synchronize_session=False)).scalar()
        if number is not None:
            return number
        try:
            with db.session.begin_nested():
                db.session.add(counter(tenant_id=tenant_id, year=year, last_number=0))
        except IntegrityError:
            pass  # another transaction created this year's counter first: count on it
    raise Conflict(str(_l("Please try again in a moment.")))


def _next_receipt_number(tenant_id: int, year: int) -> str:
    return f"{year}-{next_yearly_number(ReceiptCounter, tenant_id, year):06d}"


def issue_tickets(order: Order, tenant: Tenant) -> list[Ticket]:
    """One ticket per admission, each with its share of the line's price (for refunds).

    (line, seat) is unique in the database, so a second issue of a paid position fails.
    """
    tickets = []
    for line in order.lines:
        charged = line.total if order.prices_include_vat else line.total + line.tax
        share = round_money(charged / line.quantity, order.currency)
        for seat in range(1, line.quantity + 1):
            price = share if seat < line.quantity else charged - share * (line.quantity - 1)
            ticket = Ticket(tenant_id=tenant.id, order_id=order.id, order_line_id=line.id, seat=seat,
                            ticket_type_id=line.ticket_type_id, slot_id=order.slot_id,
                            code=codes.ticket_code(), persons=line.persons_each,
                            holder_name=order.name, price=price)
            db.session.add(ticket)
            tickets.append(ticket)
    signing.signing_key(tenant)  # the key exists before the first QR is drawn
    db.session.flush()
    return tickets


def tickets_of(order: Order) -> list[Ticket]:
    return list(db.session.scalars(select(Ticket).where(Ticket.order_id == order.id).order_by(Ticket.id)))


def qr_payload(ticket: Ticket, tenant: Tenant) -> str:
    return signing.sign_ticket(tenant, ticket.code)


def mark_paid(order: Order, now: datetime) -> bool:
    """Pending → paid in one conditional UPDATE: True only for the one caller that changed it
    (a repeated webhook, a second click); ``order`` is re-read either way."""
    changed = db.session.execute(
        update(Order).where(Order.id == order.id, Order.status == Order.PENDING)
        .values(status=Order.PAID, paid_at=now).execution_options(synchronize_session=False)).rowcount
    db.session.refresh(order)
    return bool(changed)


def record_payment(order: Order, tenant: Tenant, provider: str, reference: str, amount: Decimal,
                   actor: User | None, now: datetime) -> None:
    """The charge on a paid order and its receipt number (``mark_paid`` came first)."""
    db.session.add(Payment(tenant_id=tenant.id, order_id=order.id, kind=Payment.CHARGE,
                           provider=provider, reference=reference, amount=amount,
                           currency=order.currency, created_at=now,
                           created_by_id=actor.id if actor else None))
    order.receipt_number = _next_receipt_number(tenant.id, now.year)


def confirm_payment(order: Order, tenant: Tenant, provider: str, reference: str, amount: Decimal,
                    actor: User | None = None, now: datetime | None = None,
                    notify: bool = True) -> PaymentOutcome:
    """Record a payment and issue the tickets, exactly once per order.

    ``notify=False`` issues without the confirmation mail (a box-office sale with no address,
    seeded demo data); staff can still send it later from the order page."""
    now = now or utcnow()
    if not mark_paid(order, now):
        if order.status in (Order.PAID, Order.REFUNDED):
            return PaymentOutcome.ALREADY_PAID
        # The hold lapsed (or the visitor cancelled) before the money arrived.
        if not take_places(order.slot_id, order.persons):
            return PaymentOutcome.NO_CAPACITY
        if order.voucher_id is not None:
            _use_voucher(order.voucher_id)  # honoured at the price paid, even if now used up
        order.status, order.paid_at, order.cancelled_at = Order.PAID, now, None
    record_payment(order, tenant, provider, reference, amount, actor, now)
    count_sale(order, issue_tickets(order, tenant), amount)  # the dashboards' figures, same transaction
    if notify:
        from festival.ticketing.notify import send_confirmation

        send_confirmation(order, tenant)
    from festival.passes.services import issue_passes  # a pass ticket also opens a pass

    issue_passes(order, tenant, notify)
    metrics.order_paid()
    return PaymentOutcome.PAID


def cancel_pending(order: Order, now: datetime | None = None) -> bool:
    """Give up an unpaid order (the visitor left the payment page): places return at once."""
    changed = _end_pending(order, Order.CANCELLED, now or utcnow())
    db.session.refresh(order)
    return changed


# --- refunds -------------------------------------------------------------------------------------

def refund_tickets(order: Order, tenant: Tenant, ticket_ids: list[int] | None, actor: User | None,
                   reason: str = "", now: datetime | None = None,
                   refund_reference: str | None = None) -> Decimal:
    """Void the chosen valid tickets (all when None), return their places, pay their price back.

    ``refund_reference``: the money already went back outside Lantern (a refund made in
    Stripe's dashboard); it is recorded under that reference and the gateway is not asked."""
    from festival.payments.gateways import refund_gateway

    now = now or utcnow()
    if order.status != Order.PAID:
        raise _fail("not_paid", 409)
    chosen = [t for t in tickets_of(order) if t.status == Ticket.VALID
              and (ticket_ids is None or t.id in ticket_ids)]
    if not chosen:
        raise _fail("no_tickets")
    amount = sum((t.price for t in chosen), Decimal("0"))
    amount = min(amount, order.total - order.refunded_amount)
    reference = refund_reference or (refund_gateway(order).refund(order, tenant, amount) if amount > 0
                                     else f"zero-{codes.order_secret()[:12]}")
    for ticket in chosen:
        ticket.status, ticket.voided_at = Ticket.VOID, now
    return_places(order.slot_id, sum(t.persons for t in chosen))
    db.session.add(Payment(tenant_id=tenant.id, order_id=order.id, kind=Payment.REFUND,
                           provider=order.payment_method, reference=reference, amount=amount,
                           currency=order.currency, created_at=now,
                           created_by_id=actor.id if actor else None))
    order.refunded_amount += amount
    count_refund(order, chosen, amount)
    remaining = db.session.scalar(select(func.count()).select_from(Ticket).where(
        Ticket.order_id == order.id, Ticket.status != Ticket.VOID, Ticket.id.not_in([t.id for t in chosen])))
    if not remaining:
        order.status, order.cancelled_at = Order.REFUNDED, now
    db.session.flush()
    from festival.passes.services import tickets_refunded  # a pass or a pass visit follows its ticket

    tickets_refunded(order, chosen, actor, now)
    record_event("festival.ticketing.order.refunded", actor=actor, order=order.code,
                 amount=str(amount), tickets=len(chosen), reason=reason[:200])
    return amount


def visitor_may_cancel(order: Order, tenant: Tenant, now: datetime | None = None) -> bool:
    now = now or utcnow()
    if order.status not in Order.HOLDING or tenant.visitor_cancel_hours is None:
        return order.status == Order.PENDING
    if any(t.status == Ticket.USED for t in tickets_of(order)):
        return False
    return now <= order.slot.starts_at - timedelta(hours=tenant.visitor_cancel_hours)


def visitor_cancel(order: Order, tenant: Tenant, now: datetime | None = None) -> None:
    """The visitor cancels from the order page, where the tenant allows it."""
    if not visitor_may_cancel(order, tenant, now):
        raise _fail("not_cancellable", 409)
    if order.status == Order.PENDING:
        cancel_pending(order, now)
        return
    refund_tickets(order, tenant, None, actor=None, reason="visitor", now=now)
    order.status = Order.CANCELLED
