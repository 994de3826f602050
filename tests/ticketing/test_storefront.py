"""The visitor's shop through the HTTP client: exhibition page and calendar, a night's checkout,
the order page, the test gateway, cancelling, and what bad input gets (a message, nothing kept)."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from babel.dates import format_date
from babel.support import Translations
from sqlalchemy import select

from festival.core.db import db, utcnow
from festival.core.scope import tenant_scope
from festival.exhibitions.models import Exhibition
from festival.tenants.models import Tenant
from festival.ticketing import orders
from festival.ticketing.models import EntrySlot, Order, Ticket
from festival.ticketing.setup import VoucherSpec, create_voucher
from tests.conftest import row_counts
from tests.security.conftest import text_of
from tests.ticketing.world import build_sales_world

FR = {"Accept-Language": "fr"}
EN = {"Accept-Language": "en"}
EMAIL = "marie@example.fr"


def in_french(app, message: str) -> str:
    """What a French reader sees for ``message``: its translation once the catalog has one."""
    return Translations.load(app.config["TRANSLATIONS_PATH"], ["fr"]).gettext(message)


@pytest.fixture
def paris(app, factory):
    return build_sales_world(app, factory, "paris", capacity=20)


def scoped(app, world):
    """A request context inside the world's tenant scope, for arranging data with the services."""
    class Scoped:
        def __enter__(self):
            self.ctx = app.test_request_context()
            self.ctx.__enter__()
            self.scope = tenant_scope(world.tenant_id)
            self.scope.__enter__()
            return db.session.get(Tenant, world.tenant_id)

        def __exit__(self, *exc):
            if exc[0] is None:
                db.session.commit()
            db.session.remove()
            self.scope.__exit__(*exc)
            self.ctx.__exit__(*exc)

    return Scoped()


def night_slots(app, world, night) -> list[int]:
    with scoped(app, world):
        return list(db.session.scalars(select(EntrySlot.id).where(EntrySlot.night == night)
                                       .order_by(EntrySlot.starts_at)))


def checkout(world, slot_id=None, adults=2, children=1, **changes) -> dict:
    body = {"slot": str(slot_id or world.slot_ids[0]), f"quantity_{world.adult_id}": str(adults),
            f"quantity_{world.child_id}": str(children), f"quantity_{world.family_id}": "0",
            "voucher": "", "email": EMAIL, "name": "Marie Curie"}
    body.update(changes)
    return body


def night_url(world, night=None) -> str:
    return f"/{world.slug}/{world.exhibition_slug}/{(night or world.first_night).isoformat()}"


def buy(client, world, headers=FR, **changes) -> str:
    """Check out through the form; returns the order page's path."""
    response = client.post_form(night_url(world), checkout(world, **changes), headers=headers)
    assert response.status_code == 303, text_of(response)[:800]
    return response.headers["Location"]


def order_of(app, world, path: str) -> Order:
    secret = path.rsplit("/", 1)[-1]
    with scoped(app, world):
        order = db.session.scalar(select(Order).where(Order.secret == secret))
        db.session.expunge(order)
        return order


def taken(app, world, slot_id: int) -> int:
    with scoped(app, world):
        return db.session.get(EntrySlot, slot_id).taken


# --- the journey ---------------------------------------------------------------------------------

