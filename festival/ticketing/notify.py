"""Mail to visitors about their order, in their language, with the PDFs they need at the gate.

The confirmation's PDFs are rendered by the job worker when a queue is configured, else when
the mail is queued (inside the request that paid the order); the mail leaves only after that
request commits. Whether the mail server took it is written
back on the order afterwards in a short transaction of its own, since the request's unit of
work is over by then.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import update

from festival.core.db import db
from festival.core.i18n import format_local_date, format_money
from festival.core.mail import OutgoingMail, compose_mail, queue_composed_mail, queue_mail
from festival.core.scope import Scope, hand_scope_to_connection, tenant_scope
from festival.core.urls import external_url
from festival.documents.pdf import document_locale, visit_of
from festival.documents.receipt import render_receipt_pdf
from festival.documents.tickets import render_tickets_pdf
from festival.tenants.models import Tenant
from festival.ticketing.models import EntrySlot, Order, Ticket
from festival.ticketing.orders import tickets_of

PDF = "application/pdf"
SENT = "sent"
REFUSED = "refused"


def order_page_url(order: Order, tenant: Tenant) -> str:
    """The visitor's order page as a full address (mail, payment pages), also from a job."""
    return external_url("storefront.order_page", tenant_slug=tenant.slug, secret=order.secret)


@dataclass(frozen=True)
class TicketCount:
    quantity: int
    name: str


def _valid_counts(tickets: list[Ticket], tenant: Tenant, locale: str) -> list[TicketCount]:
    """How many valid tickets of each type, in the order they were sold."""
    counts = Counter(t.ticket_type_id for t in tickets if t.status != Ticket.VOID)
    types = {t.ticket_type_id: t.ticket_type for t in tickets}
    return [TicketCount(quantity, types[type_id].name(locale, tenant.default_locale))
            for type_id, quantity in counts.items()]


def record_delivery(order_id: int, tenant_id: int, status: str, error: str | None = None) -> None:
    """Write how the last confirmation mail went, in its own transaction.

    Runs after the request committed (mail leaves in an after-commit hook), so it cannot use
    the request's session; as a Core statement it is outside the ORM's tenant filter, so it
    names the tenant itself and hands the scope to row-level security on PostgreSQL.
    """
    table = Order.__table__
    with db.engine.begin() as conn:
        hand_scope_to_connection(conn, Scope(tenant_id=tenant_id))
        conn.execute(update(table).where(table.c.id == order_id, table.c.tenant_id == tenant_id)
                     .values(delivery_status=status, delivery_error=error[:2000] if error else None))


def _delivery_track(order: Order, tenant: Tenant) -> dict:
    # Plain ids as data: the ORM objects are expired by then, and the worker is another process.
    return {"callback": "festival.ticketing.notify:record_delivery", "args": [order.id, tenant.id]}


def _track_delivery(mail: OutgoingMail, order: Order, tenant: Tenant) -> None:
    mail.track = _delivery_track(order, tenant)


def confirmation_mail(order: Order, tenant: Tenant, to: str | None = None) -> OutgoingMail:
    """The confirmation with tickets.pdf and receipt.pdf attached, in the order's language."""
    locale = document_locale(order, tenant)
    tickets = tickets_of(order)
    mail = compose_mail(
        to or order.email, "order_confirmation", locale, order=order, tenant=tenant,
        visit=visit_of(order, tenant, locale), counts=_valid_counts(tickets, tenant, locale),
        total=format_money(order.total, order.currency, locale), order_url=order_page_url(order, tenant))
    _attach_documents(mail, order, tenant, locale, receipt=bool(order.receipt_number))
    return mail


def _attach_documents(mail: OutgoingMail, order: Order, tenant: Tenant, locale: str,
                      receipt: bool) -> None:
    """The order's tickets as one PDF, and its receipt when asked, in ``locale``."""
    mail.attachments.append((f"tickets-{order.code}.pdf", PDF, render_tickets_pdf(order, tenant, locale)))
    if receipt:
        mail.attachments.append((f"receipt-{order.receipt_number}.pdf", PDF,
                                 render_receipt_pdf(order, tenant, locale)))


def send_confirmation(order: Order, tenant: Tenant, to: str | None = None) -> None:
    """The confirmation with the tickets, sent once the payment is committed; ``to`` resends
    it to a corrected address. With a job queue the worker renders its PDFs. The order records
    whether the mail server took it."""
    queue_composed_mail(to or order.email, "festival.ticketing.notify:compose_confirmation",
                        [order.id, tenant.id, to], lambda: confirmation_mail(order, tenant, to),
                        track=_delivery_track(order, tenant))


def compose_confirmation(order_id: int, tenant_id: int, to: str | None = None) -> OutgoingMail:
    """The confirmation of a committed order, written by the job worker in the tenant's scope."""
    with tenant_scope(tenant_id):
        return confirmation_mail(db.session.get(Order, order_id), db.session.get(Tenant, tenant_id), to)


def send_move_notice(order: Order, tenant: Tenant, old_slot: EntrySlot, refunded: Decimal) -> None:
    """Tell the visitor their visit moved to the order's new night and entry time, with the
    updated tickets (same codes, the new night printed) attached; the receipt too when part of
    the price was paid back. The order records whether the mail server took it."""
    locale = document_locale(order, tenant)
    mail = compose_mail(
        order.email, "order_moved", locale, order=order, tenant=tenant,
        visit=visit_of(order, tenant, locale), was_night=format_local_date(old_slot.night, "full", locale),
        counts=_valid_counts(tickets_of(order), tenant, locale),
        refunded=format_money(refunded, order.currency, locale) if refunded > 0 else "",
        order_url=order_page_url(order, tenant))
    _attach_documents(mail, order, tenant, locale, receipt=refunded > 0 and bool(order.receipt_number))
    _track_delivery(mail, order, tenant)
    queue_mail(mail)


def send_refund_notice(order: Order, tenant: Tenant, amount: Decimal,
                       voided: list[Ticket] | None = None) -> None:
    """Tell the visitor what was refunded and which tickets no longer admit anyone.

    ``voided``: the tickets this refund voided; by default every void ticket of the order.
    """
    locale = document_locale(order, tenant)
    tickets = tickets_of(order)
    voided_ids = {t.id for t in voided} if voided is not None else None
    void = [t.code for t in tickets if t.status == Ticket.VOID and (voided_ids is None or t.id in voided_ids)]
    remaining = sum(1 for t in tickets if t.status != Ticket.VOID)
    mail = compose_mail(
        order.email, "order_refund", locale, order=order, tenant=tenant,
        visit=visit_of(order, tenant, locale), amount=format_money(amount, order.currency, locale),
        void_codes=void, remaining=remaining, order_url=order_page_url(order, tenant))
    queue_mail(mail)
