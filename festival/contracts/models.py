"""Contracts of accepted bookings and their payment schedules: deposits and balances are B2B
transfers recorded with their bank references (Stripe does not serve mainland-China merchants)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.core.db import PartyShared, UTCDateTime, db, utcnow


class Contract(PartyShared, db.Model):
    __tablename__ = "contract"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("booking.id", ondelete="CASCADE"), unique=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)
    currency: Mapped[str] = mapped_column(String(3))
    total: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    deposit_percent: Mapped[int] = mapped_column(Integer, default=30)
    payment_terms: Mapped[str] = mapped_column(Text, default="")
    languages_csv: Mapped[str] = mapped_column("languages", String(40))  # "zh_Hans,en,fr"
    document_key: Mapped[str] = mapped_column(String(255))  # the PDF in the file store
    generated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    tenant_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    tenant_confirmed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    supplier_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    supplier_confirmed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))

    instalments: Mapped[list[PaymentInstalment]] = relationship(
        back_populates="contract", order_by="PaymentInstalment.due_on", cascade="all, delete-orphan")

    @property
    def languages(self) -> list[str]:
        return [code for code in self.languages_csv.split(",") if code]

    @property
    def confirmed(self) -> bool:
        return self.tenant_confirmed_at is not None and self.supplier_confirmed_at is not None


class PaymentInstalment(PartyShared, db.Model):
    """One due payment of a contract's schedule: the deposit or the balance."""

    __tablename__ = "payment_instalment"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    DEPOSIT = "deposit"
    BALANCE = "balance"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    due_on: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    currency: Mapped[str] = mapped_column(String(3))
    last_reminded_on: Mapped[date | None] = mapped_column(Date)

    contract: Mapped[Contract] = relationship(back_populates="instalments")
    transfers: Mapped[list[PaymentTransfer]] = relationship(
        back_populates="instalment", order_by="PaymentTransfer.paid_on", cascade="all, delete-orphan")

    @property
    def paid(self) -> Decimal:
        return sum((transfer.amount for transfer in self.transfers), Decimal("0"))

    @property
    def outstanding(self) -> Decimal:
        return max(self.amount - self.paid, Decimal("0"))


class PaymentTransfer(PartyShared, db.Model):
    """A bank transfer received against an instalment."""

    __tablename__ = "payment_transfer"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instalment_id: Mapped[int] = mapped_column(
        ForeignKey("payment_instalment.id", ondelete="CASCADE"), index=True)
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    currency: Mapped[str] = mapped_column(String(3))
    paid_on: Mapped[date] = mapped_column(Date)
    bank_reference: Mapped[str] = mapped_column(String(80))
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    instalment: Mapped[PaymentInstalment] = relationship(back_populates="transfers")
