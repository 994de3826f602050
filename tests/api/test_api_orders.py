"""Creating and cancelling orders through the API, under the same capacity rules as the shop."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from festival.core.db import db
from festival.core.scope import tenant_scope
from festival.tenants.models import Tenant
from festival.ticketing import orders, signing
from festival.ticketing.models import EntrySlot, Order
from tests.api.conftest import order_body
from tests.conftest import row_counts


def test_an_integration_creates_a_pending_order_and_sees_its_tickets_once_paid(app, api, paris,
                                                                                mailbox):
    response = api.post("/orders", order_body(paris))
    assert response.status_code == 201
    order = response.get_json()
    assert order["status"] == "pending" and order["channel"] == "api"
    assert order["payment_method"] == "test" and order["locale"] == "fr"
    assert order["email"] == "marie@example.fr" and order["persons"] == 3
    assert order["total"] == "46.00" and order["tax_total"] == "4.18" and order["currency"] == "EUR"
    assert order["expires_at"] > order["created_at"] and order["paid_at"] is None
    assert [(line["ticket_type_id"], line["quantity"], line["unit_price"]) for line in order["lines"]] == [
        (paris.adult_id, 2, "18.50"), (paris.child_id, 1, "9.00")]
    assert order["tickets"] == [] and order["payments"] == []
    assert order["order_url"].startswith("http") and "/paris/o/" in order["order_url"]
    slot = api.get(f"/exhibitions/{paris.exhibition_id}/slots?night={paris.first_night}").get_json()
    assert slot["data"][0]["remaining"] == 17

    # The visitor pays on the order page; the integration then reads the tickets.
    with app.test_request_context(), tenant_scope(paris.tenant_id):
        tenant = db.session.get(Tenant, paris.tenant_id)
        stored = db.session.get(Order, order["id"])
        orders.confirm_payment(stored, tenant, "test", "t-api-1", stored.total)
        db.session.commit()
        public_key = signing.public_key_b64(tenant)
        db.session.remove()
    paid = api.get(f"/orders/{order['id']}").get_json()
    assert paid["status"] == "paid" and paid["paid_at"] is not None
    assert len(paid["tickets"]) == 3 and len({t["code"] for t in paid["tickets"]}) == 3
    assert sum(Decimal(t["price"]) for t in paid["tickets"]) == Decimal("46.00")
    for ticket in paid["tickets"]:
        payload = signing.parse_payload(ticket["qr_payload"])
        assert payload.tenant_slug == "paris" and payload.code == ticket["code"]
        assert signing.verify_payload(payload, public_key)
    assert [(p["kind"], p["amount"], p["reference"]) for p in paid["payments"]] == [
        ("charge", "46.00", "t-api-1")]


def test_a_box_office_device_sells_for_cash_and_gets_tickets_at_once(app, api, paris, mailbox):
    response = api.post("/orders", order_body(paris, payment="cash", email="kenji@example.jp",
                                               name="Kenji Sato", locale="ja"), key="till-1-0001")
    assert response.status_code == 201
    order = response.get_json()
    assert order["status"] == "paid" and order["payment_method"] == "cash"
    assert len(order["tickets"]) == 3 and all(t["status"] == "valid" for t in order["tickets"])
    assert [(p["provider"], p["amount"]) for p in order["payments"]] == [("cash", "46.00")]
    card = api.post("/orders", order_body(paris, payment="card_on_site")).get_json()
    assert card["status"] == "paid" and card["payments"][0]["provider"] == "card_on_site"
    # The visitor gets the confirmation in their language, once the sale is committed.
    [mail] = mailbox.to("kenji@example.jp")
    assert order["code"] in mailbox.text(mail)


def test_a_pending_order_is_cancelled_and_its_places_return(api, paris):
    order = api.post("/orders", order_body(paris)).get_json()
    cancelled = api.post(f"/orders/{order['id']}/cancel", key="cancel-1")
    assert cancelled.status_code == 200
    assert cancelled.get_json()["status"] == "cancelled"
    slots = api.get(f"/exhibitions/{paris.exhibition_id}/slots?night={paris.first_night}").get_json()
    assert slots["data"][0]["remaining"] == 20
    again = api.post(f"/orders/{order['id']}/cancel")
    assert again.status_code == 409
    assert again.get_json()["error"]["message"] == (
        "Only a pending order can be cancelled; this order is cancelled.")
    paid = api.post("/orders", order_body(paris, payment="cash")).get_json()
    refused = api.post(f"/orders/{paid['id']}/cancel")
    assert refused.status_code == 409 and "this order is paid" in refused.get_json()["error"]["message"]


def test_sold_out_is_a_clear_409_and_writes_nothing(app, api, paris):
    family = {"ticket_type_id": paris.family_id, "quantity": 4}
    assert api.post("/orders", order_body(paris, items=[family])).status_code == 201  # 16 of 20
    few = api.post("/orders", order_body(paris, items=[{"ticket_type_id": paris.adult_id,
                                                        "quantity": 5}]), key="few-1")
    assert few.status_code == 409
    assert few.get_json()["error"]["message"] == "Only 4 places are left in this entry slot."
    assert api.post("/orders", order_body(paris, items=[{"ticket_type_id": paris.adult_id,
                                                          "quantity": 4}])).status_code == 201
    before = row_counts(app)
    sold_out = api.post("/orders", order_body(paris, items=[{"ticket_type_id": paris.adult_id,
                                                             "quantity": 1}]), key="late-1")
    assert sold_out.status_code == 409
    assert sold_out.get_json()["error"] == {
        "status": 409, "title": "This conflicts with the current state",
        "message": "This entry slot is sold out. Choose another slot or night."}
    assert row_counts(app) == before


def items(**quantities) -> list[dict]:
    return [{"ticket_type_id": type_id, "quantity": quantity} for type_id, quantity in quantities.items()]


BAD_BODIES = {
    # name: (make body from the world, status, message)
    "malformed JSON": (lambda w: b'{"slot_id": 1, "items": [', 400, "The body must be a JSON object."),
    "a JSON list": (lambda w: [1, 2], 400, "The body must be a JSON object."),
    "empty body": (lambda w: b"", 400, "The body must be a JSON object."),
    "JSON nested too deep": (lambda w: b"[" * 100000 + b"]" * 100000, 400,
                             "The body must be a JSON object."),
    "not UTF-8": (lambda w: b'{"name": "\xff"}', 400, "The body must be a JSON object."),
    "a number too long": (lambda w: b'{"slot_id": ' + b"1" * 5000 + b"}", 400,
                          "The body must be a JSON object."),
    "unknown field": (lambda w: order_body(w, coupon="X"), 422, "Unknown fields: coupon."),
    "no slot": (lambda w: {k: v for k, v in order_body(w).items() if k != "slot_id"}, 422,
                "slot_id is required."),
    "slot as text": (lambda w: order_body(w, slot_id="1"), 422,
                     "slot_id must be a whole number of at least 1."),
    "slot as a float": (lambda w: order_body(w, slot_id=1.5), 422,
                        "slot_id must be a whole number of at least 1."),
    "slot too large": (lambda w: order_body(w, slot_id=2**40), 422,
                       "slot_id must be a whole number of at least 1."),
    "unknown slot": (lambda w: order_body(w, slot_id=2147483647), 400,
                     "This entry slot does not exist. Choose another."),
    "no items": (lambda w: order_body(w, items=[]), 422, "items must be a list of at least one"),
    "items not a list": (lambda w: order_body(w, items={"1": 2}), 422,
                         "items must be a list of at least one"),
    "zero quantity": (lambda w: order_body(w, items=[{"ticket_type_id": w.adult_id, "quantity": 0}]),
                      422, "items[0].quantity must be a whole number of at least 1."),
    "negative quantity": (lambda w: order_body(w, items=[{"ticket_type_id": w.adult_id,
                                                          "quantity": -2}]),
                          422, "items[0].quantity must be a whole number of at least 1."),
    "quantity true": (lambda w: order_body(w, items=[{"ticket_type_id": w.adult_id,
                                                      "quantity": True}]),
                      422, "items[0].quantity must be a whole number of at least 1."),
    "item with an extra field": (lambda w: order_body(w, items=[{"ticket_type_id": w.adult_id,
                                                                 "quantity": 1, "price": "0"}]),
                                 422, "items[0] must be an object with exactly ticket_type_id"),
    "a ticket type twice": (lambda w: order_body(w, items=[{"ticket_type_id": w.adult_id, "quantity": 1},
                                                           {"ticket_type_id": w.adult_id, "quantity": 1}]),
                            422, "items[1]: each ticket type may appear once."),
    "unknown ticket type": (lambda w: order_body(w, items=[{"ticket_type_id": 2147483647,
                                                            "quantity": 1}]),
                            400, "This ticket type is not sold for this exhibition."),
    "over the order limit": (lambda w: order_body(w, items=[{"ticket_type_id": w.family_id,
                                                             "quantity": 5}]),
                             400, "At most 4 × Famille per order."),
    "malformed email": (lambda w: order_body(w, email="marie@"), 400, "Enter a valid email address."),
    "email not text": (lambda w: order_body(w, email=["a@b.c"]), 422,
                       "email must be a text of 1 to 254 characters."),
    "blank name": (lambda w: order_body(w, name="  "), 422, "name must be a text of 1 to 160 characters."),
    "overlong name": (lambda w: order_body(w, name="x" * 161), 422,
                      "name must be a text of 1 to 160 characters."),
    "NUL in the name": (lambda w: order_body(w, name="Ma\x00rie"), 422,
                        "name must not contain a NUL character."),
    "unknown locale": (lambda w: order_body(w, locale="xx"), 422, "locale must be one of en, "),
    "unknown payment": (lambda w: order_body(w, payment="bitcoin"), 422,
                        "payment must be one of pending, cash, card_on_site."),
    "unknown voucher": (lambda w: order_body(w, voucher_code="NOPE"), 400,
                        "This voucher code is not valid."),
}


@pytest.mark.parametrize("name", list(BAD_BODIES))
def test_bad_order_bodies_get_a_clear_4xx_and_write_nothing(app, api, paris, name):
    make, status, message = BAD_BODIES[name]
    before = row_counts(app)
    response = api.post("/orders", make(paris), key=f"bad-{name}")
    assert response.status_code == status, response.get_json()
    assert message in response.get_json()["error"]["message"]
    assert row_counts(app) == before


def test_a_closed_night_and_an_exhibition_off_sale_are_refused(app, api, paris):
    with app.app_context(), tenant_scope(paris.tenant_id):
        db.session.get(EntrySlot, paris.slot_ids[0]).is_closed = True
        db.session.commit()
        db.session.remove()
    before = row_counts(app)
    closed = api.post("/orders", order_body(paris))
    assert closed.status_code == 409
    assert closed.get_json()["error"]["message"] == "This night or entry slot is closed. Choose another."
    assert row_counts(app) == before
    with app.app_context(), tenant_scope(paris.tenant_id):
        assert db.session.scalar(select(EntrySlot.taken).where(EntrySlot.id == paris.slot_ids[0])) == 0
        db.session.remove()
