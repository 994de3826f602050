"""Ticket sales: entry slots, ticket types, vouchers, orders and the tickets they issue."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.core.db import TenantOwned, UTCDateTime, db, utcnow

Money = Numeric(12, 2)
Rate = Numeric(5, 2)


class EntrySlot(TenantOwned, db.Model):
    """One night and start time of an exhibition: the quota ticket sales draw on, in persons."""

    __tablename__ = "entry_slot"
    __table_args__ = (
        UniqueConstraint("exhibition_id", "starts_at"),
        # The database refuses an oversold slot even if a code path forgets the conditional update.
        CheckConstraint("taken >= 0 AND taken <= capacity", name="within_capacity"),
        Index("ix_entry_slot_exhibition_night", "exhibition_id", "night"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    exhibition_id: Mapped[int] = mapped_column(ForeignKey("exhibition.id", ondelete="CASCADE"))
    night: Mapped[date] = mapped_column(Date)  # the calendar date on which the night opens
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    capacity: Mapped[int] = mapped_column(Integer)
    # Persons held by pending orders plus persons of paid orders.
    taken: Mapped[int] = mapped_column(Integer, default=0)
    # Closed by staff (weather, safety) or left over from an earlier plan: no new sales.
    is_closed: Mapped[bool] = mapped_column(Boolean, default=False)

    exhibition = relationship("Exhibition")

    @property
    def remaining(self) -> int:
        return max(self.capacity - self.taken, 0)


class TicketType(TenantOwned, db.Model):
    __tablename__ = "ticket_type"

    ADULT = "adult"
    CHILD = "child"
    CONCESSION = "concession"
    FAMILY = "family"
    VIP = "vip"
    PASS = "pass"  # noqa: S105  # nosec B105  # a season or multi-visit pass, not a secret
    CATEGORIES = (ADULT, CHILD, CONCESSION, FAMILY, VIP, PASS)

    id: Mapped[int] = mapped_column(primary_key=True)
    exhibition_id: Mapped[int] = mapped_column(ForeignKey("exhibition.id", ondelete="CASCADE"),
                                               index=True)
    names: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    category: Mapped[str] = mapped_column(String(16))
    price: Mapped[Decimal] = mapped_column(Money)
    vat_rate: Mapped[Decimal] = mapped_column(Rate, default=Decimal("0"))
    persons: Mapped[int] = mapped_column(Integer, default=1)
    sale_starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sale_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    min_per_order: Mapped[int] = mapped_column(Integer, default=0)
    max_per_order: Mapped[int] = mapped_column(Integer, default=10)
    position: Mapped[int] = mapped_column(Integer, default=0)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Passes only: entries a multi-visit pass gives in all; None: every night of the season.
    visits: Mapped[int | None] = mapped_column(Integer)

    def name(self, locale: str, fallback: str) -> str:
        return self.names.get(locale) or self.names.get(fallback) or next(
            iter(self.names.values()), self.category)

    def on_sale_at(self, now: datetime) -> bool:
        """Whether the sale window (if it has one) is open at ``now``."""
        starts, ends = self.sale_starts_at, self.sale_ends_at
        return (starts is None or starts <= now) and (ends is None or now <= ends)


class Voucher(TenantOwned, db.Model):
    __tablename__ = "voucher"
    __table_args__ = (
        UniqueConstraint("tenant_id", "code"),
        CheckConstraint("max_uses IS NULL OR used <= max_uses", name="within_uses"),
    )

    PERCENT = "percent"
    FIXED = "fixed"
    KINDS = (PERCENT, FIXED)

    id: Mapped[int] = mapped_column(primary_key=True)
    exhibition_id: Mapped[int] = mapped_column(ForeignKey("exhibition.id", ondelete="CASCADE"),
                                               index=True)
    code: Mapped[str] = mapped_column(String(40))  # stored upper-case
    kind: Mapped[str] = mapped_column(String(8))
    value: Mapped[Decimal] = mapped_column(Money)
    max_uses: Mapped[int | None] = mapped_column(Integer)
    used: Mapped[int] = mapped_column(Integer, default=0)
    valid_from: Mapped[datetime | None] = mapped_column(UTCDateTime)
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Empty: every ticket type of the exhibition.
    ticket_type_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class Order(TenantOwned, db.Model):
    __tablename__ = "ticket_order"
    __table_args__ = (
        UniqueConstraint("tenant_id", "code"),
        Index("ix_ticket_order_hold", "status", "expires_at"),
        Index("ix_ticket_order_email", "tenant_id", "email"),
    )

    PENDING = "pending"
    PAID = "paid"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    REFUNDED = "refunded"
    STATUSES = (PENDING, PAID, CANCELLED, EXPIRED, REFUNDED)
    # Which orders still hold places in their slot.
    HOLDING = (PENDING, PAID)

    ONLINE = "online"
    BOX_OFFICE = "box_office"
    API = "api"
    PASS = "pass"  # noqa: S105  # nosec B105  # a free entry a pass holder reserved
    GROUP = "group"  # a tour operator's block, paid by invoice (festival.groups)
    CHANNELS = (ONLINE, BOX_OFFICE, API, PASS, GROUP)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12))  # what the visitor quotes: "K7Q2-M9XD"
    secret: Mapped[str] = mapped_column(String(64), unique=True)  # the order page link
    exhibition_id: Mapped[int] = mapped_column(ForeignKey("exhibition.id", ondelete="CASCADE"),
                                               index=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("entry_slot.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(160))
    locale: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(12), default=PENDING)
    channel: Mapped[str] = mapped_column(String(12), default=ONLINE)
    # test, stripe, cash, card_on_site, invoice
    payment_method: Mapped[str] = mapped_column(String(16))
    currency: Mapped[str] = mapped_column(String(3))
    persons: Mapped[int] = mapped_column(Integer)  # places held in the slot
    subtotal: Mapped[Decimal] = mapped_column(Money)
    discount: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    total: Mapped[Decimal] = mapped_column(Money)
    tax_total: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    prices_include_vat: Mapped[bool] = mapped_column(Boolean, default=True)
    refunded_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    voucher_id: Mapped[int | None] = mapped_column(ForeignKey("voucher.id", ondelete="SET NULL"))
    receipt_number: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # Stripe Checkout: the session we created and, once paid, the payment intent.
    stripe_session_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    stripe_payment_intent: Mapped[str | None] = mapped_column(String(255))
    stripe_account: Mapped[str | None] = mapped_column(String(64))
    # The last confirmation mail: None (not sent yet), "sent", or the mail server's refusal.
    delivery_status: Mapped[str | None] = mapped_column(String(16))
    delivery_error: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text, default="")

    exhibition = relationship("Exhibition")
    slot: Mapped[EntrySlot] = relationship()
    voucher: Mapped[Voucher | None] = relationship()
    lines: Mapped[list[OrderLine]] = relationship(back_populates="order", order_by="OrderLine.id",
                                                  cascade="all, delete-orphan")
    tickets: Mapped[list[Ticket]] = relationship(back_populates="order", order_by="Ticket.id",
                                                 viewonly=True)
    payments: Mapped[list[Payment]] = relationship(back_populates="order",
                                                   order_by="Payment.id", viewonly=True)

    @property
    def amount_paid(self) -> Decimal:
        return sum((p.amount for p in self.payments if p.kind == Payment.CHARGE), Decimal("0"))


class OrderLine(TenantOwned, db.Model):
    """One ticket type in an order, with the prices and tax as they were sold."""

    __tablename__ = "order_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("ticket_order.id", ondelete="CASCADE"), index=True)
    ticket_type_id: Mapped[int] = mapped_column(ForeignKey("ticket_type.id", ondelete="RESTRICT"),
                                                index=True)
    quantity: Mapped[int] = mapped_column(Integer)
    persons_each: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[Decimal] = mapped_column(Money)
    discount: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    total: Mapped[Decimal] = mapped_column(Money)  # after discount, as charged
    vat_rate: Mapped[Decimal] = mapped_column(Rate)
    tax: Mapped[Decimal] = mapped_column(Money)

    order: Mapped[Order] = relationship(back_populates="lines")
    ticket_type: Mapped[TicketType] = relationship()


class Ticket(TenantOwned, db.Model):
    """One admission; the unique (line, seat) pair makes a second issue of a paid position fail."""

    __tablename__ = "ticket"
    __table_args__ = (
        UniqueConstraint("order_line_id", "seat"),
        UniqueConstraint("code"),
    )

    VALID = "valid"
    USED = "used"
    VOID = "void"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("ticket_order.id", ondelete="CASCADE"), index=True)
    order_line_id: Mapped[int] = mapped_column(ForeignKey("order_line.id", ondelete="CASCADE"))
    seat: Mapped[int] = mapped_column(Integer)  # 1..quantity within its line
    ticket_type_id: Mapped[int] = mapped_column(ForeignKey("ticket_type.id", ondelete="RESTRICT"))
    slot_id: Mapped[int] = mapped_column(ForeignKey("entry_slot.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    persons: Mapped[int] = mapped_column(Integer)
    holder_name: Mapped[str] = mapped_column(String(160), default="")
    status: Mapped[str] = mapped_column(String(8), default=VALID)
    price: Mapped[Decimal] = mapped_column(Money)  # its share of the line total, for refunds
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set by the one conditional update that admits the ticket at a gate (festival.checkin).
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    used_gate_id: Mapped[int | None] = mapped_column(ForeignKey("gate.id", ondelete="SET NULL"))

    order: Mapped[Order] = relationship(back_populates="tickets")
    ticket_type: Mapped[TicketType] = relationship()
    slot: Mapped[EntrySlot] = relationship()


class Payment(TenantOwned, db.Model):
    """Money in or out of an order: a charge or a refund, with the provider's reference."""

    __tablename__ = "payment"
    __table_args__ = (UniqueConstraint("provider", "reference"),)

    CHARGE = "charge"
    REFUND = "refund"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("ticket_order.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    provider: Mapped[str] = mapped_column(String(16))  # test, stripe, cash, card_on_site
    reference: Mapped[str] = mapped_column(String(255))
    amount: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    order: Mapped[Order] = relationship(back_populates="payments")


class ReceiptCounter(TenantOwned, db.Model):
    """Receipt numbers run per tenant and year without gaps: 2026-000001, 2026-000002…"""

    __tablename__ = "receipt_counter"
    __table_args__ = (UniqueConstraint("tenant_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    last_number: Mapped[int] = mapped_column(Integer, default=0)
