"""The confirmation mail a buyer receives: their language, their tickets and receipt attached,
and a refusal by the mail server recorded on the order for staff to see."""

from __future__ import annotations

from email import message_from_bytes, policy
from pathlib import Path

import pytest
from babel.dates import format_date
from flask_babel import force_locale, gettext
from sqlalchemy import select

from festival.core.db import db
from festival.core.scope import tenant_scope
from festival.ticketing import orders
from festival.ticketing.models import Order
from festival.ticketing.notify import send_confirmation, send_refund_notice
from tests.conftest import translated
from tests.documents.conftest import (
    DATA_ANSWER,
    RCPT_ANSWER,
    REFUSED_CONTENT,
    REFUSED_RECIPIENT,
    buy,
    normalize_spaces,
    pdf_fonts,
    pdf_text,
    shop,
    shows_across_lines,
)


def attachments(message) -> dict[str, bytes]:
    return {part.get_filename(): part.get_content() for part in message.iter_attachments()}


def delivery(app, world, order_id: int) -> tuple[str | None, str | None]:
    """The order's delivery fields as a new request would read them."""
    with app.app_context(), tenant_scope(world.tenant_id):
        row = db.session.execute(select(Order.delivery_status, Order.delivery_error)
                                 .where(Order.id == order_id)).one()
        db.session.remove()
    return row.delivery_status, row.delivery_error


def test_french_buyer_gets_the_confirmation_with_tickets_and_receipt(app, sales_world, mailbox):
    world = sales_world("paris")
    with shop(app, world) as tenant:
        order = buy(tenant, world, {world.adult_id: 2, world.child_id: 1}, email="marie@example.fr")
        codes = [t.code for t in orders.tickets_of(order)]
        order_id, order_code, receipt, secret = order.id, order.code, order.receipt_number, order.secret
        assert mailbox.to("marie@example.fr") == []  # nothing leaves before the commit
        with force_locale("fr"):
            subject = gettext("Your tickets for %(exhibition)s", exhibition="Lumières de Chine")
        db.session.commit()
    [message] = mailbox.to("marie@example.fr")
    assert message["Subject"] == subject and message["Content-Language"] == "fr"
    night = format_date(world.first_night, "full", locale="fr")
    body = normalize_spaces(mailbox.text(message))
    for expected in ("Marie Curie", order_code, "Lumières de Chine", night, "18:00–19:00", "Parc Floral",
                     translated(app, "fr", "%(quantity)s × %(name)s", quantity=2, name="Adulte"),
                     "46,00 €", f"/paris/o/{secret}"):
        assert expected in body, expected
    files = attachments(message)
    assert set(files) == {f"tickets-{order_code}.pdf", f"receipt-{receipt}.pdf"}
    tickets_text = pdf_text(files[f"tickets-{order_code}.pdf"])
    assert shows_across_lines(night, tickets_text) and all(code in tickets_text for code in codes)
    receipt_text = pdf_text(files[f"receipt-{receipt}.pdf"])
    vat = translated(app, "fr", "VAT %(rate)s on %(base)s", rate="10 %", base="41,82 €")
    assert "18,50 €" in receipt_text and "46,00 €" in receipt_text and vat in receipt_text
    assert delivery(app, world, order_id) == ("sent", None)


@pytest.mark.parametrize("slug, email, amount, font", [
    ("tokyo", "hanako@example.jp", "￥6,000", "WenQuanYi"),
    ("dubai", "layla@example.ae", None, "DejaVu-Sans"),
])
def test_japanese_and_arabic_buyers_get_mail_and_pdfs_in_their_language(app, sales_world, mailbox, slug,
                                                                         email, amount, font):
    world = sales_world(slug)
    with shop(app, world) as tenant:
        order = buy(tenant, world, {world.adult_id: 2, world.child_id: 1}, email=email)
        locale, code = order.locale, order.code
        db.session.commit()
    [message] = mailbox.to(email)
    assert message["Content-Language"] == locale
    body = normalize_spaces(mailbox.text(message))
    assert format_date(world.first_night, "full", locale=locale) in body
    if amount:
        assert amount in body
    else:
        assert "مهرجان الفوانيس" in body
    adults = {"ja": "大人", "ar": "بالغ"}[locale]
    assert translated(app, locale, "%(quantity)s × %(name)s", quantity=2, name=adults) in body
    tickets = attachments(message)[f"tickets-{code}.pdf"]
    assert any(f["name"].startswith(font) and f["emb"] == "yes" for f in pdf_fonts(tickets))


@pytest.mark.parametrize("address, answer", [(REFUSED_RECIPIENT, RCPT_ANSWER),
                                             (REFUSED_CONTENT, DATA_ANSWER)])
def test_a_refused_delivery_is_recorded_on_the_order(app, sales_world, refusing_mailbox, address, answer):
    world = sales_world("paris")
    with shop(app, world) as tenant:
        order = buy(tenant, world, {world.adult_id: 1}, email=address)
        order_id = order.id
        db.session.commit()
    assert refusing_mailbox.to(address) == []
    status, error = delivery(app, world, order_id)
    assert status == "refused" and error == answer
    # Staff resend to a corrected address: the order now shows it was sent.
    with shop(app, world) as tenant:
        order = db.session.get(Order, order_id)
        send_confirmation(order, tenant, to="marie.curie@example.fr")
        db.session.commit()
    [message] = refusing_mailbox.to("marie.curie@example.fr")
    assert len(attachments(message)) == 2
    assert delivery(app, world, order_id) == ("sent", None)


def test_a_rolled_back_payment_sends_nothing_and_records_nothing(app, sales_world, mailbox):
    world = sales_world("paris")
    with shop(app, world) as tenant:
        order = buy(tenant, world, {world.adult_id: 1}, email="ghost@example.fr")
        order_id = order.id
        db.session.flush()
    assert mailbox.to("ghost@example.fr") == []
    with app.app_context(), tenant_scope(world.tenant_id):
        assert db.session.get(Order, order_id) is None
        db.session.remove()


def test_without_a_mail_server_the_outbox_keeps_the_attachments(app, sales_world, tmp_path):
    world = sales_world("paris")
    previous = dict(app.config)
    app.config.update(MAIL_SERVER="", MAIL_OUTBOX=str(tmp_path))
    try:
        with shop(app, world) as tenant:
            order = buy(tenant, world, {world.adult_id: 1}, email="outbox@example.fr")
            order_id, code = order.id, order.code
            db.session.commit()
    finally:
        app.config.update(previous)
    [file] = list(Path(tmp_path).glob("*.eml"))
    message = message_from_bytes(file.read_bytes(), policy=policy.default)
    assert f"tickets-{code}.pdf" in attachments(message)
    assert delivery(app, world, order_id) == ("sent", None)


def test_refund_notice_names_the_amount_and_the_void_tickets(app, sales_world, mailbox):
    world = sales_world("paris")
    with shop(app, world) as tenant:
        order = buy(tenant, world, {world.adult_id: 2, world.child_id: 1}, email="marie@example.fr",
                    notify=False)
        child = next(t for t in orders.tickets_of(order) if t.ticket_type_id == world.child_id)
        child_code = child.code
        adults = [t.code for t in orders.tickets_of(order) if t.id != child.id]
        amount = orders.refund_tickets(order, tenant, [child.id], actor=None)
        send_refund_notice(order, tenant, amount, voided=[child])
        db.session.commit()
    [message] = mailbox.to("marie@example.fr")
    body = normalize_spaces(mailbox.text(message))
    assert "9,00 €" in body and child_code in body
    assert not any(code in body for code in adults)
    assert message["Content-Language"] == "fr"
