"""The dashboard's figures: visitors, tickets and revenue per night, summed by country, city,
exhibition and period, read from the maintained aggregates (entry counts, sales counts,
submitted reports) in a fixed number of queries — never a scan of check-ins or orders.

One definition of visitors (festival.reporting.visitors, shared with lamp-group exposure): for a
night with a submitted visitor report, the report's total (scans plus manual counts); else the
persons admitted by scans. Tickets sold and revenue are
paid minus refunded, per night of the tickets' entry slot.

The base calls ``dashboard`` in its platform scope (every tenant, converted into the reporting
currency); a tenant calls it in its own scope with ``tenant`` set (its exhibitions only, its
own currency, no conversion).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, or_, select

from festival.checkin.models import EntryCount
from festival.core.db import db, utcnow
from festival.dashboard.filters import SEASON, WEEK, YEAR, Filters
from festival.dashboard.rates import RateBook
from festival.dashboard.trade import Trade, trade
from festival.exhibitions.models import Exhibition
from festival.reporting.visitors import night_visitors
from festival.tenants.models import Tenant
from festival.ticketing.sales_counts import SalesCount

ZERO = Decimal("0")
HOME_COUNTRY = "CN"
GOAL_CITIES = 100
RAN = (Exhibition.RUNNING, Exhibition.CLOSED, Exhibition.REPORTED)


@dataclass
class Night:
    """One exhibition's night: the unit every breakdown sums."""

    tenant: Tenant
    exhibition: Exhibition
    night: date
    visitors: int = 0
    reported: bool = False  # the visitors are a submitted report's total
    tickets: int = 0
    revenue: dict[str, Decimal] = field(default_factory=dict)


@dataclass
class Row:
    """A line of a breakdown (or the totals)."""

    key: str
    label: str
    visitors: int = 0
    tickets: int = 0
    revenue: dict[str, Decimal] = field(default_factory=dict)
    converted: Decimal = ZERO
    unconverted: bool = False  # part of the revenue had no rate and is left out of ``converted``

    def add(self, night: Night, rates: RateBook | None, missing: dict) -> None:
        self.visitors += night.visitors
        self.tickets += night.tickets
        for currency, amount in night.revenue.items():
            self.revenue[currency] = self.revenue.get(currency, ZERO) + amount
            if rates is None:
                continue
            converted = rates.convert(amount, currency, night.night)
            if converted is None:
                self.unconverted = True
                missing.setdefault(currency, set()).add(night.night)
            else:
                self.converted += converted


@dataclass(frozen=True)
class MissingRate:
    currency: str
    first: date  # the earliest night without a rate
    nights: int


@dataclass(frozen=True)
class Progress:
    cities: list[tuple[str, str]]  # (country, city) of foreign cities with a display that ran
    goal: int = GOAL_CITIES

    @property
    def count(self) -> int:
        return len(self.cities)

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.count / self.goal))


@dataclass
class Dashboard:
    filters: Filters
    reporting_currency: str | None  # None in a tenant's view: no conversion
    totals: Row
    by_country: list[Row]
    by_city: list[Row]
    by_exhibition: list[Row]
    by_period: list[Row]
    missing_rates: list[MissingRate]
    progress: Progress | None
    currencies: list[str]
    trade: Trade | None = None  # the base's view only: lamp groups abroad, suppliers, exports

    def breakdowns(self) -> list[tuple[str, list[Row]]]:
        return [("country", self.by_country), ("city", self.by_city),
                ("exhibition", self.by_exhibition), ("period", self.by_period)]


def _tenants(filters: Filters, tenant: Tenant | None) -> dict[int, Tenant]:
    if tenant is not None:
        return {tenant.id: tenant}
    query = select(Tenant)
    if filters.country:
        query = query.where(Tenant.country == filters.country)
    if filters.country_group is not None:
        query = query.where(Tenant.country.in_(filters.country_group.countries))
    return {t.id: t for t in db.session.scalars(query)}


