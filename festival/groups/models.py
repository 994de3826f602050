"""Tables of festival.groups: tour operators, their group blocks (each one invoice) and the
per-tenant, per-year invoice counter."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.core.db import TenantOwned, UTCDateTime, db, utcnow
from festival.ticketing.models import Order


class TourOperator(TenantOwned, db.Model):
    """A travel company that books blocks of tickets for its groups and pays by invoice."""

    __tablename__ = "tour_operator"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_name: Mapped[str] = mapped_column(String(160))
    contact_name: Mapped[str] = mapped_column(String(160), default="")
    email: Mapped[str] = mapped_column(String(254))
    locale: Mapped[str] = mapped_column(String(10))  # its mails, pages and invoices
    address: Mapped[str] = mapped_column(Text, default="")
    tax_id: Mapped[str] = mapped_column(String(40), default="")
    payment_terms_days: Mapped[int] = mapped_column(Integer, default=30)
    # The secret of its portal link (/<tenant>/operator/<token>/): the link is the credential.
    token: Mapped[str] = mapped_column(String(64), unique=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class GroupBlock(TenantOwned, db.Model):
    """A block of tickets booked by a tour operator: one order paid by one numbered invoice.

    Open until staff record the transfer (paid) or, unpaid after its reminder and the tenant's
    grace days, released: tickets voided and places returned.
    """

    __tablename__ = "group_block"
    __table_args__ = (
        UniqueConstraint("tenant_id", "invoice_number"),
        Index("ix_group_block_status_due_on", "status", "due_on"),
    )

    OPEN = "open"
    PAID = "paid"
    RELEASED = "released"
    STATUSES = (OPEN, PAID, RELEASED)

    id: Mapped[int] = mapped_column(primary_key=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("tour_operator.id", ondelete="CASCADE"),
                                             index=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("ticket_order.id", ondelete="CASCADE"), unique=True)
    reference: Mapped[str] = mapped_column(String(120), default="")  # the operator's name for the group
    invoice_number: Mapped[str] = mapped_column(String(20))  # 2026-0001, per tenant and year
    issued_on: Mapped[date] = mapped_column(Date)  # in the tenant's timezone
    due_on: Mapped[date] = mapped_column(Date)  # issued_on + the operator's payment terms
    status: Mapped[str] = mapped_column(String(10), default=OPEN)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paid_on: Mapped[date | None] = mapped_column(Date)  # the transfer's date, as staff read it
    payment_reference: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    operator: Mapped[TourOperator] = relationship()
    order: Mapped[Order] = relationship()


class InvoiceCounter(TenantOwned, db.Model):
    """Invoice numbers run per tenant and year without gaps: 2026-0001, 2026-0002…"""

    __tablename__ = "invoice_counter"
    __table_args__ = (UniqueConstraint("tenant_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    last_number: Mapped[int] = mapped_column(Integer, default=0)
