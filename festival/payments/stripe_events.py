"""Signed Stripe events, each processed once: payments confirmed, holds released, refunds mirrored.

The event is a trigger, never trusted beyond its signature: the order is found by the Checkout
Session (or payment intent) Lantern created, in the platform scope "webhook", and must belong
to the Stripe account the event came from; the changes are then made inside that tenant's
scope. The event id is stored in the same transaction as its effect, so a replay, also after
a restart, finds it in the database and changes nothing; the unique (provider, event id)
makes the second of two concurrent deliveries wait and then find the first.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import stripe
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from festival.audit.services import record_event
from festival.core.db import db, utcnow
from festival.core.errors import DomainError
from festival.core.i18n import format_money
from festival.core.mail import compose_mail, queue_mail
from festival.core.scope import platform_scope, tenant_scope
from festival.core.urls import external_url
from festival.documents.pdf import document_locale, visit_of
from festival.payments.gateways import STRIPE
from festival.payments.models import ProcessedEvent
from festival.payments.stripe_checkout import lock_order, refund_payment
from festival.tenants.models import Tenant
from festival.ticketing import orders
from festival.ticketing.models import Order, Payment
from festival.ticketing.notify import send_refund_notice
from festival.ticketing.pricing import from_minor_units, to_minor_units

log = logging.getLogger("festival.payments.stripe")

PROVIDER = "stripe"

MESSAGES = {
    "not_configured": _l("Stripe webhooks are not configured on this deployment."),
    "no_signature": _l("The Stripe-Signature header is missing."),
    "stale": _l("The signature is too old: the event was signed outside the accepted time window."),
    "mismatch": _l("The signature does not match the payload with this endpoint's secret."),
    "payload": _l("The payload is not a valid Stripe event."),
}


class SignatureRejected(DomainError):
    status_code = 400


class WebhookNotConfigured(DomainError):
    # Stripe retries a 5xx, so events wait until the deployment has its secret.
    status_code = 503


def verify_event(payload: bytes, signature: str | None, secrets: list[str]) -> dict:
    """The event as a plain dict if ``signature`` is Stripe's for ``payload``, else a clear refusal.

    Several secrets may be configured: Stripe signs platform and Connect endpoints apart."""
    if not secrets:
        raise WebhookNotConfigured(str(MESSAGES["not_configured"]))
    if not signature:
        raise SignatureRejected(str(MESSAGES["no_signature"]))
    stale = False
    for secret in secrets:
        try:
            event = stripe.Webhook.construct_event(payload, signature, secret)
        except stripe.SignatureVerificationError as error:
            stale = stale or "tolerance" in str(error)
            continue
        except ValueError:  # signed, but not JSON (or not UTF-8): nothing we can act on
            raise SignatureRejected(str(MESSAGES["payload"])) from None
        event_dict = event.to_dict()
        if not _well_formed(event_dict):
            raise SignatureRejected(str(MESSAGES["payload"]))
        return event_dict
    raise SignatureRejected(str(MESSAGES["stale" if stale else "mismatch"]))


def _well_formed(event: dict) -> bool:
    """An id, a type and an object: what every event Lantern acts on carries."""
    data = event.get("data")
    return (isinstance(event.get("id"), str) and isinstance(event.get("type"), str)
            and isinstance(data, dict) and isinstance(data.get("object"), dict))


@dataclass
class Outcome:
    """What processing an event did, for the JSON answer and the ProcessedEvent row."""

    result: str
    order_code: str | None = None

    @property
    def answer(self) -> dict:
        body: dict = {"received": True, "result": self.result}
        if self.result == "ignored":
            body["ignored"] = True
        if self.result == "duplicate":
            body["duplicate"] = True
        return body


Handler = Callable[[dict, Order, Tenant, dict], str]


def process_event(event: dict) -> Outcome:
    """Apply one verified event exactly once (the caller's unit of work commits)."""
    handler = HANDLERS.get(event["type"])
    if handler is None:
        return Outcome("ignored")
    obj = event["data"]["object"]
    with platform_scope("webhook"):
        if _seen(event["id"]):
            return Outcome("duplicate")
        order = _find_order(event["type"], obj, event.get("account"))
        if order is None:
            return _record(event, None, Outcome("unknown_order"))
        tenant = db.session.get(Tenant, order.tenant_id)
        with tenant_scope(tenant.id):
            claim = _claim(event, tenant)
            if claim is None:
                return Outcome("duplicate")
            result = handler(obj, order, tenant, event)
            claim.outcome = result
            db.session.flush()  # the writes are checked and sent while the tenant scope is open
    log.info("stripe event %s (%s) for order %s: %s", event["id"], event["type"], order.code, result)
    return Outcome(result, order.code)


def _seen(event_id: str) -> bool:
    return db.session.scalar(select(ProcessedEvent.id).where(
        ProcessedEvent.provider == PROVIDER, ProcessedEvent.event_id == event_id)) is not None


def _claim(event: dict, tenant: Tenant | None, outcome: str = "processing") -> ProcessedEvent | None:
    """Store the event id before its effect; None when another delivery stored it first."""
    record = ProcessedEvent(provider=PROVIDER, event_id=event["id"][:255],
                            event_type=event["type"][:80], outcome=outcome,
                            tenant_slug=tenant.slug if tenant else None)
    try:
        with db.session.begin_nested():
            db.session.add(record)
    except IntegrityError:
        return None
    return record


def _record(event: dict, tenant: Tenant | None, outcome: Outcome) -> Outcome:
    """An event with nothing to change is still stored, so support can see it arrived."""
    return outcome if _claim(event, tenant, outcome.result) is not None else Outcome("duplicate")


def _find_order(event_type: str, obj: dict, account: str | None) -> Order | None:
    """The order Lantern created this session or payment for, on the account that sent it."""
    if event_type.startswith("checkout.session."):
        key = obj.get("id")
        column = Order.stripe_session_id
    else:
        key = obj.get("payment_intent")
        column = Order.stripe_payment_intent
    if not isinstance(key, str) or not key:
        return None
    order = db.session.scalars(select(Order).where(column == key)).first()
    # A tenant's connected account can only ever speak for that tenant's own orders.
    if order is None or (order.stripe_account or None) != (account or None):
        return None
    return order


# --- the events ----------------------------------------------------------------------------------

def session_paid(session: dict, order: Order, tenant: Tenant, event: dict) -> str:
    """checkout.session.completed / async_payment_succeeded: issue the tickets, or refund."""
    if session.get("payment_status") != "paid":
        return "awaiting_payment"  # a delayed method (bank debit): its own event follows
    intent = session.get("payment_intent")
    if order.status == Order.CANCELLED and intent and order.stripe_payment_intent == intent:
        return "already_refunded"  # this very payment came too late and went back
    amount = from_minor_units(int(session.get("amount_total") or 0), order.currency)
    outcome = orders.confirm_payment(order, tenant, STRIPE, intent, amount)
    if outcome is orders.PaymentOutcome.NO_CAPACITY:
        _refund_late_payment(order, tenant, intent, session)
        return "refunded_no_capacity"
    if outcome is orders.PaymentOutcome.PAID:
        order.stripe_payment_intent = intent
        return "paid"
    return "already_paid"


def _refund_late_payment(order: Order, tenant: Tenant, intent: str, session: dict) -> None:
    """Paid after the hold lapsed and the places are gone: the whole payment goes back."""
    order.stripe_payment_intent = intent
    minor = int(session.get("amount_total") or 0)
    amount = from_minor_units(minor, order.currency)
    reference = refund_payment(order, minor, f"lantern-late-{session['id']}")
    now = utcnow()
    for kind, ref in ((Payment.CHARGE, intent), (Payment.REFUND, reference)):
        db.session.add(Payment(tenant_id=tenant.id, order_id=order.id, kind=kind, provider=STRIPE,
                               reference=ref, amount=amount, currency=order.currency,
                               created_at=now))
    order.status, order.cancelled_at, order.refunded_amount = Order.CANCELLED, now, amount
    with force_locale(tenant.default_locale):  # the note is read by the tenant's staff
        note = _("Paid after the hold expired while the entry slot was sold out: "
                 "the payment was refunded in full (%(reference)s).", reference=reference)
    order.note = f"{order.note}\n{note}".strip()
    record_event("festival.payments.late_payment_refunded", order=order.code, refund=reference)
    locale = document_locale(order, tenant)
    queue_mail(compose_mail(order.email, "order_payment_refunded", locale, order=order,
                            visit=visit_of(order, tenant, locale),
                            amount=format_money(amount, order.currency, locale),
                            shop_url=external_url("storefront.index", tenant_slug=tenant.slug)))


def session_closed(session: dict, order: Order, tenant: Tenant, event: dict) -> str:
    """checkout.session.expired / async_payment_failed: a pending order gives its places back.

    A paid order is never touched, so an expiry arriving after the payment changes nothing."""
    return "cancelled" if orders.cancel_pending(order) else "unchanged"


def charge_refunded(charge: dict, order: Order, tenant: Tenant, event: dict) -> str:
    """charge.refunded: a full refund made in Stripe's dashboard voids what is still valid.

    Lantern's own refunds arrive here too: by then the order is refunded (or partly, which
    leaves the charge partly refunded), so nothing happens twice."""
    if not charge.get("refunded"):
        return "partial_refund_ignored"
    lock_order(order)  # a staff refund of this order in flight finishes first
    if order.status != Order.PAID:
        return "unchanged"
    if to_minor_units(order.refunded_amount, order.currency) >= int(charge.get("amount_refunded") or 0):
        return "unchanged"
    refunds = ((charge.get("refunds") or {}).get("data") or [])
    reference = refunds[0]["id"] if refunds and refunds[0].get("id") else f"{PROVIDER}-{event['id']}"
    try:
        amount = orders.refund_tickets(order, tenant, None, actor=None, reason="refunded in Stripe",
                                       refund_reference=reference)
    except DomainError:
        return "nothing_to_void"  # every ticket was used or voided already
    send_refund_notice(order, tenant, amount)
    return "refunded"


HANDLERS: dict[str, Handler] = {
    "checkout.session.completed": session_paid,
    "checkout.session.async_payment_succeeded": session_paid,
    "checkout.session.expired": session_closed,
    "checkout.session.async_payment_failed": session_closed,
    "charge.refunded": charge_refunded,
}
