"""Erasing a visitor's personal data on request, by email address, inside one tenant.

Every row that names the visitor keeps its place in the figures and loses the person: orders
keep their tickets, totals, payments and status (so sales counts, entry counts and visitor
reports do not move) but their name becomes "Erased" and their address one that is never
mailed; ticket holder names are cleared; waiting-list requests and passes are anonymised the
same way (an active request is withdrawn first, so nobody offers places to nobody). Closure
rows carry no personal data of their own: their order is the one anonymised. The tenant's
audit entries and stored API answers that quote the address get the placeholder instead, and
the platform's delivery history of mails to that address is deleted. The erasure itself is
audited with a keyed digest of the address, never the address.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, fields
from typing import Any

from flask import current_app
from sqlalchemy import Text, cast, delete, func, select

from festival.accounts.models import User
from festival.api.models import IdempotencyRecord
from festival.audit.models import TenantAuditEntry
from festival.audit.services import record_event
from festival.core.db import db, utcnow
from festival.exports.services import VISITOR_EXPORTS, forget_tenant_exports
from festival.jobs.outbox import OutboxMail
from festival.passes.models import Pass
from festival.tenants.models import Tenant
from festival.ticketing.models import Order, Ticket
from festival.ticketing.orders import normalize_email
from festival.ticketing.staff import PLACEHOLDER_DOMAIN
from festival.waitlist import services as waitlist
from festival.waitlist.models import WaitingRequest

ERASED_NAME = "Erased"
# Never mailed: the notices skip the placeholder domain (festival.ticketing.staff).
ERASED_EMAIL = f"erased@{PLACEHOLDER_DOMAIN}"


@dataclass(frozen=True)
class ErasureReport:
    """How many rows lost the visitor's personal data."""

    orders: int = 0
    tickets: int = 0
    waiting_requests: int = 0
    passes: int = 0
    audit_entries: int = 0
    api_answers: int = 0
    mails: int = 0
    exports: int = 0

    @property
    def found(self) -> bool:
        return bool(self.orders or self.waiting_requests or self.passes)

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def email_digest(email: str) -> str:
    """A keyed digest of an address: the audit log can confirm "this address was erased" to
    someone who knows it, and tells nobody else the address."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, email.lower().encode(), hashlib.sha256).hexdigest()


def _matching(model: type, email: str):
    return select(model).where(func.lower(model.email) == email.lower())


def _erase_orders(email: str) -> tuple[int, int]:
    orders = list(db.session.scalars(_matching(Order, email)))
    tickets = 0
    for order in orders:
        order.name, order.email, order.note, order.delivery_error = ERASED_NAME, ERASED_EMAIL, "", None
        for ticket in db.session.scalars(select(Ticket).where(Ticket.order_id == order.id,
                                                              Ticket.holder_name != "")):
            ticket.holder_name = ""
            tickets += 1
    return len(orders), tickets


def _erase_waiting_requests(email: str) -> int:
    requests = list(db.session.scalars(_matching(WaitingRequest, email)))
    now = utcnow()
    for request in requests:
        if request.status in WaitingRequest.ACTIVE:
            waitlist.withdraw(request, now)  # places held for the group pass to the next one
        request.name, request.email = ERASED_NAME, ERASED_EMAIL
    return len(requests)


def _erase_passes(email: str) -> int:
    passes = list(db.session.scalars(_matching(Pass, email)))
    for visitor_pass in passes:
        visitor_pass.holder_name, visitor_pass.email = ERASED_NAME, ERASED_EMAIL
    return len(passes)


def _scrubbed(value: Any, email: str) -> Any:
    if isinstance(value, str):
        return ERASED_EMAIL if value.lower() == email.lower() else value
    if isinstance(value, dict):
        return {key: _scrubbed(item, email) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrubbed(item, email) for item in value]
    return value


def _scrub_json(model: type, attribute: str, email: str) -> int:
    """Replace the address wherever a JSON column of ``model`` quotes it; rows changed."""
    column = getattr(model, attribute)
    pattern = "%" + email.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    changed = 0
    for row in db.session.scalars(select(model).where(
            func.lower(cast(column, Text)).like(pattern, escape="\\"))):
        scrubbed = _scrubbed(getattr(row, attribute), email)
        if scrubbed != getattr(row, attribute):
            setattr(row, attribute, scrubbed)
            changed += 1
    return changed


def _forget_delivered_mail(email: str) -> int:
    """The delivery history of mails to the address goes. Mail still on its way stays: the
    outbox names no tenant, so a pending message may be another tenant's tickets."""
    return db.session.execute(delete(OutboxMail).where(
        func.lower(OutboxMail.recipient) == email.lower(),
        OutboxMail.status.in_((OutboxMail.SENT, OutboxMail.REFUSED)))
        .execution_options(synchronize_session=False)).rowcount


def erase_visitor(tenant: Tenant, email: str, actor: User | None,
                  ip_address: str | None = None) -> ErasureReport:
    """Erase the personal data of the visitor with ``email`` in ``tenant`` (its scope open);
    flushes, the caller commits. Nothing is written when the tenant holds none."""
    address = normalize_email(email)
    orders, tickets = _erase_orders(address)
    report = ErasureReport(orders=orders, tickets=tickets,
                           waiting_requests=_erase_waiting_requests(address),
                           passes=_erase_passes(address))
    if not report.found:
        return report
    report = ErasureReport(**{**report.as_dict(),
                              "audit_entries": _scrub_json(TenantAuditEntry, "details", address),
                              "api_answers": _scrub_json(IdempotencyRecord, "response", address),
                              "mails": _forget_delivered_mail(address),
                              # Order exports list visitors' addresses: they go, to be asked again.
                              "exports": forget_tenant_exports(VISITOR_EXPORTS)})
    record_event("festival.privacy.visitor.erased", actor=actor, ip_address=ip_address,
                 email_digest=email_digest(address), **report.as_dict())
    return report
