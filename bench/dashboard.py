"""Issue 5's dashboard target: 100 tenants, one season each, 10 million check-ins; the base
dashboard answers from the maintained aggregates. Run by bench/dashboard (fresh PostgreSQL).

Tenants, exhibitions, slots, gates and ticket types are made through the services. The raw
rows are generated set-based in SQL (check_in with INSERT … SELECT generate_series; orders,
lines, tickets and payments likewise), then the aggregates are built by the app's own repair
path: ``checkin.counts.recount`` per exhibition night and ``ticketing.sales_counts.recount_sales``.
Prints timings of the generation, of the dashboard service call and of the HTTP page (median
of 5, in-process through the whole Flask stack).
"""

from __future__ import annotations

import os
import re
import statistics
import sys
import time
from datetime import time as clock
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select, text

from festival import create_app
from festival.accounts.services import create_user
from festival.checkin import counts
from festival.checkin.services import create_gate
from festival.core.db import db, utcnow
from festival.core.scope import platform_scope, tenant_scope
from festival.dashboard import rates
from festival.dashboard.filters import Filters
from festival.dashboard.pages import build
from festival.exhibitions.models import Exhibition
from festival.exhibitions.services import ExhibitionPlan, create_exhibition, opening_nights
from festival.exports.kinds import BASE, KINDS
from festival.tenants.models import Tenant
from festival.tenants.services import TenantSettings, create_tenant
from festival.ticketing.sales_counts import recount_sales
from festival.ticketing.setup import TicketTypeSpec, create_ticket_type, open_sales

TENANTS = int(os.environ.get("BENCH_TENANTS", "100"))
CHECKINS = int(os.environ.get("BENCH_CHECKINS", "10000000"))
NIGHTS, GATES = 42, 3  # 8 slots a night: 18:00–22:00 by 30 minutes
ORDERS_PER_SLOT, TICKETS_PER_ORDER = 10, 3
PASSWORD = "paper-lantern-river-2026"  # noqa: S105 - a throwaway database's operator
PLACES = [  # (country, currency, timezone)
    ("FR", "EUR", "Europe/Paris"), ("DE", "EUR", "Europe/Berlin"), ("IT", "EUR", "Europe/Rome"),
    ("ES", "EUR", "Europe/Madrid"), ("US", "USD", "America/Chicago"), ("GB", "GBP", "Europe/London"),
    ("JP", "JPY", "Asia/Tokyo"), ("AE", "AED", "Asia/Dubai"), ("TH", "THB", "Asia/Bangkok"),
    ("AU", "AUD", "Australia/Sydney"), ("CA", "CAD", "America/Toronto"), ("MY", "MYR", "Asia/Kuala_Lumpur"),
    ("TR", "TRY", "Europe/Istanbul"), ("HU", "HUF", "Europe/Budapest"), ("CN", "CNY", "Asia/Shanghai"),
]
RATES = {"EUR": "7.74", "USD": "7.12", "GBP": "9.02", "JPY": "0.0476", "AED": "1.94", "THB": "0.2",
         "AUD": "4.65", "CAD": "5.1", "MYR": "1.6", "TRY": "0.21", "HUF": "0.0195"}


def step(label: str, started: float) -> float:
    now = time.perf_counter()
    print(f"{label}: {now - started:.1f} s", flush=True)
    return now


def seed_tenants(start) -> None:
    for n in range(TENANTS):
        country, currency, zone = PLACES[n % len(PLACES)]
        with platform_scope("cli"):
            tenant = create_tenant(f"bench{n:03d}", TenantSettings(
                f"Bench Lantern Festival {n:03d}", f"City {n:03d}", country, zone, currency, "en",
                ["en"]), None)
            db.session.commit()
        with tenant_scope(tenant.id):
            tenant = db.session.get(Tenant, tenant.id)
            exhibition = create_exhibition(tenant, ExhibitionPlan(
                slug="lanterns", titles={"en": f"Lanterns {n:03d}"}, venue_name="Park",
                season_start=start, season_end=start + timedelta(days=NIGHTS - 1),
                opens_at=clock(18, 0), closes_at=clock(22, 0), slot_minutes=30,
                slot_capacity=100_000), None)
            create_ticket_type(tenant, exhibition, TicketTypeSpec(
                names={"en": "Adult"}, category="adult", price=Decimal("20.00"),
                vat_rate=Decimal("0"), max_per_order=100), None)
            open_sales(tenant, exhibition, None)
            for g in range(GATES):
                create_gate(tenant, exhibition, f"Gate {g + 1}", None)
            exhibition.status = Exhibition.RUNNING
            db.session.commit()