def test_french_visitor_buys_two_adults_and_a_child_and_pays(app, client, paris, mailbox):
    sold_out_night = paris.first_night + timedelta(days=1)
    with scoped(app, paris):
        for slot_id in night_slots(app, paris, sold_out_night):
            assert orders.take_places(slot_id, 20)  # every place of the night is held

    page = client.get(f"/{paris.slug}/{paris.exhibition_slug}/", headers=FR)
    markup, text = page.get_data(as_text=True), text_of(page)
    assert page.status_code == 200 and 'lang="fr"' in markup
    assert "Lumières de Chine" in text and "Parc Floral" in text
    assert "Adulte 18,50 €" in text and "Enfant 9,00 €" in text
    assert f"{in_french(app, 'Venue')} Parc Floral" in text
    assert f'class="sold_out" data-night="{sold_out_night.isoformat()}"' in markup
    assert f'class="available" data-night="{paris.first_night.isoformat()}"' in markup
    month = format_date(paris.first_night, "LLLL y", locale="fr")
    assert month in text  # "novembre 2026"

    night = client.get(night_url(paris), headers=FR)
    assert format_date(paris.first_night, "full", locale="fr") in text_of(night)  # "mardi 24 …"
    assert "18:00–19:00" in text_of(night)
    # The sold-out night offers no slot.
    full = text_of(client.get(night_url(paris, sold_out_night), headers=FR))
    assert full.count(in_french(app, "Sold out")) >= 4

    order_page = buy(client, paris, headers=FR)
    summary = text_of(client.get(order_page, headers=FR))
    assert "2 × Adulte" in summary and "1 × Enfant" in summary
    assert "37,00 €" in summary and "4,18 €" in summary and "46,00 €" in summary
    assert taken(app, paris, paris.slot_ids[0]) == 3

    to_gateway = client.post_form(f"{order_page}/pay", {}, token_from=order_page, headers=FR)
    assert to_gateway.status_code == 303
    gateway = client.get(to_gateway.headers["Location"], headers=FR)
    assert in_french(app, "TEST PAYMENT — no money moves") in text_of(gateway)
    assert "46,00 €" in text_of(gateway)
    paid = client.post_form(to_gateway.headers["Location"], {"decision": "pay"}, headers=FR,
                            follow_redirects=True)
    confirmed = text_of(paid)
    assert in_french(app, "Your tickets are confirmed.") in confirmed

    order = order_of(app, paris, order_page)
    with scoped(app, paris):
        codes = [t.code for t in db.session.scalars(select(Ticket).where(Ticket.order_id == order.id))]
    assert order.status == Order.PAID and len(codes) == 3
    assert all(code in confirmed for code in codes)
    assert paid.get_data(as_text=True).count('<img class="qr" src="data:image/') == 3
    assert client.get(f"{order_page}/tickets.pdf").data.startswith(b"%PDF")
    assert client.get(f"{order_page}/receipt.pdf").data.startswith(b"%PDF")

    mails = mailbox.to(EMAIL)
    assert len(mails) == 1 and mails[0]["Content-Language"] == "fr"
    body = " ".join(mailbox.text(mails[0]).split())  # Babel's no-break spaces read as spaces
    assert in_french(app, "Hello %(name)s,") % {"name": "Marie Curie"} in body
    assert format_date(paris.first_night, "full", locale="fr") in body and "46,00 €" in body
    assert mailbox.last_link(EMAIL, "/paris/o/").endswith(order_page)


def test_order_page_speaks_the_order_language_unless_the_visitor_switches(app, client, paris):
    order_page = buy(client, paris, headers=FR)
    english_browser = text_of(client.get(order_page, headers=EN))
    assert "2 × Adulte" in english_browser and "46,00 €" in english_browser
    client.get("/locale/en")  # the visible switcher
    switched = client.get(order_page, headers=FR)
    assert 'lang="en"' in switched.get_data(as_text=True)
    assert "2 × Adult" in text_of(switched) and "€46.00" in text_of(switched)


def test_japanese_and_arabic_shops(app, client, factory):
    tokyo = build_sales_world(app, factory, "tokyo")
    dubai = build_sales_world(app, factory, "dubai")
    page = client.get("/tokyo/lanterns/", headers={"Accept-Language": "ja"})
    assert "大人 ￥2,400" in text_of(page) and "子ども ￥1,200" in text_of(page)
    path = buy(client, tokyo, headers={"Accept-Language": "ja"})
    assert "￥6,000" in text_of(client.get(path, headers={"Accept-Language": "ja"}))
    arabic = client.get("/dubai/lanterns/", headers={"Accept-Language": "ar"})
    assert 'dir="rtl"' in arabic.get_data(as_text=True) and "مهرجان الفوانيس" in text_of(arabic)
    assert dubai.currency == "AED"


