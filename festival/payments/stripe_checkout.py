"""Stripe Checkout: direct charges on the tenant's connected account, and refunds the same way.

A tenant with a Stripe connected account is the merchant of record: the Checkout Session is
created on its account (``Stripe-Account`` header) and the platform takes the application fee
the base set. A tenant without one sells through the platform's own account, with no fee.
Confirmation never happens here: it arrives as a signed webhook (``stripe_events``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from importlib.util import find_spec
from zoneinfo import ZoneInfo

import stripe
from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from festival.core.db import db, utcnow
from festival.core.errors import Conflict, DomainError
from festival.core.i18n import format_local_datetime
from festival.payments.gateways import STRIPE
from festival.tenants.models import Tenant
from festival.ticketing.models import Order
from festival.ticketing.notify import order_page_url
from festival.ticketing.pricing import HUNDRED, to_minor_units

log = logging.getLogger("festival.payments.stripe")

# Stripe Checkout's locales for the languages we offer; Arabic has none, so Stripe picks.
CHECKOUT_LOCALES = {"en": "en", "fr": "fr", "de": "de", "es": "es", "ja": "ja", "zh_Hans": "zh"}
# Stripe refuses a session that expires less than 30 minutes after it is created.
MIN_SESSION_LIFETIME = timedelta(minutes=31)

MESSAGES = {
    "start": _l("The payment could not be started. Please try again in a moment."),
    "refund": _l("The refund could not be made through Stripe. Please try again in a moment."),
    "not_pending": _l("This order is no longer waiting for payment."),
    "nothing_to_pay": _l("This order has nothing to pay."),
    "changed": _l("This order was changed meanwhile. Reload the page and try again."),
}


class StripeUnavailable(DomainError):
    """Stripe refused or could not be reached: nothing was written, the person may retry."""

    status_code = 503


def checkout_locale(locale: str) -> str:
    """The visitor's language as Stripe Checkout knows it, else ``auto``."""
    return CHECKOUT_LOCALES.get(locale, "auto")


def stripe_client() -> stripe.StripeClient:
    """One client per key and API base (STRIPE_API_BASE points it at a local server in tests)."""
    config = current_app.config
    key, base = config["STRIPE_SECRET_KEY"], config.get("STRIPE_API_BASE") or ""
    clients = current_app.extensions.setdefault("stripe_clients", {})
    if (key, base) not in clients:
        # Stripe's default waits 80 s per try; neither a visitor nor a web worker should.
        http_client = stripe.RequestsClient(timeout=20) if find_spec("requests") else None
        clients[(key, base)] = stripe.StripeClient(
            key, base_addresses={"api": base} if base else None, max_network_retries=2,
            http_client=http_client)
    return clients[(key, base)]


def _on_account(account: str | None, idempotency_key: str | None = None) -> dict:
    """Request options: a direct charge is made (and refunded) on the connected account."""
    options: dict = {}
    if account:
        options["stripe_account"] = account
    if idempotency_key:
        options["idempotency_key"] = idempotency_key
    return options


def application_fee(order: Order, tenant: Tenant) -> int | None:
    """The platform's share in minor units; only direct charges on a connected account carry one."""
    percent = tenant.application_fee_percent or Decimal("0")
    if not tenant.stripe_account_id or percent <= 0:
        return None
    return to_minor_units(order.total * percent / HUNDRED, order.currency)


@dataclass
class CheckoutLine:
    name: str
    unit_amount: int  # minor units
    quantity: int


