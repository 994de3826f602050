"""The base's trade figures: lamp groups abroad right now and where, each supplier's share of the
contracted bookings, and the export value per year with its growth on the year before.

Read in the base's platform scope: occupancy windows are platform rows; contracts are summed,
never listed. A booking counts once its contract exists, unless it was cancelled afterwards;
its value is the contract's total (rentals and services, freight not included), converted into
the reporting currency at the rate of the day it was contracted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from festival.booking.models import Booking, BookingLine, OccupancyWindow
from festival.contracts.models import Contract
from festival.core.db import db
from festival.dashboard.filters import Filters
from festival.dashboard.rates import RateBook
from festival.suppliers.models import Supplier

ZERO = Decimal("0")
BASE_TIMEZONE = ZoneInfo("Asia/Shanghai")  # a contract's year is the base's year


@dataclass
class DeployedCity:
    country: str
    city: str
    on_site: int = 0
    in_transit: int = 0

    @property
    def total(self) -> int:
        return self.on_site + self.in_transit


@dataclass
class SupplierShare:
    supplier: Supplier
    bookings: int = 0
    lamp_groups: int = 0
    value: Decimal = ZERO  # in the reporting currency
    percent: Decimal = ZERO


@dataclass
class ExportYear:
    year: int
    bookings: int = 0
    value: Decimal = ZERO  # in the reporting currency
    growth: Decimal | None = None  # percent on the year before; None when there is nothing to compare

    @property
    def growth_sign(self) -> str:
        return "" if self.growth is None or self.growth <= 0 else "+"


@dataclass
class Trade:
    currency: str
    deployed: list[DeployedCity]
    shares: list[SupplierShare]
    years: list[ExportYear]
    unconverted: list[str]  # currencies of contracts without a rate: left out of the sums

    @property
    def deployed_total(self) -> int:
        return sum(city.total for city in self.deployed)


def _countries(filters: Filters) -> set[str] | None:
    if filters.country:
        return {filters.country}
    if filters.country_group is not None:
        return set(filters.country_group.countries)
    return None


def deployed_now(today: date, countries: set[str] | None = None) -> list[DeployedCity]:
    """Lamp groups on their way to or standing at a festival abroad today, per city."""
    query = select(OccupancyWindow.country, OccupancyWindow.city, OccupancyWindow.arrives_on).where(
        OccupancyWindow.active.is_(True), OccupancyWindow.kind == OccupancyWindow.BOOKING,
        OccupancyWindow.starts_on <= today, OccupancyWindow.ends_on > today)
    if countries is not None:
        query = query.where(OccupancyWindow.country.in_(countries))
    cities: dict[tuple[str, str], DeployedCity] = {}
    for country, city, arrives_on in db.session.execute(query):
        row = cities.setdefault((country, city), DeployedCity(country, city))
        if arrives_on <= today:
            row.on_site += 1
        else:
            row.in_transit += 1
    return sorted(cities.values(), key=lambda row: (-row.total, row.country, row.city))


def _contracts(countries: set[str] | None) -> list:
    query = (select(Contract.booking_id, Contract.total, Contract.currency, Contract.generated_at,
                    Booking.supplier_id)
             .join(Booking, Booking.id == Contract.booking_id)
             .where(Booking.status != Booking.CANCELLED))
    if countries is not None:
        query = query.where(Booking.destination_country.in_(countries))
    return list(db.session.execute(query))


def trade(filters: Filters, today: date, rates: RateBook | None = None) -> Trade:
    """The trade figures under the dashboard's country filters; shares cover the filtered
    period (by contract date), export value every year."""
    rates = rates or RateBook.load()
    countries = _countries(filters)
    contracts = _contracts(countries)
    lines = dict(db.session.execute(select(BookingLine.booking_id, func.count()).where(
        BookingLine.booking_id.in_([row.booking_id for row in contracts]))
        .group_by(BookingLine.booking_id)).all()) if contracts else {}
    shares: dict[int, SupplierShare] = {}
    years: dict[int, ExportYear] = {}
    unconverted: set[str] = set()
    for row in contracts:
        day = row.generated_at.astimezone(BASE_TIMEZONE).date()
        value = rates.convert(Decimal(row.total), row.currency, day)
        if value is None:
            unconverted.add(row.currency)
            continue
        year = years.setdefault(day.year, ExportYear(day.year))
        year.bookings += 1
        year.value += value
        if filters.start <= day <= filters.end:
            share = shares.get(row.supplier_id) or shares.setdefault(
                row.supplier_id, SupplierShare(db.session.get(Supplier, row.supplier_id)))
            share.bookings += 1
            share.lamp_groups += lines.get(row.booking_id, 0)
            share.value += value
    total = sum((share.value for share in shares.values()), ZERO)
    for share in shares.values():
        share.percent = (100 * share.value / total).quantize(Decimal("0.1")) if total else ZERO
    ordered_years = [years[key] for key in sorted(years)]
    for before, year in zip(ordered_years, ordered_years[1:], strict=False):
        if before.year == year.year - 1 and before.value:
            year.growth = (100 * (year.value - before.value) / before.value).quantize(Decimal("0.1"))
    return Trade(rates.currency, deployed_now(today, countries),
                 sorted(shares.values(), key=lambda share: -share.value), ordered_years,
                 sorted(unconverted))