def test_storefront_lists_the_exhibitions_on_sale(app, client, paris, factory):
    listing = text_of(client.get("/paris/", headers=FR))
    assert "Lumières de Chine" in listing and "Parc Floral" in listing
    assert format_date(paris.first_night, "medium", locale="fr") in listing
    factory.tenant("lyon", country="FR", timezone="Europe/Paris", currency="EUR",
                   default_locale="fr", offered_locales=["fr"])
    empty = text_of(client.get("/lyon/", headers=FR))
    assert in_french(app, "No exhibition is on sale yet. Please come back soon.") in empty


def test_the_exhibition_page_is_shared_a_few_seconds_between_anonymous_visitors(
        app, client, paris, monkeypatch):
    from festival.ticketing import storefront

    monkeypatch.setitem(app.config, "STOREFRONT_PAGE_CACHE_SECONDS", 5)
    clock = [1000.0]
    monkeypatch.setattr(storefront.page_cache, "clock", lambda: clock[0])
    storefront.page_cache.clear()
    page, cell = f"/{paris.slug}/{paris.exhibition_slug}/", f'data-night="{paris.first_night.isoformat()}"'
    assert f'class="available" {cell}' in client.get(page, headers=FR).get_data(as_text=True)
    with scoped(app, paris):
        for slot_id in paris.slot_ids:
            assert orders.take_places(slot_id, 20)
    # Within the few seconds the shared page is served as it was (the night page is fresh)…
    assert f'class="available" {cell}' in client.get(page, headers=FR).get_data(as_text=True)
    assert text_of(client.get(night_url(paris), headers=EN)).count("Sold out") == 4
    # … while another language is its own page, and the page is rebuilt once they are over.
    assert f'class="sold_out" {cell}' in client.get(page, headers=EN).get_data(as_text=True)
    clock[0] += 6
    assert f'class="sold_out" {cell}' in client.get(page, headers=FR).get_data(as_text=True)
    storefront.page_cache.clear()


# --- bad input: a message, a 4xx, nothing written -----------------------------------------------

def _close_second_night(app, world):
    night = world.first_night + timedelta(days=1)
    with scoped(app, world):
        for slot in db.session.scalars(select(EntrySlot).where(EntrySlot.night == night)):
            slot.is_closed = True
    return night


def _expired_voucher(app, world):
    with scoped(app, world) as tenant:
        voucher = create_voucher(tenant, db.session.get(Exhibition, world.exhibition_id),
                                 VoucherSpec(code="EARLYBIRD", kind="percent", value=Decimal("20")), None)
        voucher.valid_until = utcnow() - timedelta(days=1)


