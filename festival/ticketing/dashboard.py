"""The read side of sales for staff: occupancy per night and slot, revenue, order search, CSV.

Every function reads in a fixed number of queries (one per kind of figure, never one per
slot or per order), inside the tenant scope the request opened.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import selectinload

from festival.core.db import db, utcnow
from festival.exhibitions.models import Exhibition
from festival.ticketing.models import EntrySlot, Order, OrderLine, Ticket, TicketType
from festival.ticketing.orders import SELLING

ORDERS_PER_PAGE = 50
MAX_PAGE = 100_000  # a huge page number would overflow the database's OFFSET
ZERO = Decimal("0")


@dataclass
class SlotFigures:
    """One entry slot: persons admitted by paid tickets, persons held by live pending orders."""

    slot: EntrySlot
    sold: int = 0
    held: int = 0

    @property
    def free(self) -> int:
        return max(self.slot.capacity - self.sold - self.held, 0)

    @property
    def sellable(self) -> bool:
        return not self.slot.is_closed and self.free > 0 and self.slot.ends_at > utcnow()


@dataclass
class NightFigures:
    night: date
    slots: list[SlotFigures] = field(default_factory=list)

    @property
    def capacity(self) -> int:
        return sum(s.slot.capacity for s in self.slots)

    @property
    def sold(self) -> int:
        return sum(s.sold for s in self.slots)

    @property
    def held(self) -> int:
        return sum(s.held for s in self.slots)


@dataclass
class TypeRevenue:
    ticket_type: TicketType
    tickets: int = 0
    persons: int = 0
    revenue: Decimal = ZERO


@dataclass
class Revenue:
    """Money as charged (VAT included), for tickets still valid: refunded tickets are void."""

    by_type: list[TypeRevenue]
    refunded: Decimal
    paid_orders: int

    @property
    def total(self) -> Decimal:
        return sum((row.revenue for row in self.by_type), ZERO)

    @property
    def tickets(self) -> int:
        return sum(row.tickets for row in self.by_type)

    @property
    def persons(self) -> int:
        return sum(row.persons for row in self.by_type)


def selling_exhibitions() -> list[Exhibition]:
    """The tenant's exhibitions, those on sale first, then by season."""
    rows = db.session.scalars(select(Exhibition).order_by(Exhibition.season_start, Exhibition.id))
    return sorted(rows, key=lambda e: e.status not in SELLING)


def _sold_and_held(slot_ids: list[int], now: datetime) -> tuple[dict[int, int], dict[int, int]]:
    if not slot_ids:
        return {}, {}
    sold = dict(db.session.execute(
        select(Ticket.slot_id, func.sum(Ticket.persons))
        .where(Ticket.slot_id.in_(slot_ids), Ticket.status != Ticket.VOID)
        .group_by(Ticket.slot_id)).all())
    held = dict(db.session.execute(
        select(Order.slot_id, func.sum(Order.persons))
        .where(Order.slot_id.in_(slot_ids), Order.status == Order.PENDING, Order.expires_at > now)
        .group_by(Order.slot_id)).all())
    return sold, held


def slot_figures(slots: list[EntrySlot], now: datetime | None = None) -> list[SlotFigures]:
    """Sold and held persons of these slots (expired holds count as free, as a sale would)."""
    sold, held = _sold_and_held([s.id for s in slots], now or utcnow())
    return [SlotFigures(s, int(sold.get(s.id) or 0), int(held.get(s.id) or 0)) for s in slots]


def nights_of(exhibition_id: int, first: date | None = None, last: date | None = None,
              now: datetime | None = None) -> list[NightFigures]:
    """Every night of the exhibition (optionally between two dates) with its slots' figures."""
    query = select(EntrySlot).where(EntrySlot.exhibition_id == exhibition_id)
    if first is not None:
        query = query.where(EntrySlot.night >= first)
    if last is not None:
        query = query.where(EntrySlot.night <= last)
    slots = list(db.session.scalars(query.order_by(EntrySlot.starts_at)))
    nights: dict[date, NightFigures] = {}
    for figures in slot_figures(slots, now):
        nights.setdefault(figures.slot.night, NightFigures(figures.slot.night)).slots.append(figures)
    return list(nights.values())


@dataclass
class SlotSummary:
    nights: int
    slots: int
    capacity: int
    closed: int
    slots_per_night: int


