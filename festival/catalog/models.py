"""A supplier's catalog: lamp groups with their components, photos and certifications, and the
services it offers beside them. Supplier-owned rows (DESIGN.md)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.core.db import SupplierOwned, UTCDateTime, db, utcnow

THEMES = ("dinosaurs", "dragons", "pandas", "zodiac", "ocean", "flowers", "fairy_tales", "other")
CERTIFICATION_KINDS = ("CE", "UKCA", "UL", "CCC", "SAA", "FLAME_RETARDANT")
SERVICE_KINDS = ("catering", "acrobatics", "workshop", "tourism", "other")
SERVICE_UNITS = ("day", "week", "event")
PRICE_CURRENCIES = ("CNY", "USD")


def translated(texts: dict[str, str], locale: str) -> str:
    """A text typed per language, in the reader's language, else English, else Chinese."""
    return (texts.get(locale) or texts.get(locale.split("_")[0]) or texts.get("en")
            or texts.get("zh_Hans") or next(iter(texts.values()), ""))


class LampGroup(SupplierOwned, db.Model):
    __tablename__ = "lamp_group"
    __table_args__ = (
        UniqueConstraint("supplier_id", "code"),
        CheckConstraint("weekly_price >= 0", name="weekly_price_not_negative"),
        CheckConstraint("setup_days >= 0 AND teardown_days >= 0 AND handling_days >= 0",
                        name="days_not_negative"),
    )

    AVAILABLE = "available"
    UNDER_REPAIR = "under_repair"
    RETIRED = "retired"
    STATUSES = (AVAILABLE, UNDER_REPAIR, RETIRED)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40))
    # Typed per language, Chinese and English at least: {"zh_Hans": "…", "en": "…"}.
    names: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    descriptions: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    theme: Mapped[str] = mapped_column(String(20))
    length_m: Mapped[Decimal] = mapped_column(Numeric(7, 2))
    width_m: Mapped[Decimal] = mapped_column(Numeric(7, 2))
    height_m: Mapped[Decimal] = mapped_column(Numeric(7, 2))
    weight_kg: Mapped[Decimal] = mapped_column(Numeric(10, 1))
    containers_teu: Mapped[int] = mapped_column(Integer)  # twenty-foot equivalent units
    power_kw: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    setup_days: Mapped[int] = mapped_column(Integer, default=7)
    teardown_days: Mapped[int] = mapped_column(Integer, default=4)
    # Days after teardown before it can leave again: crating, loading, inspection.
    handling_days: Mapped[int] = mapped_column(Integer, default=3)
    min_rental_weeks: Mapped[int] = mapped_column(Integer, default=4)
    weekly_price: Mapped[Decimal] = mapped_column(Numeric(12, 2))  # in the supplier's currency
    ip_record_number: Mapped[str] = mapped_column(String(40), default="")  # customs IP record
    # Where it stands when no booking holds it: Zigong unless it stayed abroad after a season.
    home_city: Mapped[str] = mapped_column(String(120), default="Zigong")
    home_country: Mapped[str] = mapped_column(String(2), default="CN")
    home_region: Mapped[str] = mapped_column(String(20), default="zigong")
    status: Mapped[str] = mapped_column(String(16), default=AVAILABLE)
    repair_until: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    components: Mapped[list[LampGroupComponent]] = relationship(
        back_populates="lamp_group", order_by="LampGroupComponent.position",
        cascade="all, delete-orphan")
    photos: Mapped[list[LampGroupPhoto]] = relationship(
        back_populates="lamp_group", order_by="LampGroupPhoto.position",
        cascade="all, delete-orphan")
    certifications: Mapped[list[Certification]] = relationship(
        back_populates="lamp_group", order_by="Certification.kind", cascade="all, delete-orphan")

    def name(self, locale: str) -> str:
        return translated(self.names, locale) or self.code

    def description(self, locale: str) -> str:
        return translated(self.descriptions, locale)

    @property
    def bookable(self) -> bool:
        return self.status != self.RETIRED


class LampGroupComponent(SupplierOwned, db.Model):
    """One crated part: the lines of packing lists and ATA carnet general lists."""

    __tablename__ = "lamp_group_component"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("value >= 0 AND weight_kg >= 0", name="value_weight_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lamp_group_id: Mapped[int] = mapped_column(ForeignKey("lamp_group.id", ondelete="CASCADE"),
                                               index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    serial: Mapped[str] = mapped_column(String(60))
    description: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    weight_kg: Mapped[Decimal] = mapped_column(Numeric(10, 1))
    value: Mapped[Decimal] = mapped_column(Numeric(12, 2))  # per piece, the supplier's currency
    hs_code: Mapped[str] = mapped_column(String(12), default="")

    lamp_group: Mapped[LampGroup] = relationship(back_populates="components")


class LampGroupPhoto(SupplierOwned, db.Model):
    __tablename__ = "lamp_group_photo"

    id: Mapped[int] = mapped_column(primary_key=True)
    lamp_group_id: Mapped[int] = mapped_column(ForeignKey("lamp_group.id", ondelete="CASCADE"),
                                               index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    storage_key: Mapped[str] = mapped_column(String(255))
    thumbnail_key: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(40))
    caption: Mapped[str] = mapped_column(String(200), default="")  # also the image's alt text
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    lamp_group: Mapped[LampGroup] = relationship(back_populates="photos")


class Certification(SupplierOwned, db.Model):
    """An electrical safety mark or a flame-retardant fabric certificate, with its expiry."""

    __tablename__ = "certification"

    id: Mapped[int] = mapped_column(primary_key=True)
    lamp_group_id: Mapped[int] = mapped_column(ForeignKey("lamp_group.id", ondelete="CASCADE"),
                                               index=True)
    kind: Mapped[str] = mapped_column(String(20))
    number: Mapped[str] = mapped_column(String(80), default="")
    issuer: Mapped[str] = mapped_column(String(120), default="")
    issued_on: Mapped[date | None] = mapped_column(Date)
    expires_on: Mapped[date] = mapped_column(Date)

    lamp_group: Mapped[LampGroup] = relationship(back_populates="certifications")


class ServiceOffering(SupplierOwned, db.Model):
    """Catering, acrobatics, workshops, tourism packages: "services + products"."""

    __tablename__ = "service_offering"
    __table_args__ = (CheckConstraint("price >= 0", name="price_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    names: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    descriptions: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    price: Mapped[Decimal] = mapped_column(Numeric(12, 2))  # in the supplier's currency
    unit: Mapped[str] = mapped_column(String(10))  # per day, week or event
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def name(self, locale: str) -> str:
        return translated(self.names, locale)

    def description(self, locale: str) -> str:
        return translated(self.descriptions, locale)


class ReturnInspection(SupplierOwned, db.Model):
    """A lamp group checked when it comes back (or moves on); damage sends it to repair."""

    __tablename__ = "return_inspection"

    GOOD = "good"
    DAMAGED = "damaged"
    CONDITIONS = (GOOD, DAMAGED)

    id: Mapped[int] = mapped_column(primary_key=True)
    lamp_group_id: Mapped[int] = mapped_column(ForeignKey("lamp_group.id", ondelete="CASCADE"),
                                               index=True)
    booking_reference: Mapped[str] = mapped_column(String(40), default="")
    inspected_on: Mapped[date] = mapped_column(Date)
    condition: Mapped[str] = mapped_column(String(10))
    notes: Mapped[str] = mapped_column(Text, default="")
    repair_until: Mapped[date | None] = mapped_column(Date)
    inspected_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