CHECKIN_SQL = """
INSERT INTO check_in (tenant_id, exhibition_id, gate_id, ticket_id, slot_id, device, scanned_at,
                      recorded_at, result, persons, offline, night)
SELECT s.tenant_id, s.exhibition_id, g.id, NULL, s.id, 'bench-' || g.id,
       s.starts_at + make_interval(secs => n * 17), s.starts_at + make_interval(secs => n * 17),
       'admitted', 1 + (n % 4 = 0)::int, false, s.night
FROM entry_slot s JOIN gate g ON g.exhibition_id = s.exhibition_id
CROSS JOIN generate_series(1, :per) AS n
LIMIT :total
"""

ORDER_SQL = """
INSERT INTO ticket_order (tenant_id, code, secret, exhibition_id, slot_id, email, name, locale,
    status, channel, payment_method, currency, persons, subtotal, discount, total, tax_total,
    prices_include_vat, refunded_amount, created_at, paid_at, note)
SELECT s.tenant_id, 'B' || s.id || '-' || n, md5('bench' || s.id || '-' || n), s.exhibition_id,
       s.id, 'visitor@bench.example', 'Bench Visitor', 'en', 'paid', 'online', 'test', t.currency,
       :tickets, :tickets * 20, 0, :tickets * 20, 0, true, 0, now(), now(), ''
FROM entry_slot s JOIN tenant t ON t.id = s.tenant_id CROSS JOIN generate_series(1, :orders) AS n
"""

LINE_SQL = """
INSERT INTO order_line (tenant_id, order_id, ticket_type_id, quantity, persons_each, unit_price,
                        discount, total, vat_rate, tax)
SELECT o.tenant_id, o.id, tt.id, :tickets, 1, 20, 0, :tickets * 20, 0, 0
FROM ticket_order o JOIN ticket_type tt ON tt.exhibition_id = o.exhibition_id
"""

TICKET_SQL = """
INSERT INTO ticket (tenant_id, order_id, order_line_id, seat, ticket_type_id, slot_id, code, persons,
                    holder_name, status, price, created_at)
SELECT l.tenant_id, l.order_id, l.id, seat, l.ticket_type_id, o.slot_id, md5(l.id || '-' || seat),
       1, '', 'valid', 20, now()
FROM order_line l JOIN ticket_order o ON o.id = l.order_id CROSS JOIN generate_series(1, :tickets) AS seat
"""

PAYMENT_SQL = """
INSERT INTO payment (tenant_id, order_id, kind, provider, reference, amount, currency, created_at)
SELECT tenant_id, id, 'charge', 'test', 'bench-' || id, total, currency, now() FROM ticket_order
"""

REFUND_SQL = [  # one ticket of every 20th order refunded
    "UPDATE ticket SET status = 'void', voided_at = now() WHERE seat = 1 AND order_id % 20 = 0",
    """INSERT INTO payment (tenant_id, order_id, kind, provider, reference, amount, currency, created_at)
       SELECT tenant_id, id, 'refund', 'test', 'bench-refund-' || id, 20, currency, now()
       FROM ticket_order WHERE id % 20 = 0""",
    "UPDATE ticket_order SET refunded_amount = 20 WHERE id % 20 = 0",
]


