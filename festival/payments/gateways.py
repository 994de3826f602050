"""Which way an order is paid and refunded: Stripe Checkout when keys are set, else the test gateway.

A gateway turns a pending order into a place to send the visitor (``start``) and gives
money back (``refund``). Confirmation always goes through ``orders.confirm_payment``.
"""

from __future__ import annotations

import secrets
from decimal import Decimal
from typing import Protocol

from flask import current_app, url_for

from festival.tenants.models import Tenant
from festival.ticketing.models import Order

TEST = "test"
STRIPE = "stripe"
CASH = "cash"
CARD_ON_SITE = "card_on_site"
ON_SITE_METHODS = (CASH, CARD_ON_SITE)


class Refunds(Protocol):
    name: str

    def refund(self, order: Order, tenant: Tenant, amount: Decimal) -> str:
        """Pay ``amount`` back; returns the provider's reference of the refund."""


class Gateway(Refunds, Protocol):
    def start(self, order: Order, tenant: Tenant) -> str:
        """The URL the visitor goes to in order to pay."""


class TestGateway:
    """The embedded default: a page clearly labelled as a test, where no money moves."""

    name = TEST

    def start(self, order: Order, tenant: Tenant) -> str:
        return url_for("storefront.test_payment", secret=order.secret)

    def refund(self, order: Order, tenant: Tenant, amount: Decimal) -> str:
        return f"test-refund-{secrets.token_hex(8)}"


class OnSiteRefunds:
    """Cash and card taken at the box office are paid back at the box office."""

    def __init__(self, name: str):
        self.name = name

    def refund(self, order: Order, tenant: Tenant, amount: Decimal) -> str:
        return f"{self.name}-refund-{secrets.token_hex(8)}"


def stripe_configured() -> bool:
    return bool(current_app.config.get("STRIPE_SECRET_KEY"))


def online_gateway() -> Gateway:
    """The gateway visitors pay through on this deployment."""
    if stripe_configured():
        from festival.payments.stripe_checkout import StripeGateway

        return StripeGateway()
    return TestGateway()


def refund_gateway(order: Order) -> Refunds:
    """Money goes back the way it came."""
    if order.payment_method == STRIPE:
        from festival.payments.stripe_checkout import StripeGateway

        return StripeGateway()
    if order.payment_method in ON_SITE_METHODS:
        return OnSiteRefunds(order.payment_method)
    return TestGateway()
