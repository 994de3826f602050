"""What the base maintains for its dashboard: exchange rates, the reporting currency and
country groups. Platform rows: no tenant owns them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from festival.core.db import PlatformRow, UTCDateTime, db, utcnow

DEFAULT_REPORTING_CURRENCY = "CNY"
RATE_DECIMALS = 6


class ExchangeRate(PlatformRow, db.Model):
    """One unit of ``currency`` is worth ``rate`` units of the reporting currency, from
    ``valid_from`` until the next rate of that currency."""

    __tablename__ = "exchange_rate"
    __table_args__ = (UniqueConstraint("currency", "quote_currency", "valid_from"),
                      CheckConstraint("rate > 0", name="rate_positive"))

    id: Mapped[int] = mapped_column(primary_key=True)
    currency: Mapped[str] = mapped_column(String(3))
    quote_currency: Mapped[str] = mapped_column(String(3))  # the reporting currency it converts to
    rate: Mapped[Decimal] = mapped_column(Numeric(18, RATE_DECIMALS))
    valid_from: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))


class ReportingSettings(PlatformRow, db.Model):
    """The base's dashboard settings: a single row (id 1)."""

    __tablename__ = "reporting_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), default=DEFAULT_REPORTING_CURRENCY)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CountryGroup(PlatformRow, db.Model):
    """Countries the base looks at together (e.g. "Belt and Road partners")."""

    __tablename__ = "country_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    countries: Mapped[list[str]] = mapped_column(JSON, default=list)  # ISO 3166-1 alpha-2
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
