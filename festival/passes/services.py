"""The rules of passes: issue them on payment, reserve a night's free entry, cancel it, void.

Every function only flushes; the request or command commits. A reservation is an ordinary
zero-price order of channel "pass" with one ticket, made with the ticketing functions
(``take_places`` for capacity, ``issue_tickets`` for the ticket), so the gate admits it once
like any ticket and the dashboards count its entry.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from festival.accounts.models import User
from festival.audit.services import record_event
from festival.core.db import db, utcnow
from festival.core.errors import DomainError, refusal
from festival.core.i18n import LOCALES, format_local_date
from festival.exhibitions.models import Exhibition
from festival.passes.models import Pass, PassVisit
from festival.tenants.models import Tenant
from festival.ticketing import codes, orders
from festival.ticketing.models import EntrySlot, Order, OrderLine, Ticket, TicketType
from festival.ticketing.sales_counts import count_sale

ZERO = Decimal("0")
PAYMENT_METHOD = "pass"
# What a holder sees of a pass: usable, or why not.
USABLE, USED_UP, EXPIRED = "active", "used_up", "expired"

MESSAGES = {
    "void": _l("This pass is void: it admits nobody. Please contact the organiser."),
    "expired": _l("This pass was valid until %(date)s: the season is over."),
    "after_season": _l("This pass is valid until %(date)s. Choose a night of the season."),
    "other_exhibition": _l("This entry slot is not part of your pass's exhibition. Choose another."),
    "once_per_night": _l("Your pass already has an entry on %(night)s: a pass admits once per night. "
                         "Choose another night."),
    "used_up": _l("All entries of this pass are used. It admits nobody any more."),
    "no_slot": _l("Choose an entry time."),
    "unknown_visit": _l("This pass has no visit on that night."),
    "not_reserved": _l("This visit is the one the pass was bought for: it cannot be cancelled here."),
    "started": _l("This entry slot has begun: the visit can no longer be cancelled."),
    "ticket_used": _l("This visit's ticket was used at the gate: it can no longer be cancelled."),
    "already_void": _l("This pass is already void."),
}


def _fail(key: str, status: int = 409, **values) -> DomainError:
    return refusal(MESSAGES, key, status, **values)


def local_today(tenant: Tenant, now: datetime) -> date:
    return now.astimezone(ZoneInfo(tenant.timezone)).date()


def pass_locale(pass_: Pass, tenant: Tenant) -> str:
    return pass_.locale if pass_.locale in LOCALES else tenant.default_locale


# --- issuing passes when a pass ticket is paid ----------------------------------------------------

def issue_passes(order: Order, tenant: Tenant, notify: bool = True) -> list[Pass]:
    """One pass per pass ticket of a paid order, its first visit being the night bought for.

    Called by ``orders.confirm_payment`` right after the tickets are issued (exactly once per
    order); a pass reservation's own ticket is not a new pass.
    """
    if order.channel == Order.PASS:
        return []
    rows = db.session.execute(
        select(Ticket, TicketType).join(TicketType, TicketType.id == Ticket.ticket_type_id)
        .where(Ticket.order_id == order.id, TicketType.category == TicketType.PASS)
        .order_by(Ticket.id)).all()
    if not rows:
        return []
    season_end = db.session.scalar(select(Exhibition.season_end).where(Exhibition.id == order.exhibition_id))
    passes = []
    for ticket, ticket_type in rows:
        pass_ = Pass(tenant_id=tenant.id, code=codes.order_code(), secret=codes.order_secret(),
                     exhibition_id=order.exhibition_id, ticket_type_id=ticket_type.id,
                     order_id=order.id, ticket_id=ticket.id, holder_name=ticket.holder_name or order.name,
                     email=order.email, locale=order.locale, persons=ticket.persons,
                     visits_total=ticket_type.visits, valid_until=season_end, status=Pass.ACTIVE,
                     # The night bought for is the first entry.
                     visits_left=ticket_type.visits - 1 if ticket_type.visits else None)
        db.session.add(pass_)
        db.session.flush()
        db.session.add(PassVisit(tenant_id=tenant.id, pass_id=pass_.id, night=order.slot.night,
                                 order_id=order.id, ticket_id=ticket.id))
        passes.append(pass_)
    db.session.flush()
    if notify:
        from festival.passes.notify import send_passes

        send_passes(order, passes, tenant)
    return passes


# --- what a holder may still do ----------------------------------------------------------------------

def pass_state(pass_: Pass, tenant: Tenant, now: datetime | None = None) -> str:
    """active, used up, expired or void, as the pass page and the staff list show it."""
    now = now or utcnow()
    if pass_.status == Pass.VOID or pass_.ticket.status == Ticket.VOID:
        return Pass.VOID
    if local_today(tenant, now) > pass_.valid_until:
        return EXPIRED
    if pass_.visits_left == 0:
        return USED_UP
    return USABLE


def _check_usable(pass_: Pass, tenant: Tenant, now: datetime) -> None:
    state = pass_state(pass_, tenant, now)
    if state == Pass.VOID:
        raise _fail("void")
    if state == EXPIRED:
        raise _fail("expired", date=format_local_date(pass_.valid_until, "long"))
    if state == USED_UP:
        raise _fail("used_up")


def visited_nights(pass_: Pass) -> set[date]:
    return set(db.session.scalars(select(PassVisit.night).where(PassVisit.pass_id == pass_.id)))


# --- reserving a free entry ------------------------------------------------------------------------

def reserve_visit(tenant: Tenant, pass_: Pass, slot_id: int | None, now: datetime | None = None) -> PassVisit:
    """Reserve the pass's entry in an entry slot: places taken atomically, one visit per night,
    one entry of a multi-visit pass used; refused with a clear message, writing nothing."""
    now = now or utcnow()
    _check_usable(pass_, tenant, now)
    if slot_id is None:
        raise _fail("no_slot", 400)
    slot, _types = orders.sellable_slot(slot_id, now, [])
    if slot.exhibition_id != pass_.exhibition_id:
        raise _fail("other_exhibition", 400)
    if slot.night > pass_.valid_until:
        raise _fail("after_season", 400, date=format_local_date(pass_.valid_until, "long"))
    once = _fail("once_per_night", night=format_local_date(slot.night, "full"))
    if db.session.scalar(select(exists().where(PassVisit.pass_id == pass_.id,
                                               PassVisit.night == slot.night))):
        raise once
    if pass_.visits_left is not None and not _use_entry(pass_.id):
        raise _fail("used_up")
    orders.hold_places(slot, pass_.persons, now)  # the checkout's own capacity rule and messages
    order = _reservation_order(tenant, pass_, slot, now)
    tickets = orders.issue_tickets(order, tenant)
    count_sale(order, tickets, ZERO)  # the night's entries on the dashboards; no money
    visit = PassVisit(tenant_id=tenant.id, pass_id=pass_.id, night=slot.night, order_id=order.id,
                      ticket_id=tickets[0].id)
    try:
        with db.session.begin_nested():  # the database keeps "once per night" under concurrency
            db.session.add(visit)
    except IntegrityError:
        raise once from None
    db.session.refresh(pass_, ["visits_left"])
    record_event("festival.passes.visit.reserved", actor=None, code=pass_.code,
                 night=slot.night.isoformat(), order=order.code)
    return visit


def _use_entry(pass_id: int) -> bool:
    """Take one entry of a multi-visit pass, if one is left: one conditional UPDATE."""
    return db.session.execute(
        update(Pass).where(Pass.id == pass_id, Pass.visits_left > 0)
        .values(visits_left=Pass.visits_left - 1).execution_options(synchronize_session=False)
    ).rowcount == 1


def _return_entry(pass_id: int) -> None:
    db.session.execute(
        update(Pass).where(Pass.id == pass_id, Pass.visits_left < Pass.visits_total)
        .values(visits_left=Pass.visits_left + 1).execution_options(synchronize_session=False))


def _reservation_order(tenant: Tenant, pass_: Pass, slot: EntrySlot, now: datetime) -> Order:
    """A paid zero-price order with one line of the pass's ticket type, in the holder's name."""
    order = Order(
        tenant_id=tenant.id, code=codes.order_code(), secret=codes.order_secret(),
        exhibition_id=pass_.exhibition_id, slot_id=slot.id, email=pass_.email, name=pass_.holder_name,
        locale=pass_.locale, status=Order.PAID, channel=Order.PASS, payment_method=PAYMENT_METHOD,
        currency=tenant.currency, persons=pass_.persons, subtotal=ZERO, discount=ZERO, total=ZERO,
        tax_total=ZERO, prices_include_vat=tenant.prices_include_vat, created_at=now, paid_at=now,
        note=f"pass {pass_.code}",
        lines=[OrderLine(tenant_id=tenant.id, ticket_type_id=pass_.ticket_type_id, quantity=1,
                         persons_each=pass_.persons, unit_price=ZERO, discount=ZERO, total=ZERO,
                         vat_rate=pass_.ticket_type.vat_rate, tax=ZERO)])
    db.session.add(order)
    db.session.flush()
    return order


# --- cancelling a reserved visit --------------------------------------------------------------------

def visit_of_night(pass_: Pass, night: date) -> PassVisit:
    visit = db.session.scalar(select(PassVisit).where(PassVisit.pass_id == pass_.id,
                                                      PassVisit.night == night))
    if visit is None:
        raise _fail("unknown_visit", 404)
    return visit


def may_cancel(visit: PassVisit, now: datetime) -> bool:
    return (visit.order.channel == Order.PASS and visit.order.status == Order.PAID
            and visit.ticket.status == Ticket.VALID and visit.order.slot.starts_at > now)


def cancel_visit(tenant: Tenant, pass_: Pass, night: date, now: datetime | None = None) -> None:
    """Cancel a reserved visit before its slot begins: its place and the pass's entry return,
    and the night is free to reserve again."""
    now = now or utcnow()
    visit = visit_of_night(pass_, night)
    order = visit.order
    if order.channel != Order.PASS:
        raise _fail("not_reserved")
    if visit.ticket.status == Ticket.USED:
        raise _fail("ticket_used")
    if order.slot.starts_at <= now or order.status != Order.PAID:
        raise _fail("started")
    # The ticketing refund voids the ticket and returns its places (nothing to pay back), and
    # gives the visit back to the pass (``tickets_refunded``).
    orders.refund_tickets(order, tenant, None, actor=None, reason="pass visit cancelled", now=now)
    order.status = Order.CANCELLED
    db.session.flush()
    record_event("festival.passes.visit.cancelled", actor=None, code=pass_.code, night=night.isoformat())


# --- refunds -------------------------------------------------------------------------------------

def tickets_refunded(order: Order, tickets: list[Ticket], actor: User | None, now: datetime) -> None:
    """Follow a refund (called by ``orders.refund_tickets`` with the tickets it voided): a
    refunded reservation gives its visit back to the pass (the night can be reserved again, a
    multi-visit pass gets its entry back); a refunded pass ticket voids its pass."""
    ids = [ticket.id for ticket in tickets]
    if order.channel == Order.PASS:
        for visit in db.session.scalars(select(PassVisit).where(PassVisit.ticket_id.in_(ids))):
            _give_back(visit)
        return
    for pass_ in db.session.scalars(select(Pass).where(Pass.ticket_id.in_(ids), Pass.status == Pass.ACTIVE)):
        pass_.status, pass_.voided_at = Pass.VOID, now
        record_event("festival.passes.pass.voided", actor=actor, code=pass_.code, reason="refunded")
    db.session.flush()


def _give_back(visit: PassVisit) -> None:
    pass_ = visit.pass_
    db.session.delete(visit)
    if pass_.visits_total is not None:
        _return_entry(pass_.id)
    db.session.flush()
    db.session.refresh(pass_, ["visits_left"])  # the refund's own audit event names the order


# --- staff ----------------------------------------------------------------------------------------

def search_passes(exhibition_id: int, query: str = ""):
    """A select of an exhibition's passes, newest first; ``query`` matches code, holder or email."""
    statement = select(Pass).where(Pass.exhibition_id == exhibition_id)
    text = (query or "").strip()[:100]
    if text:
        statement = statement.where(or_(
            func.upper(Pass.code).contains(text.upper(), autoescape=True),
            func.lower(Pass.holder_name).contains(text.lower(), autoescape=True),
            func.lower(Pass.email).contains(text.lower(), autoescape=True)))
    return statement.order_by(Pass.created_at.desc(), Pass.id.desc())


def visits_used(pass_ids: list[int]) -> dict[int, int]:
    """How many visits each pass has (the night bought for included)."""
    if not pass_ids:
        return {}
    return dict(db.session.execute(select(PassVisit.pass_id, func.count()).where(
        PassVisit.pass_id.in_(pass_ids)).group_by(PassVisit.pass_id)).all())


def void_pass(pass_: Pass, actor: User | None, now: datetime | None = None) -> None:
    """Staff void a pass: no further reservations (visits already reserved keep their tickets)."""
    changed = db.session.execute(
        update(Pass).where(Pass.id == pass_.id, Pass.status == Pass.ACTIVE)
        .values(status=Pass.VOID, voided_at=now or utcnow())
        .execution_options(synchronize_session=False)).rowcount
    if not changed:
        raise _fail("already_void")
    db.session.refresh(pass_)
    record_event("festival.passes.pass.voided", actor=actor, code=pass_.code)
