"""Stripe Checkout through the real ``stripe`` library against a local fake that checks what it
is sent: amounts in minor units (JPY without decimals), currency, locale, connected account, fee."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest

from festival.core.db import db
from festival.core.errors import DomainError
from festival.core.scope import tenant_scope
from festival.payments.gateways import STRIPE, online_gateway
from festival.payments.stripe_checkout import StripeGateway
from festival.tenants.models import Tenant
from festival.ticketing import orders
from festival.ticketing.models import Order
from festival.ticketing.setup import VoucherSpec, create_voucher
from tests.conftest import row_counts
from tests.payments.conftest import checkout, connect, load_order
from tests.ticketing.world import build_sales_world


def amounts(call) -> list[tuple[str, int, int]]:
    """(name, unit amount, quantity) of each line Stripe was sent."""
    return [(item["[price_data][product_data][name]"], int(item["[price_data][unit_amount]"]),
             int(item["[quantity]"])) for item in call.line_items()]


def test_paris_pays_in_euro_cents_on_its_connected_account_with_the_base_fee(app, factory,
                                                                             fake_stripe):
    world = build_sales_world(app, factory, "paris")
    connect(app, world.tenant_id, "acct_1ParisLumieres", fee="5")
    made = checkout(app, world, {world.adult_id: 2, world.child_id: 1}, "fr")

    (call,) = fake_stripe.session_creations
    assert made.url == f"https://checkout.stripe.com/c/pay/{made.session_id}"
    assert call.account == "acct_1ParisLumieres"  # a direct charge on the tenant's account
    assert amounts(call) == [("Adulte", 1850, 2), ("Enfant", 900, 1)]
    assert {item["[price_data][currency]"] for item in call.line_items()} == {"eur"}
    assert made.total == Decimal("46.00")
    assert call.form["payment_intent_data[application_fee_amount]"] == "230"  # 5 % of 46.00
    assert call.form["locale"] == "fr"
    assert call.form["customer_email"] == "visitor@example.org"
    assert call.form["mode"] == "payment"
    assert call.form["client_reference_id"] == str(made.order_id)
    assert call.form["metadata[tenant]"] == "paris" and call.form["metadata[order_code]"] == made.code
    order_page = f"http://localhost/paris/o/{made.secret}"
    assert call.form["success_url"] == f"{order_page}?paid=1" and call.form["cancel_url"] == order_page
    # The night in French, in Paris time, tells the visitor what they pay for.
    description = call.line_items()[0]["[price_data][product_data][description]"]
    assert description.startswith("Lumières de Chine · ") and "18:00" in description
    # Stripe's minimum session lifetime (30 min) is longer than the 15-minute hold.
    assert int(call.form["expires_at"]) >= time.time() + 30 * 60

    order = load_order(app, world, made.order_id)
    assert order.payment_method == STRIPE and order.stripe_session_id == made.session_id
    assert order.stripe_account == "acct_1ParisLumieres" and order.status == Order.PENDING


def test_tokyo_pays_whole_yen_through_the_platform_account_without_a_fee(app, factory, fake_stripe):
    world = build_sales_world(app, factory, "tokyo")
    made = checkout(app, world, {world.adult_id: 1, world.family_id: 1}, "ja")

    (call,) = fake_stripe.session_creations
    assert call.account is None  # no connected account: the platform sells
    assert "payment_intent_data[application_fee_amount]" not in call.form
    assert amounts(call) == [("大人", 2400, 1), ("ファミリー", 7200, 1)]  # yen, not yen × 100
    assert call.line_items()[0]["[price_data][currency]"] == "jpy"
    assert call.form["locale"] == "ja"
    assert made.total == Decimal("9600")
    assert load_order(app, world, made.order_id).stripe_account is None


def test_arabic_visitors_get_stripes_automatic_language(app, factory, fake_stripe):
    world = build_sales_world(app, factory, "dubai")
    connect(app, world.tenant_id, "acct_1Dubai", fee="0")  # a connected account, no fee
    checkout(app, world, {world.adult_id: 2}, "ar")

    (call,) = fake_stripe.session_creations
    assert call.form["locale"] == "auto"  # Stripe Checkout has no Arabic
    assert amounts(call) == [("بالغ", 7500, 2)]
    assert call.line_items()[0]["[price_data][currency]"] == "aed"
    assert call.account == "acct_1Dubai"
    assert "payment_intent_data[application_fee_amount]" not in call.form


def test_a_voucher_and_net_prices_still_add_up_to_the_order_total_to_the_cent(app, factory,
                                                                           fake_stripe):
    world = build_sales_world(app, factory, "paris", prices_include_vat=False)
    connect(app, world.tenant_id, "acct_1Paris", fee="2.5")
    with app.app_context(), tenant_scope(world.tenant_id):
        from festival.exhibitions.models import Exhibition

        tenant = db.session.get(Tenant, world.tenant_id)
        create_voucher(tenant, db.session.get(Exhibition, world.exhibition_id), VoucherSpec(
            code="LANTERN5", kind="fixed", value=Decimal("5.00")), None)
        db.session.commit()
        db.session.remove()
    made = checkout(app, world, {world.adult_id: 3, world.child_id: 1}, "en", voucher="lantern5")

    (call,) = fake_stripe.session_creations
    sent = sum(unit * quantity for _name, unit, quantity in amounts(call))
    assert sent == int(made.total * 100)  # nothing lost or invented by rounding
    order = load_order(app, world, made.order_id)
    assert order.discount == Decimal("5.00") and order.tax_total > 0
    # 5.00 off spread over the lines (4.30 and 0.70), 10 % VAT on top: the adults' 56.32 does
    # not divide by 3, so that line goes as one item.
    assert amounts(call) == [("3 × Adult", 5632, 1), ("Child", 913, 1)]
    assert made.total == Decimal("65.45")
    assert call.form["payment_intent_data[application_fee_amount]"] == "164"  # 2.5 %, rounded


def test_a_second_click_reuses_the_open_session(app, factory, fake_stripe):
    world = build_sales_world(app, factory, "paris")
    made = checkout(app, world, {world.adult_id: 1}, "fr")
    with app.test_request_context(), tenant_scope(world.tenant_id):
        tenant = db.session.get(Tenant, world.tenant_id)
        again = online_gateway().start(db.session.get(Order, made.order_id), tenant)
        db.session.commit()
        db.session.remove()
    assert again == made.url
    assert len(fake_stripe.session_creations) == 1
    assert fake_stripe.of("GET", f"/v1/checkout/sessions/{made.session_id}")


def test_a_new_session_replaces_one_that_expired_and_a_completed_one_is_not_paid_twice(
        app, factory, fake_stripe):
    world = build_sales_world(app, factory, "paris")
    made = checkout(app, world, {world.adult_id: 1}, "fr")

    def start_again() -> str:
        with app.test_request_context(), tenant_scope(world.tenant_id):
            tenant = db.session.get(Tenant, world.tenant_id)
            try:
                return online_gateway().start(db.session.get(Order, made.order_id), tenant)
            finally:
                db.session.commit()
                db.session.remove()

    fake_stripe.sessions[made.session_id]["status"] = "expired"
    renewed = start_again()
    assert renewed != made.url and len(fake_stripe.session_creations) == 2
    newest = load_order(app, world, made.order_id).stripe_session_id
    assert renewed.endswith(newest)
    fake_stripe.sessions[newest]["status"] = "complete"  # paid; the webhook is on its way
    with pytest.raises(DomainError, match="no longer waiting for payment"):
        start_again()
    assert len(fake_stripe.session_creations) == 2


def test_stripe_refusing_the_session_is_a_clear_503_and_writes_nothing(app, factory, fake_stripe):
    world = build_sales_world(app, factory, "paris")
    with app.test_request_context(), tenant_scope(world.tenant_id):
        tenant = db.session.get(Tenant, world.tenant_id)
        order = orders.create_order(tenant, orders.OrderRequest(
            slot_id=world.slot_ids[0], quantities={world.adult_id: 1}, email="a@example.org",
            name="Ada", locale="fr"))
        db.session.commit()
        before = row_counts(app)
        fake_stripe.refuse_next = "Your account cannot currently make live charges."
        with pytest.raises(DomainError) as refused:
            StripeGateway().start(order, tenant)
        assert refused.value.status_code == 503
        assert "could not be started" in refused.value.message
        db.session.rollback()
        db.session.refresh(order)
        assert order.stripe_session_id is None and order.payment_method == "test"
        db.session.remove()
    assert row_counts(app) == before


def test_staff_partial_refund_goes_back_on_the_connected_account(app, factory, fake_stripe):
    world = build_sales_world(app, factory, "paris")
    connect(app, world.tenant_id, "acct_1ParisLumieres", fee="5")
    made = checkout(app, world, {world.adult_id: 2, world.child_id: 1}, "fr")
    with app.test_request_context(), tenant_scope(world.tenant_id):
        tenant = db.session.get(Tenant, world.tenant_id)
        order = db.session.get(Order, made.order_id)
        orders.confirm_payment(order, tenant, STRIPE, "pi_test_paid", order.total, notify=False)
        order.stripe_payment_intent = "pi_test_paid"
        child = next(t for t in orders.tickets_of(order) if t.ticket_type_id == world.child_id)
        amount = orders.refund_tickets(order, tenant, [child.id], actor=None, reason="sick child")
        db.session.commit()
        refunded = order.payments[-1].reference
        db.session.remove()

    assert amount == Decimal("9.00")
    (call,) = fake_stripe.refunds
    assert call.form["amount"] == "900" and call.form["payment_intent"] == "pi_test_paid"
    assert call.account == "acct_1ParisLumieres"
    assert call.form["refund_application_fee"] == "true"
    assert call.headers.get("Idempotency-Key", "").startswith("lantern-refund-")
    assert refunded.startswith("re_test_")
    order = load_order(app, world, made.order_id)
    assert order.status == Order.PAID and order.refunded_amount == Decimal("9.00")
    assert sum(1 for t in order.tickets if t.status == "void") == 1


def test_a_yen_refund_on_the_platform_account_has_no_fee_to_return(app, factory, fake_stripe):
    world = build_sales_world(app, factory, "tokyo")
    made = checkout(app, world, {world.adult_id: 2}, "ja")
    with app.test_request_context(), tenant_scope(world.tenant_id):
        tenant = db.session.get(Tenant, world.tenant_id)
        order = db.session.get(Order, made.order_id)
        orders.confirm_payment(order, tenant, STRIPE, "pi_test_yen", order.total, notify=False)
        order.stripe_payment_intent = "pi_test_yen"
        orders.refund_tickets(order, tenant, None, actor=None)
        db.session.commit()
        db.session.remove()
    (call,) = fake_stripe.refunds
    assert call.form["amount"] == "4800" and call.account is None
    assert "refund_application_fee" not in call.form
    assert load_order(app, world, made.order_id).status == Order.REFUNDED
