"""Staff follow sales: the dashboard (sold vs capacity, revenue), the orders list with search and
CSV export, an order's page with refunds and resending; who may do what."""

from __future__ import annotations

import csv
import io
import re

from sqlalchemy import select

from festival.audit.models import TenantAuditEntry
from festival.core.db import db
from festival.ticketing.models import Order, Ticket
from tests.conftest import row_counts
from tests.exports.helpers import download_export, request_export
from tests.ticketing.portal_staff import (
    order_state,
    paid_order,
    pending_order,
    read,
    signed_in,
    staff_world,
    text_of,
)


def _ticket_ids(app, world, order_id: int) -> list[tuple[int, int]]:
    """(ticket id, ticket type id) of an order, in issue order."""
    return read(app, world, lambda: [(t.id, t.ticket_type_id) for t in db.session.scalars(
        select(Ticket).where(Ticket.order_id == order_id).order_by(Ticket.id))])


def test_dashboard_shows_sold_against_capacity_and_revenue(app, factory, make_client):
    staff = staff_world(app, factory, "paris", capacity=20)
    world = staff.world
    paid_order(app, world, {world.adult_id: 2, world.child_id: 1})
    pending_order(app, world, {world.adult_id: 1})
    manager = signed_in(make_client, staff.emails["manager"])
    page = text_of(manager.get(f"{staff.portal}/sales"))
    assert "Lantern Festival" in page  # the exhibition on sale is chosen by default
    assert "Revenue €46.00" in page
    assert "Adult 2 2 €37.00" in page and "Child 1 1 €9.00" in page and "Total 3 3 €46.00" in page
    # The first night: 4 slots of 20 places; 3 persons paid, 1 held by the unpaid order.
    assert "3 / 80 1" in page
    markup = manager.get(f"{staff.portal}/sales?night={world.first_night.isoformat()}").get_data(as_text=True)
    assert re.search(r'<meter min="0" max="80" value="3"', markup)
    assert re.search(r'<progress max="20" value="3"', markup)
    night = text_of(manager.get(f"{staff.portal}/sales?night={world.first_night.isoformat()}"))
    assert "3 / 20 1" in night and "16 places left" in night


def test_refund_one_ticket_then_the_whole_order(app, factory, make_client, mailbox):
    staff = staff_world(app, factory, "paris", capacity=20)
    world = staff.world
    order_id = paid_order(app, world, {world.adult_id: 2, world.child_id: 1})
    manager = signed_in(make_client, staff.emails["manager"])
    page_path = f"{staff.portal}/orders/{order_id}"
    before = order_state(app, world, order_id)
    assert before["taken"] == 3
    page = text_of(manager.get(page_path))
    assert all(code in page for code in before["tickets"]) and "Refund the whole order (€46.00)" in page

    adult_ticket = next(ticket_id for ticket_id, type_id in _ticket_ids(app, world, order_id)
                        if type_id == world.adult_id)
    mailbox.clear()
    refunded = manager.post_form(f"{page_path}/refund", {"ticket_ids": [str(adult_ticket)], "reason": "Ill"},
                                 token_from=page_path, follow_redirects=True)
    text = text_of(refunded)
    assert "Refunded €18.50." in text and "Refunded €18.50" in text and "Void" in text
    after = order_state(app, world, order_id)
    void = [code for code, status in after["tickets"].items() if status == "void"]
    assert len(void) == 1 and after["status"] == "paid" and after["taken"] == 2
    [notice] = mailbox.to("marie@example.fr")
    assert void[0] in mailbox.text(notice)
    dashboard = text_of(manager.get(f"{staff.portal}/sales"))
    assert "2 / 80" in dashboard and "Revenue €27.50" in dashboard and "Refunded €18.50" in dashboard

    everything = manager.post_form(f"{page_path}/refund", {"whole": "1", "reason": "Cancelled visit"},
                                   token_from=page_path, follow_redirects=True)
    assert "Refunded €27.50." in text_of(everything)
    final = order_state(app, world, order_id)
    assert final["status"] == "refunded" and final["taken"] == 0
    assert set(final["tickets"].values()) == {"void"}
    assert "Status Refunded" in text_of(manager.get(page_path))
    nothing_to_print = manager.get(f"{page_path}/tickets.pdf")
    assert nothing_to_print.status_code == 409
    assert "This order has no valid tickets to print." in text_of(nothing_to_print)
    counts = row_counts(app)
    again = manager.post_form(f"{page_path}/refund", {"whole": "1"}, token_from=page_path)
    assert again.status_code == 409 and "Only a paid order can be refunded." in text_of(again)
    assert row_counts(app) == counts


def test_bad_refund_choices_are_refused(app, factory, make_client):
    staff = staff_world(app, factory, "paris", capacity=20)
    world = staff.world
    order_id = paid_order(app, world, {world.adult_id: 2})
    other_id = paid_order(app, world, {world.adult_id: 1}, email="other@example.fr")
    manager = signed_in(make_client, staff.emails["manager"])
    page_path = f"{staff.portal}/orders/{order_id}"
    foreign_ticket = _ticket_ids(app, world, other_id)[0][0]
    before = row_counts(app)
    nothing = manager.post_form(f"{page_path}/refund", {"reason": "?"}, token_from=page_path)
    assert nothing.status_code == 400
    assert "Choose at least one valid ticket to refund." in text_of(nothing)
    wrong = manager.post_form(f"{page_path}/refund", {"ticket_ids": [str(foreign_ticket)]},
                              token_from=page_path)
    assert wrong.status_code == 400 and "Choose one of the options offered." in text_of(wrong)
    assert row_counts(app) == before


