"""The supplier's side of a booking, as its people use it: the inbox, the request page, and each
answer (accept, decline, counter, cancel, returned, closed), with the email the venue partner
gets in its own language and the occupancy windows each answer moves."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from babel.dates import format_date
from flask import url_for
from sqlalchemy import select

from festival.booking.models import Booking, BookingEvent, OccupancyWindow
from festival.core.db import db
from festival.core.scope import platform_scope
from tests.booking import world
from tests.conftest import row_counts
from tests.security.conftest import field_error, text_of

TENANT_OWNER = "owner@paris.example"
OWNER = "owner@huacai.example"
STAFF = "staff@huacai.example"


@pytest.fixture
def scene(app, factory, make_client):
    """Paris asks Huacai for two lamp groups and a workshop; Huacai's owner and staff sign in."""
    world.seed_reference_data(app)
    paris = world.host_city(factory)
    factory.member(paris, TENANT_OWNER, "owner")
    supplier = factory.supplier()
    factory.member(supplier, OWNER, "owner")
    factory.member(supplier, STAFF, "staff")
    dragon = world.lamp_group(app, supplier.id, "DR-01")
    # No CE mark: Paris requires it, so the request carries a compliance issue.
    phoenix = world.lamp_group(app, supplier.id, "PH-02", weekly_price=Decimal("3000"),
                               certifications=("UL", "FLAME_RETARDANT"))
    workshop = world.service(app, supplier.id)
    exhibition = world.exhibition(app, paris.id)
    booking_id = world.request(app, paris.id, exhibition, supplier.id, [dragon, phoenix], mode="sea",
                               services=[(workshop, 2)], message="Merci ! Arrivée par Le Havre.")
    owner = make_client()
    owner.login(OWNER)
    owner.get("/locale/en")  # pages read in English; mails keep each one's language
    return {"paris": paris, "supplier": supplier, "dragon": dragon, "phoenix": phoenix,
            "exhibition": exhibition, "booking": booking_id, "owner": owner,
            "page": f"/s/{supplier.slug}/bookings/{booking_id}"}


def read(app, work):
    with app.app_context(), platform_scope("cli"):
        result = work()
        db.session.remove()
    return result


def booking_of(app, booking_id: int) -> Booking:
    def work():
        booking = db.session.get(Booking, booking_id)
        _ = booking.lines, booking.services, booking.events  # loaded before the session goes
        return booking
    return read(app, work)


def windows_of(app, lamp_group_id: int) -> list[OccupancyWindow]:
    return read(app, lambda: list(db.session.scalars(select(OccupancyWindow).where(
        OccupancyWindow.lamp_group_id == lamp_group_id).order_by(OccupancyWindow.arrives_on))))


def tenant_link(app, booking_id: int) -> str:
    with app.test_request_context():
        return url_for("tenant_portal.booking_detail", tenant_slug="paris", booking_id=booking_id)


def post(client, page: str, action: str, data: dict | None = None):
    return client.post_form(f"{page}/{action}", data or {}, token_from=page)


# --- reading ------------------------------------------------------------------------------------

def test_the_request_email_reaches_the_supplier_in_chinese_with_the_link(app, scene, mailbox):
    # The request was sent in the fixture, before the mailbox was emptied: send another one.
    other = world.lamp_group(app, scene["supplier"].id, "LO-03")
    second = world.request(app, scene["paris"].id, scene["exhibition"], scene["supplier"].id, [other])
    [mail] = mailbox.to(OWNER)
    assert mail["Content-Language"] == "zh-Hans"
    reference = booking_of(app, second).reference
    assert reference in mail["Subject"]
    link = mailbox.last_link(OWNER, "/bookings/")
    assert link.endswith(f"/s/huacai/bookings/{second}")
    assert len(mailbox.to(STAFF)) == 1  # staff handle bookings too
    page = scene["owner"].get(link.split("localhost", 1)[-1])
    assert page.status_code == 200 and reference in text_of(page)


