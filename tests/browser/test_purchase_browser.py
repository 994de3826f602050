"""A visitor buys tickets in a real headless Chromium on a phone-sized screen, in French, Japanese
and Arabic, pays on the test gateway, reads the confirmation, and gets PDFs that show their
language (pdftotext) with fonts that cover its script (pdffonts)."""

from __future__ import annotations

import re
import time

import pytest
from babel.dates import format_date
from babel.support import Translations
from playwright.sync_api import expect
from sqlalchemy import select

from festival.core.db import db
from festival.core.scope import tenant_scope
from festival.ticketing.models import Order, Ticket
from tests.browser.conftest import PHONE, fits_the_screen
from tests.documents.conftest import normalize_spaces, pdf_fonts, pdf_text, shows_across_lines
from tests.ticketing.world import build_sales_world

pytestmark = pytest.mark.browser

BUYERS = {"paris": ("marie@example.fr", "Marie Curie", "fr-FR"),
          "tokyo": ("hanako@example.jp", "山田 花子", "ja-JP"),
          "dubai": ("layla@example.ae", "ليلى أحمد", "ar-AE")}


def translated(app, locale: str, message: str) -> str:
    """What a reader of ``locale`` sees for ``message``: its translation once the catalog has one."""
    return Translations.load(app.config["TRANSLATIONS_PATH"], [locale]).gettext(message)


def wait_for_mail(mailbox, address: str, timeout: float = 15.0):
    """The live server sends mail from its own thread once the request commits."""
    deadline = time.monotonic() + timeout
    while not mailbox.to(address):
        assert time.monotonic() < deadline, f"no mail to {address}"
        time.sleep(0.05)
    return mailbox.to(address)[-1]


def attachments(message) -> dict[str, bytes]:
    return {part.get_filename(): part.get_content() for part in message.iter_attachments()}


def ticket_codes(app, world) -> list[str]:
    with app.app_context(), tenant_scope(world.tenant_id):
        codes = list(db.session.scalars(select(Ticket.code).join(Order, Ticket.order_id == Order.id)
                                        .where(Order.email == BUYERS[world.slug][0])))
        db.session.remove()
    return codes


@pytest.fixture
def phone(browser):
    """A phone-sized browser whose language is the visitor's (its own context, closed after)."""
    contexts = []

    def open_page(browser_locale: str):
        contexts.append(browser.new_context(locale=browser_locale, viewport=PHONE, is_mobile=True,
                                            has_touch=True))
        return contexts[-1].new_page()

    yield open_page
    for context in contexts:
        context.close()


def buy_on_a_phone(phone, live_server, world):
    """Storefront → exhibition → first night → 2 adults, 1 child → the order's summary."""
    email, name, browser_locale = BUYERS[world.slug]
    page = phone(browser_locale)
    page.goto(f"{live_server}/{world.slug}/")
    fits_the_screen(page)
    page.locator(f"a[href$='/{world.slug}/{world.exhibition_slug}/']").first.click()
    expect(page).to_have_url(re.compile(rf"/{world.slug}/{world.exhibition_slug}/$"))
    fits_the_screen(page)
    page.locator(f"td[data-night='{world.first_night.isoformat()}'] a").click()
    fits_the_screen(page)
    page.locator(f"input[name=slot][value='{world.slot_ids[0]}']").check()
    page.locator(f"#quantity_{world.adult_id}").select_option("2")
    page.locator(f"#quantity_{world.child_id}").select_option("1")
    page.locator("#email").fill(email)
    page.locator("#name").fill(name)
    page.locator("form.checkout button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/{world.slug}/o/[\w-]+$"))
    fits_the_screen(page)
    return page


def pay_on_the_test_gateway(app, page, locale: str, amount: str) -> None:
    page.locator("form[action$='/pay'] button").click()
    expect(page).to_have_url(re.compile(r"/test-payment$"))
    expect(page.get_by_text(translated(app, locale, "TEST PAYMENT — no money moves"))).to_be_visible()
    expect(page.locator(".amount")).to_contain_text(amount)
    fits_the_screen(page)
    page.locator("button[name=decision][value=pay]").click()
    expect(page).to_have_url(re.compile(r"/o/[\w-]+$"))
    expect(page.get_by_text(translated(app, locale, "Your tickets are confirmed."))).to_be_visible()
    fits_the_screen(page)


def test_french_visitor_buys_on_a_phone_and_gets_french_pdf_tickets(
        app, factory, mailbox, live_server, phone):
    paris = build_sales_world(app, factory, "paris")
    page = buy_on_a_phone(phone, live_server, paris)
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    summary = page.locator("table.summary")
    expect(summary).to_contain_text("2 × Adulte")
    expect(summary).to_contain_text(re.compile(r"46,00\s€"))
    pay_on_the_test_gateway(app, page, "fr", "46,00")

    codes = ticket_codes(app, paris)
    assert len(codes) == 3
    for code in codes:
        expect(page.get_by_text(code)).to_be_visible()
    expect(page.locator("img.qr")).to_have_count(3)

    mail = wait_for_mail(mailbox, "marie@example.fr")
    files = attachments(mail)
    tickets = next(data for filename, data in files.items() if filename.startswith("tickets-"))
    receipt = next(data for filename, data in files.items() if filename.startswith("receipt-"))
    night = format_date(paris.first_night, "full", locale="fr")  # "mardi 24 novembre 2026"
    ticket_text = pdf_text(tickets)
    assert night in ticket_text and "Lumières de Chine" in ticket_text
    assert all(code in ticket_text for code in codes)
    receipt_text = pdf_text(receipt)
    assert "18,50 €" in receipt_text and "46,00 €" in receipt_text and "4,18 €" in receipt_text
    assert night in normalize_spaces(mailbox.text(mail))


@pytest.mark.parametrize("slug, locale, amount, direction, font, title", [
    ("tokyo", "ja", "￥6,000", "ltr", "WenQuanYi", "チャイナ・ランタン・フェスティバル"),
    ("dubai", "ar", None, "rtl", "DejaVu", "مهرجان الفوانيس"),
])
def test_japanese_and_arabic_visitors_get_tickets_in_fonts_for_their_script(
        app, factory, mailbox, live_server, phone, slug, locale, amount, direction, font, title):
    world = build_sales_world(app, factory, slug)
    page = buy_on_a_phone(phone, live_server, world)
    html = page.locator("html")
    expect(html).to_have_attribute("lang", locale)
    expect(html).to_have_attribute("dir", direction)
    expect(page.locator("h2").first).to_have_text(title)
    total = page.locator("table.summary tfoot td").inner_text()
    if amount:
        assert total == amount  # yen: no decimals
    pay_on_the_test_gateway(app, page, locale, total.strip())

    codes = ticket_codes(app, world)
    mail = wait_for_mail(mailbox, BUYERS[slug][0])
    tickets = next(data for filename, data in attachments(mail).items() if filename.startswith("tickets-"))
    fonts = pdf_fonts(tickets)
    assert any(f["name"].startswith(font) and f["emb"] == "yes" for f in fonts), fonts
    text = pdf_text(tickets)
    assert all(code in text for code in codes) and len(codes) == 3
    if locale == "ja":
        assert title in text and shows_across_lines(format_date(world.first_night, "full", locale="ja"), text)
