"""Webhook events already processed: a replay, also after a restart, finds its id here."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from festival.core.db import PlatformRow, UTCDateTime, db, utcnow


class ProcessedEvent(PlatformRow, db.Model):
    __tablename__ = "processed_event"
    __table_args__ = (UniqueConstraint("provider", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(16))
    event_id: Mapped[str] = mapped_column(String(255))
    event_type: Mapped[str] = mapped_column(String(80))
    # Which tenant it concerned, if any (for support); no tenant data is kept here.
    tenant_slug: Mapped[str | None] = mapped_column(String(40))
    outcome: Mapped[str] = mapped_column(String(40), default="")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