def test_the_inbox_lists_requests_first_filters_and_pages(app, scene, monkeypatch):
    owner, booking = scene["owner"], booking_of(app, scene["booking"])
    page = owner.get("/s/huacai/bookings/")
    text = text_of(page)
    assert page.status_code == 200
    assert booking.reference in text and "Paris" in text and "DR-01" in text and "PH-02" in text
    assert "Lanternes lanternes" in text  # the exhibition, as the tenant titled it
    assert "¥" in text  # the total, in the supplier's currency
    # Accepted bookings come after the requests waiting for an answer.
    later = world.request(app, scene["paris"].id, world.exhibition(app, scene["paris"].id, slug="hiver",
                                                                   starts_in_days=400),
                          scene["supplier"].id, [world.lamp_group(app, scene["supplier"].id, "LO-03")])
    world.as_supplier(app, scene["supplier"].id, lambda s: s.accept(s.get_booking(later), None))
    text = text_of(owner.get("/s/huacai/bookings/"))
    assert text.index(booking.reference) < text.index(booking_of(app, later).reference)
    accepted = text_of(owner.get("/s/huacai/bookings/?status=accepted"))
    assert booking_of(app, later).reference in accepted and booking.reference not in accepted
    empty = owner.get("/s/huacai/bookings/?status=closed")
    assert empty.status_code == 200 and "No booking is closed" in text_of(empty)
    monkeypatch.setattr("festival.booking.supplier_views.PAGE_SIZE", 1)
    first, second = owner.get("/s/huacai/bookings/"), owner.get("/s/huacai/bookings/?page=2")
    assert booking.reference in text_of(first) and "page=2" in first.get_data(as_text=True)
    assert booking_of(app, later).reference in text_of(second)


def test_the_inbox_is_empty_for_a_new_supplier(app, factory, make_client):
    other = factory.supplier("yuguang")
    factory.member(other, "owner@yuguang.example", "owner")
    client = make_client()
    client.login("owner@yuguang.example")
    client.get("/locale/en")  # pages read in English; mails keep each one's language
    assert "No booking request yet" in text_of(client.get("/s/yuguang/bookings/"))


def test_the_request_page_shows_what_the_supplier_needs(app, scene):
    booking = booking_of(app, scene["booking"])
    text = text_of(scene["owner"].get(scene["page"]))
    dragon = booking.lines[0]
    for expected in (booking.reference, "Festival des Lanternes de Paris", "Jardin des Plantes", "Paris",
                     "DR-01", "Lamp group DR-01", "PH-02", "IPR-DR-01", "Lantern-making workshop",
                     "Merci ! Arrivée par Le Havre.", "CN¥5,000.00", "CN¥3,000.00", "CN¥800.00",
                     f"CN¥{booking.total:,.2f}", f"${booking.freight_estimate_usd:,.2f}",
                     format_date(dragon.arrives_on, "medium", locale="en"),
                     format_date(dragon.on_site_until, "medium", locale="en")):
        assert expected in text, expected
    assert str(dragon.weeks) in text
    assert "PH-02: CE" in text  # the missing mark of the destination country is flagged
    assert "Request sent" in text  # the history
    assert TENANT_OWNER not in text  # the venue partner's name only, never its people


# --- answering -------------------------------------------------------------------------------------

def test_accepting_emails_the_venue_partner_in_french(app, scene, mailbox):
    response = post(scene["owner"], scene["page"], "accept")
    assert response.status_code == 302
    booking = booking_of(app, scene["booking"])
    assert booking.status == Booking.ACCEPTED
    [mail] = mailbox.to(TENANT_OWNER)
    assert booking.reference in mail["Subject"] and mail["Content-Language"] == "fr"
    assert mailbox.last_link(TENANT_OWNER, "/bookings/").endswith(tenant_link(app, booking.id))
    page = text_of(scene["owner"].get(scene["page"]))
    assert "Accepted" in page and "Decline the request" not in page
    again = post(scene["owner"], scene["page"], "accept")  # a second click: nothing more happens
    assert again.status_code == 409 and len(mailbox.to(TENANT_OWNER)) == 1


