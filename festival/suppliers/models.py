"""The supplier: a Zigong lantern enterprise, platform-wide."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from festival.core.db import PlatformRow, UTCDateTime, db, utcnow


class Supplier(PlatformRow, db.Model):
    __tablename__ = "supplier"

    STATUS_ACTIVE = "active"
    STATUS_SUSPENDED = "suspended"
    STATUSES = (STATUS_ACTIVE, STATUS_SUSPENDED)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
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
    status: Mapped[str] = mapped_column(String(16), default=STATUS_ACTIVE)
    require_two_factor: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def name(self) -> str:
        return self.name_en

    @property
    def is_active(self) -> bool:
        return self.status == self.STATUS_ACTIVE

    def display_name(self, locale: str) -> str:
        """The name in Chinese for Chinese readers, in English for everyone else."""
        return self.name_zh if locale.startswith("zh") else self.name_en

    def __repr__(self) -> str:
        return f"<Supplier {self.slug}>"
