"""/webhooks/stripe: signed events issue tickets exactly once; replays (also after a restart),
forgeries and stale signatures change nothing; late payments and Stripe-side refunds."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from festival import create_app
from festival.core.db import db, utcnow
from festival.core.scope import platform_scope, tenant_scope
from festival.payments.models import ProcessedEvent
from festival.tenants.models import Tenant
from festival.ticketing import orders
from festival.ticketing.models import EntrySlot, Order, Payment, Ticket
from tests.conftest import APP_URL, OWNER_URL, postgres_only, row_counts
from tests.payments.conftest import checkout, connect, load_order, post_event
from tests.payments.fake_stripe import WEBHOOK_SECRET, event_payload, paid_session, signature
from tests.ticketing.world import build_sales_world


@pytest.fixture
def paris(app, factory):
    world = build_sales_world(app, factory, "paris", capacity=4)
    connect(app, world.tenant_id, "acct_1ParisLumieres", fee="5")
    return world


def completed(fake_stripe, made, intent: str = "pi_test_1", account: str | None = "acct_1ParisLumieres",
              event_id: str | None = None) -> str:
    session = paid_session(fake_stripe.sessions[made.session_id], intent)
    return event_payload("checkout.session.completed", session, account, event_id)


def taken(app, world) -> int:
    with app.app_context(), tenant_scope(world.tenant_id):
        value = db.session.get(EntrySlot, world.slot_ids[0]).taken
        db.session.remove()
    return value


def processed(app) -> list[tuple[str, str, str | None]]:
    with app.app_context(), platform_scope("cli"):
        rows = [(e.event_type, e.outcome, e.tenant_slug) for e in
                db.session.scalars(select(ProcessedEvent).order_by(ProcessedEvent.id))]
        db.session.remove()
    return rows


def test_a_signed_payment_issues_the_tickets_once_and_mails_them(app, client, paris, fake_stripe,
                                                                 mailbox):
    made = checkout(app, paris, {paris.adult_id: 2, paris.child_id: 1}, "fr", email="marie@example.fr")
    payload = completed(fake_stripe, made, "pi_test_paris")

    response = post_event(client, payload)
    assert response.status_code == 200 and response.is_json
    assert response.get_json() == {"received": True, "result": "paid"}
    order = load_order(app, paris, made.order_id)
    assert order.status == Order.PAID and order.stripe_payment_intent == "pi_test_paris"
    assert len(order.tickets) == 3 and order.receipt_number
    (charge,) = order.payments
    assert (charge.provider, charge.reference, charge.amount) == ("stripe", "pi_test_paris",
                                                                  Decimal("46.00"))
    (mail,) = mailbox.to("marie@example.fr")
    assert made.code in mailbox.text(mail)
    assert processed(app) == [("checkout.session.completed", "paid", "paris")]

    # The same delivery again (Stripe retries), and the same event signed anew: nothing changes.
    before = row_counts(app)
    again = post_event(client, payload)
    assert again.status_code == 200 and again.get_json()["duplicate"] is True
    resigned = post_event(client, payload, timestamp=int(time.time()) - 5)
    assert resigned.status_code == 200 and resigned.get_json()["duplicate"] is True
    assert row_counts(app) == before
    assert len(mailbox.to("marie@example.fr")) == 1


def test_a_replay_after_a_restart_issues_nothing(app, client, paris, fake_stripe):
    made = checkout(app, paris, {paris.adult_id: 2}, "fr")
    payload = completed(fake_stripe, made)
    assert post_event(client, payload).get_json()["result"] == "paid"
    before = row_counts(app)

    # A new process on the same database: what it knows of the event is in the database.
    restarted = create_app({
        "SQLALCHEMY_DATABASE_URI": APP_URL, "MIGRATION_DATABASE_URL": OWNER_URL,
        "MAIL_SERVER": app.config["MAIL_SERVER"], "MAIL_PORT": app.config["MAIL_PORT"],
        "SERVER_NAME": None, "RATELIMIT_STORAGE_URI": "memory://",
        "STRIPE_SECRET_KEY": app.config["STRIPE_SECRET_KEY"],
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET, "STRIPE_API_BASE": app.config["STRIPE_API_BASE"]})
    try:
        replay = post_event(restarted.test_client(), payload)
        assert replay.status_code == 200 and replay.get_json()["duplicate"] is True
    finally:
        with restarted.app_context():
            db.session.remove()
            db.engine.dispose()
    assert row_counts(app) == before
    assert len(load_order(app, paris, made.order_id).tickets) == 2


@pytest.mark.parametrize("forgery", ["tampered payload", "wrong secret", "stale", "forged header",
                                     "no header", "not json", "no object"])
def test_forged_or_stale_signatures_are_refused_and_write_nothing(app, client, paris, fake_stripe,
                                                                  forgery):
    made = checkout(app, paris, {paris.adult_id: 2}, "fr")
    payload = completed(fake_stripe, made)
    before = row_counts(app)
    if forgery == "tampered payload":
        tampered = payload.replace('"amount_total": 3700', '"amount_total": 1')
        assert tampered != payload
        response = client.post("/webhooks/stripe", data=tampered,
                               headers={"Stripe-Signature": signature(payload)})
    elif forgery == "wrong secret":
        response = post_event(client, payload, secret="whsec_someone_else")
    elif forgery == "stale":
        response = post_event(client, payload, timestamp=int(time.time()) - 301)
    elif forgery == "forged header":
        response = post_event(client, payload, header=f"t={int(time.time())},v1={'0' * 64}")
    elif forgery == "no header":
        response = client.post("/webhooks/stripe", data=payload)
    elif forgery == "not json":
        response = post_event(client, "{not json")
    else:  # signed with the right secret, but not shaped like an event
        response = post_event(client, '{"id": "evt_1", "type": "checkout.session.completed", "data": []}')
    assert response.status_code == 400 and response.is_json
    message = response.get_json()["error"]["message"]
    expected = {"stale": "too old", "no header": "header is missing",
                "not json": "not a valid Stripe event",
                "no object": "not a valid Stripe event"}.get(forgery, "does not match")
    assert expected in message, message
    assert row_counts(app) == before
    assert load_order(app, paris, made.order_id).status == Order.PENDING


def test_an_event_for_another_stripe_account_changes_nothing(app, client, paris, fake_stripe):
    """A signed event from some other connected account cannot pay this tenant's order."""
    made = checkout(app, paris, {paris.adult_id: 1}, "fr")
    response = post_event(client, completed(fake_stripe, made, account="acct_1SomeoneElse"))
    assert response.status_code == 200 and response.get_json()["result"] == "unknown_order"
    assert load_order(app, paris, made.order_id).status == Order.PENDING
    assert row_counts(app)["ticket"] == 0


