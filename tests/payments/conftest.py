"""Fixtures of the payment tests: Stripe keys pointing at a local fake, orders and signed events."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from festival.core.db import db
from festival.core.scope import tenant_scope
from festival.payments.gateways import online_gateway
from festival.tenants.models import Tenant
from festival.ticketing import orders
from festival.ticketing.models import Order
from tests.payments.fake_stripe import SECRET_KEY, WEBHOOK_SECRET, FakeStripe, signature

STRIPE_SETTINGS = ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "STRIPE_API_BASE")


@pytest.fixture
def fake_stripe(app, httpserver):
    """Stripe configured on the app, its API served by a local fake; settings restored after."""
    saved = {name: app.config.get(name) for name in STRIPE_SETTINGS}
    app.config.update(STRIPE_SECRET_KEY=SECRET_KEY, STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
                      STRIPE_API_BASE=httpserver.url_for("/").rstrip("/"))
    yield FakeStripe(httpserver)
    app.config.update(saved)


def connect(app, tenant_id: int, account: str | None, fee: str = "0") -> None:
    """Give a tenant a Stripe connected account and the base's fee."""
    with app.app_context(), tenant_scope(tenant_id):
        tenant = db.session.get(Tenant, tenant_id)
        tenant.stripe_account_id, tenant.application_fee_percent = account, Decimal(fee)
        db.session.commit()
        db.session.remove()


@dataclass
class Checkout:
    order_id: int
    code: str
    secret: str
    total: Decimal
    url: str
    session_id: str | None


def checkout(app, world, quantities: dict[int, int], locale: str, voucher: str = "",
             email: str = "visitor@example.org", slot: int = 0) -> Checkout:
    """A visitor's pending order sent to the online gateway, as the storefront's checkout does."""
    with app.test_request_context(), tenant_scope(world.tenant_id):
        tenant = db.session.get(Tenant, world.tenant_id)
        order = orders.create_order(tenant, orders.OrderRequest(
            slot_id=world.slot_ids[slot], quantities=quantities, email=email, name="Ada Visitor",
            locale=locale, voucher_code=voucher))
        url = online_gateway().start(order, tenant)
        db.session.commit()
        made = Checkout(order.id, order.code, order.secret, order.total, url, order.stripe_session_id)
        db.session.remove()
    return made


def load_order(app, world, order_id: int) -> Order:
    """A detached copy of the order with its tickets and payments loaded."""
    with app.app_context(), tenant_scope(world.tenant_id):
        order = db.session.get(Order, order_id)
        _ = (order.tickets, order.payments, order.lines)
        db.session.expunge_all()
        db.session.remove()
    return order


def post_event(client, payload: str, secret: str = WEBHOOK_SECRET, timestamp: int | None = None,
               header: str | None = None):
    """Deliver ``payload`` to the webhook the way Stripe does."""
    return client.post("/webhooks/stripe", data=payload.encode(), headers={
        "Content-Type": "application/json",
        "Stripe-Signature": header if header is not None else signature(payload, secret, timestamp)})
