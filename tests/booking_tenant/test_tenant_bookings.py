"""The venue partner's bookings, as its people use them: the request builder with its price
preview, sending (the supplier is emailed), the list, a clash named by dates and city, the
answers to a counter-offer, cancelling (the lamp group is free again), the procurement view, and
bad input answered with a clear message while nothing is written."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from festival.booking.models import Booking
from festival.core.db import db
from festival.core.scope import platform_scope
from tests.booking import world
from tests.booking_tenant.conftest import SUPPLIER_OWNER
from tests.booking_tenant.test_catalog_browse import listed, set_rate
from tests.security.conftest import changed_tables, field_error, text_of


def builder_url(scene, group: str = "dragon") -> str:
    return f"{scene['portal']}/catalog/{scene['groups'][group]}/request"


def request_body(scene, *groups: str, **changes) -> dict:
    body = {"exhibition": str(scene["exhibition"]), "mode": "sea", "message": "Arrival by Le Havre",
            "lamp_groups": [str(scene["groups"][name]) for name in groups or ("dragon",)]}
    body.update(changes)
    return body


def bookings_of(app) -> list[Booking]:
    with app.app_context(), platform_scope("cli"):
        found = list(db.session.scalars(select(Booking).order_by(Booking.id)))
        db.session.expunge_all()
        db.session.remove()
    return found


def test_preview_shows_weekly_rates_times_weeks_and_the_converted_total(app, scene, snapshot):
    set_rate(app, "EUR", "8")  # 1 EUR = 8 CNY
    owner, url = scene["owner"], builder_url(scene)
    form = text_of(owner.get(url))
    assert "Lamp group DR-01 (DR-01)" in form and "Lantern-making workshop" in form
    before = snapshot()
    workshop = scene["workshop"]
    response = owner.post_form(url, {**request_body(scene, "dragon", "panda"), "preview": "1",
                                     f"service_{workshop}": "y", f"quantity_{workshop}": "3"})
    assert response.status_code == 200, text_of(response)[:800]
    page = text_of(response)
    # On site 7 days of setup + 42 nights + 4 of teardown = 53 days: 8 weeks.
    assert "¥5,000.00 × 8 weeks" in page and "¥40,000.00" in page
    assert "¥2,000.00 × 8 weeks" in page and "¥16,000.00" in page
    assert "¥800.00 × 3" in page and "¥2,400.00" in page
    assert "¥58,400.00" in page and "about €7,300.00" in page  # 58,400 / 8
    assert "$11,400.00" in page  # sea freight to Western Europe: 3 TEU × 3,800 USD
    assert changed_tables(before, snapshot()) == []  # a preview writes nothing


def test_send_emails_the_supplier_and_the_list_shows_it(app, scene, mailbox):
    owner = scene["owner"]
    response = owner.post_form(builder_url(scene), {**request_body(scene), "send": "1"},
                               token_from=builder_url(scene))
    assert response.status_code == 302, text_of(response)[:800]
    page = text_of(owner.get(response.headers["Location"]))
    [booking] = bookings_of(app)
    assert f"Your booking request {booking.reference} is sent" in page
    assert "requested" in page and "Arrival by Le Havre" in page and "Request sent" in page
    [mail] = mailbox.to(SUPPLIER_OWNER)
    assert booking.reference in mail["Subject"]
    assert f"/s/{scene['supplier'].slug}/bookings/{booking.id}" in mailbox.text(mail)
    listing = text_of(owner.get(f"{scene['portal']}/bookings/"))
    assert booking.reference in listing and "Lamp group DR-01" in listing
    assert booking.reference in text_of(owner.get(f"{scene['portal']}/bookings/?status=requested"))
    assert "No booking has this status." in text_of(owner.get(f"{scene['portal']}/bookings/?status=closed"))


def test_a_clash_names_the_dates_and_the_city(app, factory, scene, snapshot):
    houston = world.host_city(factory, "houston", name="Houston Lantern Festival", city="Houston",
                              country="US", timezone="America/Chicago", currency="USD",
                              default_locale="en", offered_locales=["en"])
    season = world.exhibition(app, houston.id, starts_in_days=190, slug="houston")
    world.request(app, houston.id, season, scene["supplier"].id, [scene["groups"]["dragon"]])
    before = snapshot()
    response = scene["owner"].post_form(builder_url(scene), {**request_body(scene), "send": "1"})
    assert response.status_code == 409
    page = text_of(response)
    assert "This lamp group is busy from" in page and "in Houston (United States)" in page
    assert changed_tables(before, snapshot()) == []


def _countered(app, scene) -> int:
    booking_id = world.request(app, scene["paris"].id, scene["exhibition"], scene["supplier"].id,
                               [scene["groups"]["dragon"]])

    def counter(services):
        booking = services.get_booking(booking_id)
        line = booking.lines[0]
        services.counter(booking, services.CounterOffer(
            weekly_prices={line.id: Decimal("5500")}, message="Steel prices went up"), None)

    world.as_supplier(app, scene["supplier"].id, counter)
    return booking_id


def test_accepting_a_counter_offer(app, scene, mailbox):
    booking_id = _countered(app, scene)
    page_url = f"{scene['portal']}/bookings/{booking_id}"
    page = text_of(scene["owner"].get(page_url))
    assert "DR-01: weekly price CN¥5,000.00 → CN¥5,500.00" in page and "Steel prices went up" in page
    response = scene["owner"].post_form(f"{page_url}/accept-counter", {}, token_from=page_url)
    assert response.status_code == 302, text_of(response)[:500]
    assert "You accepted the counter-offer" in text_of(scene["owner"].get(page_url))
    assert bookings_of(app)[0].status == Booking.ACCEPTED
    assert any("LB-" in mail["Subject"] for mail in mailbox.to(SUPPLIER_OWNER))  # in Chinese


def test_rejecting_a_counter_offer_needs_a_reason(app, scene, snapshot):
    booking_id = _countered(app, scene)
    page_url = f"{scene['portal']}/bookings/{booking_id}"
    before = snapshot()
    response = scene["owner"].post_form(f"{page_url}/reject-counter", {"reason": ""},
                                        token_from=page_url)
    assert response.status_code == 400
    assert "This field is required." in field_error(response, "reject-reason")
    assert changed_tables(before, snapshot()) == []
    response = scene["owner"].post_form(f"{page_url}/reject-counter",
                                        {"reason": "Over our budget"}, token_from=page_url)
    assert response.status_code == 302
    assert bookings_of(app)[0].status == Booking.DECLINED


def test_cancelling_releases_the_lamp_group(app, scene):
    booking_id = world.request(app, scene["paris"].id, scene["exhibition"], scene["supplier"].id,
                               [scene["groups"]["dragon"]])
    other = world.exhibition(app, scene["paris"].id, starts_in_days=210, slug="autre")
    available = f"{scene['portal']}/catalog/?exhibition={other}&available=y"
    assert "DR-01" not in listed(scene["owner"], available)
    page_url = f"{scene['portal']}/bookings/{booking_id}"
    response = scene["owner"].post_form(f"{page_url}/cancel", {"reason": "Venue flooded"},
                                        token_from=page_url)
    assert response.status_code == 302, text_of(response)[:500]
    page = text_of(scene["owner"].get(page_url))
    assert "cancelled" in page and "Venue flooded" in page
    assert "DR-01" in listed(scene["owner"], available)


def test_procurement_totals_and_arrivals(app, factory, scene):
    set_rate(app, "EUR", "8")
    set_rate(app, "USD", "7")
    usd_supplier = factory.supplier("caideng")
    with app.app_context(), platform_scope("cli"):
        from festival.suppliers.models import Supplier

        db.session.get(Supplier, usd_supplier.id).currency = "USD"
        db.session.commit()
        db.session.remove()
    phoenix = world.lamp_group(app, usd_supplier.id, "PH-09", weekly_price=Decimal("1000"))
    world.request(app, scene["paris"].id, scene["exhibition"], scene["supplier"].id,
                  [scene["groups"]["dragon"]])
    late = world.request(app, scene["paris"].id, scene["exhibition"], usd_supplier.id, [phoenix])
    cancelled = world.request(app, scene["paris"].id, scene["exhibition"], scene["supplier"].id,
                              [scene["groups"]["panda"]])
    world.as_tenant(app, scene["paris"].id,
                    lambda s: s.cancel(s.get_booking(cancelled), "tenant", "Too small", None))
    procurement = f"{scene['portal']}/exhibitions/{scene['exhibition']}/procurement"
    page = text_of(scene["owner"].get(procurement))
    assert "¥40,000.00" in page and "$8,000.00" in page  # 8 weeks each, per supplier currency
    # 40,000 CNY / 8 + 8,000 USD × 7 / 8 = 5,000 + 7,000 EUR; the cancelled panda is not counted.
    assert "€12,000.00" in page
    assert "PD-02" in page and "cancelled" in page
    assert "7 days" in page and "late: no time left for setup" not in page  # arrives a week ahead

    opening = date.today() + timedelta(days=200)

    def arrive_on_opening_night(services):
        booking = services.get_booking(late)
        line = booking.lines[0]
        services.counter(booking, services.CounterOffer(
            dates={line.id: (opening, line.on_site_until)}), None)

    world.as_supplier(app, usd_supplier.id, arrive_on_opening_night)
    page = text_of(scene["owner"].get(procurement))
    assert "PH-09" in page and "0 days late: no time left for setup" in page


def test_bad_input_is_refused_and_writes_nothing(app, scene, snapshot):
    owner, url = scene["owner"], builder_url(scene)
    workshop = scene["workshop"]
    cases = [
        ({**request_body(scene), "mode": "teleport", "send": "1"}, 400,
         "Choose one of the options offered."),
        ({**request_body(scene), "lamp_groups": [], "send": "1"}, 400, "Choose at least one lamp group."),
        ({**request_body(scene), f"service_{workshop}": "y", f"quantity_{workshop}": "-2", "send": "1"},
         400, "Enter a quantity from 1 to 1000."),
        ({**request_body(scene), "lamp_groups": [str(scene["groups"]["retired"])], "send": "1"}, 400,
         "Choose one of the options offered."),
    ]
    for body, status, message in cases:
        before = snapshot()
        response = owner.post_form(url, body, token_from=url)
        assert response.status_code == status, (body, text_of(response)[:800])
        assert message in text_of(response), (body, text_of(response)[:800])
        assert changed_tables(before, snapshot()) == []
    before = snapshot()
    response = owner.post_form(f"{scene['portal']}/catalog/{scene['groups']['retired']}/request",
                               {**request_body(scene), "send": "1"}, token_from=url)
    assert response.status_code == 404 and "not in the catalog" in text_of(response)
    assert changed_tables(before, snapshot()) == []


@pytest.mark.parametrize("kind", ["booking", "exhibition"])
def test_another_tenants_ids_are_not_found(app, factory, scene, make_client, kind):
    lyon = world.host_city(factory, "lyon", default_locale="en", city="Lyon")
    factory.member(lyon, "owner@lyon.example", "owner")
    booking_id = world.request(app, scene["paris"].id, scene["exhibition"], scene["supplier"].id,
                               [scene["groups"]["dragon"]])
    client = make_client()
    client.login("owner@lyon.example")
    url = (f"/lyon/manage/bookings/{booking_id}" if kind == "booking"
           else f"/lyon/manage/exhibitions/{scene['exhibition']}/procurement")
    assert client.get(url).status_code == 404
    if kind == "booking":
        response = client.post_form(f"{url}/cancel", {"reason": "Mine now"},
                                    token_from="/lyon/manage/bookings/")
        assert response.status_code == 404
        assert bookings_of(app)[0].status == Booking.REQUESTED
