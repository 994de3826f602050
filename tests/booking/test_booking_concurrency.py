"""On PostgreSQL: tenants booking one lamp group for overlapping windows at the same moment:
exactly one succeeds, the others get the clash message naming the dates and the city."""

from __future__ import annotations

import threading

from sqlalchemy import select, text

from festival.booking.availability import Unavailable
from festival.booking.models import OccupancyWindow
from festival.core.db import db
from festival.core.scope import platform_scope
from tests.booking import world
from tests.conftest import postgres_only

CITIES = [("paris", "Paris", "FR", "EUR"), ("lyon", "Lyon", "FR", "EUR"),
          ("berlin", "Berlin", "DE", "EUR"), ("amsterdam", "Amsterdam", "NL", "EUR")]


@postgres_only
def test_overlapping_requests_at_the_same_moment_one_wins(app, factory):
    world.seed_reference_data(app)
    supplier = factory.supplier()
    dragon = world.lamp_group(app, supplier.id, "DR-RACE")
    requests = []
    for number, (slug, city, country, currency) in enumerate(CITIES):
        tenant = world.host_city(factory, slug, name=f"{city} Lanterns", city=city, country=country,
                                 currency=currency)
        # Overlapping seasons, a few days apart.
        requests.append((tenant.id, world.exhibition(app, tenant.id, starts_in_days=200 + 3 * number)))
    barrier = threading.Barrier(len(requests))
    outcomes, messages, lock = [], [], threading.Lock()

    def book(tenant_id: int, exhibition_id: int) -> None:
        barrier.wait()
        try:
            world.request(app, tenant_id, exhibition_id, supplier.id, [dragon])
            outcome = "booked"
        except Unavailable as refused:
            outcome = "refused"
            with lock:
                messages.append(refused.message)
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=book, args=pair) for pair in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["booked"] + ["refused"] * (len(requests) - 1)
    with app.app_context(), platform_scope("cli"):
        [winner] = db.session.scalars(select(OccupancyWindow).where(
            OccupancyWindow.lamp_group_id == dragon, OccupancyWindow.active.is_(True))).all()
        db.session.remove()
    for message in messages:
        assert winner.city in message  # the clash names where the lamp group is, never whose booking


@postgres_only
def test_the_database_itself_refuses_overlapping_windows(app, factory):
    """The exclusion constraint, not only Python: a raw insert of an overlapping active window fails."""
    import pytest
    from sqlalchemy.exc import IntegrityError

    world.seed_reference_data(app)
    supplier = factory.supplier()
    dragon = world.lamp_group(app, supplier.id, "DR-RAW")
    insert = text("INSERT INTO occupancy_window (lamp_group_id, kind, booking_reference, starts_on, "
                  "arrives_on, ends_on, city, country, region, from_city, from_region, mode, "
                  "transit_days, active, created_at) VALUES (:g, 'booking', '', :s, :a, :e, 'Paris', "
                  "'FR', 'eu_west', '', '', 'sea', 0, true, now())")
    with app.app_context(), platform_scope("cli"):
        db.session.execute(insert, {"g": dragon, "s": "2030-01-01", "a": "2030-02-01", "e": "2030-04-01"})
        db.session.commit()
        with pytest.raises(IntegrityError, match="occupancy_window_no_overlap"):
            db.session.execute(insert, {"g": dragon, "s": "2030-03-01", "a": "2030-03-15",
                                        "e": "2030-05-01"})
        db.session.rollback()
        # Back to back is fine: the windows are half-open.
        db.session.execute(insert, {"g": dragon, "s": "2030-04-01", "a": "2030-04-10", "e": "2030-05-01"})
        db.session.commit()
        db.session.remove()
