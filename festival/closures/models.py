"""Tables of festival.closures: a closed night (or some of its slots) and, per affected order,
the visitor's one decision behind a personal link."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.core.db import TenantOwned, UTCDateTime, db, utcnow
from festival.ticketing.models import Money


class Closure(TenantOwned, db.Model):
    """A night (or some of its entry slots) closed for weather or safety, with what visitors
    are offered instead."""

    __tablename__ = "closure"

    REBOOK = "rebook"
    CREDIT = "credit"
    REFUND = "refund"
    CHOICE = "choice"  # the visitor chooses one of the three
    OFFERS = (CHOICE, REBOOK, CREDIT, REFUND)

    id: Mapped[int] = mapped_column(primary_key=True)
    exhibition_id: Mapped[int] = mapped_column(ForeignKey("exhibition.id", ondelete="CASCADE"),
                                               index=True)
    night: Mapped[date] = mapped_column(Date)
    slot_ids: Mapped[list[int]] = mapped_column(JSON, default=list)  # the entry slots closed
    reason: Mapped[str] = mapped_column(Text)
    offer: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    reminders: Mapped[int] = mapped_column(Integer, default=0)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    exhibition = relationship("Exhibition")

    @property
    def decisions(self) -> tuple[str, ...]:
        """What a visitor may decide under this closure's offer."""
        everything = (ClosureOrder.REBOOKED, ClosureOrder.CREDITED, ClosureOrder.REFUNDED)
        return everything if self.offer == self.CHOICE else (OFFER_DECISION[self.offer],)


class ClosureOrder(TenantOwned, db.Model):
    """One affected order of a closure: its secret link and the visitor's decision, made once
    (one conditional UPDATE from undecided)."""

    __tablename__ = "closure_order"
    __table_args__ = (UniqueConstraint("closure_id", "order_id"),)

    UNDECIDED = "undecided"
    REBOOKED = "rebooked"
    CREDITED = "credited"
    REFUNDED = "refunded"
    DECISIONS = (UNDECIDED, REBOOKED, CREDITED, REFUNDED)

    id: Mapped[int] = mapped_column(primary_key=True)
    closure_id: Mapped[int] = mapped_column(ForeignKey("closure.id", ondelete="CASCADE"), index=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("ticket_order.id", ondelete="CASCADE"), index=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)  # the visitor's personal link
    decision: Mapped[str] = mapped_column(String(10), default=UNDECIDED)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    new_slot_id: Mapped[int | None] = mapped_column(ForeignKey("entry_slot.id", ondelete="SET NULL"))
    voucher_id: Mapped[int | None] = mapped_column(ForeignKey("voucher.id", ondelete="SET NULL"))
    amount: Mapped[Decimal | None] = mapped_column(Money)  # the credit's or the refund's value

    closure: Mapped[Closure] = relationship()
    order = relationship("Order")
    voucher = relationship("Voucher")


OFFER_DECISION = {Closure.REBOOK: ClosureOrder.REBOOKED, Closure.CREDIT: ClosureOrder.CREDITED,
                  Closure.REFUND: ClosureOrder.REFUNDED}