def test_declining_needs_a_reason_then_frees_the_lamp_groups(app, scene, mailbox):
    before = row_counts(app)
    refused = post(scene["owner"], scene["page"], "decline", {"reason": "  "})
    assert refused.status_code == 400
    assert field_error(refused, "decline-reason")
    assert row_counts(app) == before and booking_of(app, scene["booking"]).status == Booking.REQUESTED
    assert mailbox.to(TENANT_OWNER) == []

    response = post(scene["owner"], scene["page"], "decline", {"reason": "Déjà réservé en Floride."})
    assert response.status_code == 302
    assert booking_of(app, scene["booking"]).status == Booking.DECLINED
    assert not any(window.active for window in windows_of(app, scene["dragon"]))
    [mail] = mailbox.to(TENANT_OWNER)
    assert "Déjà réservé en Floride." in mailbox.text(mail) and mail["Content-Language"] == "fr"
    assert tenant_link(app, scene["booking"]) in mailbox.text(mail)
    assert "Déjà réservé en Floride." in text_of(scene["owner"].get(scene["page"]))


def counter_body(booking: Booking, **changes) -> dict:
    body = {"message": ""}
    for index, line in enumerate(booking.lines, 1):
        body |= {f"price_{index}": str(line.weekly_price), f"arrives_{index}": line.arrives_on.isoformat(),
                 f"until_{index}": line.on_site_until.isoformat()}
    body |= {f"service_price_{index}": str(item.unit_price) for index, item in enumerate(booking.services, 1)}
    body.update(changes)
    return body


def test_countering_moves_the_windows_and_tells_the_venue_partner(app, scene, mailbox):
    booking = booking_of(app, scene["booking"])
    dragon = booking.lines[0]
    form = scene["owner"].get(f"{scene['page']}/counter")
    assert form.status_code == 200 and 'value="5000.00"' in form.get_data(as_text=True)
    earlier = dragon.arrives_on - timedelta(days=7)
    later = dragon.on_site_until + timedelta(days=7)
    response = post(scene["owner"], scene["page"], "counter", counter_body(
        booking, price_1="4500", arrives_1=earlier.isoformat(), until_1=later.isoformat(),
        service_price_1="700.50", message="Nous pouvons arriver plus tôt."))
    assert response.status_code == 302, text_of(response)
    after = booking_of(app, scene["booking"])
    assert after.status == Booking.COUNTERED
    line = after.lines[0]
    assert (line.weekly_price, line.arrives_on, line.on_site_until) == (Decimal("4500"), earlier, later)
    [window] = [w for w in windows_of(app, scene["dragon"]) if w.active]
    assert window.arrives_on == earlier and window.ends_on > later
    [mail] = mailbox.to(TENANT_OWNER)
    assert after.reference in mail["Subject"] and mail["Content-Language"] == "fr"
    assert tenant_link(app, after.id) in mailbox.text(mail)
    history = text_of(scene["owner"].get(scene["page"]))
    assert "DR-01: weekly price CN¥5,000.00 → CN¥4,500.00" in history
    assert "unit price CN¥800.00 → CN¥700.50" in history
    assert format_date(earlier, "medium", locale="en") in history
    assert "Nous pouvons arriver plus tôt." in history


def test_a_counter_must_change_something_and_prices_must_be_amounts(app, scene, mailbox):
    booking = booking_of(app, scene["booking"])
    before = row_counts(app)
    same = post(scene["owner"], scene["page"], "counter", counter_body(booking))
    assert same.status_code == 400 and "A counter-offer changes a price or a date." in text_of(same)
    bad = post(scene["owner"], scene["page"], "counter", counter_body(booking, price_1="cinq mille"))
    assert bad.status_code == 400 and field_error(bad, "price_1")
    assert row_counts(app) == before and mailbox.to(TENANT_OWNER) == []


def test_a_counter_that_clashes_names_the_dates_and_the_city_and_writes_nothing(app, scene, factory,
                                                                                snapshot, mailbox):
    houston = world.host_city(factory, "houston", name="Houston Lantern Festival", city="Houston",
                              country="US", timezone="America/Chicago", currency="USD",
                              default_locale="en", offered_locales=["en"])
    in_houston = world.exhibition(app, houston.id, starts_in_days=90, weeks=6, slug="houston")
    world.request(app, houston.id, in_houston, scene["supplier"].id, [scene["dragon"]])
    mailbox.clear()
    [busy] = [w for w in windows_of(app, scene["dragon"]) if w.city == "Houston"]
    booking = booking_of(app, scene["booking"])
    before = snapshot()
    clash = busy.arrives_on + timedelta(days=7)
    response = post(scene["owner"], scene["page"], "counter",
                    counter_body(booking, arrives_1=clash.isoformat(), price_1="4000"))
    assert response.status_code == 409
    text = text_of(response)
    assert "Houston" in text
    assert format_date(busy.starts_on, "medium", locale="en") in text
    assert format_date(busy.ends_on, "medium", locale="en") in text
    assert snapshot() == before and mailbox.messages == []


