"""What a visitor can still buy: the calendar of an exhibition's nights and one night's slots.

The exhibition page is the page a visitor lands on during an on-sale rush, so its calendar
comes from ONE aggregated query over ``entry_slot`` (no query per night or per slot). It may
count places still held by lapsed holds; the night page releases those before it sells.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from babel import Locale
from babel.dates import format_date
from sqlalchemy import case, func, select

from festival.core.db import db
from festival.exhibitions.models import Exhibition
from festival.ticketing import orders
from festival.ticketing.models import EntrySlot, TicketType
from festival.ticketing.slots import slots_of_night

AVAILABLE = "available"
FEW_LEFT = "few_left"
SOLD_OUT = "sold_out"
CLOSED = "closed"
# A night has few places left when at most this share of its capacity, or this many, are free.
FEW_LEFT_SHARE = 10  # percent
FEW_LEFT_PLACES = 20


def night_status(capacity: int, remaining: int) -> str:
    """available / few left / sold out / closed, from the open places of a night or slot."""
    if capacity <= 0:
        return CLOSED
    if remaining <= 0:
        return SOLD_OUT
    if remaining * 100 <= capacity * FEW_LEFT_SHARE or remaining <= FEW_LEFT_PLACES:
        return FEW_LEFT
    return AVAILABLE


@dataclass(frozen=True)
class Night:
    night: date
    capacity: int  # places of the slots still open for sale
    remaining: int

    @property
    def status(self) -> str:
        return night_status(self.capacity, self.remaining)


def nights_of(exhibition_id: int, now: datetime) -> dict[date, Night]:
    """Every night not yet over, with its open capacity and free places: one query."""
    open_slot = (EntrySlot.is_closed.is_(False)) & (EntrySlot.ends_at > now)
    rows = db.session.execute(
        select(EntrySlot.night,
               func.sum(case((open_slot, EntrySlot.capacity), else_=0)),
               func.sum(case((open_slot, EntrySlot.capacity - EntrySlot.taken), else_=0)))
        .where(EntrySlot.exhibition_id == exhibition_id)
        .group_by(EntrySlot.night)
        .having(func.max(EntrySlot.ends_at) > now)
        .order_by(EntrySlot.night))
    return {night: Night(night, int(capacity or 0), max(int(remaining or 0), 0))
            for night, capacity, remaining in rows}


@dataclass(frozen=True)
class Day:
    day: date
    status: str  # a night status, or "none" for a day the festival does not open / is past


@dataclass(frozen=True)
class Month:
    title: str  # "décembre 2026"
    weeks: list[list[Day | None]]  # None: a cell outside the month


def month_grid(nights: dict[date, Night], first: date, last: date, locale: str) -> list[Month]:
    """The months from ``first`` to ``last`` as weeks starting on the locale's first weekday."""
    if first > last:
        return []
    weeks_start = Locale.parse(locale).first_week_day  # 0 = Monday
    cal = calendar.Calendar(firstweekday=weeks_start)
    months, cursor = [], first.replace(day=1)
    while cursor <= last:
        weeks = [[_day(d, nights, first, last) if d.month == cursor.month else None for d in week]
                 for week in cal.monthdatescalendar(cursor.year, cursor.month)]
        months.append(Month(format_date(cursor, "LLLL y", locale=locale), weeks))
        cursor = (cursor + timedelta(days=32)).replace(day=1)
    return months


def _day(day: date, nights: dict[date, Night], first: date, last: date) -> Day:
    if day < first or day > last or day not in nights:
        return Day(day, "none")
    return Day(day, nights[day].status)


def weekday_names(locale: str) -> list[str]:
    """Short weekday names in calendar order for the locale (Monday or Sunday first)."""
    names = Locale.parse(locale).days["format"]["abbreviated"]
    start = Locale.parse(locale).first_week_day
    return [names[(start + i) % 7] for i in range(7)]


def exhibitions_on_sale() -> list[Exhibition]:
    """The open tenant's seasons a visitor can buy for, soonest first."""
    return list(db.session.scalars(
        select(Exhibition).where(Exhibition.status.in_(orders.SELLING))
        .order_by(Exhibition.season_start, Exhibition.id)))


def ticket_types_of(exhibition_id: int) -> list[TicketType]:
    """The ticket types a visitor may choose, in the tenant's order."""
    return list(db.session.scalars(
        select(TicketType).where(TicketType.exhibition_id == exhibition_id,
                                 TicketType.is_active.is_(True))
        .order_by(TicketType.position, TicketType.id)))


def night_slots(exhibition_id: int, night: date, now: datetime) -> list[EntrySlot]:
    """A night's slots with fresh free places: lapsed holds of a slot that looks full are
    released first (only then, so the usual visit writes nothing)."""
    slots = slots_of_night(exhibition_id, night)
    for slot in slots:
        looks_full = slot.remaining == 0 and not slot.is_closed and slot.ends_at > now
        if looks_full and orders.release_expired_holds(now, slot_id=slot.id):
            db.session.refresh(slot, ["taken"])
    return slots


def slot_status(slot: EntrySlot, now: datetime) -> str:
    if slot.is_closed or slot.ends_at <= now:
        return CLOSED
    return night_status(slot.capacity, slot.remaining)
