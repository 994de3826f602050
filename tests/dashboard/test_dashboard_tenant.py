"""Tenants see the dashboard limited to their own exhibitions, in their own currency; and the
maintained sales counts equal a recount from the raw orders, tickets and payments."""

from __future__ import annotations

from decimal import Decimal

import pytest

from festival.core.db import db
from festival.core.scope import platform_scope, tenant_scope
from festival.ticketing.sales_counts import maintained_sales, recount_sales, sales_from_orders
from tests.conftest import translated
from tests.dashboard.world import MANUAL, build_dashboard_world
from tests.documents.conftest import normalize_spaces
from tests.exports.helpers import export_rows, request_export
from tests.security.conftest import text_of


@pytest.fixture
def world(app, factory):
    return build_dashboard_world(app, factory)


def test_tenant_sees_only_its_own_figures(app, world, make_client):
    paris = world.tenants["paris"]
    owner = make_client()
    owner.login(paris.emails["owner"])
    page = owner.get(f"{paris.portal}/dashboard?{world.query()}")
    assert page.status_code == 200
    text = normalize_spaces(text_of(page))
    fr = lambda message: translated(app, "fr", message)  # noqa: E731  the owner reads French
    assert f"{fr('Visitors')} {2 + MANUAL + 1}" in text
    assert f"{fr('Tickets sold')} 3" in text
    assert "55,50 €" in text
    assert "Lumières de Chine" in text or "Lantern Festival" in text
    # Nothing of the other tenants, no conversion and no platform progress.
    for other in ("Tokyo", "Dubai", "¥", "AED", "CNY", fr("By country"),
                  fr("Toward 100 displays in 100 foreign cities")):
        assert other not in text
    rows = export_rows(owner, paris.portal, "dashboard", world.query())
    total = [row for row in rows if row["breakdown"] == "total"]
    assert [(row["visitors"], row["tickets_sold"], row["revenue"], row["currency"]) for row in total] \
        == [(str(2 + MANUAL + 1), "3", "55.50", "EUR")]
    assert {row["revenue_converted"] for row in rows} == {""}


def test_box_office_staff_may_look_gate_staff_may_not(world, make_client):
    paris = world.tenants["paris"]
    box_office = make_client()
    box_office.login(paris.emails["box_office"])
    assert box_office.get(f"{paris.portal}/dashboard?{world.query()}").status_code == 200
    gate = make_client()
    gate.login(paris.emails["gate"])
    assert gate.get(f"{paris.portal}/dashboard").status_code == 403
    assert gate.get(f"{paris.portal}/exports").status_code == 403
    assert request_export(gate, paris.portal, "dashboard").status_code == 403


def test_tenant_bad_filters(app, world, make_client):
    paris = world.tenants["paris"]
    owner = make_client()
    owner.login(paris.emails["owner"])
    response = owner.get(f"{paris.portal}/dashboard?from=2026-02-30")
    assert response.status_code == 400
    assert translated(app, "fr", "Enter dates as YYYY-MM-DD.") in text_of(response)


def test_maintained_sales_equal_a_recount(app, world):
    """Payments, a partial refund (Paris), a full refund (Tokyo) and a box-office sale (Dubai)."""
    with app.app_context():
        with platform_scope("cli"):
            maintained = maintained_sales()
            counted = sales_from_orders()
            assert maintained == counted
            assert len(maintained) == 6  # two nights of three tenants
            revenue = {}
            for (_exhibition, _night, currency), figures in maintained.items():
                revenue[currency] = revenue.get(currency, Decimal("0")) + figures.revenue - figures.refunded
            assert revenue == {"EUR": Decimal("55.50"), "JPY": Decimal("8400.00"),
                               "AED": Decimal("415.00")}
            refunds = sorted((f.refunded_tickets, f.refunded) for f in maintained.values()
                             if f.refunded_tickets)
            assert refunds == [(1, Decimal("9.00")), (3, Decimal("7200.00"))]
        db.session.remove()
        # The repair in one tenant's scope rebuilds that tenant's rows only, to the same figures.
        tokyo = world.tenants["tokyo"]
        with tenant_scope(tokyo.tenant_id):
            assert recount_sales() == maintained_sales()
            db.session.commit()
        db.session.remove()
        with platform_scope("cli"):
            assert maintained_sales() == maintained
            assert recount_sales() == maintained
        db.session.remove()