def slot_summary(exhibition_id: int) -> SlotSummary:
    """Nights × slots and capacity of an exhibition, for its sales setup page."""
    row = db.session.execute(
        select(func.count(func.distinct(EntrySlot.night)), func.count(EntrySlot.id),
               func.coalesce(func.sum(EntrySlot.capacity), 0),
               func.coalesce(func.sum(case((EntrySlot.is_closed.is_(True), 1), else_=0)), 0))
        .where(EntrySlot.exhibition_id == exhibition_id)).one()
    nights, slots, capacity, closed = (int(value or 0) for value in row)
    return SlotSummary(nights, slots, capacity, closed, round(slots / nights) if nights else 0)


def revenue_of(exhibition_id: int) -> Revenue:
    """Revenue per ticket type: the prices of tickets still valid or used (refunds are void)."""
    types = list(db.session.scalars(select(TicketType).where(TicketType.exhibition_id == exhibition_id)
                                    .order_by(TicketType.position, TicketType.id)))
    rows = {row.ticket_type_id: row for row in db.session.execute(
        select(Ticket.ticket_type_id, func.count(Ticket.id).label("tickets"),
               func.sum(Ticket.persons).label("persons"), func.sum(Ticket.price).label("revenue"))
        .join(Order, Order.id == Ticket.order_id)
        .where(Order.exhibition_id == exhibition_id, Ticket.status != Ticket.VOID)
        .group_by(Ticket.ticket_type_id))}
    by_type = [TypeRevenue(tt, int(rows[tt.id].tickets), int(rows[tt.id].persons or 0),
                           Decimal(rows[tt.id].revenue or 0)) if tt.id in rows else TypeRevenue(tt)
               for tt in types]
    refunded, paid = db.session.execute(
        select(func.coalesce(func.sum(Order.refunded_amount), 0),
               func.coalesce(func.sum(case((Order.status == Order.PAID, 1), else_=0)), 0))
        .where(Order.exhibition_id == exhibition_id)).one()
    return Revenue(by_type, Decimal(refunded or 0), int(paid or 0))


# --- the orders list and its export ----------------------------------------------------------

def order_search(query: str = "", status: str = "", exhibition_id: int | None = None) -> Select:
    """Orders matching a code, email or name fragment and a status, newest first."""
    statement = select(Order)
    text = (query or "").strip()
    if text:
        statement = statement.where(or_(
            func.upper(Order.code).contains(text.upper(), autoescape=True),
            func.lower(Order.email).contains(text.lower(), autoescape=True),
            func.lower(Order.name).contains(text.lower(), autoescape=True)))
    if status in Order.STATUSES:
        statement = statement.where(Order.status == status)
    if exhibition_id is not None:
        statement = statement.where(Order.exhibition_id == exhibition_id)
    return statement.order_by(Order.created_at.desc(), Order.id.desc())


def order_page(statement: Select, page: int):
    """One page of 50 orders (a page past the end is empty, never an error)."""
    page = min(max(page, 1), MAX_PAGE)
    return db.paginate(statement.options(selectinload(Order.slot), selectinload(Order.lines)),
                       page=page, per_page=ORDERS_PER_PAGE, error_out=False)


CSV_COLUMNS = ("code", "created", "status", "channel", "email", "name", "night", "slot start",
               "tickets", "persons", "total", "refunded", "currency", "payment method")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    """A typed name like "=HYPERLINK(…)" stays text when the file is opened in a spreadsheet."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def _csv_row(order: Order, zone: ZoneInfo) -> list[str]:
    return [order.code, order.created_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"), order.status,
            order.channel, _cell(order.email), _cell(order.name), order.slot.night.isoformat(),
            order.slot.starts_at.astimezone(zone).strftime("%H:%M"),
            str(sum(line.quantity for line in order.lines)), str(order.persons), str(order.total),
            str(order.refunded_amount), order.currency, order.payment_method]


def orders_csv(statement: Select, timezone: str) -> str:
    """The orders as CSV (times in the tenant's timezone, amounts as plain decimals)."""
    zone = ZoneInfo(timezone)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    rows: Iterable[Order] = db.session.scalars(
        statement.options(selectinload(Order.slot), selectinload(Order.lines))
        .execution_options(yield_per=500))
    for order in rows:
        writer.writerow(_csv_row(order, zone))
    return buffer.getvalue()


def lines_with_types(order: Order) -> list[OrderLine]:
    """An order's lines with their ticket types loaded (one query)."""
    return list(db.session.scalars(select(OrderLine).where(OrderLine.order_id == order.id)
                                   .options(selectinload(OrderLine.ticket_type))
                                   .order_by(OrderLine.id)))
