"""Tour operators and their group blocks: the rules, callable from the portals and the job.

A block is an ordinary order (channel ``group``, paid by ``invoice``) whose places are taken by
the same conditional UPDATE as any sale. Its hold has no expiry (``expires_at`` NULL is never
picked by ``release_expired_holds``): the block lives by its invoice instead. The tickets are
issued at booking, so the group can be sent its PDF and visit before the invoice is due; they
are counted in the sales figures then (revenue 0) and the money once, when staff record the
transfer. An unpaid block past its due date is reminded once and, still unpaid the tenant's
``group_release_days`` later, released: order cancelled, places back, tickets void.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from festival.accounts.models import User
from festival.audit.services import record_event
from festival.core.db import db, utcnow
from festival.core.errors import DomainError, NotFound, refusal
from festival.core.i18n import LOCALES
from festival.groups.models import GroupBlock, InvoiceCounter, TourOperator
from festival.tenants.models import Tenant
from festival.ticketing import orders
from festival.ticketing.models import Order, Ticket
from festival.ticketing.sales_counts import count_refund, count_sale

INVOICE = "invoice"  # the orders' payment method and the payments' provider
MAX_TERMS_DAYS = 180
MAX_RELEASE_DAYS = 60
TOKEN = re.compile(r"[A-Za-z0-9_-]{32,64}")

MESSAGES = {
    "company": _l("Enter the company's name (at most 160 characters)."),
    "contact": _l("Enter a contact name of at most 160 characters."),
    "locale": _l("Choose one of the languages offered."),
    "address": _l("Enter an address of at most 1000 characters."),
    "tax_id": _l("Enter a tax number of at most 40 characters."),
    "terms": _l("Payment terms are a whole number of days from 0 to %(max)s.", max=MAX_TERMS_DAYS),
    "release_days": _l("The grace after a reminder is a whole number of days from 0 to %(max)s.",
                       max=MAX_RELEASE_DAYS),
    "reference": _l("Enter a group reference of at most 120 characters."),
    "inactive": _l("This tour operator's account is closed. Please contact the organiser."),
    "link": _l("This link is not valid. Use the link in the organiser's email."),
    "not_open": _l("This invoice is not open any more: it was paid or released."),
    "released": _l("This block was released: its tickets no longer admit anyone."),
    "amount": _l("The amount must be the invoice total, %(total)s."),
    "bank_reference": _l("Enter the transfer's reference (at most 120 characters)."),
    "paid_on_future": _l("The transfer's date cannot be in the future."),
    "paid_on_early": _l("The transfer's date cannot be before the invoice date."),
    "holder": _l("A visitor's name has at most 160 characters."),
    "unknown_ticket": _l("This ticket is not part of the block."),
}


def _fail(key: str, status: int = 400, **values) -> DomainError:
    return refusal(MESSAGES, key, status, **values)


def local_today(tenant: Tenant, now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(ZoneInfo(tenant.timezone)).date()


# --- tour operators ----------------------------------------------------------------------------

@dataclass
class OperatorSpec:
    """What staff type about a tour operator."""

    company_name: str
    email: str
    locale: str
    contact_name: str = ""
    address: str = ""
    tax_id: str = ""
    payment_terms_days: int = 30
    is_active: bool = True


def _checked(spec: OperatorSpec) -> dict:
    company = (spec.company_name or "").strip()
    if not company or len(company) > 160:
        raise _fail("company")
    contact = (spec.contact_name or "").strip()
    if len(contact) > 160:
        raise _fail("contact")
    if spec.locale not in LOCALES:
        raise _fail("locale")
    address, tax_id = (spec.address or "").strip(), (spec.tax_id or "").strip()
    if len(address) > 1000:
        raise _fail("address")
    if len(tax_id) > 40:
        raise _fail("tax_id")
    terms = spec.payment_terms_days
    if isinstance(terms, bool) or not isinstance(terms, int) or not 0 <= terms <= MAX_TERMS_DAYS:
        raise _fail("terms")
    return {"company_name": company, "contact_name": contact, "email": orders.normalize_email(spec.email),
            "locale": spec.locale, "address": address, "tax_id": tax_id, "payment_terms_days": terms,
            "is_active": bool(spec.is_active)}


def register_operator(tenant: Tenant, spec: OperatorSpec, actor: User | None) -> TourOperator:
    """Register a tour operator and email it the link to its booking pages."""
    from festival.groups.notify import send_operator_link

    operator = TourOperator(tenant_id=tenant.id, token=secrets.token_urlsafe(32), **_checked(spec))
    db.session.add(operator)
    db.session.flush()
    record_event("festival.groups.operator.registered", actor=actor, operator=operator.id,
                 company=operator.company_name)
    send_operator_link(operator, tenant)
    return operator


def update_operator(tenant: Tenant, operator: TourOperator, spec: OperatorSpec,
                    actor: User | None) -> None:
    """Change an operator's details; a new address is sent the link again."""
    from festival.groups.notify import send_operator_link

    values = _checked(spec)
    moved = values["email"] != operator.email
    for key, value in values.items():
        setattr(operator, key, value)
    db.session.flush()
    record_event("festival.groups.operator.updated", actor=actor, operator=operator.id)
    if moved and operator.is_active:
        send_operator_link(operator, tenant)