def test_cancelling_and_the_last_steps(app, scene, mailbox):
    world.as_supplier(app, scene["supplier"].id, lambda s: s.accept(s.get_booking(scene["booking"]), None))
    mailbox.clear()
    empty = post(scene["owner"], scene["page"], "cancel", {"reason": ""})
    assert empty.status_code == 400 and field_error(empty, "cancel-reason")
    response = post(scene["owner"], scene["page"], "cancel", {"reason": "Atelier inondé."})
    assert response.status_code == 302
    after = booking_of(app, scene["booking"])
    assert (after.status, after.cancelled_by) == (Booking.CANCELLED, "supplier")
    assert not any(window.active for window in windows_of(app, scene["dragon"]))
    assert "Atelier inondé." in mailbox.text(mailbox.to(TENANT_OWNER)[0])


def test_returned_then_closed(app, scene, mailbox):
    def on_site(services):
        booking = services.get_booking(scene["booking"])
        booking.status = Booking.ON_SITE  # contract and shipping are other pages' steps
    world.as_supplier(app, scene["supplier"].id, on_site)
    too_early = post(scene["owner"], scene["page"], "advance", {"status": "closed"})
    assert too_early.status_code == 409 and booking_of(app, scene["booking"]).status == Booking.ON_SITE
    assert "Mark as returned" in text_of(scene["owner"].get(scene["page"]))
    assert post(scene["owner"], scene["page"], "advance", {"status": "returned"}).status_code == 302
    assert post(scene["owner"], scene["page"], "advance", {"status": "closed"}).status_code == 302
    booking = booking_of(app, scene["booking"])
    assert booking.status == Booking.CLOSED
    assert [e.kind for e in booking.events][-2:] == ["returned", "closed"]
    mails = mailbox.to(TENANT_OWNER)
    assert len(mails) == 2 and all(booking.reference in m["Subject"] for m in mails)
    assert "Mark as" not in text_of(scene["owner"].get(scene["page"]))


# --- who may ----------------------------------------------------------------------------------------

def test_another_suppliers_booking_is_not_found(app, scene, factory, make_client, snapshot):
    other = factory.supplier("yuguang")
    factory.member(other, "owner@yuguang.example", "owner")
    client = make_client()
    client.login("owner@yuguang.example")
    client.get("/locale/en")  # pages read in English; mails keep each one's language
    before = snapshot()
    for path in (f"/s/yuguang/bookings/{scene['booking']}", scene["page"]):
        assert client.get(path).status_code == 404
        assert client.post_form(f"{path}/accept", {}, token_from="/s/yuguang/bookings/").status_code == 404
        assert client.post_form(f"{path}/decline", {"reason": "x"},
                                token_from="/s/yuguang/bookings/").status_code == 404
    assert snapshot() == before
    assert scene["booking"] not in [row.id for row in read(app, lambda: list(db.session.scalars(
        select(BookingEvent).where(BookingEvent.side == "supplier"))))]


def test_staff_answer_requests_like_the_owner(app, scene, factory, make_client):
    staff = make_client()
    staff.login(STAFF)
    staff.get("/locale/en")  # pages read in English; mails keep each one's language
    page = text_of(staff.get(scene["page"]))
    assert "Accept the request" in page
    assert staff.get("/s/huacai/team").status_code == 403  # the team stays the owner's
    response = post(staff, scene["page"], "counter", counter_body(booking_of(app, scene["booking"]),
                                                                  price_1="4800"))
    assert response.status_code == 302
    assert booking_of(app, scene["booking"]).status == Booking.COUNTERED
    venue = make_client()
    venue.login(TENANT_OWNER)
    venue.get("/locale/en")  # pages read in English; mails keep each one's language
    assert venue.get(scene["page"]).status_code == 404  # the venue partner uses its own portal
