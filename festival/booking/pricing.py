"""What a booking costs: weekly rates × weeks on site, services, and the freight estimate; in the
supplier's currency, converted for display into the tenant's through the base's rate table."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from festival.catalog.models import LampGroup, ServiceOffering
from festival.core.money import Totals
from festival.dashboard.rates import RateBook


def weeks_on_site(lamp_group_min_weeks: int, arrives_on: date, on_site_until: date) -> int:
    """Whole weeks from arrival to the end of teardown, at least the minimum rental."""
    return max(lamp_group_min_weeks, math.ceil((on_site_until - arrives_on).days / 7))


def service_quantity(service: ServiceOffering, season_start: date, season_end: date) -> int:
    """The default quantity of a service for a season: its days or weeks, or one event."""
    days = (season_end - season_start).days + 1
    return {"day": days, "week": math.ceil(days / 7)}.get(service.unit, 1)


@dataclass
class QuoteLine:
    lamp_group: LampGroup
    weekly_price: Decimal
    weeks: int
    arrives_on: date
    on_site_until: date
    departs_on: date
    origin_city: str
    transit_days: int
    freight_usd: Decimal

    @property
    def amount(self) -> Decimal:
        return self.weekly_price * self.weeks


@dataclass
class QuoteService:
    service: ServiceOffering
    quantity: int

    @property
    def amount(self) -> Decimal:
        return self.service.price * self.quantity


@dataclass
class Quote(Totals):
    currency: str  # the supplier's
    mode: str
    lines: list[QuoteLine] = field(default_factory=list)
    services: list[QuoteService] = field(default_factory=list)
    display_currency: str | None = None  # the tenant's
    display_rate: Decimal | None = None  # one unit of ``currency`` in ``display_currency``
    usd_rate: Decimal | None = None  # one USD in ``display_currency``

    @property
    def freight_usd(self) -> Decimal:
        return sum((line.freight_usd for line in self.lines), Decimal("0"))

    def displayed(self, amount: Decimal) -> Decimal | None:
        """``amount`` (supplier currency) in the tenant's currency; None without a rate."""
        return None if self.display_rate is None else (amount * self.display_rate).quantize(Decimal("0.01"))

    def displayed_usd(self, amount: Decimal) -> Decimal | None:
        return None if self.usd_rate is None else (amount * self.usd_rate).quantize(Decimal("0.01"))


def cross_rate(rates: RateBook, source: str, target: str, on: date) -> Decimal | None:
    """One unit of ``source`` in ``target``, through the base's reporting currency."""
    if source == target:
        return Decimal("1")
    into, out_of = rates.rate(source, on), rates.rate(target, on)
    if into is None or out_of is None:
        return None
    return into / out_of


def convert(amount: Decimal, source: str, target: str, on: date,
            rates: RateBook | None = None) -> Decimal | None:
    """``amount`` in ``target`` for display; None when the base keeps no rate for one of them."""
    rate = cross_rate(rates or RateBook.load(), source, target, on)
    return None if rate is None else (amount * rate).quantize(Decimal("0.01"))


def with_display_rates(quote: Quote, display_currency: str, on: date) -> Quote:
    rates = RateBook.load()
    quote.display_currency = display_currency
    quote.display_rate = cross_rate(rates, quote.currency, display_currency, on)
    quote.usd_rate = cross_rate(rates, "USD", display_currency, on)
    return quote