def operator_by_token(token: str) -> TourOperator:
    """The open tenant's active operator whose link this is; anything else is not found."""
    operator = None
    if TOKEN.fullmatch(token or ""):
        operator = db.session.scalar(select(TourOperator).where(TourOperator.token == token))
    if operator is None:
        raise NotFound(str(MESSAGES["link"]))
    if not operator.is_active:
        raise _fail("inactive", 403)
    return operator


def update_legal_details(tenant: Tenant, legal_address: str, tax_id: str, release_days: int,
                         actor: User | None) -> None:
    """The seller's details printed on invoices, and the grace before an unpaid block is released."""
    legal_address, tax_id = (legal_address or "").strip(), (tax_id or "").strip()
    if len(legal_address) > 1000:
        raise _fail("address")
    if len(tax_id) > 40:
        raise _fail("tax_id")
    if isinstance(release_days, bool) or not isinstance(release_days, int) \
            or not 0 <= release_days <= MAX_RELEASE_DAYS:
        raise _fail("release_days")
    tenant.legal_address, tenant.tax_id, tenant.group_release_days = legal_address, tax_id, release_days
    db.session.flush()
    record_event("festival.groups.invoice_details.updated", actor=actor)


# --- booking a block ---------------------------------------------------------------------------

@dataclass
class BlockRequest:
    slot_id: int
    quantities: dict[int, int]
    reference: str = ""


def book_block(tenant: Tenant, operator: TourOperator, request: BlockRequest,
               now: datetime | None = None) -> GroupBlock:
    """Hold the places, issue the tickets and the numbered invoice; mail both to the operator."""
    from festival.groups.notify import send_block_booked

    now = now or utcnow()
    if not operator.is_active:
        raise _fail("inactive", 403)
    reference = (request.reference or "").strip()
    if len(reference) > 120:
        raise _fail("reference")
    order = orders.create_order(tenant, orders.OrderRequest(
        slot_id=request.slot_id, quantities=request.quantities, email=operator.email,
        name=operator.company_name, locale=operator.locale, channel=Order.GROUP,
        payment_method=INVOICE, per_order_limits=False), now=now)
    order.expires_at = None  # held until paid or released by the invoice's rules, not by the clock
    count_sale(order, orders.issue_tickets(order, tenant), Decimal("0"))
    issued = local_today(tenant, now)
    number = orders.next_yearly_number(InvoiceCounter, tenant.id, issued.year)
    block = GroupBlock(tenant_id=tenant.id, operator_id=operator.id, order_id=order.id,
                       reference=reference, invoice_number=f"{issued.year}-{number:04d}",
                       issued_on=issued, due_on=issued + timedelta(days=operator.payment_terms_days),
                       status=GroupBlock.OPEN, created_at=now)
    db.session.add(block)
    db.session.flush()
    record_event("festival.groups.block.booked", operator=operator.id, order=order.code,
                 invoice=block.invoice_number, persons=order.persons, total=str(order.total))
    send_block_booked(block, tenant)
    return block


def blocks_of(operator: TourOperator) -> list[GroupBlock]:
    return list(db.session.scalars(select(GroupBlock).where(GroupBlock.operator_id == operator.id)
                                   .order_by(GroupBlock.id.desc())))


def operator_block(operator: TourOperator, block_id: int) -> GroupBlock:
    """One of this operator's blocks; another's is not found."""
    block = db.session.get(GroupBlock, block_id)
    if block is None or block.operator_id != operator.id:
        raise NotFound(str(_l("This block does not exist.")))
    return block


def name_visitors(block: GroupBlock, names: dict[int, str]) -> int:
    """Put the visitors' names on the block's tickets (an empty name: the operator's); how many
    changed. The names print on the group's PDF."""
    if block.status == GroupBlock.RELEASED:
        raise _fail("released", 409)
    tickets = {t.id: t for t in orders.tickets_of(block.order) if t.status != Ticket.VOID}
    cleaned = {}
    for ticket_id, name in names.items():
        if ticket_id not in tickets:
            raise _fail("unknown_ticket")
        name = " ".join((name or "").split())
        if len(name) > 160:
            raise _fail("holder")
        cleaned[ticket_id] = name or block.order.name
    changed = 0
    for ticket_id, name in cleaned.items():
        if tickets[ticket_id].holder_name != name:
            tickets[ticket_id].holder_name = name
            changed += 1
    db.session.flush()
    return changed


