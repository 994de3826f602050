"""A visitor in French buys through the storefront, pays on (fake) Stripe Checkout, and the signed
webhook confirms the order: what the visitor sees on the order page and in the mail."""

from __future__ import annotations

import re

from tests.payments.conftest import connect, load_order, post_event
from tests.payments.fake_stripe import event_payload, paid_session
from tests.security.conftest import text_of
from tests.ticketing.world import build_sales_world

FR = {"Accept-Language": "fr"}


def test_a_french_visitor_pays_with_stripe_and_gets_her_tickets(app, make_client, factory,
                                                                fake_stripe, mailbox):
    world = build_sales_world(app, factory, "paris")
    connect(app, world.tenant_id, "acct_1ParisLumieres", fee="5")
    visitor = make_client()
    visitor.http.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr"
    night = f"/paris/{world.exhibition_slug}/{world.first_night.isoformat()}"
    held = visitor.post_form(night, {
        "slot": str(world.slot_ids[0]), f"quantity_{world.adult_id}": "2",
        f"quantity_{world.child_id}": "1", "email": "claire@example.fr", "name": "Claire Dubois"})
    assert held.status_code == 303, text_of(held)[:500]
    order_page = held.headers["Location"]
    secret = order_page.rstrip("/").rsplit("/", 1)[-1]
    assert "46,00 €" in text_of(visitor.get(order_page))  # text_of turns the no-break space into a space

    paying = visitor.post_form(f"/paris/o/{secret}/pay", {}, token_from=order_page)
    assert paying.status_code == 303
    (call,) = fake_stripe.session_creations
    session_id = re.search(r"cs_test_\d+", paying.headers["Location"]).group(0)
    assert paying.headers["Location"] == f"https://checkout.stripe.com/c/pay/{session_id}"
    assert call.form["locale"] == "fr" and call.account == "acct_1ParisLumieres"
    assert call.form["customer_email"] == "claire@example.fr"

    # Back from Stripe before the webhook: the page says the payment is being confirmed.
    back = text_of(visitor.get(f"{order_page}?paid=1"))
    assert "being confirmed" in back or "en cours de confirmation" in back

    session = paid_session(fake_stripe.sessions[session_id], "pi_test_claire")
    delivered = post_event(make_client(), event_payload("checkout.session.completed", session,
                                                        "acct_1ParisLumieres"))
    assert delivered.status_code == 200 and delivered.get_json()["result"] == "paid"

    order = load_order(app, world, int(call.form["client_reference_id"]))
    codes = [t.code for t in order.tickets]
    assert len(codes) == 3
    page = text_of(visitor.get(f"{order_page}?paid=1"))
    assert all(code in page for code in codes)
    (mail,) = mailbox.to("claire@example.fr")
    assert order.code in mailbox.text(mail)
    attachments = [part.get_filename() for part in mail.iter_attachments()]
    assert f"tickets-{order.code}.pdf" in attachments
