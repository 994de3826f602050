"""A requested export: its kind and filters, who asked in which language, and where its file is.

Two tables of one shape: a tenant's exports are tenant-owned (the scope machinery keeps them to
their tenant), the base's are platform rows (seen by base operators only, through the base).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from festival.core.db import PlatformRow, TenantOwned, UTCDateTime, db, utcnow

# A ready file is downloaded within days; older exports are purged (and the mail says so).
KEEP = timedelta(days=7)


class ExportColumns:
    """The columns and states both kinds of export share."""

    QUEUED = "queued"
    RUNNING = "running"
    READY = "ready"
    FAILED = "failed"
    STATUSES = (QUEUED, RUNNING, READY, FAILED)
    PENDING = (QUEUED, RUNNING)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    parameters: Mapped[dict] = mapped_column(JSON, default=dict)  # the checked filters
    locale: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(8), default=QUEUED, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)  # also the claim's token
    file_key: Mapped[str | None] = mapped_column(String(255))  # in festival.core.storage
    filename: Mapped[str | None] = mapped_column(String(200))
    content_type: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)  # shown to the person, in their language
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @declared_attr
    def requested_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    @declared_attr
    def requested_by(cls):
        return relationship("User", lazy="joined")

    @property
    def is_pending(self) -> bool:
        return self.status in self.PENDING


class TenantExport(ExportColumns, TenantOwned, db.Model):
    """An export of one tenant's data (orders, its dashboard), seen only in its scope."""

    __tablename__ = "tenant_export"


class BaseExport(ExportColumns, PlatformRow, db.Model):
    """An export of the base console (the global dashboard, exposure), for base operators."""

    __tablename__ = "base_export"