def test_unknown_event_types_are_acknowledged_and_ignored(app, client, fake_stripe):
    before = row_counts(app)
    response = post_event(client, event_payload("customer.created", {"id": "cus_1"}))
    assert response.status_code == 200 and response.get_json()["ignored"] is True
    assert row_counts(app) == before
    # POST only (a GET falls through to the storefront's rules, which refuse the reserved slug).
    assert client.get("/webhooks/stripe", follow_redirects=True).status_code in (404, 405)


def test_without_a_webhook_secret_events_wait(app, client, fake_stripe):
    app.config["STRIPE_WEBHOOK_SECRET"] = ""
    response = post_event(client, event_payload("checkout.session.completed", {"id": "cs_x"}))
    assert response.status_code == 503 and response.is_json  # Stripe retries later


def test_expiry_releases_the_hold_but_never_undoes_a_payment(app, client, paris, fake_stripe):
    paid = checkout(app, paris, {paris.adult_id: 2}, "fr")
    left = checkout(app, paris, {paris.adult_id: 1}, "fr")
    assert taken(app, paris) == 3
    assert post_event(client, completed(fake_stripe, paid)).get_json()["result"] == "paid"

    # Reordered: the paid session's expiry arrives after its payment, and changes nothing.
    late_expiry = event_payload("checkout.session.expired",
                                {**fake_stripe.sessions[paid.session_id], "status": "expired"},
                                "acct_1ParisLumieres")
    assert post_event(client, late_expiry).get_json()["result"] == "unchanged"
    assert load_order(app, paris, paid.order_id).status == Order.PAID
    # The abandoned one gives its place back.
    abandoned = event_payload("checkout.session.expired",
                              {**fake_stripe.sessions[left.session_id], "status": "expired"},
                              "acct_1ParisLumieres")
    assert post_event(client, abandoned).get_json()["result"] == "cancelled"
    assert load_order(app, paris, left.order_id).status == Order.CANCELLED
    assert taken(app, paris) == 2