# --- paying the invoice ------------------------------------------------------------------------

@dataclass
class TransferRecord:
    """A bank transfer as staff read it on the statement."""

    amount: Decimal
    reference: str
    paid_on: date


def settle_block(tenant: Tenant, block: GroupBlock, transfer: TransferRecord, actor: User | None,
                 now: datetime | None = None) -> None:
    """Record the transfer that pays the invoice: the order is paid, its money counted once."""
    from festival.core.i18n import format_money

    now = now or utcnow()
    order = block.order
    if block.status != GroupBlock.OPEN:
        raise _fail("not_open", 409)
    bank_reference = (transfer.reference or "").strip()
    if not bank_reference or len(bank_reference) > 120:
        raise _fail("bank_reference")
    if transfer.amount != order.total:
        raise _fail("amount", total=format_money(order.total, order.currency))
    if transfer.paid_on > local_today(tenant, now):
        raise _fail("paid_on_future")
    if transfer.paid_on < block.issued_on:
        raise _fail("paid_on_early")
    if not orders.mark_paid(order, now):
        raise _fail("not_open", 409)  # released or paid by someone else a moment ago
    # The payment's reference is unique platform-wide: the tenant and the invoice make it so.
    orders.record_payment(order, tenant, INVOICE, f"{tenant.slug}/{block.invoice_number}",
                          transfer.amount, actor, now)
    count_sale(order, [], transfer.amount)  # the tickets were counted when issued
    block.status, block.paid_on, block.payment_reference = GroupBlock.PAID, transfer.paid_on, bank_reference
    db.session.flush()
    record_event("festival.groups.block.paid", actor=actor, invoice=block.invoice_number,
                 amount=str(transfer.amount), reference=bank_reference)


# --- reminders and releases (the periodic job) -------------------------------------------------

def _claim(block: GroupBlock, **values) -> bool:
    """Change an open block once: the conditional UPDATE lets one of two concurrent runs do it."""
    where = [GroupBlock.id == block.id, GroupBlock.status == GroupBlock.OPEN]
    if "reminded_at" in values:
        where.append(GroupBlock.reminded_at.is_(None))
    changed = db.session.execute(update(GroupBlock).where(*where).values(**values)
                                 .execution_options(synchronize_session=False)).rowcount
    db.session.refresh(block)
    return bool(changed)


def remind_block(tenant: Tenant, block: GroupBlock, now: datetime) -> bool:
    """The one reminder of an overdue invoice; False when it was sent already."""
    from festival.groups.notify import send_reminder

    if not _claim(block, reminded_at=now):
        return False
    send_reminder(block, tenant)
    record_event("festival.groups.block.reminded", invoice=block.invoice_number)
    return True


def release_block(tenant: Tenant, block: GroupBlock, now: datetime) -> bool:
    """Release an unpaid block: order cancelled, places back, tickets void; both sides told."""
    from festival.groups.notify import send_released

    if not _claim(block, status=GroupBlock.RELEASED, released_at=now):
        return False
    order = block.order
    orders.cancel_pending(order, now)  # the places and any voucher use go back here
    voided = [t for t in orders.tickets_of(order) if t.status == Ticket.VALID]
    for ticket in voided:
        ticket.status, ticket.voided_at = Ticket.VOID, now
    count_refund(order, voided, Decimal("0"))  # nothing was paid: only the tickets go back
    db.session.flush()
    record_event("festival.groups.block.released", invoice=block.invoice_number, tickets=len(voided))
    send_released(block, tenant)
    return True


def remind_and_release(tenant: Tenant, now: datetime | None = None) -> tuple[int, int]:
    """In the open tenant's scope: remind the blocks past their due date, release those still
    unpaid ``group_release_days`` after their reminder. Returns (reminded, released)."""
    now = now or utcnow()
    today = local_today(tenant, now)
    overdue = list(db.session.scalars(select(GroupBlock).where(
        GroupBlock.status == GroupBlock.OPEN, GroupBlock.due_on < today).order_by(GroupBlock.id)))
    grace = timedelta(days=tenant.group_release_days)
    reminded = released = 0
    for block in overdue:
        if block.reminded_at is None:
            reminded += remind_block(tenant, block, now)
        elif block.reminded_at + grace <= now:
            released += release_block(tenant, block, now)
    return reminded, released
