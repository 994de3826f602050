"""The exhibition: one festival season of a tenant at one venue."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import JSON, Date, Integer, String, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from festival.core.db import TenantOwned, UTCDateTime, db, utcnow


class Exhibition(TenantOwned, db.Model):
    __tablename__ = "exhibition"
    __table_args__ = (UniqueConstraint("tenant_id", "slug"),)

    PLANNING = "planning"
    ON_SALE = "on_sale"
    RUNNING = "running"
    CLOSED = "closed"
    REPORTED = "reported"
    STATUSES = (PLANNING, ON_SALE, RUNNING, CLOSED, REPORTED)
    # The season only moves forward; "on sale" may go back to planning before it runs.
    TRANSITIONS = {
        PLANNING: (ON_SALE,),
        ON_SALE: (PLANNING, RUNNING),
        RUNNING: (CLOSED,),
        CLOSED: (REPORTED,),
        REPORTED: (),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40))
    # Typed by the tenant in each language it offers: {"fr": "…", "en": "…"}.
    titles: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    descriptions: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    venue_name: Mapped[str] = mapped_column(String(160))
    venue_address: Mapped[str] = mapped_column(String(400), default="")
    season_start: Mapped[date] = mapped_column(Date)
    season_end: Mapped[date] = mapped_column(Date)
    # Local wall-clock hours in the tenant's timezone; closing may be after midnight.
    opens_at: Mapped[time] = mapped_column(Time)
    closes_at: Mapped[time] = mapped_column(Time)
    closed_weekdays_csv: Mapped[str] = mapped_column("closed_weekdays", String(20), default="")
    slot_minutes: Mapped[int] = mapped_column(Integer, default=30)
    slot_capacity: Mapped[int] = mapped_column(Integer, default=200)
    status: Mapped[str] = mapped_column(String(16), default=PLANNING)
    # The lamp groups on show, as the tenant names them per language: {"fr": ["Dragon", …]}.
    showcase: Mapped[dict[str, list[str]]] = mapped_column(JSON, default=dict)
    # How long before its slot starts and after it ends a ticket is still admitted at the gate.
    checkin_early_minutes: Mapped[int] = mapped_column(Integer, default=30)
    checkin_late_minutes: Mapped[int] = mapped_column(Integer, default=60)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def closed_weekdays(self) -> set[int]:
        """ISO weekdays 1 (Monday) to 7 (Sunday) on which the festival is closed."""
        return {int(day) for day in self.closed_weekdays_csv.split(",") if day}

    @closed_weekdays.setter
    def closed_weekdays(self, days: set[int]) -> None:
        self.closed_weekdays_csv = ",".join(str(day) for day in sorted(days))

    def showcase_in(self, locale: str, fallback: str) -> list[str]:
        return self.showcase.get(locale) or self.showcase.get(fallback) or []

    def title(self, locale: str, fallback: str) -> str:
        """The title in the reader's language, else in the tenant's default language."""
        return self.titles.get(locale) or self.titles.get(fallback) or next(
            iter(self.titles.values()), self.slug)