def _expire_and_sell_out(app, world, made) -> None:
    """The visitor lingers on Stripe's page: the hold lapses and others buy every place."""
    with app.test_request_context(), tenant_scope(world.tenant_id):
        tenant = db.session.get(Tenant, world.tenant_id)
        later = utcnow() + timedelta(minutes=16)
        orders.release_expired_holds(later)
        other = orders.create_order(tenant, orders.OrderRequest(
            slot_id=world.slot_ids[0], quantities={world.adult_id: 4}, email="quick@example.org",
            name="Quick Buyer", locale="en"), now=later)
        orders.confirm_payment(other, tenant, "test", "t-quick", other.total, notify=False)
        db.session.commit()
        db.session.remove()


def test_a_payment_after_the_hold_when_sold_out_is_refunded_in_full(app, client, paris, fake_stripe,
                                                                   mailbox):
    made = checkout(app, paris, {paris.adult_id: 2}, "fr", email="late@example.fr")
    _expire_and_sell_out(app, paris, made)
    tickets_before = row_counts(app)["ticket"]

    response = post_event(client, completed(fake_stripe, made, "pi_test_late"))
    assert response.status_code == 200
    assert response.get_json()["result"] == "refunded_no_capacity"
    (refund,) = fake_stripe.refunds
    assert refund.form["payment_intent"] == "pi_test_late" and refund.form["amount"] == "3700"
    assert refund.account == "acct_1ParisLumieres"
    assert refund.form["refund_application_fee"] == "true"
    assert row_counts(app)["ticket"] == tickets_before  # no ticket for this order
    order = load_order(app, paris, made.order_id)
    assert order.status == Order.CANCELLED and order.refunded_amount == Decimal("37.00")
    assert sorted((p.kind, p.amount) for p in order.payments) == [
        (Payment.CHARGE, Decimal("37.00")), (Payment.REFUND, Decimal("37.00"))]
    # Written for the tenant's staff in its language (French once the catalogs have it).
    refund_id = next(p.reference for p in order.payments if p.kind == Payment.REFUND)
    assert refund_id.startswith("re_test_") and refund_id in order.note
    assert taken(app, paris) == 4  # never oversold
    (mail,) = mailbox.to("late@example.fr")
    body = mailbox.text(mail)
    assert made.code in mail["Subject"] and "37,00\xa0€" in body and "http://localhost/paris/" in body

    # Stripe delivers the event again, or a second copy under its own id: no second refund.
    assert post_event(client, completed(fake_stripe, made, "pi_test_late")).get_json()[
        "result"] == "already_refunded"
    assert len(fake_stripe.refunds) == 1


def test_a_payment_after_the_hold_with_places_free_is_honoured(app, client, paris, fake_stripe):
    made = checkout(app, paris, {paris.adult_id: 2}, "fr")
    with app.app_context(), tenant_scope(paris.tenant_id):
        orders.release_expired_holds(utcnow() + timedelta(minutes=16))
        db.session.commit()
        db.session.remove()
    assert taken(app, paris) == 0
    assert post_event(client, completed(fake_stripe, made)).get_json()["result"] == "paid"
    assert load_order(app, paris, made.order_id).status == Order.PAID
    assert taken(app, paris) == 2 and not fake_stripe.refunds


