"""Return inspections: damage puts a lamp group under repair with a repair window nobody can book
over; "repair done" makes it available again and ends the window."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from festival.booking import availability
from festival.booking.models import OccupancyWindow
from festival.catalog.models import LampGroup, ReturnInspection
from festival.core.db import db
from festival.core.errors import DomainError
from festival.core.i18n import format_local_date
from festival.core.scope import platform_scope
from tests.catalog.world import catalog_world, lamp_group_body
from tests.conftest import row_counts, translated
from tests.security.conftest import text_of

ZH = "zh_Hans"


def _today() -> date:
    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


def _windows(app, lamp_group_id: int) -> list[tuple]:
    with app.app_context(), platform_scope("cli"):
        rows = [(w.kind, w.starts_on, w.arrives_on, w.ends_on, w.city, w.country, w.region, w.active)
                for w in db.session.scalars(select(OccupancyWindow).where(
                    OccupancyWindow.lamp_group_id == lamp_group_id).order_by(OccupancyWindow.id))]
        db.session.remove()
    return rows


def _new_lamp_group(world, **changes) -> int:
    created = world.post("/catalog/new", lamp_group_body(**changes))
    assert created.status_code == 302, text_of(created)[:500]
    return int(created.headers["Location"].rsplit("/", 1)[1])


def test_damage_puts_the_lamp_group_under_repair_until_repair_done(app, factory, make_client):
    world = catalog_world(app, factory, make_client)
    lamp_group_id = _new_lamp_group(world, home_city="Houston", home_country="US",
                                    home_region="na_gulf")
    today = _today()
    inspected, repaired = today - timedelta(days=2), today + timedelta(days=40)

    good = world.post(f"/catalog/{lamp_group_id}/inspections", {
        "inspected_on": (today - timedelta(days=5)).isoformat(), "condition": "good",
        "booking_reference": "BK-1001", "notes": "All crates intact."})
    assert good.status_code == 302
    assert _windows(app, lamp_group_id) == []

    damaged = world.post(f"/catalog/{lamp_group_id}/inspections", {
        "inspected_on": inspected.isoformat(), "condition": "damaged", "booking_reference": "",
        "notes": "Tail section torn in transit.", "repair_until": repaired.isoformat()})
    assert damaged.status_code == 302, text_of(damaged)[:500]
    page = text_of(world.staff.get(f"{world.portal}/catalog/{lamp_group_id}"))
    assert translated(app, ZH, "Under repair") in page
    assert "Tail section torn in transit." in page and "BK-1001" in page
    assert _windows(app, lamp_group_id) == [
        ("repair", inspected, inspected, repaired, "Houston", "US", "na_gulf", True)]
    listing = text_of(world.staff.get(f"{world.portal}/catalog"))
    assert translated(app, ZH, "Under repair") in listing

    # Booking it for those dates is refused with the repair named.
    def try_booking():
        lamp_group = db.session.get(LampGroup, lamp_group_id)
        try:
            availability.plan_window(
                lamp_group, today + timedelta(days=20), today + timedelta(days=60),
                availability.Place("Houston", "US", "na_gulf"), "sea", today)
        except DomainError as error:
            return error.message
        return None

    with app.app_context(), platform_scope("cli"):
        assert "under repair" in (try_booking() or "")
        db.session.remove()

    done = world.post(f"/catalog/{lamp_group_id}/repair-done", {})
    assert done.status_code == 302
    with app.app_context(), platform_scope("cli"):
        lamp_group = db.session.get(LampGroup, lamp_group_id)
        assert (lamp_group.status, lamp_group.repair_until) == ("available", None)
        inspections = [(i.condition, i.repair_until) for i in db.session.scalars(
            select(ReturnInspection).order_by(ReturnInspection.id))]
        assert inspections == [("good", None), ("damaged", repaired)]
        db.session.remove()
    [window] = _windows(app, lamp_group_id)
    assert window[0] == "repair" and window[3] == today  # ended on the day the repair was done

    # Done once is done: a second press says so and changes nothing.
    before = row_counts(app)
    again = world.post(f"/catalog/{lamp_group_id}/repair-done", {})
    assert again.status_code == 409
    assert row_counts(app) == before


def test_inspection_refusals_write_nothing(app, factory, make_client):
    world = catalog_world(app, factory, make_client)
    lamp_group_id = _new_lamp_group(world)
    today = _today()
    path = f"/catalog/{lamp_group_id}/inspections"
    cases = [
        ({"inspected_on": today.isoformat(), "condition": "damaged"}, 400,
         "Give the date the repair is expected to end."),
        ({"inspected_on": today.isoformat(), "condition": "damaged",
          "repair_until": (today - timedelta(days=1)).isoformat()}, 400,
         "The repair must end after the inspection."),
        ({"inspected_on": (today + timedelta(days=3)).isoformat(), "condition": "good"}, 400,
         "An inspection cannot be dated in the future."),
        ({"inspected_on": today.isoformat(), "condition": "lost"}, 400,
         "Choose one of the options offered."),
    ]
    for body, status, message in cases:
        before = row_counts(app)
        response = world.post(path, body)
        assert response.status_code == status, text_of(response)[:500]
        assert translated(app, ZH, message) in text_of(response)
        assert row_counts(app) == before


def test_damage_over_a_held_booking_window_is_refused_naming_its_dates(app, factory, make_client):
    world = catalog_world(app, factory, make_client)
    lamp_group_id = _new_lamp_group(world)
    today = _today()
    booked = (today + timedelta(days=10), today + timedelta(days=30), today + timedelta(days=90))
    with app.app_context(), platform_scope("cli"):
        db.session.add(OccupancyWindow(
            lamp_group_id=lamp_group_id, kind=OccupancyWindow.BOOKING, booking_reference="BK-7",
            starts_on=booked[0], arrives_on=booked[1], ends_on=booked[2], city="Paris",
            country="FR", region="eu_west"))
        db.session.commit()
        db.session.remove()
    before = row_counts(app)
    response = world.post(f"/catalog/{lamp_group_id}/inspections", {
        "inspected_on": today.isoformat(), "condition": "damaged",
        "repair_until": (today + timedelta(days=20)).isoformat()})
    assert response.status_code == 409, text_of(response)[:500]
    page = text_of(response)
    assert format_local_date(booked[0], "medium", ZH) in page and "Paris" in page
    assert row_counts(app) == before
    # Retiring it while that booking holds it is refused too.
    response = world.post(f"/catalog/{lamp_group_id}", lamp_group_body(status="retired"))
    assert response.status_code == 409 and "Paris" in text_of(response)
    assert row_counts(app) == before
