"""The rules of night closures: close a night (or some slots), tell every affected visitor, and
carry out each visitor's one decision: rebook, credit or refund.

Services only flush; the request or command commits. Each decision is one conditional UPDATE
of the order's closure row (undecided → decision) in the same transaction as what it does, so
a second use of the link, or two clicks at once, change nothing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from festival.accounts.models import User
from festival.audit.services import record_event
from festival.closures.models import Closure, ClosureOrder
from festival.core.db import db, utcnow
from festival.core.errors import Conflict, DomainError, refusal
from festival.core.i18n import format_money
from festival.core.mail import compose_mail, queue_mail
from festival.core.urls import external_url
from festival.documents.pdf import document_locale, visit_of
from festival.exhibitions.models import Exhibition
from festival.tenants.models import Tenant
from festival.ticketing import codes, moves, orders, setup, staff
from festival.ticketing.models import EntrySlot, Order, Ticket, Voucher
from festival.ticketing.sales_counts import count_refund
from festival.ticketing.slots import slots_of_night

MAX_REASON = 500
MESSAGES = {
    "offer": _l("Choose what the visitors are offered."),
    "reason": _l("Give a reason of at most %(max)s characters: the visitors read it.", max=MAX_REASON),
    "no_night": _l("The festival does not open on this night. Choose a night of the season."),
    "slots": _l("Choose entry slots of this night, or none to close the whole night."),
    "over": _l("These entry slots are over: a past night cannot be closed."),
    "twice": _l("Some of these entry slots are already closed by an earlier closure."),
    "not_offered": _l("This choice is not offered for this closure."),
    "decided": _l("You already chose for this order: %(decision)s. Nothing was changed."),
    "nothing_left": _l("This order has no valid tickets left, so there is nothing to rebook, credit or "
                       "refund."),
    "closed_slot": _l("This night or entry slot is closed. Choose another."),
}
DECISION_LABELS = {
    ClosureOrder.UNDECIDED: _l("undecided"),
    ClosureOrder.REBOOKED: _l("rebooked to another night"),
    ClosureOrder.CREDITED: _l("a credit voucher"),
    ClosureOrder.REFUNDED: _l("a refund"),
}


def _fail(key: str, status: int = 400, **values) -> DomainError:
    return refusal(MESSAGES, key, status, **values)


# --- closing a night ------------------------------------------------------------------------------

@dataclass
class ClosureRequest:
    """What the venue partner asks: which night, which slots (none: all), why, what instead."""

    night: date
    reason: str
    offer: str
    slot_ids: list[int]


def _slots_to_close(exhibition: Exhibition, request: ClosureRequest, now: datetime) -> list[EntrySlot]:
    slots = slots_of_night(exhibition.id, request.night)
    if not slots:
        raise _fail("no_night")
    if request.slot_ids:
        chosen = [slot for slot in slots if slot.id in set(request.slot_ids)]
        if len(chosen) != len(set(request.slot_ids)):
            raise _fail("slots")
        slots = chosen
    if all(slot.ends_at <= now for slot in slots):
        raise _fail("over", 409)
    earlier = db.session.scalars(select(Closure.slot_ids).where(
        Closure.exhibition_id == exhibition.id, Closure.night == request.night))
    if {slot.id for slot in slots} & {slot_id for ids in earlier for slot_id in ids}:
        raise _fail("twice", 409)
    return slots


def close_night(tenant: Tenant, exhibition: Exhibition, request: ClosureRequest, actor: User | None,
                now: datetime | None = None) -> Closure:
    """Close the slots to sales, cancel unpaid holds in them (they can no longer be paid), and
    give every paid order with valid tickets a personal link, sent in the visitor's language."""
    now = now or utcnow()
    if request.offer not in Closure.OFFERS:
        raise _fail("offer")
    reason = (request.reason or "").strip()
    if not reason or len(reason) > MAX_REASON:
        raise _fail("reason")
    slots = _slots_to_close(exhibition, request, now)
    slot_ids = [slot.id for slot in slots]
    closure = Closure(tenant_id=tenant.id, exhibition_id=exhibition.id, night=request.night,
                      slot_ids=slot_ids, reason=reason, offer=request.offer, created_at=now,
                      created_by_id=actor.id if actor else None, reminders=0)
    db.session.add(closure)
    for slot in slots:
        staff.set_slot_closed(slot, True, actor)
    for pending in db.session.scalars(select(Order).where(Order.slot_id.in_(slot_ids),
                                                          Order.status == Order.PENDING)):
        orders.cancel_pending(pending, now)
    affected = list(db.session.scalars(
        select(Order).where(Order.slot_id.in_(slot_ids), Order.status == Order.PAID,
                            Order.id.in_(select(Ticket.order_id).where(Ticket.status == Ticket.VALID)))
        .order_by(Order.id)))
    links = [ClosureOrder(tenant_id=tenant.id, closure=closure, order=order, token=codes.order_secret(),
                          decision=ClosureOrder.UNDECIDED) for order in affected]
    db.session.add_all(links)
    db.session.flush()
    for link in links:
        _mail_visitor(link, tenant, "closure_notice")
    record_event("festival.closures.closure.created", actor=actor, closure=closure.id,
                 night=request.night.isoformat(), slots=len(slot_ids), offer=request.offer,
                 orders=len(links))
    return closure


def closure_url(link: ClosureOrder, tenant: Tenant) -> str:
    """The visitor's personal closure link as a full address (also from the reminder command)."""
    return external_url("storefront.closure_choice", tenant_slug=tenant.slug, closure_token=link.token)


