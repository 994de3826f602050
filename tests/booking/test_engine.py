"""The booking engine's rules: windows held, released and chained across cities."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from festival.booking.models import Booking, OccupancyWindow
from festival.core.db import db
from festival.core.errors import DomainError
from festival.core.scope import platform_scope
from tests.booking import world


@pytest.fixture
def setup(app, factory):
    world.seed_reference_data(app)
    paris = world.host_city(factory)
    houston = world.host_city(factory, "houston", name="Houston Lantern Festival", city="Houston",
                              country="US", timezone="America/Chicago", currency="USD",
                              default_locale="en", offered_locales=["en"])
    supplier = factory.supplier()
    dragon = world.lamp_group(app, supplier.id, "DR-01")
    return paris, houston, supplier, dragon


def windows(app, lamp_group_id):
    with app.app_context(), platform_scope("cli"):
        found = [(w.city, w.starts_on, w.arrives_on, w.ends_on, w.from_city, w.active) for w in
                 db.session.scalars(select(OccupancyWindow).where(
                     OccupancyWindow.lamp_group_id == lamp_group_id).order_by(OccupancyWindow.arrives_on))]
        db.session.remove()
    return found


def test_request_holds_a_window_from_zigong(app, setup):
    paris, _, supplier, dragon = setup
    exhibition = world.exhibition(app, paris.id)
    booking_id = world.request(app, paris.id, exhibition, supplier.id, [dragon])
    [(city, starts, arrives, ends, origin, active)] = windows(app, dragon)
    assert (city, origin, active) == ("Paris", "Zigong", True)
    assert (arrives - starts).days == 75  # by sea to Western Europe
    booking = world.as_tenant(app, paris.id, lambda s: s.get_booking(booking_id))
    assert booking is not None


def test_chain_houston_then_paris_and_a_clash(app, setup):
    paris, houston, supplier, dragon = setup
    in_houston = world.exhibition(app, houston.id, starts_in_days=120, weeks=6, slug="houston")
    in_paris = world.exhibition(app, paris.id, starts_in_days=260, weeks=6)
    world.request(app, houston.id, in_houston, supplier.id, [dragon])
    world.request(app, paris.id, in_paris, supplier.id, [dragon])
    first, second = windows(app, dragon)
    assert second[4] == "Houston" and second[1] >= first[3]
    clashing = world.exhibition(app, paris.id, starts_in_days=130, weeks=4, slug="clash")
    with pytest.raises(DomainError) as refused:
        world.request(app, paris.id, clashing, supplier.id, [dragon])
    assert "Houston" in refused.value.message


def test_decline_releases_and_next_departs_again_from_home(app, setup):
    paris, houston, supplier, dragon = setup
    in_houston = world.exhibition(app, houston.id, starts_in_days=120, weeks=6, slug="houston")
    in_paris = world.exhibition(app, paris.id, starts_in_days=260, weeks=6)
    first = world.request(app, houston.id, in_houston, supplier.id, [dragon])
    world.request(app, paris.id, in_paris, supplier.id, [dragon])
    world.as_supplier(app, supplier.id, lambda s: s.decline(s.get_booking(first), "Busy", None))
    active = [w for w in windows(app, dragon) if w[5]]
    assert [(w[0], w[4]) for w in active] == [("Paris", "Zigong")]
    assert (active[0][2] - active[0][1]) == timedelta(days=75)
    status = world.as_tenant(app, houston.id, lambda s: s.get_booking(first).status)
    assert status == Booking.DECLINED


def test_a_lamp_group_under_repair_cannot_be_booked_for_those_dates(app, setup):
    from datetime import date

    from festival.booking.availability import hold_repair_window
    from festival.catalog.models import LampGroup
    from festival.core.scope import supplier_scope

    paris, _, supplier, dragon = setup
    exhibition = world.exhibition(app, paris.id, starts_in_days=150)
    with app.app_context(), supplier_scope(supplier.id):
        hold_repair_window(db.session.get(LampGroup, dragon), date.today(),
                           date.today() + timedelta(days=200))
        db.session.commit()
        db.session.remove()
    with pytest.raises(DomainError) as refused:
        world.request(app, paris.id, exhibition, supplier.id, [dragon])
    assert "under repair" in refused.value.message
