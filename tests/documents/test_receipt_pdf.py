"""The numbered receipt: amounts formatted for the visitor's language, VAT per rate, refunds."""

from __future__ import annotations

from decimal import Decimal

import pytest

from festival.core.db import db
from festival.core.errors import Conflict
from festival.documents.receipt import render_receipt_pdf
from festival.exhibitions.models import Exhibition
from festival.ticketing import orders
from festival.ticketing.setup import VoucherSpec, create_voucher
from tests.conftest import translated
from tests.documents.conftest import buy, pdf_fonts, pdf_text, shop


def test_french_receipt_shows_number_lines_vat_and_total(app, sales_world):
    world = sales_world("paris")
    with shop(app, world) as tenant:
        order = buy(tenant, world, {world.adult_id: 2, world.child_id: 1}, notify=False)
        number, code = order.receipt_number, order.code  # the shop rolls back: read them inside
        text = pdf_text(render_receipt_pdf(order, tenant))
    assert translated(app, "fr", "No. %(number)s", number=number) in text
    assert number.endswith("-000001")
    assert "Paris Lantern Festival" in text and "Paris, France" in text
    assert "Marie Curie" in text and "buyer@paris.example" in text and code in text
    # 2 × 18,50 € + 9,00 € = 46,00 € including 10 % VAT: 4,18 € on 41,82 €.
    for amount in ("18,50 €", "37,00 €", "9,00 €", "46,00 €"):
        assert amount in text, amount
    assert translated(app, "fr", "VAT %(rate)s on %(base)s", rate="10 %", base="41,82 €") in text
    assert "4,18 €" in text and translated(app, "fr", "Prices include VAT.") in text
    assert translated(app, "fr", "Test payment") in text


def test_net_prices_get_their_vat_added_and_vouchers_show(app, sales_world):
    world = sales_world("paris", prices_include_vat=False)
    with shop(app, world) as tenant:
        exhibition = db.session.get(Exhibition, world.exhibition_id)
        create_voucher(tenant, exhibition, VoucherSpec(code="AMIS", kind="percent", value=Decimal("10")),
                       None)
        order = orders.create_order(tenant, orders.OrderRequest(
            slot_id=world.slot_ids[0], quantities={world.adult_id: 2}, email="paul@example.fr",
            name="Paul", locale="fr", voucher_code="amis"))
        orders.confirm_payment(order, tenant, "test", "t-net", order.total, notify=False)
        text = pdf_text(render_receipt_pdf(order, tenant))
    # 37,00 € − 3,70 € = 33,30 € net + 3,33 € VAT = 36,63 €.
    for amount in ("37,00 €", "3,70 €", "33,30 €", "3,33 €", "36,63 €"):
        assert amount in text, amount
    assert translated(app, "fr", "VAT %(rate)s on %(base)s", rate="10 %", base="33,30 €") in text
    assert translated(app, "fr", "VAT is added to the prices.") in text


def test_japanese_receipt_in_yen_without_decimals(app, sales_world):
    world = sales_world("tokyo")
    with shop(app, world) as tenant:
        order = buy(tenant, world, {world.adult_id: 2, world.child_id: 1}, notify=False)
        document = render_receipt_pdf(order, tenant)
    text = pdf_text(document)
    for amount in ("￥2,400", "￥4,800", "￥1,200", "￥6,000"):
        assert amount in text, amount
    assert "大人" in text and "チャイナ・ランタン・フェスティバル" in text and "日本" in text
    assert any(f["name"].startswith("WenQuanYi") and f["emb"] == "yes" for f in pdf_fonts(document))


def test_a_refund_shows_on_the_receipt(app, sales_world):
    world = sales_world("paris")
    with shop(app, world) as tenant:
        order = buy(tenant, world, {world.adult_id: 2, world.child_id: 1}, notify=False)
        child = next(t for t in orders.tickets_of(order) if t.ticket_type_id == world.child_id)
        orders.refund_tickets(order, tenant, [child.id], actor=None)
        text = pdf_text(render_receipt_pdf(order, tenant))
    assert translated(app, "fr", "Refunded") in text and "−9,00 €" in text and "46,00 €" in text


def test_an_unpaid_order_has_no_receipt(app, sales_world):
    world = sales_world("paris")
    with shop(app, world) as tenant:
        order = orders.create_order(tenant, orders.OrderRequest(
            slot_id=world.slot_ids[0], quantities={world.adult_id: 1}, email="a@example.fr", name="A",
            locale="fr"))
        with pytest.raises(Conflict, match="not paid"):
            render_receipt_pdf(order, tenant)
