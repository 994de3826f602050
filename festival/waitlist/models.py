"""Tables of festival.waitlist: a visitor's request for N places together on a sold-out night."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.core.db import TenantOwned, UTCDateTime, db, utcnow


class WaitingRequest(TenantOwned, db.Model):
    """One group on a night's waiting list, served in the order it joined.

    An offer holds ``persons`` places in ONE entry slot of the night (``slot_id``) until
    ``hold_expires_at``: the places are really taken in the slot, so nobody else can buy them.
    """

    __tablename__ = "waiting_request"
    __table_args__ = (
        CheckConstraint("persons >= 1", name="persons_positive"),
        # The night's list in order, and "does anyone wait for this night?" when places free up.
        Index("ix_waiting_request_night", "exhibition_id", "night", "status"),
        # Holds past their time, for the periodic sweep.
        Index("ix_waiting_request_hold", "status", "hold_expires_at"),
    )

    WAITING = "waiting"
    OFFERED = "offered"  # places held for the group until hold_expires_at
    FULFILLED = "fulfilled"  # the hold became an order
    LAPSED = "lapsed"  # the hold ran out unused: its places passed on
    WITHDRAWN = "withdrawn"
    STATUSES = (WAITING, OFFERED, FULFILLED, LAPSED, WITHDRAWN)
    ACTIVE = (WAITING, OFFERED)

    id: Mapped[int] = mapped_column(primary_key=True)
    exhibition_id: Mapped[int] = mapped_column(ForeignKey("exhibition.id", ondelete="CASCADE"))
    night: Mapped[date] = mapped_column(Date)  # the calendar date on which the night opens
    persons: Mapped[int] = mapped_column(Integer)
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(160))
    locale: Mapped[str] = mapped_column(String(10))
    secret: Mapped[str] = mapped_column(String(64), unique=True)  # the request page link
    status: Mapped[str] = mapped_column(String(12), default=WAITING)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    slot_id: Mapped[int | None] = mapped_column(ForeignKey("entry_slot.id", ondelete="SET NULL"))
    offered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hold_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("ticket_order.id", ondelete="SET NULL"))

    exhibition = relationship("Exhibition")
    slot = relationship("EntrySlot")
    order = relationship("Order")

    def holds_places(self, now: datetime) -> bool:
        """Whether the offer still holds its places for the group at ``now``."""
        return (self.status == self.OFFERED and self.hold_expires_at is not None
                and self.hold_expires_at > now)