def _charge(intent: str, amount: int, refunded: int, refund_id: str = "re_dashboard_1") -> dict:
    return {"id": "ch_test_1", "object": "charge", "payment_intent": intent, "amount": amount,
            "amount_refunded": refunded, "refunded": refunded >= amount, "currency": "eur",
            "refunds": {"object": "list", "data": [{"id": refund_id, "object": "refund",
                                                    "amount": refunded}]}}


def test_a_full_refund_in_stripes_dashboard_voids_the_tickets_without_calling_stripe(
        app, client, paris, fake_stripe, mailbox):
    made = checkout(app, paris, {paris.adult_id: 2}, "fr", email="dash@example.fr")
    post_event(client, completed(fake_stripe, made, "pi_test_dash"))
    assert taken(app, paris) == 2

    partial = event_payload("charge.refunded", _charge("pi_test_dash", 3700, 1000),
                            "acct_1ParisLumieres")
    assert post_event(client, partial).get_json()["result"] == "partial_refund_ignored"
    full = event_payload("charge.refunded", _charge("pi_test_dash", 3700, 3700),
                         "acct_1ParisLumieres")
    assert post_event(client, full).get_json()["result"] == "refunded"

    assert not fake_stripe.refunds  # the money already went back in Stripe
    order = load_order(app, paris, made.order_id)
    assert order.status == Order.REFUNDED and order.refunded_amount == Decimal("37.00")
    assert {t.status for t in order.tickets} == {Ticket.VOID}
    assert [p.reference for p in order.payments if p.kind == Payment.REFUND] == ["re_dashboard_1"]
    assert taken(app, paris) == 0
    notice = mailbox.to("dash@example.fr")[-1]
    assert "37,00\xa0€" in mailbox.text(notice)
    # Replayed, or arriving after a refund made in Lantern: nothing more happens.
    assert post_event(client, full).get_json()["duplicate"] is True
    again = event_payload("charge.refunded", _charge("pi_test_dash", 3700, 3700, "re_other"),
                          "acct_1ParisLumieres")
    assert post_event(client, again).get_json()["result"] == "unchanged"


def test_a_refund_made_in_lantern_comes_back_as_an_event_and_changes_nothing(app, client, paris,
                                                                             fake_stripe):
    made = checkout(app, paris, {paris.adult_id: 2}, "fr")
    post_event(client, completed(fake_stripe, made, "pi_test_staff"))
    with app.test_request_context(), tenant_scope(paris.tenant_id):
        tenant = db.session.get(Tenant, paris.tenant_id)
        orders.refund_tickets(db.session.get(Order, made.order_id), tenant, None, actor=None)
        db.session.commit()
        db.session.remove()
    (refund,) = fake_stripe.refunds
    before = row_counts(app)
    echo = event_payload("charge.refunded", _charge("pi_test_staff", 3700, 3700, "re_x"),
                         "acct_1ParisLumieres")
    assert post_event(client, echo).get_json()["result"] == "unchanged"
    after = row_counts(app)
    assert after["processed_event"] == before["processed_event"] + 1
    assert {k: v for k, v in after.items() if k != "processed_event"} == {
        k: v for k, v in before.items() if k != "processed_event"}
    assert refund.form["amount"] == "3700"


@postgres_only
def test_two_concurrent_deliveries_of_one_event_issue_the_tickets_once(app, paris, fake_stripe):
    """Released together on separate connections: the unique event id lets one through."""
    made = checkout(app, paris, {paris.adult_id: 2}, "fr")
    payload = completed(fake_stripe, made, "pi_test_twice")
    barrier = threading.Barrier(2)
    answers: list[dict] = []

    def deliver() -> None:
        client = app.test_client()
        barrier.wait()
        answers.append(post_event(client, payload).get_json())

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answer["result"] for answer in answers) == ["duplicate", "paid"]
    assert len(load_order(app, paris, made.order_id).tickets) == 2
    assert processed(app) == [("checkout.session.completed", "paid", "paris")]
