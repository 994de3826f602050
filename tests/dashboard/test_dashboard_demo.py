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
