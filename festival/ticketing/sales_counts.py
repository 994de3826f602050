"""The maintained sales figures: one row per (exhibition, night, currency), updated in the
payment's and the refund's own transaction by one upsert, so the dashboards never scan orders.

``recount_sales`` rebuilds them from the raw orders, tickets and payments (a test compares
both; also the repair tool, and how the benchmark builds them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import (
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
    case,
    delete,
    func,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column

from festival.core.db import TenantOwned, db
from festival.core.rows import insert_rows, upsert_add
from festival.ticketing.models import EntrySlot, Order, Payment, Ticket

Total = Numeric(16, 2)  # a season's sum of order totals
ZERO = Decimal("0")


class SalesCount(TenantOwned, db.Model):
    """Tickets issued and money taken for one night of an exhibition, and what was refunded."""

    __tablename__ = "sales_count"
    __table_args__ = (UniqueConstraint("tenant_id", "exhibition_id", "night", "currency"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exhibition_id: Mapped[int] = mapped_column(ForeignKey("exhibition.id", ondelete="CASCADE"))
    night: Mapped[date] = mapped_column(Date)  # the night of the tickets' entry slot
    currency: Mapped[str] = mapped_column(String(3))
    tickets: Mapped[int] = mapped_column(Integer, default=0)
    persons: Mapped[int] = mapped_column(Integer, default=0)
    revenue: Mapped[Decimal] = mapped_column(Total, default=ZERO)
    refunded_tickets: Mapped[int] = mapped_column(Integer, default=0)
    refunded_persons: Mapped[int] = mapped_column(Integer, default=0)
    refunded: Mapped[Decimal] = mapped_column(Total, default=ZERO)


Key = tuple[int, date, str]  # (exhibition_id, night, currency)


@dataclass(frozen=True)
class SalesFigures:
    tickets: int = 0
    persons: int = 0
    revenue: Decimal = ZERO
    refunded_tickets: int = 0
    refunded_persons: int = 0
    refunded: Decimal = ZERO


def _add(order: Order, night: date, **increments) -> None:
    upsert_add(SalesCount, {"tenant_id": order.tenant_id, "exhibition_id": order.exhibition_id,
                            "night": night, "currency": order.currency}, increments)


def count_sale(order: Order, tickets: list[Ticket], amount: Decimal) -> None:
    """Count a paid order's tickets and payment (called by ``orders.confirm_payment``)."""
    _add(order, order.slot.night, tickets=len(tickets), persons=sum(t.persons for t in tickets),
         revenue=amount)


def count_refund(order: Order, tickets: list[Ticket], amount: Decimal) -> None:
    """Count refunded tickets and money (called by ``orders.refund_tickets``)."""
    _add(order, order.slot.night, refunded_tickets=len(tickets),
         refunded_persons=sum(t.persons for t in tickets), refunded=amount)


def count_move(order: Order, tickets: list[Ticket], old_night: date, new_night: date) -> None:
    """Move a moved order's figures to its new night (called by ``moves.move_order``): its moved
    tickets, and all its money, which ``sales_from_orders`` counts on the order's own night.
    Void tickets stay on the night they were refunded from, as their slot does."""
    if old_night == new_night:
        return
    money = {name: db.session.scalar(select(func.coalesce(func.sum(Payment.amount), ZERO)).where(
        Payment.order_id == order.id, Payment.kind == kind))
        for name, kind in (("revenue", Payment.CHARGE), ("refunded", Payment.REFUND))}
    moved = {"tickets": len(tickets), "persons": sum(t.persons for t in tickets), **money}
    _add(order, old_night, **{name: -value for name, value in moved.items()})
    _add(order, new_night, **moved)


def maintained_sales(exhibition_ids: list[int] | None = None) -> dict[Key, SalesFigures]:
    """The maintained figures within the open scope."""
    query = select(SalesCount)
    if exhibition_ids is not None:
        query = query.where(SalesCount.exhibition_id.in_(exhibition_ids))
    return {(row.exhibition_id, row.night, row.currency): SalesFigures(
        row.tickets, row.persons, Decimal(row.revenue), row.refunded_tickets, row.refunded_persons,
        Decimal(row.refunded)) for row in db.session.scalars(query)}


def sales_from_orders(exhibition_ids: list[int] | None = None) -> dict[Key, SalesFigures]:
    """The same figures counted from the raw tickets and payments (slow: tests and repairs)."""
    void = Ticket.status == Ticket.VOID
    tickets = (select(Order.exhibition_id, EntrySlot.night, Order.currency, func.count(Ticket.id),
                      func.sum(Ticket.persons), func.count(case((void, 1))),
                      func.coalesce(func.sum(case((void, Ticket.persons))), 0))
               .join(Order, Order.id == Ticket.order_id).join(EntrySlot, EntrySlot.id == Ticket.slot_id)
               .group_by(Order.exhibition_id, EntrySlot.night, Order.currency))
    is_refund = Payment.kind == Payment.REFUND
    money = (select(Order.exhibition_id, EntrySlot.night, Order.currency,
                    func.sum(case((is_refund, ZERO), else_=Payment.amount)),
                    func.sum(case((is_refund, Payment.amount), else_=ZERO)))
             .join(Order, Order.id == Payment.order_id).join(EntrySlot, EntrySlot.id == Order.slot_id)
             .group_by(Order.exhibition_id, EntrySlot.night, Order.currency))
    if exhibition_ids is not None:
        tickets = tickets.where(Order.exhibition_id.in_(exhibition_ids))
        money = money.where(Order.exhibition_id.in_(exhibition_ids))
    counted = {(e, n, c): (int(t), int(p), int(rt), int(rp))
               for e, n, c, t, p, rt, rp in db.session.execute(tickets)}
    paid = {(e, n, c): (Decimal(r or 0), Decimal(f or 0)) for e, n, c, r, f in db.session.execute(money)}
    figures = {}
    for key in counted.keys() | paid.keys():
        t, p, rt, rp = counted.get(key, (0, 0, 0, 0))
        revenue, refunded = paid.get(key, (ZERO, ZERO))
        figures[key] = SalesFigures(t, p, revenue.quantize(Decimal("0.01")), rt, rp,
                                    refunded.quantize(Decimal("0.01")))
    return figures


def recount_sales(exhibition_ids: list[int] | None = None) -> dict[Key, SalesFigures]:
    """Replace the maintained figures within the open scope by a count of the raw rows.

    In a tenant scope it recounts that tenant; in a platform scope (CLI, bench) every tenant.
    """
    owner = select(Order.exhibition_id, Order.tenant_id).distinct()
    if exhibition_ids is not None:
        owner = owner.where(Order.exhibition_id.in_(exhibition_ids))
    tenants = dict(db.session.execute(owner).all())
    figures = sales_from_orders(exhibition_ids)
    statement = delete(SalesCount).execution_options(synchronize_session=False)
    if exhibition_ids is not None:
        statement = statement.where(SalesCount.exhibition_id.in_(exhibition_ids))
    db.session.execute(statement)
    rows = [{"tenant_id": tenants[exhibition_id], "exhibition_id": exhibition_id, "night": night,
             "currency": currency, **vars(f)} for (exhibition_id, night, currency), f in figures.items()]
    if rows:
        insert_rows(SalesCount, rows)
    db.session.flush()
    return figures
