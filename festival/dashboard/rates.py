"""The base's rate table and reporting currency, and the conversion the dashboard uses: the
latest rate valid on a night's date; no rate means no conversion (shown), never a silent 0."""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from festival.accounts.models import User
from festival.audit.services import record_event
from festival.core.db import db, utcnow
from festival.core.errors import DomainError
from festival.core.reference import currency_codes
from festival.dashboard.models import (
    DEFAULT_REPORTING_CURRENCY,
    RATE_DECIMALS,
    ExchangeRate,
    ReportingSettings,
)

MAX_RATE = Decimal("1000000")
MESSAGES = {
    "currency": _l("Choose a currency from the list."),
    "same": _l("The reporting currency needs no rate."),
    "rate": _l("Enter the rate as a number greater than 0, e.g. 7.8125."),
    "decimals": _l("Use at most %(count)s decimals for the rate.", count=RATE_DECIMALS),
    "too_large": _l("Enter a rate below %(max)s.", max="1,000,000"),
    "date": _l("Enter the date from which the rate is valid (YYYY-MM-DD)."),
}


def _fail(key: str) -> DomainError:
    return DomainError(str(MESSAGES[key]))


def reporting_currency() -> str:
    """The currency the base's figures are converted into (CNY until the base sets another)."""
    return db.session.scalar(select(ReportingSettings.currency).where(ReportingSettings.id == 1)) \
        or DEFAULT_REPORTING_CURRENCY


def set_reporting_currency(code: str, actor: User | None) -> None:
    """Change the reporting currency; rates are kept per reporting currency."""
    if code not in currency_codes():
        raise _fail("currency")
    settings = db.session.get(ReportingSettings, 1)
    if settings is None:
        settings = ReportingSettings(id=1)
        db.session.add(settings)
    settings.currency, settings.updated_at = code, utcnow()
    db.session.flush()
    record_event("festival.dashboard.reporting_currency.changed", actor=actor, currency=code)


def parse_rate(text: str) -> Decimal:
    """A rate typed by a person: a plain decimal number > 0 with at most six decimals."""
    try:
        value = Decimal((text or "").strip().replace(",", "."))
    except InvalidOperation:
        raise _fail("rate") from None
    if not value.is_finite() or value <= 0:
        raise _fail("rate")
    if -value.as_tuple().exponent > RATE_DECIMALS:
        raise _fail("decimals")
    if value >= MAX_RATE:
        raise _fail("too_large")
    return value


def set_rate(currency: str, rate: Decimal, valid_from: date | None, actor: User | None) -> ExchangeRate:
    """Record the rate of ``currency`` into the reporting currency from ``valid_from`` on
    (the same currency and date again replaces the rate)."""
    quote = reporting_currency()
    if currency not in currency_codes():
        raise _fail("currency")
    if currency == quote:
        raise _fail("same")
    if valid_from is None:
        raise _fail("date")
    row = db.session.scalar(select(ExchangeRate).where(
        ExchangeRate.currency == currency, ExchangeRate.quote_currency == quote,
        ExchangeRate.valid_from == valid_from))
    if row is None:
        row = ExchangeRate(currency=currency, quote_currency=quote, valid_from=valid_from)
        db.session.add(row)
    row.rate, row.created_by_id = rate, actor.id if actor else None
    db.session.flush()
    record_event("festival.dashboard.rate.set", actor=actor, currency=currency, quote=quote,
                 rate=str(rate), valid_from=valid_from.isoformat())
    return row


def list_rates() -> list[ExchangeRate]:
    """Every rate into the current reporting currency, newest first per currency."""
    return list(db.session.scalars(
        select(ExchangeRate).where(ExchangeRate.quote_currency == reporting_currency())
        .order_by(ExchangeRate.currency, ExchangeRate.valid_from.desc())))


@dataclass
class RateBook:
    """The rates into one reporting currency, loaded once per dashboard (one query)."""

    currency: str
    _dates: dict[str, list[date]]
    _rates: dict[str, list[Decimal]]

    @classmethod
    def load(cls, currency: str | None = None) -> RateBook:
        currency = currency or reporting_currency()
        dates: dict[str, list[date]] = {}
        rates: dict[str, list[Decimal]] = {}
        for row in db.session.execute(
                select(ExchangeRate.currency, ExchangeRate.valid_from, ExchangeRate.rate)
                .where(ExchangeRate.quote_currency == currency).order_by(ExchangeRate.valid_from)):
            dates.setdefault(row.currency, []).append(row.valid_from)
            rates.setdefault(row.currency, []).append(Decimal(row.rate))
        return cls(currency, dates, rates)

    def rate(self, currency: str, night: date) -> Decimal | None:
        """The latest rate valid on ``night``; None when there is none."""
        if currency == self.currency:
            return Decimal("1")
        position = bisect.bisect_right(self._dates.get(currency, []), night)
        return self._rates[currency][position - 1] if position else None

    def convert(self, amount: Decimal, currency: str, night: date) -> Decimal | None:
        rate = self.rate(currency, night)
        return None if rate is None else (amount * rate).quantize(Decimal("0.01"))
