"""Drill 5: Stripe delivers checkout.session.completed while PostgreSQL is down.

The webhook answers 503 with Retry-After (Stripe retries any non-2xx), having written nothing;
the same event delivered again once the database is back pays the order, issues its tickets
and sends one confirmation; a third delivery changes nothing.
"""

from __future__ import annotations

import re

import requests
from sqlalchemy import text

from festival.core.db import db
from festival.core.scope import tenant_scope
from festival.payments.gateways import STRIPE
from festival.tenants.models import Tenant
from festival.ticketing import orders
from festival.ticketing.pricing import to_minor_units
from tests.conftest import postgres_only
from tests.drills import stack
from tests.drills.conftest import services_app
from tests.drills.stack import needs_tools
from tests.payments.fake_stripe import event_payload, signature

pytestmark = [postgres_only, needs_tools]

VISITOR = "webhook@stripe-outage.example"
PERSONS = 2


def _pending_stripe_order(drill) -> tuple[str, dict]:
    """A visitor's pending order sent to Stripe Checkout (its session id stored, as the gateway
    does), made through the services in the drill's database: its code, and the session as
    Stripe reports it paid."""
    world = drill.world
    app = services_app(drill.cluster, int(drill.env["MAIL_PORT"]))
    try:
        with app.test_request_context(), tenant_scope(world.tenant_id):
            tenant = db.session.get(Tenant, world.tenant_id)
            order = orders.create_order(tenant, orders.OrderRequest(
                slot_id=world.slot_ids[-1], quantities={world.adult_id: PERSONS}, email=VISITOR,
                name="Drill Visitor", locale="en", payment_method=STRIPE))
            order.stripe_session_id = f"cs_drill_{order.id}"
            db.session.commit()
            session = {"id": order.stripe_session_id, "object": "checkout.session",
                       "status": "complete", "payment_status": "paid",
                       "payment_intent": f"pi_drill_{order.id}", "currency": order.currency.lower(),
                       "amount_total": to_minor_units(order.total, order.currency)}
            code = order.code
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    return code, session


def _deliver(drill, payload: str) -> requests.Response:
    """POST the event through nginx as Stripe does, freshly signed for each delivery."""
    return requests.post(f"{drill.proxy}/webhooks/stripe", data=payload.encode(), timeout=60,
                         headers={"Content-Type": "application/json",
                                  "Stripe-Signature": signature(payload)})


def _state(drill, code: str, event_id: str) -> tuple:
    with drill.owner.connect() as conn:
        order = conn.execute(text(
            "SELECT o.status, count(DISTINCT t.id), count(DISTINCT p.id) FROM ticket_order o "
            "LEFT JOIN ticket t ON t.order_id = o.id AND t.status = 'valid' "
            "LEFT JOIN payment p ON p.order_id = o.id WHERE o.code = :code GROUP BY o.id"),
            {"code": code}).one()
        events = conn.scalar(text("SELECT count(*) FROM processed_event WHERE event_id = :id"),
                             {"id": event_id})
    return (*order, events)


def _confirmations(drill, mailbox) -> list[str]:
    stack.festival(drill.env, "worker", "--burst")  # the confirmation is a queued job
    return [re.search(r"order (\S+)\. Your tickets", mailbox.text(m)).group(1)
            for m in mailbox.to(VISITOR)]


def test_a_webhook_during_a_database_outage_is_retried_and_processed_once(drill, mailbox):
    code, session = _pending_stripe_order(drill)
    payload = event_payload("checkout.session.completed", session)
    event_id = re.search(r'"id": "(evt_[^"]+)"', payload).group(1)
    assert _state(drill, code, event_id) == ("pending", 0, 0, 0)

    drill.cluster.stop()
    try:
        during = _deliver(drill, payload)
    finally:
        drill.cluster.start()
    # Not a 2xx (Stripe would drop the event) and not a 500: "try again", with when.
    assert during.status_code == 503, during.text[:500]
    assert int(during.headers["Retry-After"]) > 0
    assert "Traceback" not in during.text

    drill.wait_ready()
    assert _state(drill, code, event_id) == ("pending", 0, 0, 0)  # the outage wrote nothing

    # Stripe's retry: the order is paid with its tickets, and the visitor gets one mail.
    retried = _deliver(drill, payload)
    assert retried.status_code == 200 and retried.json() == {"received": True, "result": "paid"}
    assert _state(drill, code, event_id) == ("paid", PERSONS, 1, 1)
    assert _confirmations(drill, mailbox) == [code]

    # Delivered once more (Stripe did not hear the 200, say): nothing changes.
    again = _deliver(drill, payload)
    assert again.status_code == 200 and again.json()["duplicate"] is True
    assert _state(drill, code, event_id) == ("paid", PERSONS, 1, 1)
    assert _confirmations(drill, mailbox) == [code]
