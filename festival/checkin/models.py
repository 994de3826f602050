"""Gates, the scans made at them, and the entry counts maintained as tickets are admitted."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.core.db import TenantOwned, UTCDateTime, db, utcnow


class Gate(TenantOwned, db.Model):
    """An entrance of an exhibition where staff scan tickets."""

    __tablename__ = "gate"
    __table_args__ = (UniqueConstraint("tenant_id", "exhibition_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exhibition_id: Mapped[int] = mapped_column(ForeignKey("exhibition.id", ondelete="CASCADE"),
                                               index=True)
    name: Mapped[str] = mapped_column(String(80))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CheckIn(TenantOwned, db.Model):
    """One scan at one gate: what was shown, when, by which device, and what the gate answered.

    Forged payloads and other tenants' payloads are refused before any database access, so
    they never become rows. A queued offline scan is the same scan when it comes again (same
    device, ticket and device time): the unique constraint makes a re-sent batch a no-op.
    """

    __tablename__ = "check_in"
    __table_args__ = (
        Index("ix_check_in_exhibition_night", "exhibition_id", "night"),
        UniqueConstraint("tenant_id", "device", "ticket_id", "scanned_at"),
    )

    ADMITTED = "admitted"
    ALREADY_USED = "already_used"
    WRONG_SLOT = "wrong_slot"
    VOID = "void"
    UNKNOWN = "unknown"
    CONFLICT = "conflict"
    RESULTS = (ADMITTED, ALREADY_USED, WRONG_SLOT, VOID, UNKNOWN, CONFLICT)

    id: Mapped[int] = mapped_column(primary_key=True)
    exhibition_id: Mapped[int] = mapped_column(ForeignKey("exhibition.id", ondelete="CASCADE"))
    gate_id: Mapped[int] = mapped_column(ForeignKey("gate.id", ondelete="CASCADE"), index=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"),
                                                  index=True)
    slot_id: Mapped[int | None] = mapped_column(ForeignKey("entry_slot.id", ondelete="SET NULL"))
    device: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    scanned_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the device's clock
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    result: Mapped[str] = mapped_column(String(16))
    persons: Mapped[int] = mapped_column(Integer, default=0)  # admitted by this scan
    offline: Mapped[bool] = mapped_column(Boolean, default=False)
    night: Mapped[date] = mapped_column(Date)  # the local festival night it counts toward

    gate: Mapped[Gate] = relationship()


class EntryCount(TenantOwned, db.Model):
    """Persons and tickets admitted per night, slot and gate: kept up to date by each admission,
    so live counts and reports never scan check_in."""

    __tablename__ = "entry_count"
    __table_args__ = (
        UniqueConstraint("tenant_id", "exhibition_id", "night", "slot_id", "gate_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    exhibition_id: Mapped[int] = mapped_column(ForeignKey("exhibition.id", ondelete="CASCADE"))
    night: Mapped[date] = mapped_column(Date)
    slot_id: Mapped[int] = mapped_column(ForeignKey("entry_slot.id", ondelete="CASCADE"))
    gate_id: Mapped[int] = mapped_column(ForeignKey("gate.id", ondelete="CASCADE"))
    persons: Mapped[int] = mapped_column(Integer, default=0)
    tickets: Mapped[int] = mapped_column(Integer, default=0)