BAD = {
    "no tickets": (400, "Choose at least one ticket.", dict(adults=0, children=0)),
    "negative quantity": (400, "Quantities are whole numbers from 0 upwards.", dict(adults=-1)),
    "not a number": (400, "Enter a whole number.", dict(adults="two")),
    "over the per-order limit": (400, "At most 10 × Adult per order.", dict(adults=11)),
    "unknown slot": (400, "This entry slot does not exist. Choose another.", dict(slot_id=2147483647)),
    "no slot chosen": (400, "Choose an entry time.", dict(slot="")),
    "expired voucher": (400, "This voucher has expired.", dict(voucher="earlybird")),
    "unknown voucher": (400, "This voucher code is not valid.", dict(voucher="NOPE-123")),
    "malformed email": (400, "Enter a valid email address.", dict(email="marie@")),
    "no name": (400, "This field is required.", dict(name="  ")),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_checkout_is_refused_with_a_message_and_writes_nothing(case, app, client, paris):
    status, message, changes = BAD[case]
    _expired_voucher(app, paris)
    before = row_counts(app)
    response = client.post_form(night_url(paris), checkout(paris, **changes), headers=EN)
    assert response.status_code == status, text_of(response)[:600]
    assert message in text_of(response)
    assert row_counts(app) == before
    # The visitor's entries are still in the form.
    markup = response.get_data(as_text=True)
    if case != "malformed email":
        assert f'value="{EMAIL}"' in markup
    assert taken(app, paris, paris.slot_ids[0]) == 0


def test_closed_night_and_a_slot_of_another_night(app, client, paris):
    closed = _close_second_night(app, paris)
    page = client.get(night_url(paris, closed), headers=EN)
    assert "This night is closed or over" in text_of(page) and "<form method=\"post\" action" not in \
        page.get_data(as_text=True).split("<main", 1)[1]
    closed_slot = night_slots(app, paris, closed)[0]
    before = row_counts(app)
    refused = client.post_form(night_url(paris, closed), checkout(paris, slot_id=closed_slot),
                               token_from=night_url(paris), headers=EN)
    assert refused.status_code == 409
    assert "This night or entry slot is closed. Choose another." in text_of(refused)
    # A slot of another night, sent to this night's form, is not this night's.
    other = client.post_form(night_url(paris), checkout(paris, slot_id=closed_slot), headers=EN)
    assert other.status_code == 400 and "This entry slot does not exist" in text_of(other)
    assert row_counts(app) == before


@pytest.mark.parametrize("night", ["2026-13-45", "tomorrow", "20261201", "2199-01-01"])
def test_a_malformed_or_unknown_night_is_not_found(night, client, paris):
    response = client.get(f"/paris/lanterns/{night}", headers=EN)
    assert response.status_code == 404
    text = text_of(response)
    assert "Choose a night in the calendar." in text


def test_unknown_exhibition_is_not_found(client, paris):
    for path in ("/paris/nowhere/", "/paris/nowhere/2026-12-01", "/paris/Bad%20Slug/"):
        response = client.get(path, headers=EN)
        assert response.status_code == 404
        assert "This exhibition is not on sale here." in text_of(response)


def test_another_tenants_order_secret_finds_nothing(app, client, factory, paris):
    tokyo = build_sales_world(app, factory, "tokyo")
    tokyo_order = buy(client, tokyo, headers={"Accept-Language": "ja"})
    secret = tokyo_order.rsplit("/", 1)[-1]
    token = client.csrf(night_url(paris))
    before = row_counts(app)
    for method, suffix in (("GET", ""), ("GET", "/tickets.pdf"), ("GET", "/receipt.pdf"),
                           ("GET", "/test-payment"), ("POST", "/test-payment"), ("POST", "/pay"),
                           ("POST", "/cancel")):
        url = f"/paris/o/{secret}{suffix}"
        response = (client.get(url) if method == "GET"
                    else client.post(url, data={"csrf_token": token, "decision": "pay"}))
        assert response.status_code == 404, (method, url)
        assert in_french(app, "This order link is not valid. Use the link in your confirmation email.") \
            in text_of(response)
    assert row_counts(app) == before
    assert client.get(tokyo_order).status_code == 200


# --- holds, cancelling, states ----------------------------------------------------------------------

def test_cancelling_a_pending_order_returns_its_places(app, client, paris):
    order_page = buy(client, paris, headers=EN)
    assert taken(app, paris, paris.slot_ids[0]) == 3
    cancelled = client.post_form(f"{order_page}/cancel", {}, token_from=order_page, headers=EN,
                                 follow_redirects=True)
    text = text_of(cancelled)
    assert "Your order is cancelled. Its places are free again." in text
    assert "This order is cancelled: it admits nobody." in text
    assert taken(app, paris, paris.slot_ids[0]) == 0
    assert order_of(app, paris, order_page).status == Order.CANCELLED
    # Nothing left to pay.
    again = client.post_form(f"{order_page}/pay", {}, token_from=night_url(paris), headers=EN,
                             follow_redirects=True)
    assert "This order is no longer waiting for payment." in text_of(again)
    again = client.post_form(f"{order_page}/cancel", {}, token_from=night_url(paris), headers=EN,
                             follow_redirects=True)
    assert "There is nothing left to cancel in this order." in text_of(again)
    assert taken(app, paris, paris.slot_ids[0]) == 0


def _lapse(app, world, path: str) -> None:
    secret = path.rsplit("/", 1)[-1]
    with scoped(app, world):
        order = db.session.scalar(select(Order).where(Order.secret == secret))
        order.expires_at = utcnow() - timedelta(minutes=1)


def test_a_lapsed_hold_expires_on_its_page_and_cannot_be_paid_once_sold(app, client, paris, make_client):
    order_page = buy(client, paris, headers=EN, adults=10, children=0)
    gateway = client.post_form(f"{order_page}/pay", {}, token_from=order_page).headers["Location"]
    token = client.csrf(gateway)
    _lapse(app, paris, order_page)
    page = text_of(client.get(order_page, headers=EN))
    assert "This order expired before it was paid" in page
    assert taken(app, paris, paris.slot_ids[0]) == 0
    # Meanwhile someone else buys the whole slot…
    other = make_client()
    buy(other, paris, headers=EN, adults=10, children=10, email="jean@example.fr")
    # … so the late test payment is refused clearly, and nothing is sold twice.
    late = client.post(gateway, data={"csrf_token": token, "decision": "pay"}, follow_redirects=True,
                       headers=EN)
    assert "its places were sold meanwhile" in text_of(late)
    assert order_of(app, paris, order_page).status == Order.EXPIRED
    assert taken(app, paris, paris.slot_ids[0]) == 20


def test_the_night_page_releases_lapsed_holds_of_a_slot_that_looks_full(app, client, paris):
    first = buy(client, paris, headers=EN, adults=10, children=10)
    assert text_of(client.get(night_url(paris), headers=EN)).count("Sold out") == 1
    _lapse(app, paris, first)
    page = text_of(client.get(night_url(paris), headers=EN))
    assert page.count("20 places left") == 4 and "Sold out" not in page
    assert order_of(app, paris, first).status == Order.EXPIRED


def test_a_paid_order_is_cancelled_online_only_where_the_tenant_allows(app, client, paris, mailbox):
    order_page = buy(client, paris, headers=EN)
    gateway = client.post_form(f"{order_page}/pay", {}, token_from=order_page).headers["Location"]
    client.post_form(gateway, {"decision": "pay"})
    page = client.get(order_page, headers=EN)
    assert "Cancel the order and get a refund" not in text_of(page)
    before = row_counts(app)
    refused = client.post_form(f"{order_page}/cancel", {}, token_from=night_url(paris), headers=EN)
    assert refused.status_code == 409 and "can no longer be cancelled online" in text_of(refused)
    assert row_counts(app) == before

    with scoped(app, paris) as tenant:
        tenant.visitor_cancel_hours = 2
    page = client.get(order_page, headers=EN)
    assert "Cancel the order and get a refund" in text_of(page)
    done = client.post_form(f"{order_page}/cancel", {}, token_from=order_page, headers=EN,
                            follow_redirects=True)
    assert "The amount paid is refunded to you." in text_of(done)
    assert "€46.00 was refunded to you." in text_of(done)
    assert taken(app, paris, paris.slot_ids[0]) == 0
    assert len(mailbox.to(EMAIL)) == 2  # the confirmation, then the refund notice


def test_documents_of_an_unpaid_order_lead_back_to_its_page(client, paris):
    order_page = buy(client, paris, headers=EN)
    for document in ("tickets.pdf", "receipt.pdf"):
        response = client.get(f"{order_page}/{document}", headers=EN, follow_redirects=True)
        assert "once the order is paid" in text_of(response)


def test_stripe_return_waits_for_the_webhook_and_has_no_test_page(app, client, paris):
    with scoped(app, paris) as tenant:
        order = orders.create_order(tenant, orders.OrderRequest(
            slot_id=paris.slot_ids[0], quantities={paris.adult_id: 1}, email=EMAIL, name="Marie",
            locale="fr", payment_method="stripe"))
        secret = order.secret
    waiting = client.get(f"/paris/o/{secret}?paid=1", headers=EN)  # the order's language wins
    confirming = in_french(app, "Your payment is being confirmed; this page updates by itself in a few "
                                "seconds.")
    assert confirming in text_of(waiting)
    assert re.search(r'<meta http-equiv="refresh" content="\d+">', waiting.get_data(as_text=True))
    assert confirming not in text_of(client.get(f"/paris/o/{secret}"))
    assert client.get(f"/paris/o/{secret}/test-payment").status_code == 404
