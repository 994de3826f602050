"""What the group tests share: a tenant on sale with staff, a tour operator registered by a
manager through the portal, and the operator's own browser on its emailed link."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import select

from festival.core.db import db
from festival.core.scope import tenant_scope
from festival.groups.models import GroupBlock
from festival.ticketing.models import EntrySlot
from tests.ticketing.portal_staff import Staff, signed_in

OPERATOR_EMAIL = "bookings@sunshine-tours.example"


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def attachments(message) -> dict[str, bytes]:
    return {part.get_filename(): part.get_content() for part in message.iter_attachments()}


@dataclass
class Operator:
    """A tour operator's browser on its booking pages."""

    client: object
    home: str  # path of its pages, from the emailed link

    def book(self, slot_id: int, quantities: dict[int, int], reference: str = "", night: str = ""):
        page = f"{self.home}book" + (f"?night={night}" if night else "")
        body = {"slot_id": str(slot_id), "reference": reference,
                **{f"qty_{type_id}": str(count) for type_id, count in quantities.items()}}
        return self.client.post_form(page, body)


def register_operator(staff: Staff, make_client, mailbox, locale: str = "en", terms: int = 30,
                      email: str = OPERATOR_EMAIL) -> Operator:
    """A manager registers the operator; the operator follows the link in its mail."""
    manager = signed_in(make_client, staff.emails["manager"])
    response = manager.post_form(f"{staff.portal}/tour-operators", {
        "company_name": "Sunshine Tours", "contact_name": "Jo Lee", "email": email,
        "locale": locale, "address": "5 Harbour Street\nDover", "tax_id": "GB123456789",
        "payment_terms_days": str(terms), "is_active": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    link = mailbox.last_link(email, "/operator/")
    operator = Operator(make_client(), path_of(link))
    assert operator.client.get(operator.home).status_code == 200
    return operator


def block_of(app, tenant_id: int, block_path: str) -> int:
    return int(re.search(r"/blocks/(\d+)", block_path).group(1))


def in_scope(app, tenant_id: int, work):
    with app.test_request_context(), tenant_scope(tenant_id):
        result = work()
        db.session.commit()
        db.session.remove()
    return result


def taken(app, tenant_id: int, slot_id: int) -> int:
    return in_scope(app, tenant_id, lambda: db.session.get(EntrySlot, slot_id).taken)


def block_row(app, tenant_id: int, block_id: int) -> dict:
    def work():
        block = db.session.get(GroupBlock, block_id)
        return {"status": block.status, "invoice_number": block.invoice_number, "due_on": block.due_on,
                "order_id": block.order_id, "total": block.order.total, "reminded_at": block.reminded_at}

    return in_scope(app, tenant_id, work)


def blocks(app, tenant_id: int) -> list[str]:
    return in_scope(app, tenant_id, lambda: list(db.session.scalars(
        select(GroupBlock.invoice_number).order_by(GroupBlock.id))))
