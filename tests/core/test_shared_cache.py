"""The storefront's exhibition page is cached in Redis, shared by every web instance; when Redis
does not answer, each instance keeps it in its own memory and the visitor notices nothing."""

from __future__ import annotations

import os
import socket

import pytest
import redis

from festival.core import shared_cache
from festival.core.db import db
from festival.core.scope import tenant_scope
from festival.ticketing import orders
from festival.ticketing.storefront import page_cache
from tests.core.instances import another_instance
from tests.ticketing.world import build_sales_world

REDIS_URL = "redis://127.0.0.1:6379/0"
# CI runs two suites at once on one Redis: each run keeps to its own keys.
PREFIX = f"lantern-test-{os.getpid()}"
EN = {"Accept-Language": "en"}


def redis_is_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


needs_redis = pytest.mark.skipif(not redis_is_up(), reason="needs Redis on 127.0.0.1:6379")


@pytest.fixture
def paris(app, factory):
    return build_sales_world(app, factory, "paris", capacity=20)


@pytest.fixture
def caching(app, monkeypatch):
    """Exhibition pages kept 60 s (far longer than any test), in this run's own Redis keys."""
    monkeypatch.setitem(app.config, "STOREFRONT_PAGE_CACHE_SECONDS", 60)
    monkeypatch.setitem(app.config, "CACHE_KEY_PREFIX", PREFIX)
    shared_cache.forget_outages()
    yield
    with app.app_context():
        page_cache.clear()
    page_cache.clear()
    shared_cache.forget_outages()


def _page(world) -> str:
    return f"/{world.slug}/{world.exhibition_slug}/"


def _first_night(world) -> str:
    return f'data-night="{world.first_night.isoformat()}"'


def _sell_out(app, world) -> None:
    with app.test_request_context(), tenant_scope(world.tenant_id):
        for slot_id in world.slot_ids:
            assert orders.take_places(slot_id, 20)
        db.session.commit()
        db.session.remove()


def _our_keys() -> list[bytes]:
    return redis.Redis.from_url(REDIS_URL).keys(f"{PREFIX}:*")


@needs_redis
def test_a_page_rendered_by_one_instance_is_served_by_another(app, paris, caching, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_URL)
    first = app.test_client().get(_page(paris), headers=EN).get_data(as_text=True)
    assert f'class="available" {_first_night(paris)}' in first
    keys = _our_keys()
    assert len(keys) == 1 and b":storefront-page:" in keys[0]
    # Mark the copy in Redis: only an instance reading Redis can serve the mark.
    store = redis.Redis.from_url(REDIS_URL)
    store.set(keys[0], store.get(keys[0]) + b"<!-- kept in redis -->", keepttl=True)
    _sell_out(app, paris)
    with another_instance(app) as other:
        served = other.test_client().get(_page(paris), headers=EN).get_data(as_text=True)
        assert served.endswith("<!-- kept in redis -->")
        assert f'class="available" {_first_night(paris)}' in served  # the shared copy
        # Cleared (as a deploy or a test does), every instance renders afresh.
        with other.app_context():
            page_cache.clear()
        assert _our_keys() == []
        fresh = other.test_client().get(_page(paris), headers=EN).get_data(as_text=True)
    assert f'class="sold_out" {_first_night(paris)}' in fresh
    assert "kept in redis" not in fresh


@needs_redis
def test_clearing_leaves_other_deployments_keys_alone(app, paris, caching, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_URL)
    neighbour = f"{PREFIX}-neighbour:storefront-page:1:lanterns:en:60"
    store = redis.Redis.from_url(REDIS_URL)
    store.set(neighbour, b"their page", ex=60)
    try:
        assert app.test_client().get(_page(paris), headers=EN).status_code == 200
        with app.app_context():
            page_cache.clear()
        assert _our_keys() == [] and store.get(neighbour) == b"their page"
    finally:
        store.delete(neighbour)


def _silent_redis() -> socket.socket:
    """A port that accepts connections and never answers: a hung Redis."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    return listener


@pytest.mark.parametrize("outage", ["closed port", "no answer"])
def test_without_redis_each_instance_caches_the_page_itself(app, paris, caching, monkeypatch,
                                                              outage):
    listener = _silent_redis() if outage == "no answer" else None
    port = listener.getsockname()[1] if listener else 1  # nothing listens on port 1
    monkeypatch.setitem(app.config, "REDIS_URL", f"redis://127.0.0.1:{port}/0")
    try:
        visitor = app.test_client()
        first = visitor.get(_page(paris), headers=EN)
        assert first.status_code == 200
        assert f'class="available" {_first_night(paris)}' in first.get_data(as_text=True)
        _sell_out(app, paris)
        # The visitor never sees an error; the page is still shared within this process.
        again = visitor.get(_page(paris), headers=EN)
        assert again.status_code == 200
        assert f'class="available" {_first_night(paris)}' in again.get_data(as_text=True)
        # The checkout reads fresh data all the same.
        night = visitor.get(f"{_page(paris)}{paris.first_night.isoformat()}", headers=EN)
        assert night.status_code == 200 and "Sold out" in night.get_data(as_text=True)
    finally:
        if listener:
            listener.close()
