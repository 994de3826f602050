"""PDF tickets: one page per admission, with the signed QR code the gate scans.

All tickets of an order go into ONE WeasyPrint document: a document costs a fixed start-up
(fonts, CSS, layout) and each further page little, so a 100-ticket order prints in about the
time of a dozen single tickets (STACK-NOTES, "WeasyPrint").
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from festival.documents.pdf import document_locale, render_pdf, visit_of
from festival.documents.qr import qr_data_uri
from festival.tenants.models import Tenant
from festival.ticketing.models import Order, Ticket
from festival.ticketing.orders import qr_payload, tickets_of

GATE_RULE = _l("Show this ticket at the gate, printed or on your phone. Each ticket admits once.")


@dataclass(frozen=True)
class PrintedTicket:
    """What one ticket page shows, worked out before the template (which only lays it out)."""

    code: str
    type_name: str
    persons: int
    holder: str
    qr: str  # data URI
    number: int  # 1..count within the order
    count: int
    used: bool


def ticket_terms(tenant: Tenant, locale: str) -> str:
    """The tenant's ticket terms in ``locale``, else in its default language."""
    terms = tenant.ticket_terms or {}
    return terms.get(locale) or terms.get(tenant.default_locale) or ""


def _printed(order: Order, tenant: Tenant, locale: str, only: int | None) -> list[PrintedTicket]:
    # Void tickets (refunded) are never printed: a printed page would look like a valid entry.
    printable = [t for t in tickets_of(order) if t.status != Ticket.VOID]
    return [
        PrintedTicket(code=t.code, type_name=t.ticket_type.name(locale, tenant.default_locale),
                      persons=t.persons, holder=t.holder_name, qr=qr_data_uri(qr_payload(t, tenant)),
                      number=number, count=len(printable), used=t.status == Ticket.USED)
        for number, t in enumerate(printable, start=1)
        if only is None or t.id == only
    ]


def _render(order: Order, tenant: Tenant, locale: str | None, only: int | None = None) -> bytes:
    locale = document_locale(order, tenant, locale)
    return render_pdf("documents/tickets.html", locale, order=order, tenant=tenant,
                      visit=visit_of(order, tenant, locale), tickets=_printed(order, tenant, locale, only),
                      terms=ticket_terms(tenant, locale), gate_rule=GATE_RULE)


def render_tickets_pdf(order: Order, tenant: Tenant, locale: str | None = None) -> bytes:
    """Every valid ticket of ``order`` as one PDF, a page each, in the order's language."""
    return _render(order, tenant, locale)


def render_ticket_pdf(ticket: Ticket, tenant: Tenant, locale: str | None = None) -> bytes:
    """One ticket alone (a page to download or resend for a single admission)."""
    return _render(ticket.order, tenant, locale, only=ticket.id)
