"""The supplier: a Zigong lantern enterprise, platform-wide."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from festival.core.db import OrganisationColumns, PlatformRow, db


class Supplier(PlatformRow, OrganisationColumns, db.Model):
    __tablename__ = "supplier"

    name_zh: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    contact_name: Mapped[str] = mapped_column(String(120), default="")
    contact_email: Mapped[str] = mapped_column(String(255), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    # Export credentials: customs registration code and the enterprise's export licence.
    customs_code: Mapped[str] = mapped_column(String(40), default="")
    export_licence: Mapped[str] = mapped_column(String(60), default="")
    default_locale: Mapped[str] = mapped_column(String(10), default="zh_Hans")
    # The currency its lamp groups and services are priced in (CNY or USD).
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    # Printed on contracts: where deposits and balances are transferred to.
    bank_details: Mapped[str] = mapped_column(Text, default="")

    @property
    def name(self) -> str:
        return self.name_en

    def display_name(self, locale: str) -> str:
        """The name in Chinese for Chinese readers, in English for everyone else."""
        return self.name_zh if locale.startswith("zh") else self.name_en

    def __repr__(self) -> str:
        return f"<Supplier {self.slug}>"
