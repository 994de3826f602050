"""Lamp-group exposure: the visitors of every night a lamp group stood at an exhibition.

A lamp group stood at an exhibition through a booking line of a booking that was accepted or went
further (``STOOD``; requests, declined, cancelled and expired ones never put it there). It stood
there from the first night its setup was done — arrival plus its setup days, not before opening
night — to the last night before its teardown began, not after closing night. For a line booked
as planned that is the whole season; a line countered to arrive late or leave early shows fewer
nights.

A night's visitors are the one definition the dashboards use too (festival.reporting.visitors):
the submitted visitor report's total when there is one, else the persons admitted by scans. Nights are the
tenant's local festival dates (the date on which the night opened, in its timezone), and a stand
counts its nights up to the tenant's own today: a season that has not begun there shows nothing.

Bookings are read in the caller's scope: a supplier's (its own lines only) or the base's platform
scope. Entry counts and reports are tenant-owned, so a supplier reads them in the named read-only
scope "exposure.supplier", and only as sums per exhibition night for the nights its own lamp
groups stood there: no orders, no visitors' data.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select

from festival.booking.models import Booking, BookingLine
from festival.catalog.models import LampGroup
from festival.core.db import db
from festival.core.scope import read_only_scope
from festival.reporting.visitors import NightVisitors, night_visitors
from festival.tenants.models import Tenant

SUPPLIER_READ = "exposure.supplier"
STOOD = frozenset({Booking.ACCEPTED, Booking.CONTRACTED, Booking.DEPOSIT_PAID, Booking.IN_TRANSIT,
                   Booking.ON_SITE, Booking.RETURNED, Booking.CLOSED})


@dataclass
class Stand:
    """One lamp group at one exhibition: where, which nights, and their visitors."""

    lamp_group_id: int
    supplier_id: int
    booking_reference: str
    exhibition_id: int
    exhibition_title: str
    venue_name: str
    city: str
    country: str
    first_night: date
    last_night: date
    today: date  # the tenant's local date when read
    nights: list[NightVisitors] = field(default_factory=list)

    @property
    def visitors(self) -> int:
        return sum(night.visitors for night in self.nights)

    @property
    def nights_shown(self) -> int:
        """Nights with a figure: entries, or a submitted report (a storm's 0 included)."""
        return len(self.nights)

    @property
    def showing_now(self) -> bool:
        return self.first_night <= self.today <= self.last_night

    def counted(self, within: tuple[date, date] | None = None) -> tuple[date, date] | None:
        """The nights whose figures count: the stand up to the tenant's today, cut to ``within``."""
        first, last = self.first_night, min(self.last_night, self.today)
        if within is not None:
            first, last = max(first, within[0]), min(last, within[1])
        return (first, last) if first <= last else None


@dataclass
class Exposure:
    """A lamp group's exposure across every city it stood in."""

    lamp_group: LampGroup
    stands: list[Stand]

    @property
    def visitors(self) -> int:
        return sum(stand.visitors for stand in self.stands)

    @property
    def nights(self) -> int:
        return sum(stand.nights_shown for stand in self.stands)

    @property
    def cities(self) -> list[tuple[str, str]]:
        """(country, city) of every place it stood, each once."""
        return sorted({(stand.country, stand.city) for stand in self.stands})

    @property
    def countries(self) -> list[str]:
        return sorted({stand.country for stand in self.stands})


def stand_nights(lamp_group: LampGroup, line: BookingLine, booking: Booking) -> tuple[date, date]:
    """The first and last night a booked lamp group stood at the exhibition (see the module)."""
    setup_done = line.arrives_on + timedelta(days=lamp_group.setup_days)
    teardown_starts = line.on_site_until - timedelta(days=1 + lamp_group.teardown_days)
    return max(booking.season_start, setup_done), min(booking.season_end, teardown_starts)


def _local_today(tenant: Tenant, now: datetime) -> date:
    return now.astimezone(ZoneInfo(tenant.timezone)).date()


def _stands(lamp_groups: dict[int, LampGroup], criteria: Iterable, now: datetime) -> list[Stand]:
    """The stands of the booking lines the open scope shows under ``criteria`` (one query, and
    one for the tenants' timezones); those not begun on the tenant's clock are left out."""
    rows = list(db.session.execute(
        select(BookingLine, Booking).join(Booking, Booking.id == BookingLine.booking_id)
        .where(Booking.status.in_(STOOD), *criteria)
        .order_by(Booking.season_start, BookingLine.id)))
    tenants = {tenant.id: tenant for tenant in db.session.scalars(
        select(Tenant).where(Tenant.id.in_({booking.tenant_id for _line, booking in rows})))}
    stands = []
    for line, booking in rows:
        lamp_group = lamp_groups.get(line.lamp_group_id)
        if lamp_group is None:
            continue
        first, last = stand_nights(lamp_group, line, booking)
        today = _local_today(tenants[booking.tenant_id], now)
        if first > last or first > today:
            continue
        stands.append(Stand(line.lamp_group_id, booking.supplier_id, booking.reference,
                            booking.exhibition_id, booking.exhibition_title, booking.venue_name,
                            booking.destination_city, booking.destination_country, first, last,
                            today))
    return stands


def _nights_of(stands: list[Stand], within: tuple[date, date] | None
               ) -> dict[int, dict[date, NightVisitors]]:
    """Visitors per exhibition and night, for the stands' counted nights only (two grouped
    queries, festival.reporting.visitors)."""
    ranges = {(stand.exhibition_id, *counted) for stand in stands
              if (counted := stand.counted(within)) is not None}
    if not ranges:
        return {}

    def only_stood(exhibition_column, night_column):
        return or_(*(and_(exhibition_column == exhibition_id, night_column.between(first, last))
                     for exhibition_id, first, last in sorted(ranges)))

    found: dict[int, dict[date, NightVisitors]] = {}
    for (exhibition_id, night), seen in night_visitors(only_stood).items():
        found.setdefault(exhibition_id, {})[night] = seen
    return found


def _fill(stands: list[Stand], nights: dict[int, dict[date, NightVisitors]],
          within: tuple[date, date] | None) -> None:
    for stand in stands:
        counted = stand.counted(within)
        if counted is None:
            continue
        of_exhibition = nights.get(stand.exhibition_id, {})
        stand.nights = [of_exhibition[day] for day in sorted(of_exhibition)
                        if counted[0] <= day <= counted[1]]


def _exposures(lamp_groups: dict[int, LampGroup], stands: list[Stand]) -> list[Exposure]:
    by_lamp_group: dict[int, list[Stand]] = {}
    for stand in stands:
        by_lamp_group.setdefault(stand.lamp_group_id, []).append(stand)
    found = [Exposure(lamp_groups[lamp_group_id], group)
             for lamp_group_id, group in by_lamp_group.items()]
    return sorted(found, key=lambda exposure: (-exposure.visitors, exposure.lamp_group.code))


def supplier_exposure(lamp_groups: list[LampGroup], now: datetime) -> list[Exposure]:
    """The exposure of a supplier's own ``lamp_groups`` (read in its scope), most seen first.

    The entry figures are read in the read-only "exposure.supplier" scope, limited to the
    nights these lamp groups stood at the exhibitions the supplier's own bookings name."""
    by_id = {lamp_group.id: lamp_group for lamp_group in lamp_groups}
    if not by_id:
        return []
    stands = _stands(by_id, [BookingLine.lamp_group_id.in_(by_id)], now)
    with read_only_scope(SUPPLIER_READ):
        nights = _nights_of(stands, None)
    _fill(stands, nights, None)
    return _exposures(by_id, stands)


def base_exposure(now: datetime, year: int | None = None, supplier_id: int | None = None
                  ) -> list[Exposure]:
    """Every supplier's lamp groups, most seen first, for the base (its platform scope): the
    nights of ``year`` only when given, one supplier's lamp groups when ``supplier_id`` is."""
    criteria = [] if supplier_id is None else [Booking.supplier_id == supplier_id]
    within = (date(year, 1, 1), date(year, 12, 31)) if year is not None else None
    ids = set(db.session.scalars(select(BookingLine.lamp_group_id).distinct()
                                 .join(Booking, Booking.id == BookingLine.booking_id)
                                 .where(Booking.status.in_(STOOD), *criteria)))
    lamp_groups = {lamp_group.id: lamp_group for lamp_group in db.session.scalars(
        select(LampGroup).where(LampGroup.id.in_(ids)))} if ids else {}
    stands = _stands(lamp_groups, criteria, now)
    if within is not None:
        stands = [stand for stand in stands if stand.counted(within) is not None]
    _fill(stands, _nights_of(stands, within), within)
    return _exposures(lamp_groups, stands)
