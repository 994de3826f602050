"""Reading through the API: exhibitions, slots with remaining places, ticket types, orders."""

from __future__ import annotations

from datetime import timedelta

import pytest

from festival.core.db import db
from festival.core.scope import tenant_scope
from festival.ticketing.models import EntrySlot
from tests.api.conftest import order_body
from tests.conftest import row_counts


def test_exhibitions_list_what_an_integration_needs(api, paris):
    response = api.get("/exhibitions")
    assert response.status_code == 200 and response.mimetype == "application/json"
    [exhibition] = response.get_json()["data"]
    assert exhibition == {
        "id": paris.exhibition_id, "slug": "lanterns",
        "titles": {"fr": "Lumières de Chine", "en": "Lantern Festival"},
        "venue": {"name": "Parc Floral", "address": "Route de la Pyramide"},
        "season": {"start": paris.first_night.isoformat(),
                   "end": (paris.first_night + timedelta(days=13)).isoformat()},
        "status": "on_sale", "timezone": "Europe/Paris", "currency": "EUR"}


def test_slots_of_one_night_with_remaining_places_in_utc(api, paris):
    api.post("/orders", order_body(paris))  # 3 persons in the first slot
    response = api.get(f"/exhibitions/{paris.exhibition_id}/slots?night={paris.first_night}")
    assert response.status_code == 200
    body = response.get_json()
    assert body["meta"] == {"page": 1, "per_page": 100, "total": 4}
    first = body["data"][0]
    assert [s["id"] for s in body["data"]] == paris.slot_ids
    assert first["night"] == paris.first_night.isoformat()
    assert first["capacity"] == 20 and first["remaining"] == 17 and first["closed"] is False
    assert first["starts_at"].endswith("Z") and first["ends_at"].endswith("Z")
    # 18:00 in Paris is 17:00 (winter) or 16:00 (summer) in UTC.
    assert first["starts_at"][11:16] in ("16:00", "17:00")
    assert body["data"][1]["remaining"] == 20


def test_slots_of_a_season_come_in_pages_and_ranges(api, paris):
    base = f"/exhibitions/{paris.exhibition_id}/slots"
    everything = api.get(base).get_json()
    assert everything["meta"]["total"] == 14 * 4 and len(everything["data"]) == 56
    page_two = api.get(f"{base}?per_page=20&page=2").get_json()
    assert page_two["meta"] == {"page": 2, "per_page": 20, "total": 56}
    assert [s["id"] for s in page_two["data"]] == [s["id"] for s in everything["data"][20:40]]
    assert api.get(f"{base}?per_page=20&page=9").get_json()["data"] == []
    first, third = paris.first_night, paris.first_night + timedelta(days=2)
    ranged = api.get(f"{base}?from={first}&to={third}").get_json()
    assert ranged["meta"]["total"] == 12
    assert {s["night"] for s in ranged["data"]} == {str(first + timedelta(days=d)) for d in range(3)}
    assert api.get(f"{base}?from={third}").get_json()["meta"]["total"] == 56 - 8
    a_year = api.get(f"{base}?from={first}&to={first + timedelta(days=365)}")  # 366 nights
    assert a_year.status_code == 200 and a_year.get_json()["meta"]["total"] == 56


@pytest.mark.parametrize("query, message", [
    ("night=2026-13-01", "night must be a date written YYYY-MM-DD."),
    ("night=tomorrow", "night must be a date written YYYY-MM-DD."),
    ("from=2026-12-01&to=2026-11-01", "to must not be before from."),
    ("from=2026-01-01&to=2027-06-01", "Ask for at most 366 nights at a time."),
    ("from=2026-01-01&to=2027-01-02", "Ask for at most 366 nights at a time."),
    ("night=2026-12-01&from=2026-12-01", "Ask for one night, or for a range with from and to"),
    ("per_page=501", "per_page must be a whole number from 1 to 500."),
    ("per_page=0", "per_page must be a whole number from 1 to 500."),
    ("page=-1", "page must be a whole number from 1 to 2147483647."),
    ("page=%C2%B2", "page must be a whole number"),
    ("page=99999999999999999999999", "page must be a whole number"),
])
def test_bad_slot_queries_get_400_with_a_message(app, api, paris, query, message):
    before = row_counts(app)
    response = api.get(f"/exhibitions/{paris.exhibition_id}/slots?{query}")
    assert response.status_code == 400
    assert message in response.get_json()["error"]["message"]
    assert row_counts(app) == before


def test_closed_slots_say_so_and_lapsed_holds_count_as_free(app, api, paris):
    created = api.post("/orders", order_body(paris)).get_json()
    with app.app_context(), tenant_scope(paris.tenant_id):
        db.session.get(EntrySlot, paris.slot_ids[1]).is_closed = True
        from festival.ticketing.models import Order

        order = db.session.get(Order, created["id"])
        order.expires_at = order.created_at - timedelta(minutes=1)
        db.session.commit()
        db.session.remove()
    slots = api.get(f"/exhibitions/{paris.exhibition_id}/slots?night={paris.first_night}").get_json()
    assert slots["data"][0]["remaining"] == 20  # the lapsed hold was released on reading
    assert slots["data"][1]["closed"] is True
    assert api.get(f"/orders/{created['id']}").get_json()["status"] == "expired"


def test_ticket_types_with_prices_as_decimal_strings(api, paris):
    response = api.get(f"/exhibitions/{paris.exhibition_id}/ticket-types")
    types = response.get_json()["data"]
    assert [t["id"] for t in types] == [paris.adult_id, paris.child_id, paris.family_id]
    adult, _child, family = types
    assert adult["names"] == {"fr": "Adulte", "en": "Adult"} and adult["category"] == "adult"
    assert adult["price"] == "18.50" and adult["currency"] == "EUR" and adult["vat_rate"] == "10.00"
    assert family["persons"] == 4 and family["max_per_order"] == 4 and family["active"] is True


def test_unknown_exhibition_is_404_json(api):
    for path in ("/exhibitions/2147483647/slots", "/exhibitions/2147483647/ticket-types"):
        response = api.get(path)
        assert response.status_code == 404
        assert response.get_json()["error"]["message"] == "This exhibition does not exist."
    assert api.get("/exhibitions/0/slots").status_code == 404
    assert api.get("/exhibitions/99999999999/slots").status_code == 404
    assert api.get("/nothing-here").get_json()["error"]["status"] == 404


def test_orders_are_listed_newest_first_and_filtered(api, paris):
    first = api.post("/orders", order_body(paris, email="ada@example.com")).get_json()
    second = api.post("/orders", order_body(paris, payment="cash")).get_json()
    listed = api.get("/orders").get_json()
    assert [o["id"] for o in listed["data"]] == [second["id"], first["id"]]
    assert listed["meta"]["total"] == 2
    paid = api.get("/orders?status=paid").get_json()["data"]
    assert [o["id"] for o in paid] == [second["id"]] and paid[0]["total"] == "46.00"
    by_mail = api.get("/orders?email=ada@example.com").get_json()["data"]
    assert [o["id"] for o in by_mail] == [first["id"]]
    assert api.get("/orders?per_page=1&page=2").get_json()["data"][0]["id"] == first["id"]
    bad_status = api.get("/orders?status=lost")
    assert bad_status.status_code == 400
    assert bad_status.get_json()["error"]["message"].startswith("status must be one of pending")
    bad_mail = api.get("/orders?email=not-a-mail")
    assert bad_mail.status_code == 400
    assert bad_mail.get_json()["error"]["message"] == "Enter a valid email address."
