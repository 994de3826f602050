"""Time ticket PDFs: one ticket (median of 30 renders) and a 100-ticket order (median of 3)."""

from __future__ import annotations

import json
import statistics
import sys
import time

from sqlalchemy import select

from festival import create_app
from festival.core.db import db
from festival.core.scope import tenant_scope
from festival.documents.tickets import render_tickets_pdf
from festival.tenants.models import Tenant
from festival.ticketing import orders
from festival.ticketing.models import EntrySlot


def _paid_order(tenant: Tenant, slot_id: int, type_id: int, quantity: int):
    order = orders.create_order(tenant, orders.OrderRequest(
        slot_id=slot_id, quantities={type_id: quantity}, email="pdf@example.com", name="Marie Curie",
        locale="fr", channel="box_office", payment_method="cash"))
    orders.confirm_payment(order, tenant, "cash", f"bench-{order.code}", order.total, notify=False)
    return order


def _median_ms(work, runs: int) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def main() -> None:
    seed = json.loads(sys.argv[1])
    app = create_app()
    with app.test_request_context():
        tenant_id = db.session.scalar(select(Tenant.id).where(Tenant.slug == seed["tenant"]))
        with tenant_scope(tenant_id):
            tenant = db.session.get(Tenant, tenant_id)
            slot = db.session.scalars(select(EntrySlot.id).order_by(EntrySlot.starts_at.desc())).first()
            one = _paid_order(tenant, slot, seed["ticket_type"], 1)
            hundred = _paid_order(tenant, slot, seed["ticket_type"], 100)
            db.session.commit()
            render_tickets_pdf(one, tenant, "fr")  # warm up fonts and templates
            one_ms = _median_ms(lambda: render_tickets_pdf(one, tenant, "fr"), 30)
            hundred_ms = _median_ms(lambda: render_tickets_pdf(hundred, tenant, "fr"), 3)
    print(f"RESULT one_ticket_median_ms={one_ms:.0f} hundred_tickets_median_ms={hundred_ms:.0f}")


if __name__ == "__main__":
    main()