def test_orders_search_filter_and_csv(app, factory, make_client):
    staff = staff_world(app, factory, "paris", capacity=20)
    world = staff.world
    marie = paid_order(app, world, {world.adult_id: 2, world.child_id: 1}, email="marie@example.fr",
                       name="Marie Curie")
    pierre = paid_order(app, world, {world.adult_id: 1}, email="pierre@example.fr", name="Pierre Curie",
                        slot_index=1)
    late = pending_order(app, world, {world.child_id: 1}, email="late@example.fr")
    codes = {oid: order_state(app, world, oid)["code"] for oid in (marie, pierre, late)}
    manager = signed_in(make_client, staff.emails["manager"])

    listing = text_of(manager.get(f"{staff.portal}/orders"))
    assert "3 orders" in listing and all(code in listing for code in codes.values())
    assert listing.index(codes[late]) < listing.index(codes[marie])  # newest first
    found = text_of(manager.get(f"{staff.portal}/orders?q=MARIE@example"))
    assert codes[marie] in found and codes[pierre] not in found and "1 orders" in found
    by_code = text_of(manager.get(f"{staff.portal}/orders?q={codes[pierre].lower()}"))
    assert codes[pierre] in by_code and codes[marie] not in by_code
    pending = text_of(manager.get(f"{staff.portal}/orders?status=pending"))
    assert codes[late] in pending and codes[marie] not in pending
    assert "No orders match." in text_of(manager.get(f"{staff.portal}/orders?q=nobody%25_"))

    export = download_export(manager, staff.portal, "orders", {"q": "marie", "status": ""})
    assert export.status_code == 200 and export.mimetype == "text/csv"
    assert export.headers["Content-Disposition"].startswith('attachment; filename="orders-paris-')
    rows = list(csv.reader(io.StringIO(export.get_data(as_text=True))))
    assert rows[0] == ["code", "created", "status", "channel", "email", "name", "night", "slot start",
                       "tickets", "persons", "total", "refunded", "currency", "payment method"]
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert (row["code"], row["status"], row["email"], row["name"]) == (
        codes[marie], "paid", "marie@example.fr", "Marie Curie")
    assert (row["tickets"], row["persons"], row["total"], row["currency"]) == ("3", "3", "46.00", "EUR")
    assert row["night"] == world.first_night.isoformat() and row["slot start"] == "18:00"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", row["created"])


def test_csv_keeps_a_formula_like_name_as_text(app, factory, make_client):
    staff = staff_world(app, factory, "paris", capacity=20)
    world = staff.world
    paid_order(app, world, {world.adult_id: 1}, name="=HYPERLINK(\"http://evil.example\")")
    manager = signed_in(make_client, staff.emails["manager"])
    rows = list(csv.reader(io.StringIO(
        download_export(manager, staff.portal, "orders").get_data(as_text=True))))
    assert rows[1][5].startswith("'=HYPERLINK")


def test_resend_to_a_corrected_address_and_refused_delivery_warning(app, factory, make_client, mailbox):
    staff = staff_world(app, factory, "paris", capacity=20)
    world = staff.world
    order_id = paid_order(app, world, {world.adult_id: 1}, email="marie@exampel.fr")
    box = signed_in(make_client, staff.emails["box_office"])
    page_path = f"{staff.portal}/orders/{order_id}"

    def refuse(order):
        order.delivery_status, order.delivery_error = "refused", "550 5.1.1 No such domain exampel.fr"
        db.session.commit()

    read(app, world, lambda: refuse(db.session.get(Order, order_id)))
    warning = text_of(box.get(page_path))
    assert "The mail server refused the confirmation to marie@exampel.fr: 550 5.1.1 No such domain" in warning

    before = row_counts(app)
    bad = box.post_form(f"{page_path}/resend", {"email": "marie@"}, token_from=page_path)
    assert bad.status_code == 400 and "Enter a valid email address." in text_of(bad)
    assert row_counts(app) == before

    mailbox.clear()
    sent = box.post_form(f"{page_path}/resend", {"email": "marie@example.fr"}, token_from=page_path,
                         follow_redirects=True)
    assert "The tickets are on their way to marie@example.fr." in text_of(sent)
    assert order_state(app, world, order_id)["email"] == "marie@example.fr"
    [mail] = mailbox.to("marie@example.fr")
    assert order_state(app, world, order_id)["code"] in mail["Subject"] + mailbox.text(mail)
    actions = read(app, world, lambda: [e.action for e in db.session.scalars(select(TenantAuditEntry))])
    assert {"festival.ticketing.order.email_changed", "festival.ticketing.order.resent"} <= set(actions)
    same = box.post_form(f"{page_path}/resend", {"email": ""}, token_from=page_path)
    assert same.status_code == 302 and len(mailbox.to("marie@example.fr")) == 2


def test_who_may_see_and_refund(app, factory, make_client):
    staff = staff_world(app, factory, "paris", capacity=20)
    world = staff.world
    order_id = paid_order(app, world, {world.adult_id: 1})
    gate = signed_in(make_client, staff.emails["gate"])
    for path in ("/sales", "/orders", "/exports", f"/orders/{order_id}", "/sales-settings",
                 f"/exhibitions/{world.exhibition_id}/sales"):
        assert gate.get(staff.portal + path).status_code == 403, path
    assert request_export(gate, staff.portal, "orders").status_code == 403
    box = signed_in(make_client, staff.emails["box_office"])
    page_path = f"{staff.portal}/orders/{order_id}"
    page = text_of(box.get(page_path))
    assert "Send the tickets again" in page and "Refund the chosen tickets" not in page
    before = row_counts(app)
    refused = box.post_form(f"{page_path}/refund", {"whole": "1"}, token_from=page_path)
    assert refused.status_code == 403
    assert row_counts(app) == before
    assert order_state(app, world, order_id)["status"] == "paid"
