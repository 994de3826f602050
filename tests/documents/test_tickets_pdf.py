"""PDF tickets as a visitor reads them: their language, their night, their codes, fonts that
show Japanese and Arabic, one page per admission, and a QR code carrying the signed payload."""

from __future__ import annotations

import base64
import io

import pytest
from babel.dates import format_date
from PIL import Image

from festival.documents import pdf as pdf_module
from festival.documents import tickets as tickets_module
from festival.documents.qr import QUIET_ZONE, SCALE, qr_code, qr_data_uri
from festival.documents.tickets import render_ticket_pdf, render_tickets_pdf
from festival.ticketing import orders, signing
from festival.ticketing.models import Ticket
from tests.conftest import translated
from tests.documents.conftest import (
    buy,
    dark_pixel_share,
    pdf_fonts,
    pdf_pages,
    pdf_text,
    shop,
    shows_across_lines,
)

TERMS_FR = "Billets non remboursables. Les animaux ne sont pas admis."


def test_french_tickets_show_the_night_slot_codes_and_terms(app, sales_world):
    world = sales_world("paris")
    with shop(app, world) as tenant:
        tenant.ticket_terms = {"fr": TERMS_FR, "en": "No refunds."}
        order = buy(tenant, world, {world.adult_id: 2, world.child_id: 1}, notify=False)
        codes = [t.code for t in orders.tickets_of(order)]
        order_code = order.code  # the shop rolls back: read what the PDF must show inside it
        document = render_tickets_pdf(order, tenant)
    text = pdf_text(document)
    assert pdf_pages(document) == 3
    # e.g. "mercredi 25 novembre 2026"
    assert shows_across_lines(format_date(world.first_night, "full", locale="fr"), text)
    assert "18:00–19:00" in text
    for expected in ("Lumières de Chine", "Adulte", "Enfant", "Marie Curie", "Parc Floral",
                     "Route de la Pyramide", order_code, TERMS_FR, *codes):
        assert expected in text, expected
    assert "No refunds." not in text  # the terms in the visitor's language only


def test_terms_fall_back_to_the_tenants_language_and_english_reads_english(app, sales_world):
    world = sales_world("paris")
    with shop(app, world) as tenant:
        tenant.ticket_terms = {"fr": TERMS_FR}
        order = buy(tenant, world, {world.adult_id: 1}, locale="en", notify=False)
        text = pdf_text(render_tickets_pdf(order, tenant))
    # "Wednesday, November 25, 2026"
    assert shows_across_lines(format_date(world.first_night, "full", locale="en"), text)
    assert "Lantern Festival" in text and "Lumières de Chine" not in text  # the English title
    assert TERMS_FR in text
    assert "Show this ticket at the gate" in text and "Admits 1 person" in text


def test_a_family_ticket_says_how_many_it_admits(app, sales_world):
    world = sales_world("houston")
    with shop(app, world) as tenant:
        order = buy(tenant, world, {world.family_id: 1}, notify=False)
        text = pdf_text(render_tickets_pdf(order, tenant))
    assert "Family" in text and "Admits 4 persons" in text


def test_void_tickets_are_not_printed(app, sales_world):
    world = sales_world("paris")
    with shop(app, world) as tenant:
        order = buy(tenant, world, {world.adult_id: 2, world.child_id: 1}, notify=False)
        child = next(t for t in orders.tickets_of(order) if t.ticket_type_id == world.child_id)
        child_code = child.code
        orders.refund_tickets(order, tenant, [child.id], actor=None)
        document = render_tickets_pdf(order, tenant)
        kept = [t.code for t in orders.tickets_of(order) if t.status == Ticket.VALID]
        orders.refund_tickets(order, tenant, None, actor=None)
        nothing = pdf_text(render_tickets_pdf(order, tenant))
    text = pdf_text(document)
    assert pdf_pages(document) == 2 and child_code not in text
    assert all(code in text for code in kept)
    assert not any(code in nothing for code in kept)
    assert translated(app, "fr", "This order has no valid tickets.") in nothing


