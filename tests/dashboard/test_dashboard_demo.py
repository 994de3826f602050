"""The demo's base dashboard shows real figures at once: visitors of the demo's past nights,
revenue converted into CNY with the demo's rates, and the Belt and Road group as a filter."""

from __future__ import annotations

from datetime import date, timedelta

from festival.core.db import db
from festival.core.scope import platform_scope
from festival.demo import DEMO_PASSWORD, seed
from tests.security.conftest import text_of


def test_demo_dashboard_shows_figures(app, client):
    with app.app_context():
        with platform_scope("cli"):
            assert seed()
            db.session.commit()
        db.session.remove()
    client.login("base@example.com", DEMO_PASSWORD)
    start, end = date.today() - timedelta(days=40), date.today() + timedelta(days=40)
    page = client.get(f"/base/dashboard?from={start}&to={end}&group=week")
    assert page.status_code == 200, text_of(page)[:500]
    text = text_of(page)
    assert "CNY" in text and "No rate for" not in text
    for city in ("Houston", "Paris", "Berlin", "Tokyo", "Dubai"):
        assert city in text
    assert "Belt and Road partners" in text
    # The demo's lamp groups stand at tonight's five festivals (one more is at sea to Tokyo), and
    # its contracts give last year's and this year's export value.
    markup = page.get_data(as_text=True)
    deployed = markup.split('<section id="deployed">')[1].split("</section>")[0]
    for city in ("Houston", "Paris", "Berlin", "Tokyo", "Dubai"):
        assert f'<th scope="row">{city}</th>' in deployed
    exports = markup.split('<section id="export-value">')[1].split("</section>")[0]
    assert f'<th scope="row">{date.today().year}</th>' in exports
    assert '<th scope="row">' in markup.split('<section id="supplier-share">')[1].split("</section>")[0]


def test_demo_bookings_cover_every_state_and_chain_a_dragon(app):
    from sqlalchemy import select

    from festival.booking.models import Booking, OccupancyWindow
    from festival.catalog.models import LampGroup

    with app.app_context():
        with platform_scope("cli"):
            assert seed()
            db.session.commit()
            statuses = set(db.session.scalars(select(Booking.status)))
            assert set(Booking.STATUSES) - {Booking.DRAFT} <= statuses
            groups = list(db.session.scalars(select(LampGroup)))
            assert len(groups) >= 12 and {g.theme for g in groups} >= {
                "dinosaurs", "dragons", "pandas", "zodiac", "ocean"}
            assert all(group.photos and group.components for group in groups)
            moves = {(w.from_city, w.city) for w in db.session.scalars(select(OccupancyWindow).where(
                OccupancyWindow.active.is_(True)))}
            assert ("Houston", "Paris") in moves
        db.session.remove()
