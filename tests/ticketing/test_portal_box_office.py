"""The box office sells at the venue: cash or card on site, the same capacity rules as online,
tickets printed from the order's page; a buyer's address is optional."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from festival.core.db import db
from festival.ticketing.models import Order, Payment
from tests.conftest import row_counts
from tests.ticketing.portal_staff import order_state, pdf_text, read, signed_in, staff_world, text_of


def _sell(client, staff, slot_index: int = 0, **fields):
    path = f"{staff.portal}/box-office/slots/{staff.world.slot_ids[slot_index]}"
    body = {"payment_method": "cash", "name": "", "email": "", "locale": "en"}
    body.update({key: str(value) for key, value in fields.items()})
    return client.post_form(path, body)


def test_box_office_sells_two_adults_for_cash_and_prints_them(app, factory, make_client, mailbox):
    staff = staff_world(app, factory, "paris", capacity=20)
    world = staff.world
    box = signed_in(make_client, staff.emails["box_office"])
    listing = text_of(box.get(f"{staff.portal}/box-office"))
    assert "Entry slots of" in listing and listing.count("20 places left") == 4
    form = text_of(box.get(f"{staff.portal}/box-office/slots/{world.slot_ids[0]}"))
    assert "Adult" in form and "Child" in form and "Cash" in form and "Card on site" in form

    sold = _sell(box, staff, **{f"qty_{world.adult_id}": 2})
    assert sold.status_code == 302, text_of(sold)[:500]
    page = text_of(box.get(sold.headers["Location"]))
    order_id = int(sold.headers["Location"].rsplit("/", 1)[1])
    state = order_state(app, world, order_id)
    assert state["status"] == "paid" and state["taken"] == 2 and len(state["tickets"]) == 2
    assert f"Sold: order {state['code']}." in page
    assert all(code in page for code in state["tickets"])
    assert "Box office" in page and "Cash" in page and "€37.00" in page and "no email address" in page
    assert "Print the tickets (PDF)" in page and "Print the receipt (PDF)" in page
    payment = read(app, world, lambda: db.session.scalar(select(Payment)))
    assert (payment.provider, payment.amount) == ("cash", Decimal("37.00"))
    assert payment.reference.startswith(f"cash-{state['code']}-")
    assert mailbox.messages == []  # no address given: nothing is mailed

    tickets = box.get(f"{staff.portal}/orders/{order_id}/tickets.pdf")
    assert tickets.status_code == 200 and tickets.mimetype == "application/pdf"
    assert tickets.data.startswith(b"%PDF")
    printed = pdf_text(tickets.data)
    assert all(code in printed for code in state["tickets"])
    receipt = box.get(f"{staff.portal}/orders/{order_id}/receipt.pdf")
    assert receipt.status_code == 200 and receipt.mimetype == "application/pdf"
    assert "37.00" in pdf_text(receipt.data)


def test_box_office_buyer_with_an_address_gets_the_tickets_by_mail(app, factory, make_client, mailbox):
    staff = staff_world(app, factory, "paris", capacity=20)
    box = signed_in(make_client, staff.emails["box_office"])
    sold = _sell(box, staff, payment_method="card_on_site", name="Jeanne Visiteuse",
                 email="jeanne@example.fr", locale="fr", **{f"qty_{staff.world.child_id}": 1})
    assert sold.status_code == 302, text_of(sold)[:500]
    order = read(app, staff.world, lambda: db.session.scalar(select(Order)))
    assert (order.channel, order.payment_method, order.name, order.locale) == (
        "box_office", "card_on_site", "Jeanne Visiteuse", "fr")
    [mail] = mailbox.to("jeanne@example.fr")
    assert order.code in mail["Subject"] + mailbox.text(mail)
    assert any(part.get_filename() == f"tickets-{order.code}.pdf" for part in mail.iter_attachments())


def test_box_office_follows_the_capacity_rules(app, factory, make_client):
    staff = staff_world(app, factory, "paris", capacity=20)
    world = staff.world
    box = signed_in(make_client, staff.emails["box_office"])
    assert _sell(box, staff, **{f"qty_{world.family_id}": 4}).status_code == 302  # 16 persons
    before = row_counts(app)
    few = _sell(box, staff, **{f"qty_{world.adult_id}": 5})
    assert few.status_code == 409 and "Only 4 places are left in this entry slot." in text_of(few)
    assert row_counts(app) == before
    assert _sell(box, staff, **{f"qty_{world.adult_id}": 4}).status_code == 302
    listing = text_of(box.get(f"{staff.portal}/box-office"))
    assert listing.count("20 places left") == 3  # the sold-out slot is no longer offered
    before = row_counts(app)
    sold_out = _sell(box, staff, **{f"qty_{world.adult_id}": 1})
    assert sold_out.status_code == 409
    assert "This entry slot is sold out. Choose another slot or night." in text_of(sold_out)
    assert row_counts(app) == before


def test_bad_box_office_input_is_refused_and_writes_nothing(app, factory, make_client):
    staff = staff_world(app, factory, "paris", capacity=20)
    world = staff.world
    box = signed_in(make_client, staff.emails["box_office"])
    before = row_counts(app)
    for fields, message, status in (
            ({}, "Choose at least one ticket.", 400),
            ({f"qty_{world.adult_id}": -2}, "Quantities are whole numbers from 0 upwards.", 400),
            ({f"qty_{world.adult_id}": "two"}, "Enter a whole number.", 400),
            ({f"qty_{world.adult_id}": 11}, "At most 10 × Adult per order.", 400),
            ({f"qty_{world.adult_id}": 1, "email": "not-an-address"}, "Enter a valid email address.", 400),
            ({f"qty_{world.adult_id}": 1, "payment_method": "bitcoin"}, "Choose one of the options offered.",
             400)):
        response = _sell(box, staff, **fields)
        assert response.status_code == status, (fields, text_of(response)[:300])
        assert message in text_of(response), fields
    assert row_counts(app) == before
    unknown = box.get(f"{staff.portal}/box-office/slots/999999")
    assert unknown.status_code == 404


def test_gate_staff_cannot_sell(app, factory, make_client):
    staff = staff_world(app, factory, "paris", capacity=20)
    gate = signed_in(make_client, staff.emails["gate"])
    assert gate.get(f"{staff.portal}/box-office").status_code == 403
    path = f"{staff.portal}/box-office/slots/{staff.world.slot_ids[0]}"
    assert gate.get(path).status_code == 403
    before = row_counts(app)
    refused = gate.http.post(path, data={"csrf_token": gate.csrf("/account/"),
                                         f"qty_{staff.world.adult_id}": "1", "payment_method": "cash",
                                         "locale": "en"})
    assert refused.status_code == 403
    assert row_counts(app) == before