def _nights(filters: Filters, tenants: dict[int, Tenant]) -> list[Night]:
    """Every night in the period with entries, a report or sales (four queries); its visitors
    by the one definition of festival.reporting.visitors."""
    exhibitions = {e.id: e for e in db.session.scalars(
        select(Exhibition).where(Exhibition.tenant_id.in_(tenants)))}
    ids = list(exhibitions)
    nights: dict[tuple[int, date], Night] = {}

    def night_of(exhibition_id: int, night: date) -> Night:
        key = (exhibition_id, night)
        if key not in nights:
            exhibition = exhibitions[exhibition_id]
            nights[key] = Night(tenants[exhibition.tenant_id], exhibition, night)
        return nights[key]

    period = (filters.start, filters.end)
    for seen in night_visitors(lambda exhibition, night: and_(
            exhibition.in_(ids), night.between(*period))).values():
        entry = night_of(seen.exhibition_id, seen.night)
        entry.visitors, entry.reported = seen.visitors, seen.reported
    for row in db.session.execute(
            select(SalesCount.exhibition_id, SalesCount.night, SalesCount.currency,
                   SalesCount.tickets - SalesCount.refunded_tickets,
                   SalesCount.revenue - SalesCount.refunded)
            .where(SalesCount.exhibition_id.in_(ids), SalesCount.night.between(*period))):
        entry = night_of(row[0], row[1])
        entry.tickets += int(row[3])
        entry.revenue[row[2]] = entry.revenue.get(row[2], ZERO) + Decimal(row[4])
    return sorted(nights.values(), key=lambda n: (n.night, n.exhibition.id))


def season_of(night: date) -> str:
    """Lantern festivals run through the winter: a season goes from July to June ("2026/27")."""
    first = night.year if night.month >= 7 else night.year - 1
    return f"{first}/{(first + 1) % 100:02d}"


def period_key(night: date, group: str) -> str:
    if group == WEEK:
        year, week, _day = night.isocalendar()
        return f"{year}-W{week:02d}"
    if group == SEASON:
        return season_of(night)
    if group == YEAR:
        return str(night.year)
    return night.isoformat()


def _breakdown(nights: list[Night], key: Callable[[Night], tuple[str, str]],
               rates: RateBook | None, missing: dict, by_key: bool = False) -> list[Row]:
    rows: dict[str, Row] = {}
    for night in nights:
        row_key, label = key(night)
        row = rows.get(row_key) or rows.setdefault(row_key, Row(row_key, label))
        row.add(night, rates, missing)
    if by_key:
        return sorted(rows.values(), key=lambda r: r.key)
    return sorted(rows.values(), key=lambda r: (-r.visitors, r.label))


def progress() -> Progress:
    """Foreign cities (outside China) with an exhibition that has run: its status says so, or
    a night of it has entries (two queries, over all time)."""
    with_entries = select(EntryCount.exhibition_id).distinct().scalar_subquery()
    rows = db.session.execute(
        select(Tenant.country, Tenant.city).distinct()
        .join(Exhibition, Exhibition.tenant_id == Tenant.id)
        .where(Tenant.country != HOME_COUNTRY,
               or_(Exhibition.status.in_(RAN), Exhibition.id.in_(with_entries)))
        .order_by(Tenant.country, Tenant.city))
    return Progress(sorted({(country, city.strip()) for country, city in rows}))


def _exhibition_label(night: Night, locale: str, with_city: bool) -> str:
    title = night.exhibition.title(locale, night.tenant.default_locale)
    return f"{title} ({night.tenant.city})" if with_city else title


def dashboard(filters: Filters, locale: str, tenant: Tenant | None = None,
              label_country: Callable[[str], str] = str,
              label_period: Callable[[str, str], str] = lambda key, group: key) -> Dashboard:
    """The figures of the filtered period: totals and every breakdown."""
    tenants = _tenants(filters, tenant)
    nights = _nights(filters, tenants) if tenants else []
    rates = RateBook.load() if tenant is None else None
    missing: dict[str, set[date]] = {}
    totals = Row("total", "")
    for night in nights:
        totals.add(night, rates, missing)
    by_country = _breakdown(nights, lambda n: (n.tenant.country, label_country(n.tenant.country)),
                            rates, {})
    by_city = _breakdown(nights, lambda n: (str(n.tenant.id), n.tenant.city), rates, {})
    by_exhibition = _breakdown(nights, lambda n: (str(n.exhibition.id), _exhibition_label(
        n, locale, with_city=tenant is None)), rates, {})
    by_period = _breakdown(nights, lambda n: (period_key(n.night, filters.group), label_period(
        period_key(n.night, filters.group), filters.group)), rates, {}, by_key=True)
    currencies = sorted({c for n in nights for c in n.revenue} | (
        {tenant.currency} if tenant is not None else set()))
    return Dashboard(
        filters=filters, reporting_currency=rates.currency if rates else None, totals=totals,
        by_country=by_country, by_city=by_city, by_exhibition=by_exhibition, by_period=by_period,
        missing_rates=[MissingRate(c, min(d), len(d)) for c, d in sorted(missing.items())],
        progress=progress() if tenant is None else None, currencies=currencies,
        trade=trade(filters, utcnow().date(), rates) if tenant is None else None)