def generate_raw() -> None:
    with platform_scope("cli"):
        slots_gates = db.session.scalar(text(
            "SELECT count(*) FROM entry_slot s JOIN gate g ON g.exhibition_id = s.exhibition_id"))
        per = -(-CHECKINS // slots_gates)
        db.session.execute(text(CHECKIN_SQL), {"per": per, "total": CHECKINS})
        db.session.commit()
    started = step(f"  check_in rows ({CHECKINS:,}, {per} per slot and gate)", T0)
    with platform_scope("cli"):
        values = {"orders": ORDERS_PER_SLOT, "tickets": TICKETS_PER_ORDER}
        for sql in (ORDER_SQL, LINE_SQL, TICKET_SQL, PAYMENT_SQL, *REFUND_SQL):
            db.session.execute(text(sql), values)
        db.session.commit()
    step("  orders, lines, tickets, payments", started)


def build_aggregates() -> None:
    started = time.perf_counter()
    for tenant_id, in db.session.execute(select(Tenant.id).order_by(Tenant.id)).all():
        with tenant_scope(tenant_id):
            exhibition = db.session.scalar(select(Exhibition))
            for night in opening_nights(exhibition):
                counts.recount(exhibition.id, night)
            db.session.commit()
    started = step("  entry_count by counts.recount (per exhibition night)", started)
    with platform_scope("cli"):
        recount_sales()
        db.session.commit()
    step("  sales_count by recount_sales", started)


def seed_rates_and_operator(start) -> None:
    with platform_scope("cli"):
        for currency, rate in RATES.items():
            rates.set_rate(currency, Decimal(rate), start - timedelta(days=365), None)
        create_user("bench@base.example", password=PASSWORD, is_base_operator=True)
        db.session.commit()


def median_ms(work, runs: int = 5) -> tuple[float, list[float]]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), times


def measure(app, start) -> None:
    end = start + timedelta(days=NIGHTS - 1)
    filters = Filters(start, end, "week")

    def service():
        with platform_scope("base.console"):
            board, _charts = build(filters, "en")
            db.session.rollback()
        return board

    board = service()
    print(f"figures: visitors={board.totals.visitors:,} tickets={board.totals.tickets:,} "
          f"converted={board.totals.converted:,} {board.reporting_currency} "
          f"cities={len(board.by_city)} progress={board.progress.count}/100", flush=True)
    ms, runs = median_ms(service)
    print(f"RESULT dashboard_service_ms={ms:.0f} runs={[round(r) for r in runs]}", flush=True)
    client = app.test_client()
    client.environ_base["wsgi.url_scheme"] = "https"  # production cookies are Secure,
    client.environ_base["HTTP_REFERER"] = "https://localhost/login"  # and CSRF checks the referrer
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    login = client.post("/login", data={"email": "bench@base.example", "password": PASSWORD,
                                        "csrf_token": token})
    assert login.status_code == 302, login.get_data(as_text=True)[:3000]
    url = f"/base/dashboard?from={start.isoformat()}&to={end.isoformat()}&group=week"

    def page_get():
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    page_get()
    ms, runs = median_ms(page_get)
    print(f"RESULT dashboard_page_ms={ms:.0f} runs={[round(r) for r in runs]}", flush=True)

    def export():  # what the job worker does for "Download as CSV" (issue 7: exports are jobs)
        kind = KINDS[BASE]["dashboard"]
        with platform_scope("job") as scope:
            kind.render(kind.parse({"from": start.isoformat(), "to": end.isoformat(),
                                    "group": "week"}, None), "en", scope)
            db.session.rollback()

    ms, runs = median_ms(export)
    print(f"RESULT dashboard_csv_export_ms={ms:.0f} runs={[round(r) for r in runs]}", flush=True)


T0 = time.perf_counter()


def main() -> None:
    global T0
    app = create_app()
    start = utcnow().date() + timedelta(days=1)
    with app.test_request_context():
        T0 = generation = time.perf_counter()
        seed_tenants(start)
        T0 = step(f"tenants, exhibitions, slots, gates ({TENANTS})", T0)
        generate_raw()
        build_aggregates()
        seed_rates_and_operator(start)
        with platform_scope("cli"):
            sizes = {table: db.session.scalar(text(f"SELECT count(*) FROM {table}"))  # noqa: S608
                     for table in ("check_in", "entry_count", "ticket", "sales_count")}
            db.session.commit()
        print("rows: " + ", ".join(f"{k}={v:,}" for k, v in sizes.items()), flush=True)
        step("generation in total", generation)
    if "--analyze-then" in sys.argv:  # bench/dashboard runs ANALYZE as the owner in between
        input()
    with app.test_request_context():
        measure(app, start)


if __name__ == "__main__":
    main()
