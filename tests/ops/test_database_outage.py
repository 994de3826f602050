"""While the database is away (a restart, a failover) every page answers a clear 503 asking to
try again shortly, with Retry-After, and keeps nothing; never a 500. A signed-in person's page
too, although the usual layout would read them from the database.

tests/drills/test_drill2_database_restart.py does it for real, restarting a PostgreSQL cluster
under gunicorn; these cases cut the connection inside the test, on any database.
"""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from festival.core.db import db
from tests.conftest import row_counts
from tests.ticketing.world import build_sales_world

EN = {"Accept-Language": "en"}
UNAVAILABLE = "The service is briefly unavailable"


@contextmanager
def database_away(app, moment: str = "before_cursor_execute"):
    """Every statement (or, with ``moment="commit"``, every commit) fails as a cut connection."""

    def refuse(*_args, **_kwargs):
        raise OperationalError("SELECT 1", {}, ConnectionError("server closed the connection"))

    with app.app_context():
        engine = db.engine
    event.listen(engine, moment, refuse)
    try:
        yield
    finally:
        event.remove(engine, moment, refuse)


def assert_try_again_page(response) -> None:
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) >= 5  # seconds (a limited route's window may be later)
    page = response.get_data(as_text=True)
    assert UNAVAILABLE in page and "Please try again in a moment." in page


def test_a_signed_in_person_gets_a_page_saying_to_try_again(app, client, factory):
    houston = factory.tenant("houston")
    factory.member(houston, "owner@houston.example.com", "owner")
    client.login("owner@houston.example.com")
    with database_away(app):
        response = client.get("/houston/manage/", headers=EN)
    assert_try_again_page(response)
    assert 'href="/houston/manage/"' in response.get_data(as_text=True)  # "Try again"
    # Back: the same session works, nobody was signed out.
    assert client.get("/houston/manage/", headers=EN).status_code == 200


def test_machines_get_json_with_retry_after(app, client):
    with database_away(app):
        response = client.get("/api/v1/orders",
                              headers={"Authorization": f"Bearer lnt_{'a' * 12}_{'x' * 43}"})
    assert response.status_code == 503 and response.is_json
    assert int(response.headers["Retry-After"]) >= 5
    assert response.get_json()["error"]["title"] == UNAVAILABLE


def test_a_checkout_whose_commit_fails_is_a_503_and_keeps_nothing(app, client, factory, monkeypatch):
    # As in production: the commit fails after the view, where tests would see the exception.
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    world = build_sales_world(app, factory, "houston", capacity=20)
    night = f"/houston/{world.exhibition_slug}/{world.first_night.isoformat()}"
    token = client.csrf(night)
    before = row_counts(app)
    with database_away(app, "commit"):
        response = client.post(night, headers=EN, data={
            "csrf_token": token, "slot": world.slot_ids[0], f"quantity_{world.adult_id}": 2,
            "email": "ann@example.com", "name": "Ann Visitor"})
    assert_try_again_page(response)
    assert row_counts(app) == before
