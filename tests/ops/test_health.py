"""/healthz says the process is alive; /readyz says whether it can serve, and why not."""

from __future__ import annotations

from festival.ops import health


def test_healthz_answers_without_touching_anything(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers


def test_readyz_checks_the_database_schema_and_redis(client):
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.get_json() == {"status": "ready",
                                "checks": {"database": "ok", "redis": "not configured"}}


def test_readyz_is_503_when_the_schema_is_behind_the_code(client, monkeypatch):
    monkeypatch.setattr(health, "_migration_heads", lambda directory: frozenset({"9999_future"}))
    behind = client.get("/readyz")
    assert behind.status_code == 503
    assert behind.get_json()["checks"]["database"] == "migrations not at head"


def test_readyz_is_503_when_redis_does_not_answer(app, client, monkeypatch):
    # A port nothing listens on: the check gives up within its short timeout.
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")
    down = client.get("/readyz")
    assert down.status_code == 503
    assert down.get_json() == {"status": "not ready",
                               "checks": {"database": "ok", "redis": "unreachable"}}


def test_readyz_sees_a_running_redis(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:6379/0")
    assert client.get("/readyz").get_json()["checks"]["redis"] == "ok"
