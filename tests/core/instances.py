"""Another web instance of the app under test: a second ``create_app()`` on the same database,
as a second machine behind the load balancer would be (it shares no memory with the first
except what a Python process cannot help sharing: module-level objects)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask

from festival import create_app
from festival.core.db import db
from tests.conftest import APP_URL, OWNER_URL

# What a deployment configures the same way on every instance.
SHARED_SETTINGS = ("SECRET_KEY", "REDIS_URL", "CACHE_KEY_PREFIX", "STORAGE_BACKEND",
                   "STOREFRONT_PAGE_CACHE_SECONDS", "MAIL_SERVER", "MAIL_PORT")


@contextmanager
def another_instance(app: Flask, **overrides) -> Iterator[Flask]:
    """A second app configured like ``app`` (its shared settings), with ``overrides``."""
    settings = {name: app.config[name] for name in SHARED_SETTINGS}
    settings.update({"SQLALCHEMY_DATABASE_URI": APP_URL, "MIGRATION_DATABASE_URL": OWNER_URL,
                     "SERVER_NAME": None, "RATELIMIT_STORAGE_URI": "memory://"})
    settings.update(overrides)
    instance = create_app(settings)
    try:
        yield instance
    finally:
        with instance.app_context():
            db.session.remove()
            db.engine.dispose()
