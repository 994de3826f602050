"""Property: after any sequence of requests, accepts, counters and cancellations, no two active
windows of a lamp group overlap, every window leaves room for the transit from the previous
city, and a booking holds windows exactly while its status holds them."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from festival.booking import services
from festival.booking.availability import home_of
from festival.booking.models import Booking, OccupancyWindow
from festival.catalog.models import LampGroup
from festival.core.db import db
from festival.core.errors import DomainError
from festival.core.scope import platform_scope, supplier_scope, tenant_scope
from festival.exhibitions.models import Exhibition
from festival.tenants.models import Tenant
from festival.transit import services as transit
from tests.booking import world

CITIES = [  # slug, city, country, currency: three regions with sea and air routes between them all
    ("houston", "Houston", "US", "USD"),
    ("paris", "Paris", "FR", "EUR"),
    ("london", "London", "GB", "GBP"),
]
MODES = ["sea", "air"]

request_step = st.tuples(st.just("request"), st.integers(0, 2), st.lists(st.integers(0, 2), min_size=1,
                         max_size=2, unique=True), st.integers(40, 400), st.integers(1, 8),
                         st.sampled_from(MODES))
answer_step = st.tuples(st.sampled_from(["accept", "decline", "counter", "cancel_tenant",
                                         "cancel_supplier", "accept_counter", "reject_counter"]),
                        st.integers(0, 30), st.integers(-20, 20))
steps = st.lists(st.one_of(request_step, answer_step), min_size=1, max_size=12)


@pytest.fixture
def cities(app, factory):
    world.seed_reference_data(app)
    tenants = [world.host_city(factory, slug, name=f"{city} Lanterns", city=city, country=country,
                               currency=currency, timezone="UTC", default_locale="en",
                               offered_locales=["en"])
               for slug, city, country, currency in CITIES]
    return tenants, factory.supplier()


def _run(app, scope, work) -> bool:
    """One step in its own transaction; a refused step writes nothing."""
    with app.test_request_context(), scope:
        try:
            work()
        except DomainError:
            db.session.rollback()
            return False
        db.session.commit()
        db.session.remove()
    return True


def _apply(app, step, tenants, supplier, groups, bookings, numbers) -> None:
    kind = step[0]
    if kind == "request":
        _, city, chosen, starts_in, weeks, mode = step
        tenant = tenants[city]
        slug = f"s{next(numbers)}"
        exhibition_id = world.exhibition(app, tenant.id, starts_in_days=starts_in, weeks=weeks, slug=slug)

        def request():
            booking = services.request_booking(
                db.session.get(Tenant, tenant.id), db.session.get(Exhibition, exhibition_id), supplier.id,
                services.BookingRequest([groups[i] for i in chosen], [], mode), None)
            db.session.flush()
            bookings.append((booking.id, tenant.id))
        _run(app, tenant_scope(tenant.id), request)
        return
    if not bookings:
        return
    _, which, shift = step
    booking_id, tenant_id = bookings[which % len(bookings)]
    by_supplier = supplier_scope(supplier.id)
    by_tenant = tenant_scope(tenant_id)

    def act(function):
        return lambda: function(services.get_booking(booking_id))

    def shifted(booking):
        offer = services.CounterOffer(dates={
            line.id: (line.arrives_on + timedelta(days=min(shift, 0)),
                      line.on_site_until + timedelta(days=max(shift, 1))) for line in booking.lines})
        services.counter(booking, offer, None)

    actions = {
        "accept": (by_supplier, lambda b: services.accept(b, None)),
        "decline": (by_supplier, lambda b: services.decline(b, "No", None)),
        "counter": (by_supplier, shifted),
        "cancel_tenant": (by_tenant, lambda b: services.cancel(b, "tenant", "Plans changed", None)),
        "cancel_supplier": (by_supplier, lambda b: services.cancel(b, "supplier", "Damaged", None)),
        "accept_counter": (by_tenant, lambda b: services.accept_counter(b, None)),
        "reject_counter": (by_tenant, lambda b: services.reject_counter(b, "Too dear", None)),
    }
    scope, function = actions[kind]
    _run(app, scope, act(function))


def _check_invariants(app, group_ids: list[int]) -> None:
    with app.app_context(), platform_scope("cli"):
        for group_id in group_ids:
            group = db.session.get(LampGroup, group_id)
            active = list(db.session.scalars(select(OccupancyWindow).where(
                OccupancyWindow.lamp_group_id == group_id, OccupancyWindow.active.is_(True))
                .order_by(OccupancyWindow.arrives_on)))
            previous_place = home_of(group)
            previous_end: date | None = None
            for window in active:
                if previous_end is not None:
                    assert window.starts_on >= previous_end, "two active windows overlap"
                move = transit.leg(previous_place.region, window.region, window.mode)
                assert move is not None
                room = window.arrives_on - (previous_end or window.starts_on)
                assert room >= timedelta(days=move.transit_days), "no room for the transit"
                assert window.arrives_on - window.starts_on >= timedelta(days=move.transit_days)
                previous_place = type(previous_place)(window.city, window.country, window.region)
                previous_end = window.ends_on
        for booking in db.session.scalars(select(Booking)):
            for line in booking.lines:
                window = db.session.get(OccupancyWindow, line.window_id)
                assert window.active == (booking.status in Booking.HOLDING), booking.status
                assert (window.arrives_on, window.city) == (line.arrives_on, booking.destination_city)
        db.session.remove()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(sequence=steps)
def test_windows_never_overlap_and_leave_room_for_transit(app, cities, sequence):
    tenants, supplier = cities
    # Fresh lamp groups per example: earlier examples' windows stay on their own lamp groups.
    stem = f"P{next(_examples)}-"
    groups = [world.lamp_group(app, supplier.id, f"{stem}{n}") for n in range(3)]
    bookings: list[tuple[int, int]] = []
    for step in sequence:
        _apply(app, step, tenants, supplier, groups, bookings, _examples)
    _check_invariants(app, groups)


# Numbers for lamp group codes and exhibition addresses, unique across examples.
_examples = itertools.count(1)