def test_one_ticket_alone(app, sales_world):
    world = sales_world("paris")
    with shop(app, world) as tenant:
        order = buy(tenant, world, {world.adult_id: 3}, notify=False)
        second = orders.tickets_of(order)[1]
        document = render_ticket_pdf(second, tenant)
        code = second.code
        others = [t.code for t in orders.tickets_of(order) if t.id != second.id]
    text = pdf_text(document)
    assert pdf_pages(document) == 1 and code in text
    assert not any(code in text for code in others)
    assert translated(app, "fr", "Ticket %(number)s of %(count)s", number=2, count=3) in text


@pytest.mark.parametrize("slug, title, font", [
    ("tokyo", "チャイナ・ランタン・フェスティバル", "WenQuanYi"),
    ("dubai", None, "DejaVu-Sans"),
])
def test_japanese_and_arabic_tickets_embed_a_font_for_their_script(app, sales_world, slug, title, font):
    world = sales_world(slug)
    with shop(app, world) as tenant:
        order = buy(tenant, world, {world.adult_id: 1, world.child_id: 1}, notify=False)
        codes = [t.code for t in orders.tickets_of(order)]
        document = render_tickets_pdf(order, tenant)
    fonts = pdf_fonts(document)
    assert any(f["name"].startswith(font) and f["emb"] == "yes" and f["uni"] == "yes" for f in fonts), fonts
    text = pdf_text(document)
    assert all(code in text for code in codes)
    if title:
        assert title in text and "大人" in text
        # "2026年11月25日水曜日"
        assert shows_across_lines(format_date(world.first_night, "full", locale="ja"), text)
    # pdffonts shows the text is set in a font of the script; the title band shows it prints ink.
    assert dark_pixel_share(document, crop=(20, 35, 300, 40)) > 0.01


def test_arabic_tickets_read_right_to_left(app, sales_world, monkeypatch):
    world = sales_world("dubai")
    pages = []
    monkeypatch.setattr(pdf_module, "html_to_pdf", lambda html: pages.append(html) or b"%PDF")
    with shop(app, world) as tenant:
        order = buy(tenant, world, {world.adult_id: 1}, notify=False)
        render_tickets_pdf(order, tenant)
    assert '<html lang="ar" dir="rtl">' in pages[0]
    assert "مهرجان الفوانيس" in pages[0] and "بالغ" in pages[0]


def test_each_qr_code_carries_the_tickets_signed_payload(app, sales_world, monkeypatch):
    world = sales_world("paris")
    given: list[str] = []
    pages: list[str] = []

    def recording_qr(payload: str) -> str:
        given.append(payload)
        return qr_data_uri(payload)

    monkeypatch.setattr(tickets_module, "qr_data_uri", recording_qr)
    monkeypatch.setattr(pdf_module, "html_to_pdf", lambda html: pages.append(html) or b"%PDF")
    with shop(app, world) as tenant:
        order = buy(tenant, world, {world.adult_id: 2}, notify=False)
        render_tickets_pdf(order, tenant)
        public_key = signing.public_key_b64(tenant)
        codes = [t.code for t in orders.tickets_of(order)]
    parsed = [signing.parse_payload(payload) for payload in given]
    assert [p.code for p in parsed] == codes and {p.tenant_slug for p in parsed} == {"paris"}
    assert all(signing.verify_payload(p, public_key) for p in parsed)
    for payload in given:
        uri = qr_data_uri(payload)
        assert f'src="{uri}"' in pages[0]  # the image the page embeds
        assert modules_of(uri) == [list(row) for row in qr_code(payload).matrix]


def modules_of(uri: str) -> list[list[int]]:
    """Read the QR image back: 1 for each dark module, sampled at module centres."""
    assert uri.startswith("data:image/png;base64,")
    image = Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))).convert("L")
    size = image.width // SCALE - 2 * QUIET_ZONE
    centre = lambda i: (QUIET_ZONE + i) * SCALE + SCALE // 2  # noqa: E731
    return [[1 if image.getpixel((centre(x), centre(y))) < 128 else 0 for x in range(size)]
            for y in range(size)]
