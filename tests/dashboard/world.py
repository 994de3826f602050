"""A demo-like world for the dashboard: three tenants in three currencies (Paris EUR, Tokyo JPY,
Dubai AED), each with past nights of paid orders, scans at the gates, a submitted visitor report
with a manual count, and refunds (partial in Paris, full in Tokyo) and a box-office sale (Dubai),
all made through the services the product uses."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from festival.core.db import db
from festival.reporting import reports
from festival.ticketing import orders, staff
from festival.ticketing.models import Order, Ticket
from tests.reporting.world import ReportWorld, report_world, scan, sell, slot_ids, slot_start

SLUGS = ("paris", "tokyo", "dubai")
MANUAL = 5  # persons counted by hand on the first night of each tenant


@dataclass
class DashboardWorld:
    tenants: dict[str, ReportWorld]

    @property
    def first(self):
        return self.tenants["paris"].night(0)

    @property
    def last(self):
        return self.tenants["paris"].night(1)

    def query(self, **extra) -> str:
        values = {"from": self.first.isoformat(), "to": self.last.isoformat(), **extra}
        return "&".join(f"{key}={value}" for key, value in values.items())


def _refund(app, world: ReportWorld, code: str, whole_order: bool) -> None:
    def work(tenant, exhibition):
        ticket = db.session.scalar(select(Ticket).where(Ticket.code == code))
        order = db.session.get(Order, ticket.order_id)
        orders.refund_tickets(order, tenant, None if whole_order else [ticket.id], None, "test")

    world.run(app, work)


def _box_office(app, world: ReportWorld, slot_id: int) -> None:
    when = slot_start(app, world, slot_id) - timedelta(minutes=30)

    def work(tenant, exhibition):
        staff.sell_at_box_office(tenant, staff.BoxOfficeSale(
            slot_id=slot_id, quantities={world.sales.adult_id: 2}, payment_method="cash"), None,
            now=when)

    world.run(app, work)


def _submit(app, world: ReportWorld, index: int) -> None:
    night = world.night(index)

    def work(tenant, exhibition):
        reports.add_manual_count(tenant, exhibition, night, reports.ManualLine("group", MANUAL), None)
        reports.submit_report(tenant, exhibition, night, None)

    world.run(app, work)


def build_dashboard_world(app, factory) -> DashboardWorld:
    tenants = {}
    for slug in SLUGS:
        world = report_world(app, factory, slug)
        first, second = slot_ids(app, world, 0)[0], slot_ids(app, world, 1)[0]
        adult, child = world.sales.adult_id, world.sales.child_id
        night0 = sell(app, world, first, {adult: 2})
        night1 = sell(app, world, second, {adult: 1, child: 1})
        at0 = slot_start(app, world, first) + timedelta(minutes=10)
        at1 = slot_start(app, world, second) + timedelta(minutes=10)
        for code, _persons in night0:
            assert scan(app, world, "North gate", code, at0) == "admitted"
        assert scan(app, world, "South gate", night1[0][0], at1) == "admitted"
        _submit(app, world, 0)
        if slug == "paris":
            _refund(app, world, night1[1][0], whole_order=False)  # the unscanned child ticket
        if slug == "tokyo":
            extra = sell(app, world, second, {adult: 3})
            _refund(app, world, extra[0][0], whole_order=True)
        if slug == "dubai":
            _box_office(app, world, second)
        tenants[slug] = world
    return DashboardWorld(tenants)


def parse_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))
