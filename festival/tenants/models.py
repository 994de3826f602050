"""The tenant: a host city running its lantern festival on Lantern."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.core.db import PlatformRow, UTCDateTime, db, utcnow


class Tenant(PlatformRow, db.Model):
    __tablename__ = "tenant"

    STATUS_ACTIVE = "active"
    STATUS_SUSPENDED = "suspended"
    STATUSES = (STATUS_ACTIVE, STATUS_SUSPENDED)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    city: Mapped[str] = mapped_column(String(120))
    country: Mapped[str] = mapped_column(String(2))  # ISO 3166-1 alpha-2
    timezone: Mapped[str] = mapped_column(String(64))  # IANA
    currency: Mapped[str] = mapped_column(String(3))  # ISO 4217
    default_locale: Mapped[str] = mapped_column(String(10))
    offered_locales_csv: Mapped[str] = mapped_column("offered_locales", String(80))
    brand_colour: Mapped[str] = mapped_column(String(7), default="#b3261e")
    logo_path: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16), default=STATUS_ACTIVE)
    require_two_factor: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Loaded through the scope filter: from another tenant's scope this list is empty.
    members: Mapped[list[TenantMember]] = relationship(  # noqa: F821
        "TenantMember", viewonly=True, order_by="TenantMember.id")

    @property
    def offered_locales(self) -> list[str]:
        return [code for code in self.offered_locales_csv.split(",") if code]

    @offered_locales.setter
    def offered_locales(self, codes: list[str]) -> None:
        self.offered_locales_csv = ",".join(codes)

    @property
    def is_active(self) -> bool:
        return self.status == self.STATUS_ACTIVE

    def __repr__(self) -> str:
        return f"<Tenant {self.slug}>"
