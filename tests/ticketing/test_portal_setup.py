"""A manager sets up an exhibition's sales in the portal: ticket types, vouchers, entry slots,
the sales settings and the lamp groups on show; bad input is refused clearly and writes nothing."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from festival.core.db import db
from festival.core.scope import tenant_scope
from festival.exhibitions.models import Exhibition
from festival.exhibitions.services import ExhibitionPlan, create_exhibition
from festival.tenants.models import Tenant
from festival.ticketing.models import EntrySlot, TicketType, Voucher
from tests.conftest import row_counts
from tests.ticketing.portal_staff import signed_in, text_of

TENANTS = {"paris": ("FR", "Europe/Paris", "EUR", "fr", ["fr", "en"]),
           "tokyo": ("JP", "Asia/Tokyo", "JPY", "ja", ["ja", "en"])}


@pytest.fixture
def planned(app, factory):
    """A tenant with one exhibition still in planning (no ticket types, no slots); its staff."""

    def make(slug: str = "paris") -> SimpleNamespace:
        country, zone, currency, locale, offered = TENANTS[slug]
        tenant = factory.tenant(slug, country=country, timezone=zone, currency=currency,
                                default_locale=locale, offered_locales=offered)
        start = date.today() + timedelta(days=10)
        with app.app_context(), tenant_scope(tenant.id):
            exhibition = create_exhibition(db.session.get(Tenant, tenant.id), ExhibitionPlan(
                slug="lumieres", titles={locale: "Lumières", "en": "Lights"}, venue_name="Parc",
                season_start=start, season_end=start + timedelta(days=6), opens_at=time(18, 0),
                closes_at=time(22, 0), slot_minutes=60, slot_capacity=150), None)
            db.session.commit()
            exhibition_id = exhibition.id
            db.session.remove()
        for role in ("manager", "box_office"):
            factory.member(tenant, f"{role}@{slug}.example", role)
        return SimpleNamespace(id=tenant.id, slug=slug, exhibition_id=exhibition_id, start=start,
                               portal=f"/{slug}/manage")

    return make


def type_body(**changes) -> dict:
    body = {"name_fr": "Adulte", "name_en": "Adult", "category": "adult", "price": "18.50",
            "vat_rate": "10", "persons": "1", "min_per_order": "0", "max_per_order": "8",
            "position": "1", "is_active": "y"}
    body.update(changes)
    return body


def in_scope(app, tenant_id: int, work):
    with app.app_context(), tenant_scope(tenant_id):
        result = work()
        db.session.remove()
    return result


def test_manager_sets_up_types_and_a_voucher_and_opens_sales(app, planned, make_client):
    paris = planned("paris")
    manager = signed_in(make_client, "manager@paris.example")
    sales = f"{paris.portal}/exhibitions/{paris.exhibition_id}/sales"
    first = text_of(manager.get(sales))
    assert "No ticket types yet" in first and "No entry slots yet" in first

    new_type = f"{paris.portal}/exhibitions/{paris.exhibition_id}/ticket-types/new"
    form = text_of(manager.get(new_type))
    assert "Name (Français)" in form and "Concession" in form and "VIP" in form
    saved = manager.post_form(new_type, type_body(sale_starts_at="2026-11-01T09:00"),
                              follow_redirects=True)
    page = text_of(saved)
    assert "The ticket type is saved." in page and "Adult" in page and "€18.50" in page
    adult = in_scope(app, paris.id, lambda: db.session.scalar(select(TicketType)))
    assert adult.names == {"fr": "Adulte", "en": "Adult"} and adult.price == Decimal("18.50")
    # 09:00 in Paris in November (UTC+1) is 08:00 UTC.
    assert adult.sale_starts_at == datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
    editing = manager.get(f"{paris.portal}/ticket-types/{adult.id}").get_data(as_text=True)
    assert 'value="2026-11-01T09:00"' in editing and 'value="10"' in editing

    new_voucher = f"{paris.portal}/exhibitions/{paris.exhibition_id}/vouchers/new"
    voucher_page = manager.post_form(new_voucher, {
        "code": "presse-2026", "kind": "percent", "value": "15", "max_uses": "50",
        "ticket_type_ids": [str(adult.id)], "is_active": "y"}, follow_redirects=True)
    assert "The voucher is saved." in text_of(voucher_page) and "PRESSE-2026" in text_of(voucher_page)
    voucher = in_scope(app, paris.id, lambda: db.session.scalar(select(Voucher)))
    assert voucher.ticket_type_ids == [adult.id] and voucher.max_uses == 50

    open_sales = f"{paris.portal}/exhibitions/{paris.exhibition_id}/open-sales"
    opened = text_of(manager.post_form(open_sales, {}, token_from=sales, follow_redirects=True))
    # 7 nights from 18:00 to 22:00 in slots of an hour: 4 slots a night.
    assert "Entry slots: 28 added, 0 changed, 0 removed." in opened
    assert "7 nights × 4 entry slots a night: 28 entry slots, 4,200 places in all." in opened
    status = in_scope(app, paris.id, lambda: db.session.get(Exhibition, paris.exhibition_id).status)
    assert status == "on_sale"
    again = text_of(manager.post_form(open_sales, {}, token_from=sales, follow_redirects=True))
    assert "Entry slots: 0 added, 0 changed, 0 removed." in again


def test_open_sales_without_ticket_types_is_refused(app, planned, make_client):
    paris = planned("paris")
    manager = signed_in(make_client, "manager@paris.example")
    sales = f"{paris.portal}/exhibitions/{paris.exhibition_id}/sales"
    before = row_counts(app)
    refused = manager.post_form(f"{paris.portal}/exhibitions/{paris.exhibition_id}/open-sales", {},
                                token_from=sales)
    assert refused.status_code == 400
    assert "Create at least one ticket type before opening sales." in text_of(refused)
    assert row_counts(app) == before


@pytest.mark.parametrize("slug, changes, message", [
    ("paris", {"price": "-1"}, "A price is an amount from 0 to 100,000"),
    ("paris", {"price": "18.505"}, "This currency has no smaller unit than 0.01."),
    ("tokyo", {"name_ja": "大人", "price": "2400.5"}, "This currency has no smaller unit than 1."),
    ("paris", {"price": "douze"}, "Enter a number, for example 12.50."),
    ("paris", {"min_per_order": "5", "max_per_order": "2"}, "Per-order limits"),
    ("paris", {"category": "dragon"}, "Choose one of the options offered."),
    ("paris", {"name_fr": "", "name_en": ""}, "Give the ticket type a name"),
    ("paris", {"sale_starts_at": "2026-12-01T10:00", "sale_ends_at": "2026-11-01T10:00"},
     "The sale must end after it starts."),
])
def test_bad_ticket_types_are_refused_and_write_nothing(app, planned, make_client, slug, changes, message):
    tenant = planned(slug)
    manager = signed_in(make_client, f"manager@{slug}.example")
    path = f"{tenant.portal}/exhibitions/{tenant.exhibition_id}/ticket-types/new"
    body = type_body(**changes)
    if slug == "tokyo":
        body.pop("name_fr")
    before = row_counts(app)
    response = manager.post_form(path, body)
    assert response.status_code == 400, text_of(response)[:500]
    assert message in text_of(response)
    assert row_counts(app) == before


def test_a_yen_price_without_decimals_is_saved(app, planned, make_client):
    tokyo = planned("tokyo")
    manager = signed_in(make_client, "manager@tokyo.example")
    path = f"{tokyo.portal}/exhibitions/{tokyo.exhibition_id}/ticket-types/new"
    body = type_body(name_ja="大人", price="2400")
    body.pop("name_fr")
    page = text_of(manager.post_form(path, body, follow_redirects=True))
    assert "The ticket type is saved." in page and "¥2,400" in page
    tt = in_scope(app, tokyo.id, lambda: db.session.scalar(select(TicketType)))
    edit = manager.get(f"{tokyo.portal}/ticket-types/{tt.id}").get_data(as_text=True)
    assert 'value="2400"' in edit  # shown in the currency's digits, not 2400.00


@pytest.mark.parametrize("changes, message, status", [
    ({"kind": "percent", "value": "150"}, "A percentage discount is between 1 and 100.", 400),
    ({"kind": "fixed", "value": "0"}, "A fixed discount is an amount above 0.", 400),
    ({"code": "no spaces!"}, "A voucher code has 3 to 40 letters, digits or hyphens.", 400),
    ({"max_uses": "0"}, "The number of uses is empty (unlimited) or at least 1.", 400),
    ({"kind": "fixed", "value": "2.505"}, "This currency has no smaller unit than 0.01.", 400),
    ({"code": "EARLY"}, "Another voucher uses this code.", 409),
])
def test_bad_vouchers_are_refused_and_write_nothing(app, planned, make_client, changes, message, status):
    paris = planned("paris")
    manager = signed_in(make_client, "manager@paris.example")
    path = f"{paris.portal}/exhibitions/{paris.exhibition_id}/vouchers/new"
    first = manager.post_form(path, {"code": "early", "kind": "percent", "value": "10"})
    assert first.status_code == 302
    before = row_counts(app)
    body = {"code": "summer", "kind": "percent", "value": "10", "is_active": "y"}
    body.update(changes)
    response = manager.post_form(path, body)
    assert response.status_code == status, text_of(response)[:500]
    assert message in text_of(response)
    assert row_counts(app) == before


def test_box_office_sees_the_setup_but_cannot_change_it(app, planned, make_client):
    paris = planned("paris")
    box = signed_in(make_client, "box_office@paris.example")
    sales = f"{paris.portal}/exhibitions/{paris.exhibition_id}/sales"
    page = text_of(box.get(sales))
    assert "Ticket types" in page and "Add a ticket type" not in page
    assert "Generate entry slots and open sales" not in page
    assert box.get(f"{paris.portal}/exhibitions/{paris.exhibition_id}/ticket-types/new").status_code == 403
    before = row_counts(app)
    assert box.post_form(f"{paris.portal}/exhibitions/{paris.exhibition_id}/open-sales", {},
                         token_from=sales).status_code == 403
    assert row_counts(app) == before


def test_sales_settings_are_saved_and_checked(app, planned, make_client):
    paris = planned("paris")
    manager = signed_in(make_client, "manager@paris.example")
    path = f"{paris.portal}/sales-settings"
    body = {"vat_mode": "exclude", "default_vat_rate": "5.5", "cancellation": "allowed",
            "cancel_hours": "48", "terms_fr": "Pas de remboursement après l'entrée.", "terms_en": ""}
    page = text_of(manager.post_form(path, body, follow_redirects=True))
    assert "The sales settings are saved." in page
    tenant = in_scope(app, paris.id, lambda: db.session.get(Tenant, paris.id))
    assert (tenant.prices_include_vat, tenant.default_vat_rate, tenant.visitor_cancel_hours) == (
        False, Decimal("5.50"), 48)
    assert tenant.ticket_terms == {"fr": "Pas de remboursement après l'entrée."}
    new_type = manager.get(f"{paris.portal}/exhibitions/{paris.exhibition_id}/ticket-types/new")
    assert 'value="5.5"' in new_type.get_data(as_text=True)  # new types start with the default rate

    before = row_counts(app)
    for changes, message in (({"cancel_hours": ""}, "Enter the number of hours."),
                             ({"default_vat_rate": "60"}, "A VAT rate is a percentage from 0 to 50."),
                             ({"cancel_hours": "9999"}, "Visitors may cancel until 0 to 720 hours"),
                             ({"vat_mode": "sometimes"}, "Choose one of the options offered.")):
        response = manager.post_form(path, {**body, **changes})
        assert response.status_code == 400, (changes, text_of(response)[:300])
        assert message in text_of(response)
    assert row_counts(app) == before
    off = manager.post_form(path, {**body, "cancellation": "off", "cancel_hours": ""})
    assert off.status_code == 302
    assert in_scope(app, paris.id, lambda: db.session.get(Tenant, paris.id).visitor_cancel_hours) is None


def test_lamp_groups_on_show_are_kept_one_per_line_per_language(app, planned, make_client):
    paris = planned("paris")
    manager = signed_in(make_client, "manager@paris.example")
    edit = f"{paris.portal}/exhibitions/{paris.exhibition_id}"
    form = text_of(manager.get(edit))
    assert "Lamp groups on show (Français)" in form and "Lamp groups on show (English)" in form
    body = {"slug": "lumieres", "title_fr": "Lumières", "title_en": "Lights", "venue_name": "Parc",
            "season_start": paris.start.isoformat(),
            "season_end": (paris.start + timedelta(days=6)).isoformat(),
            "opens_at": "18:00", "closes_at": "22:00", "slot_minutes": "60", "slot_capacity": "150",
            "showcase_fr": "Dragon d'or\r\n  Panda géant \r\n\r\n", "showcase_en": "Golden dragon"}
    assert manager.post_form(edit, body).status_code == 302
    showcase = in_scope(app, paris.id, lambda: db.session.get(Exhibition, paris.exhibition_id).showcase)
    assert showcase == {"fr": ["Dragon d'or", "Panda géant"], "en": ["Golden dragon"]}
    markup = manager.get(edit).get_data(as_text=True)
    assert re.search(r"Dragon d(&#39;|')or\s*\nPanda géant", markup)
    too_long = manager.post_form(edit, {**body, "showcase_en": "x" * 121})
    assert too_long.status_code == 400 and "each named in at most 120 characters" in text_of(too_long)


def test_slot_can_be_closed_and_reopened(app, planned, make_client):
    paris = planned("paris")
    manager = signed_in(make_client, "manager@paris.example")
    sales = f"{paris.portal}/exhibitions/{paris.exhibition_id}/sales"
    manager.post_form(f"{paris.portal}/exhibitions/{paris.exhibition_id}/ticket-types/new", type_body())
    manager.post_form(f"{paris.portal}/exhibitions/{paris.exhibition_id}/open-sales", {}, token_from=sales)
    slot_id = in_scope(app, paris.id, lambda: db.session.scalar(
        select(EntrySlot.id).order_by(EntrySlot.starts_at)))
    closed = text_of(manager.post_form(f"{paris.portal}/slots/{slot_id}/close", {}, token_from=sales,
                                       follow_redirects=True))
    assert "The entry slot is closed to new sales." in closed and "Reopen" in closed
    assert in_scope(app, paris.id, lambda: db.session.get(EntrySlot, slot_id).is_closed) is True
    reopened = text_of(manager.post_form(f"{paris.portal}/slots/{slot_id}/reopen", {}, token_from=sales,
                                         follow_redirects=True))
    assert "The entry slot is open again." in reopened
    assert in_scope(app, paris.id, lambda: db.session.get(EntrySlot, slot_id).is_closed) is False
