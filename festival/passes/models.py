"""Season and multi-visit passes, and the nights their holders visit.

A pass is bought like a ticket (a ticket type of category "pass"); each further visit is a
zero-price order of channel "pass" with one ordinary ticket, so the gate, the PDFs, the
dashboards and the refunds treat it as any other ticket. "A pass admits once per night" is the
UNIQUE (pass_id, night) of ``pass_visit``; the entries left of a multi-visit pass only change
through one conditional UPDATE (``visits_left > 0``), never read-then-write.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.core.db import TenantOwned, UTCDateTime, db, utcnow


class Pass(TenantOwned, db.Model):
    """One holder's pass for one exhibition's season; its secret link is the holder's key."""

    __tablename__ = "visitor_pass"
    __table_args__ = (
        UniqueConstraint("tenant_id", "code"),
        CheckConstraint("visits_left IS NULL OR visits_left >= 0", name="visits_not_negative"),
    )

    ACTIVE = "active"
    VOID = "void"  # voided by staff: no further reservations
    STATUSES = (ACTIVE, VOID)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12))  # what the holder quotes: "K7Q2-M9XD"
    secret: Mapped[str] = mapped_column(String(64), unique=True)  # the pass page link
    exhibition_id: Mapped[int] = mapped_column(ForeignKey("exhibition.id", ondelete="CASCADE"),
                                               index=True)
    ticket_type_id: Mapped[int] = mapped_column(ForeignKey("ticket_type.id", ondelete="RESTRICT"))
    # The purchase: the order and the ticket of the first visit (unique: one pass per ticket).
    order_id: Mapped[int] = mapped_column(ForeignKey("ticket_order.id", ondelete="CASCADE"), index=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), unique=True)
    holder_name: Mapped[str] = mapped_column(String(160))
    email: Mapped[str] = mapped_column(String(254))
    locale: Mapped[str] = mapped_column(String(10))
    persons: Mapped[int] = mapped_column(Integer)  # places each visit takes in its slot
    visits_total: Mapped[int | None] = mapped_column(Integer)  # None: a season pass
    visits_left: Mapped[int | None] = mapped_column(Integer)
    valid_until: Mapped[date] = mapped_column(Date)  # the last night of the season
    status: Mapped[str] = mapped_column(String(8), default=ACTIVE)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    exhibition = relationship("Exhibition")
    ticket_type = relationship("TicketType")
    ticket = relationship("Ticket")
    visits: Mapped[list[PassVisit]] = relationship(back_populates="pass_", order_by="PassVisit.night",
                                                   viewonly=True)

    @property
    def is_season_pass(self) -> bool:
        return self.visits_total is None


class PassVisit(TenantOwned, db.Model):
    """A night a pass holder comes, with the order and the ticket that admit them."""

    __tablename__ = "pass_visit"
    __table_args__ = (
        # A pass admits once per night: the database refuses a second visit of the same night.
        UniqueConstraint("pass_id", "night"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # No index of its own: the unique (pass_id, night) serves the lookups by pass.
    pass_id: Mapped[int] = mapped_column(ForeignKey("visitor_pass.id", ondelete="CASCADE"))
    night: Mapped[date] = mapped_column(Date)
    order_id: Mapped[int] = mapped_column(ForeignKey("ticket_order.id", ondelete="CASCADE"), index=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    pass_: Mapped[Pass] = relationship(back_populates="visits")
    order = relationship("Order")
    ticket = relationship("Ticket")