def checkout_lines(order: Order, tenant: Tenant) -> list[CheckoutLine]:
    """One Stripe line per order line, priced as charged, so the lines add up to the total.

    A voucher can leave a line total that does not divide by its quantity (3 tickets for
    50.00): such a line is sent as one item "3 × Adult" so no cent is lost or invented.
    """
    lines = []
    for line in order.lines:
        charged = line.total if order.prices_include_vat else line.total + line.tax
        amount = to_minor_units(charged, order.currency)
        if amount <= 0:
            continue  # Stripe lists what is paid for; a free line is on the order page
        name = line.ticket_type.name(order.locale, tenant.default_locale)
        if amount % line.quantity == 0:
            lines.append(CheckoutLine(name, amount // line.quantity, line.quantity))
        else:
            with force_locale(order.locale):
                label = _("%(quantity)s × %(name)s", quantity=line.quantity, name=name)
            lines.append(CheckoutLine(label, amount, 1))
    return lines


def _description(order: Order, tenant: Tenant) -> str:
    """Exhibition and entry time in the visitor's language and the tenant's timezone."""
    title = order.exhibition.title(order.locale, tenant.default_locale)
    when = format_local_datetime(order.slot.starts_at, ZoneInfo(tenant.timezone), "medium",
                                 locale=order.locale)
    return f"{title} · {when}"


def session_params(order: Order, tenant: Tenant, now: datetime) -> dict:
    """What Stripe is asked for: amounts in minor units, the visitor's language and email."""
    currency = order.currency.lower()
    description = _description(order, tenant)
    metadata = {"order_id": str(order.id), "order_code": order.code, "tenant": tenant.slug}
    page = order_page_url(order, tenant)
    # Back from Stripe, the order page says the payment is being confirmed until the webhook lands.
    paid_page = url_for("storefront.order_page", tenant_slug=tenant.slug, secret=order.secret, paid=1,
                        _external=True)
    expires_at = max(order.expires_at or now, now + MIN_SESSION_LIFETIME)
    intent: dict = {"metadata": metadata, "description": f"{tenant.name} {order.code}"}
    fee = application_fee(order, tenant)
    if fee:
        intent["application_fee_amount"] = fee
    return {
        "mode": "payment",
        "line_items": [{"quantity": line.quantity, "price_data": {
            "currency": currency, "unit_amount": line.unit_amount,
            "product_data": {"name": line.name, "description": description}}}
            for line in checkout_lines(order, tenant)],
        "customer_email": order.email,
        "locale": checkout_locale(order.locale),
        "client_reference_id": str(order.id),
        "metadata": metadata,
        "payment_intent_data": intent,
        "expires_at": int(expires_at.timestamp()),
        "success_url": paid_page,
        "cancel_url": page,
    }


def _open_session_url(order: Order) -> str | None:
    """The visitor's earlier session, if Stripe still takes payment on it (a second click)."""
    if not order.stripe_session_id:
        return None
    try:
        session = stripe_client().v1.checkout.sessions.retrieve(
            order.stripe_session_id, options=_on_account(order.stripe_account))
    except stripe.InvalidRequestError as error:
        if error.http_status == 404:
            return None  # Stripe no longer knows it: nobody can pay on it
        raise
    if session.status == "open":
        return session.url
    if session.status == "complete":
        raise Conflict(str(MESSAGES["not_pending"]))  # paid: the webhook is on its way
    return None


def lock_order(order: Order) -> None:
    """Hold the order's row until commit (PostgreSQL), so a refund from Stripe's dashboard and a
    staff refund of the same order are decided one after the other, on fresh data."""
    db.session.execute(select(Order.id).where(Order.id == order.id).with_for_update())
    db.session.refresh(order)


class StripeGateway:
    """Online payment through Stripe Checkout (hosted page), on the tenant's account if it has one."""

    name = STRIPE

    def start(self, order: Order, tenant: Tenant) -> str:
        """Create (or reuse) the Checkout Session of a pending order; returns its URL.

        The session may outlive the order's hold (Stripe's minimum is 30 minutes): a payment
        after the hold lapsed is honoured if places are free, else refunded (stripe_events).
        """
        if order.status != Order.PENDING:
            raise Conflict(str(MESSAGES["not_pending"]))
        if order.total <= 0:
            raise Conflict(str(MESSAGES["nothing_to_pay"]))
        try:
            url = _open_session_url(order)
            if url:
                return url
            session = stripe_client().v1.checkout.sessions.create(
                session_params(order, tenant, utcnow()), options=_on_account(tenant.stripe_account_id))
        except stripe.StripeError as error:
            log.warning("Stripe Checkout for order %s failed: %s", order.code, error)
            raise StripeUnavailable(str(MESSAGES["start"])) from error
        order.payment_method = STRIPE
        order.stripe_session_id = session.id
        order.stripe_account = tenant.stripe_account_id
        db.session.flush()
        return session.url

    def refund(self, order: Order, tenant: Tenant, amount: Decimal) -> str:
        """Refund part or all of the order's payment on the account that was charged."""
        lock_order(order)
        if order.status != Order.PAID or order.refunded_amount + amount > order.total:
            raise Conflict(str(MESSAGES["changed"]))  # another refund got there first
        already = to_minor_units(order.refunded_amount, order.currency)
        minor = to_minor_units(amount, order.currency)
        # A retried request (its first attempt refunded, then failed to commit) gets the same
        # refund back from Stripe instead of a second one.
        key = f"lantern-refund-{order.id}-{already}-{minor}"
        return refund_payment(order, minor, key)


def refund_payment(order: Order, minor_amount: int, idempotency_key: str) -> str:
    """Ask Stripe for a refund of the order's payment intent; returns the refund id.

    Direct charges on a connected account are the only ones that carry an application fee;
    the fee goes back in proportion (nothing when it was zero)."""
    params: dict = {"payment_intent": order.stripe_payment_intent, "amount": minor_amount,
                    "metadata": {"order_id": str(order.id), "order_code": order.code}}
    if order.stripe_account:
        params["refund_application_fee"] = True
    try:
        refund = stripe_client().v1.refunds.create(
            params, options=_on_account(order.stripe_account, idempotency_key))
    except stripe.StripeError as error:
        log.warning("Stripe refund for order %s failed: %s", order.code, error)
        raise StripeUnavailable(str(MESSAGES["refund"])) from error
    return refund.id
