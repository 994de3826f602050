"""A tour operator books a block for its group, gets the invoice and one PDF with every ticket,
names the visitors; staff record the transfer and the sales figures count the block once."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.dates import format_date

from festival.core.db import db
from festival.groups.models import InvoiceCounter
from festival.ticketing import orders
from festival.ticketing.sales_counts import maintained_sales, sales_from_orders
from tests.conftest import row_counts, translated
from tests.documents.conftest import normalize_spaces, pdf_pages, pdf_text, shows_across_lines
from tests.groups.journey import (
    OPERATOR_EMAIL,
    attachments,
    block_of,
    block_row,
    blocks,
    in_scope,
    path_of,
    register_operator,
    taken,
)
from tests.security.conftest import text_of
from tests.ticketing.portal_staff import signed_in, staff_world

PARIS = ZoneInfo("Europe/Paris")


def _paris_today():
    return datetime.now(PARIS).date()


def test_an_operator_books_a_group_of_25_is_invoiced_names_visitors_and_staff_record_the_payment(
        app, factory, make_client, mailbox):
    staff = staff_world(app, factory, "paris", capacity=40)
    world = staff.world
    owner = signed_in(make_client, staff.emails["owner"])
    response = owner.post_form(f"{staff.portal}/tour-operators/invoice-details", {
        "legal_address": "Mairie de Paris\n1 Rue de Rivoli", "tax_id": "FR12345678901",
        "group_release_days": "3"}, token_from=f"{staff.portal}/tour-operators")
    assert response.status_code == 302

    operator = register_operator(staff, make_client, mailbox)
    welcome = mailbox.to(OPERATOR_EMAIL)[-1]
    assert welcome["Subject"] == "Your group booking link for Paris Lantern Festival"
    assert "payable within 30 days" in mailbox.text(welcome)
    mailbox.clear()

    # 20 adults and 5 children: past the adult type's per-order maximum of 10 (a group is not bound).
    form_page = operator.client.get(f"{operator.home}book?night={world.first_night.isoformat()}")
    assert "6:00 PM–7:00 PM · 40 places left" in normalize_spaces(text_of(form_page))
    response = operator.book(world.slot_ids[0], {world.adult_id: 20, world.child_id: 5}, "Class 5B",
                             night=world.first_night.isoformat())
    assert response.status_code == 303, text_of(response)[:2000]
    block_page = path_of(response.headers["Location"])
    assert taken(app, world.tenant_id, world.slot_ids[0]) == 25

    # The mail: invoice and the whole group's tickets, in the operator's language (English).
    mail, = mailbox.to(OPERATOR_EMAIL)
    year = _paris_today().year
    number = f"{year}-0001"
    assert mail["Subject"].endswith(f"invoice {number}")
    files = attachments(mail)
    invoice = normalize_spaces(pdf_text(files[f"invoice-{number}.pdf"]))
    due = format_date(_paris_today() + timedelta(days=30), "long", locale="en")
    total = Decimal("18.50") * 20 + Decimal("9.00") * 5
    for expected in ("Invoice", f"No. {number}", "Paris Lantern Festival", "1 Rue de Rivoli",
                     "FR12345678901", "Sunshine Tours", "5 Harbour Street", "GB123456789",
                     f"Due date: {due}", "Adult", "Child", f"€{total:,.2f}", "Prices include VAT.",
                     "Payment terms: 30 days"):
        assert shows_across_lines(expected, invoice), (expected, invoice)
    group_pdf = files[next(name for name in files if name.startswith("group-tickets-"))]
    assert pdf_pages(group_pdf) == 25
    assert shows_across_lines("Ticket 25 of 25", pdf_text(group_pdf))
    assert block_page in path_of(mailbox.last_link(OPERATOR_EMAIL, "/blocks/"))

    # The operator names three visitors; the names print on the group's PDF.
    page = operator.client.get(block_page)
    assert "Invoice open" in text_of(page)
    ticket_ids = re.findall(r'name="name_(\d+)"', page.get_data(as_text=True))
    assert len(ticket_ids) == 25
    names = {f"name_{ticket_ids[0]}": "Alice Martin", f"name_{ticket_ids[1]}": "Bruno Petit",
             f"name_{ticket_ids[24]}": "Chloé Durand"}
    response = operator.client.post_form(block_page, names)
    assert response.status_code == 303
    tickets_pdf = operator.client.get(f"{block_page}/tickets.pdf")
    assert tickets_pdf.status_code == 200 and tickets_pdf.mimetype == "application/pdf"
    printed = pdf_text(tickets_pdf.data)
    assert pdf_pages(tickets_pdf.data) == 25
    for name in ("Alice Martin", "Bruno Petit", "Chloé Durand"):
        assert name in printed
    assert printed.count("Sunshine Tours") >= 22  # the unnamed ones show the company
    assert operator.client.get(f"{block_page}/invoice.pdf").status_code == 200

    # Staff record the bank transfer: paid, and the money counted once.
    manager = signed_in(make_client, staff.emails["manager"])
    block_id = block_of(app, world.tenant_id, block_page)
    portal_block = f"{staff.portal}/group-blocks/{block_id}"
    listing = text_of(manager.get(f"{staff.portal}/tour-operators"))
    assert number in listing and "Sunshine Tours" in listing
    paid = manager.post_form(f"{portal_block}/paid", {
        "amount": str(total), "reference": "VIR-2026-118", "paid_on": _paris_today().isoformat()},
        token_from=portal_block)
    assert paid.status_code == 302, text_of(paid)[:2000]
    assert "Paid" in text_of(manager.get(portal_block))
    assert block_row(app, world.tenant_id, block_id)["status"] == "paid"

    def figures():
        counted, raw = maintained_sales(), sales_from_orders()
        return counted, raw

    counted, raw = in_scope(app, world.tenant_id, figures)
    assert counted == raw
    night, = counted.values()
    assert (night.tickets, night.persons, night.revenue) == (25, 25, total)

    # A second recording of the same invoice is refused and writes nothing.
    before = row_counts(app)
    again = manager.post_form(f"{portal_block}/paid", {
        "amount": str(total), "reference": "VIR-2026-119", "paid_on": _paris_today().isoformat()},
        token_from=f"{staff.portal}/tour-operators")
    assert again.status_code == 409
    assert "not open any more" in text_of(again)
    assert row_counts(app) == before
    assert in_scope(app, world.tenant_id, maintained_sales) == counted


def test_bad_input_answers_clearly_and_writes_nothing(app, factory, make_client, mailbox):
    staff = staff_world(app, factory, "paris", capacity=10)
    world = staff.world
    operator = register_operator(staff, make_client, mailbox)
    before = row_counts(app)

    nothing = operator.book(world.slot_ids[0], {world.adult_id: 0})
    assert nothing.status_code == 400 and "Choose at least one ticket." in text_of(nothing)
    too_many = operator.book(world.slot_ids[0], {world.adult_id: 11})
    assert too_many.status_code == 409 and "Only 10 places are left" in text_of(too_many)
    long_reference = operator.book(world.slot_ids[0], {world.adult_id: 1}, "x" * 121)
    assert long_reference.status_code == 400
    forged = operator.client.get(f"/paris/operator/{'x' * 43}/")
    # No operator to speak for: the page is in the tenant's language.
    refusal = translated(app, "fr", "This link is not valid. Use the link in the organiser's email.")
    assert forged.status_code == 404 and refusal in text_of(forged)
    assert row_counts(app) == before

    manager = signed_in(make_client, staff.emails["manager"])
    before = row_counts(app)  # signing in is audited
    bad_email = manager.post_form(f"{staff.portal}/tour-operators", {
        "company_name": "Nowhere Travel", "email": "not-an-address", "locale": "en",
        "payment_terms_days": "30"})
    assert bad_email.status_code == 400 and "Enter a valid email address." in text_of(bad_email)
    bad_terms = manager.post_form(f"{staff.portal}/tour-operators", {
        "company_name": "Nowhere Travel", "email": "a@nowhere.example", "locale": "en",
        "payment_terms_days": "999"})
    assert bad_terms.status_code == 400 and "Payment terms are a whole number of days" in text_of(bad_terms)
    assert row_counts(app) == before

    booked = operator.book(world.slot_ids[0], {world.adult_id: 2})
    block_page = path_of(booked.headers["Location"])
    block_id = block_of(app, world.tenant_id, block_page)
    before = row_counts(app)
    portal_block = f"{staff.portal}/group-blocks/{block_id}"
    wrong_amount = manager.post_form(f"{portal_block}/paid", {
        "amount": "1.00", "reference": "VIR-1", "paid_on": _paris_today().isoformat()})
    assert wrong_amount.status_code == 400
    assert "The amount must be the invoice total, €37.00." in normalize_spaces(text_of(wrong_amount))
    future = manager.post_form(f"{portal_block}/paid", {
        "amount": "37.00", "reference": "VIR-1",
        "paid_on": (_paris_today() + timedelta(days=2)).isoformat()})
    assert future.status_code == 400 and "cannot be in the future" in text_of(future)
    too_long = operator.client.post_form(block_page, {
        next(iter(re.findall(r'name="(name_\d+)"', operator.client.get(block_page).get_data(as_text=True)))):
        "y" * 161})
    assert too_long.status_code == 400
    assert row_counts(app) == before


def test_invoice_numbers_run_per_tenant_and_year(app, factory, make_client, mailbox):
    paris = staff_world(app, factory, "paris", capacity=40)
    houston = staff_world(app, factory, "houston", capacity=40)
    at_paris = register_operator(paris, make_client, mailbox)
    at_houston = register_operator(houston, make_client, mailbox, email="groups@lone-star.example")
    year = _paris_today().year
    for operator, world in ((at_paris, paris.world), (at_houston, houston.world), (at_paris, paris.world)):
        assert operator.book(world.slot_ids[0], {world.adult_id: 3}).status_code == 303
    assert blocks(app, paris.world.tenant_id) == [f"{year}-0001", f"{year}-0002"]
    local_year = datetime.now(ZoneInfo("America/Chicago")).year
    assert blocks(app, houston.world.tenant_id) == [f"{local_year}-0001"]
    # A new year starts again at 1; the receipts keep their own counter.
    next_year = in_scope(app, paris.world.tenant_id, lambda: orders.next_yearly_number(
        InvoiceCounter, paris.world.tenant_id, year + 1))
    assert next_year == 1
    assert in_scope(app, paris.world.tenant_id, lambda: db.session.query(InvoiceCounter).count()) == 2
