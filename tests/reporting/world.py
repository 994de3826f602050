"""A tenant whose season began three nights ago, with staff of every role, two gates, and helpers
to sell tickets for a past night and admit them through the real scan service (so the maintained
entry counts grow by the path the gates use)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from types import SimpleNamespace

from sqlalchemy import select

from festival.accounts.services import find_user_by_email
from festival.checkin import services as checkin
from festival.checkin.models import Gate
from festival.core.db import db
from festival.core.scope import tenant_scope
from festival.exhibitions.models import Exhibition
from festival.tenants.models import Tenant
from festival.ticketing import orders
from festival.ticketing.models import EntrySlot, Ticket
from tests.ticketing.portal_staff import ROLES
from tests.ticketing.world import SalesWorld, build_sales_world

PAST_NIGHTS = 3


@dataclass
class ReportWorld:
    sales: SalesWorld
    emails: dict[str, str]  # role -> email
    gates: dict[str, int]  # gate name -> id

    @property
    def tenant_id(self) -> int:
        return self.sales.tenant_id

    @property
    def exhibition_id(self) -> int:
        return self.sales.exhibition_id

    @property
    def portal(self) -> str:
        return f"/{self.sales.slug}/manage"

    def night(self, index: int) -> date:
        """The index-th night of the season (0: three nights ago, 2: last night)."""
        return self.sales.first_night + timedelta(days=index)

    def report_path(self, index: int) -> str:
        return f"{self.portal}/exhibitions/{self.exhibition_id}/reports/{self.night(index).isoformat()}"

    def run(self, app, work):
        """``work(tenant, exhibition)`` inside the tenant's scope, committed; its plain result."""
        with app.test_request_context(), tenant_scope(self.tenant_id):
            result = work(db.session.get(Tenant, self.tenant_id),
                          db.session.get(Exhibition, self.exhibition_id))
            db.session.commit()
            db.session.remove()
        return result


def report_world(app, factory, slug: str = "paris", locales: dict[str, str] | None = None) -> ReportWorld:
    """Season from three nights ago (18:00–22:00 local, slots of an hour), gates North and South,
    a member of every role (``locales`` sets a role's preferred language)."""
    start = date.today() - timedelta(days=PAST_NIGHTS)
    sales = build_sales_world(app, factory, slug, capacity=50, start=start)
    org = SimpleNamespace(kind="tenant", id=sales.tenant_id)
    emails = {role: f"{role}@{slug}.example" for role in ROLES}
    for role, email in emails.items():
        factory.member(org, email, role)
    world = ReportWorld(sales, emails, {})

    def setup(tenant, exhibition):
        for role, locale in (locales or {}).items():
            find_user_by_email(emails[role]).locale = locale
        return {name: checkin.create_gate(tenant, exhibition, name, None).id
                for name in ("North gate", "South gate")}

    world.gates = world.run(app, setup)
    return world


def slot_ids(app, world: ReportWorld, index: int) -> list[int]:
    """The entry slots of the index-th night, in time order."""
    return world.run(app, lambda tenant, exhibition: list(db.session.scalars(
        select(EntrySlot.id).where(EntrySlot.night == world.night(index))
        .order_by(EntrySlot.starts_at))))


def sell(app, world: ReportWorld, slot_id: int, quantities: dict[int, int]) -> list[tuple[str, int]]:
    """A paid order in the slot, sold an hour before it starts: (ticket code, persons) each."""
    def work(tenant, exhibition):
        slot = db.session.get(EntrySlot, slot_id)
        when = slot.starts_at - timedelta(hours=1)
        order = orders.create_order(tenant, orders.OrderRequest(
            slot_id=slot_id, quantities=quantities, email="visitor@example.fr", name="Ada Visitor",
            locale="fr"), now=when)
        orders.confirm_payment(order, tenant, "test", f"test-{order.code}", order.total, now=when,
                               notify=False)
        db.session.flush()
        return [(t.code, t.persons) for t in db.session.scalars(
            select(Ticket).where(Ticket.order_id == order.id).order_by(Ticket.id))]

    return world.run(app, work)


def scan(app, world: ReportWorld, gate: str, code: str, at: datetime) -> str:
    """Scan ``code`` at ``gate`` at the instant ``at`` through the gate's service; its result."""
    def work(tenant, exhibition):
        return checkin.scan(tenant, exhibition, db.session.get(Gate, world.gates[gate]), code,
                            device="test-device", now=at).result

    return world.run(app, work)


def slot_start(app, world: ReportWorld, slot_id: int) -> datetime:
    return world.run(app, lambda tenant, exhibition: db.session.get(EntrySlot, slot_id).starts_at)
