"""What the base keeps about moving lamp groups around the world: regions, transport modes,
transit times and freight rates between regions, and the certifications each destination
country requires. Platform rows (DESIGN.md)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from festival.core.db import PlatformRow, db

ORIGIN_REGION = "zigong"


class Region(PlatformRow, db.Model):
    __tablename__ = "region"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    names: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)  # {"en": …, "zh_Hans": …}
    # The countries whose cities fall in this region unless the base assigns them elsewhere.
    countries: Mapped[list[str]] = mapped_column(JSON, default=list)
    position: Mapped[int] = mapped_column(Integer, default=0)

    def name(self, locale: str) -> str:
        return self.names.get(locale) or self.names.get("en") or self.code


class TransportMode(PlatformRow, db.Model):
    __tablename__ = "transport_mode"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)  # sea, rail_sea, rail, air
    names: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def name(self, locale: str) -> str:
        return self.names.get(locale) or self.names.get("en") or self.code


class TransitRoute(PlatformRow, db.Model):
    """Door-to-door transit days and the freight rate per container (USD) from one region to
    another by one mode. Routes are looked up in either direction."""

    __tablename__ = "transit_route"
    __table_args__ = (
        UniqueConstraint("origin_id", "destination_id", "mode_id"),
        CheckConstraint("transit_days > 0", name="transit_days_positive"),
        CheckConstraint("freight_usd_per_container >= 0", name="freight_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    origin_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"))
    destination_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"))
    mode_id: Mapped[int] = mapped_column(ForeignKey("transport_mode.id", ondelete="CASCADE"))
    transit_days: Mapped[int] = mapped_column(Integer)
    freight_usd_per_container: Mapped[Decimal] = mapped_column(Numeric(12, 2))


class CertificationRequirement(PlatformRow, db.Model):
    """A certification a lamp group must hold, valid until the exhibition closes, to be shown
    in a country."""

    __tablename__ = "certification_requirement"
    __table_args__ = (UniqueConstraint("country", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    country: Mapped[str] = mapped_column(String(2))
    kind: Mapped[str] = mapped_column(String(20))