def _mail_visitor(link: ClosureOrder, tenant: Tenant, template: str) -> bool:
    """The closure notice or a reminder, in the visitor's language; box-office buyers without an
    address are told at the desk."""
    order = link.order
    if staff.is_placeholder_email(order.email):
        return False
    locale = document_locale(order, tenant)
    queue_mail(compose_mail(order.email, template, locale, order=order, tenant=tenant,
                            closure=link.closure, visit=visit_of(order, tenant, locale),
                            link_url=closure_url(link, tenant)))
    return True


# --- the staff's view -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Progress:
    counts: dict[str, int]  # decision -> how many orders
    undecided: list[ClosureOrder]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def closure_progress(closure: Closure) -> Progress:
    """How many affected orders were rebooked, credited, refunded, and which are undecided."""
    counted = Counter(dict(db.session.execute(
        select(ClosureOrder.decision, func.count()).where(ClosureOrder.closure_id == closure.id)
        .group_by(ClosureOrder.decision)).all()))
    undecided = list(db.session.scalars(
        select(ClosureOrder).where(ClosureOrder.closure_id == closure.id,
                                   ClosureOrder.decision == ClosureOrder.UNDECIDED)
        .order_by(ClosureOrder.id)))
    return Progress({decision: counted.get(decision, 0) for decision in ClosureOrder.DECISIONS},
                    undecided)


def remind_undecided(closure: Closure, tenant: Tenant, actor: User | None,
                     now: datetime | None = None) -> int:
    """Send the link again to every visitor who has not chosen yet; returns how many were mailed."""
    sent = sum(_mail_visitor(link, tenant, "closure_reminder")
               for link in closure_progress(closure).undecided)
    closure.reminders += 1
    closure.reminded_at = now or utcnow()
    db.session.flush()
    record_event("festival.closures.closure.reminded", actor=actor, closure=closure.id, mailed=sent)
    return sent


# --- the visitor's decision ------------------------------------------------------------------------

def _decide(link: ClosureOrder, decision: str, now: datetime, **values) -> None:
    """The one conditional UPDATE that lets an order be decided once."""
    if decision not in link.closure.decisions:
        raise _fail("not_offered", 409)
    changed = db.session.execute(
        update(ClosureOrder).where(ClosureOrder.id == link.id,
                                   ClosureOrder.decision == ClosureOrder.UNDECIDED)
        .values(decision=decision, decided_at=now, **values)
        .execution_options(synchronize_session=False)).rowcount
    if not changed:
        db.session.refresh(link)
        raise Conflict(str(MESSAGES["decided"]) % {"decision": DECISION_LABELS[link.decision]})
    db.session.refresh(link)


def _valid_tickets(order: Order) -> list[Ticket]:
    tickets = [t for t in orders.tickets_of(order) if t.status == Ticket.VALID]
    if order.status != Order.PAID or not tickets:
        raise _fail("nothing_left", 409)
    return tickets


def rebook(link: ClosureOrder, tenant: Tenant, slot_id: int, now: datetime | None = None) -> moves.Move:
    """Move the order to another night and slot with free places: same tickets, nothing to pay."""
    now = now or utcnow()
    _valid_tickets(link.order)
    if slot_id in link.closure.slot_ids:
        raise _fail("closed_slot", 409)
    _decide(link, ClosureOrder.REBOOKED, now, new_slot_id=slot_id)
    return moves.move_order(link.order, tenant, slot_id, actor=None, reason="closure", now=now)


def _season_end(exhibition_id: int) -> datetime | None:
    """When the season's last night ends (its last slot), a credit's last moment."""
    return db.session.scalar(select(func.max(EntrySlot.ends_at)).where(
        EntrySlot.exhibition_id == exhibition_id))


def take_credit(link: ClosureOrder, tenant: Tenant, now: datetime | None = None) -> Voucher:
    """A voucher worth what was paid for the valid tickets, usable once until the season ends;
    the tickets become void and their places free. No money moves."""
    now = now or utcnow()
    order = link.order
    tickets = _valid_tickets(order)
    value = min(sum((t.price for t in tickets), Decimal("0")), order.total - order.refunded_amount)
    if value <= 0:
        raise _fail("nothing_left", 409)
    exhibition = db.session.get(Exhibition, order.exhibition_id)
    voucher = setup.create_voucher(tenant, exhibition, setup.VoucherSpec(
        code=f"CREDIT-{codes.order_code()}", kind=Voucher.FIXED, value=value, max_uses=1,
        valid_until=_season_end(exhibition.id)), None)
    _decide(link, ClosureOrder.CREDITED, now, voucher_id=voucher.id, amount=value)
    for ticket in tickets:
        ticket.status, ticket.voided_at = Ticket.VOID, now
    orders.return_places(order.slot_id, sum(t.persons for t in tickets))
    count_refund(order, tickets, Decimal("0"))  # void tickets; the money stays, as the credit
    order.status, order.cancelled_at = Order.CANCELLED, now
    db.session.flush()
    record_event("festival.closures.order.credited", order=order.code, voucher=voucher.code,
                 amount=str(value))
    return voucher


def ask_refund(link: ClosureOrder, tenant: Tenant, now: datetime | None = None) -> Decimal:
    """Refund the valid tickets the way they were paid; the visitor gets the refund notice."""
    now = now or utcnow()
    _valid_tickets(link.order)
    _decide(link, ClosureOrder.REFUNDED, now)
    amount = staff.refund_order(link.order, tenant, None, None, reason="closure")
    link.amount = amount
    db.session.flush()
    return amount


def find_link(token: str) -> ClosureOrder | None:
    """The open tenant's closure link with this token: another tenant's token finds nothing."""
    return db.session.scalar(select(ClosureOrder).where(ClosureOrder.token == token))


def credit_text(link: ClosureOrder, locale: str) -> str:
    return format_money(link.amount or Decimal("0"), link.order.currency, locale)
