"""Bookings: a tenant's request to one supplier for lamp groups and services for one exhibition,
shared by exactly those two parties; and the occupancy windows that keep a lamp group in one
place at a time (platform rows of the lamp group, DESIGN.md)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.catalog.models import translated
from festival.core.db import PartyShared, PlatformRow, UTCDateTime, db, utcnow
from festival.core.money import Totals


class Booking(PartyShared, Totals, db.Model):
    __tablename__ = "booking"

    DRAFT = "draft"
    REQUESTED = "requested"
    COUNTERED = "countered"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    CONTRACTED = "contracted"
    DEPOSIT_PAID = "deposit_paid"
    IN_TRANSIT = "in_transit"
    ON_SITE = "on_site"
    RETURNED = "returned"
    CLOSED = "closed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    STATUSES = (DRAFT, REQUESTED, COUNTERED, ACCEPTED, DECLINED, CONTRACTED, DEPOSIT_PAID,
                IN_TRANSIT, ON_SITE, RETURNED, CLOSED, CANCELLED, EXPIRED)
    # While in one of these the booking's lamp groups hold their occupancy windows.
    HOLDING = frozenset({REQUESTED, COUNTERED, ACCEPTED, CONTRACTED, DEPOSIT_PAID, IN_TRANSIT,
                         ON_SITE})
    # Ended ones: released (no window), or done (the window stays as where the lamp group was).
    RELEASED = frozenset({DECLINED, CANCELLED, EXPIRED})
    DONE = frozenset({RETURNED, CLOSED})

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    exhibition_id: Mapped[int] = mapped_column(ForeignKey("exhibition.id", ondelete="CASCADE"),
                                               index=True)
    status: Mapped[str] = mapped_column(String(16), default=DRAFT)
    transport_mode: Mapped[str] = mapped_column(String(20))
    currency: Mapped[str] = mapped_column(String(3))  # the supplier's
    # What the supplier needs to know of the exhibition, copied: it cannot read the tenant's rows.
    exhibition_title: Mapped[str] = mapped_column(String(200))
    venue_name: Mapped[str] = mapped_column(String(160))
    destination_city: Mapped[str] = mapped_column(String(120))
    destination_country: Mapped[str] = mapped_column(String(2))
    destination_region: Mapped[str] = mapped_column(String(20))
    season_start: Mapped[date] = mapped_column(Date)
    season_end: Mapped[date] = mapped_column(Date)
    freight_estimate_usd: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal("0"))
    message: Mapped[str] = mapped_column(Text, default="")  # the tenant's note to the supplier
    decline_reason: Mapped[str] = mapped_column(Text, default="")
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    cancelled_by: Mapped[str | None] = mapped_column(String(10))  # "tenant" or "supplier"
    # Certifications missing or expiring before the season closes: [{"lamp_group": …, "kind": …}].
    compliance_issues: Mapped[list[dict]] = mapped_column(JSON, default=list)
    # An ETA that no longer leaves time for setup before opening night.
    at_risk: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    lines: Mapped[list[BookingLine]] = relationship(
        back_populates="booking", order_by="BookingLine.id", cascade="all, delete-orphan")
    services: Mapped[list[BookingServiceLine]] = relationship(
        back_populates="booking", order_by="BookingServiceLine.id", cascade="all, delete-orphan")
    events: Mapped[list[BookingEvent]] = relationship(
        back_populates="booking", order_by="BookingEvent.id", cascade="all, delete-orphan")

    @property
    def holds_windows(self) -> bool:
        return self.status in self.HOLDING

class BookingLine(PartyShared, db.Model):
    """One lamp group of a booking: its price and its dates at the exhibition, with what both
    parties need of the lamp group copied (neither reads the other's rows)."""

    __tablename__ = "booking_line"
    __table_args__ = (
        CheckConstraint("weekly_price >= 0", name="weekly_price_not_negative"),
        CheckConstraint("weeks > 0", name="weeks_positive"),
        CheckConstraint("arrives_on < on_site_until", name="dates_in_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("booking.id", ondelete="CASCADE"), index=True)
    lamp_group_id: Mapped[int] = mapped_column(ForeignKey("lamp_group.id", ondelete="RESTRICT"),
                                               index=True)
    lamp_group_code: Mapped[str] = mapped_column(String(40))
    lamp_group_names: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    ip_record_number: Mapped[str] = mapped_column(String(40), default="")
    containers_teu: Mapped[int] = mapped_column(Integer)
    weekly_price: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    weeks: Mapped[int] = mapped_column(Integer)
    # On site: from arrival (setup starts) to the end of teardown.
    arrives_on: Mapped[date] = mapped_column(Date)
    on_site_until: Mapped[date] = mapped_column(Date)
    window_id: Mapped[int | None] = mapped_column(
        ForeignKey("occupancy_window.id", ondelete="SET NULL"))

    booking: Mapped[Booking] = relationship(back_populates="lines")

    @property
    def amount(self) -> Decimal:
        return self.weekly_price * self.weeks

    def name(self, locale: str) -> str:
        return translated(self.lamp_group_names, locale) or self.lamp_group_code


class BookingServiceLine(PartyShared, db.Model):
    __tablename__ = "booking_service_line"
    __table_args__ = (
        CheckConstraint("unit_price >= 0", name="unit_price_not_negative"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("booking.id", ondelete="CASCADE"), index=True)
    service_offering_id: Mapped[int] = mapped_column(
        ForeignKey("service_offering.id", ondelete="RESTRICT"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    names: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    unit: Mapped[str] = mapped_column(String(10))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[Decimal] = mapped_column(Numeric(12, 2))

    booking: Mapped[Booking] = relationship(back_populates="services")

    @property
    def amount(self) -> Decimal:
        return self.unit_price * self.quantity

    def name(self, locale: str) -> str:
        return translated(self.names, locale)


class BookingEvent(PartyShared, db.Model):
    """One step of a booking's history: requested, countered (with what changed), accepted…"""

    __tablename__ = "booking_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("booking.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    side: Mapped[str] = mapped_column(String(10))  # "tenant", "supplier" or "system"
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    message: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    booking: Mapped[Booking] = relationship(back_populates="events")


class OccupancyWindow(PlatformRow, db.Model):
    """When and where one lamp group is busy: from leaving where it was to being free again
    after teardown and handling, ``[starts_on, ends_on)``. Every tenant's availability search
    reads these; they name the city, never the tenant. On PostgreSQL an exclusion constraint
    keeps two active windows of one lamp group from overlapping (migration 0007)."""

    __tablename__ = "occupancy_window"
    __table_args__ = (
        CheckConstraint("starts_on <= arrives_on AND arrives_on < ends_on", name="dates_in_order"),
        Index("ix_occupancy_window_lamp_group_active", "lamp_group_id", "active", "starts_on"),
    )

    BOOKING = "booking"
    REPAIR = "repair"

    id: Mapped[int] = mapped_column(primary_key=True)
    lamp_group_id: Mapped[int] = mapped_column(ForeignKey("lamp_group.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10), default=BOOKING)
    booking_reference: Mapped[str] = mapped_column(String(20), default="")
    starts_on: Mapped[date] = mapped_column(Date)  # leaves its previous place
    arrives_on: Mapped[date] = mapped_column(Date)  # at the venue; setup starts
    ends_on: Mapped[date] = mapped_column(Date)  # free again (exclusive)
    city: Mapped[str] = mapped_column(String(120))
    country: Mapped[str] = mapped_column(String(2))
    region: Mapped[str] = mapped_column(String(20))
    from_city: Mapped[str] = mapped_column(String(120), default="")
    from_region: Mapped[str] = mapped_column(String(20), default="")
    mode: Mapped[str] = mapped_column(String(20), default="")
    transit_days: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
