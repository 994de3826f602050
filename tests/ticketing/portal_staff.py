"""Staff of a tenant with sales, signed in to the portal, for the tests of the sales pages."""

from __future__ import annotations

import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

from festival.core.db import db
from festival.core.scope import tenant_scope
from festival.tenants.models import Tenant
from festival.ticketing import orders
from festival.ticketing.models import EntrySlot, Order, Ticket
from tests.security.conftest import text_of  # noqa: F401  re-exported for the portal tests
from tests.ticketing.world import SalesWorld, build_sales_world

ROLES = ("owner", "manager", "box_office", "gate")


@dataclass
class Staff:
    world: SalesWorld
    emails: dict[str, str]

    @property
    def portal(self) -> str:
        return f"/{self.world.slug}/manage"


def staff_world(app, factory, slug: str = "paris", capacity: int = 20) -> Staff:
    """A tenant on sale (tests/ticketing/world.py) with a member of every role."""
    world = build_sales_world(app, factory, slug, capacity=capacity)
    org = SimpleNamespace(kind="tenant", id=world.tenant_id)
    emails = {role: f"{role}@{slug}.example" for role in ROLES}
    for role, email in emails.items():
        factory.member(org, email, role)
    return Staff(world, emails)


def signed_in(make_client, email: str, language: str = "en"):
    """A browser of a staff member reading the portal in ``language``."""
    client = make_client()
    client.http.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    client.login(email)
    return client


def paid_order(app, world: SalesWorld, quantities: dict[int, int], email: str = "marie@example.fr",
               name: str = "Marie Curie", slot_index: int = 0) -> int:
    """An order paid online through the test gateway; returns its id."""
    with app.test_request_context(), tenant_scope(world.tenant_id):
        tenant = db.session.get(Tenant, world.tenant_id)
        order = orders.create_order(tenant, orders.OrderRequest(
            slot_id=world.slot_ids[slot_index], quantities=quantities, email=email, name=name,
            locale="fr"))
        orders.confirm_payment(order, tenant, "test", f"test-{order.code}", order.total)
        db.session.commit()
        order_id = order.id
        db.session.remove()
    return order_id


def pending_order(app, world: SalesWorld, quantities: dict[int, int], email: str = "late@example.fr",
                  slot_index: int = 0) -> int:
    with app.test_request_context(), tenant_scope(world.tenant_id):
        tenant = db.session.get(Tenant, world.tenant_id)
        order = orders.create_order(tenant, orders.OrderRequest(
            slot_id=world.slot_ids[slot_index], quantities=quantities, email=email, name="Paul Late",
            locale="fr"))
        db.session.commit()
        order_id = order.id
        db.session.remove()
    return order_id


def read(app, world: SalesWorld, work):
    """Run ``work()`` in the tenant's scope and return its (plain) result."""
    with app.app_context(), tenant_scope(world.tenant_id):
        result = work()
        db.session.remove()
    return result


def order_state(app, world: SalesWorld, order_id: int) -> dict:
    """The order's status, refunded amount, tickets (code → status) and its slot's taken places."""
    def work():
        order = db.session.get(Order, order_id)
        tickets = {t.code: t.status for t in db.session.query(Ticket).filter_by(order_id=order_id)
                   .order_by(Ticket.id)}
        slot = db.session.get(EntrySlot, order.slot_id)
        return {"status": order.status, "refunded": order.refunded_amount, "tickets": tickets,
                "taken": slot.taken, "email": order.email, "code": order.code}

    return read(app, world, work)


def csrf_of(client, path: str) -> str:
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1)


def pdf_text(pdf: bytes) -> str:
    """What a person reads in a PDF (pdftotext), with Babel's no-break spaces as plain ones."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "doc.pdf"
        path.write_bytes(pdf)
        text = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"],
                              check=True, capture_output=True, text=True).stdout
    for space in ("\u00a0", "\u202f"):
        text = text.replace(space, " ")
    return text
