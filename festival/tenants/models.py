"""The tenant: a host city running its lantern festival on Lantern."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.core.db import OrganisationColumns, PlatformRow, db


class Tenant(PlatformRow, OrganisationColumns, db.Model):
    __tablename__ = "tenant"

    name: Mapped[str] = mapped_column(String(120))
    city: Mapped[str] = mapped_column(String(120))
    country: Mapped[str] = mapped_column(String(2))  # ISO 3166-1 alpha-2
    timezone: Mapped[str] = mapped_column(String(64))  # IANA
    currency: Mapped[str] = mapped_column(String(3))  # ISO 4217
    default_locale: Mapped[str] = mapped_column(String(10))
    offered_locales_csv: Mapped[str] = mapped_column("offered_locales", String(80))
    brand_colour: Mapped[str] = mapped_column(String(7), default="#b3261e")
    logo_path: Mapped[str | None] = mapped_column(String(255))
    # Loaded through the scope filter: from another tenant's scope this list is empty.
    members: Mapped[list[TenantMember]] = relationship(  # noqa: F821
        "TenantMember", viewonly=True, order_by="TenantMember.id")

    def display_name(self, locale: str) -> str:
        return self.name

    @property
    def offered_locales(self) -> list[str]:
        return [code for code in self.offered_locales_csv.split(",") if code]

    @offered_locales.setter
    def offered_locales(self, codes: list[str]) -> None:
        self.offered_locales_csv = ",".join(codes)

    def __repr__(self) -> str:
        return f"<Tenant {self.slug}>"
