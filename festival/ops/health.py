"""What a load balancer asks: is the process alive (``/healthz``), and can it serve
(``/readyz``: the database answers, the schema is at the migrations' head, Redis answers when
one is configured). Machine endpoints: JSON with stable English keys, no session, no scope."""

from __future__ import annotations

from functools import cache

import redis
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from festival.core.db import db


@cache
def _migration_heads(directory: str) -> frozenset[str]:
    return frozenset(ScriptDirectory(directory).get_heads())


def _database() -> tuple[bool, str]:
    try:
        applied = set(db.session.execute(text("SELECT version_num FROM alembic_version")).scalars())
    except SQLAlchemyError:
        db.session.rollback()
        return False, "unreachable"
    heads = _migration_heads(current_app.extensions["migrate"].directory)
    if applied != heads:
        return False, "migrations not at head"
    return True, "ok"


def _redis() -> tuple[bool, str]:
    url = current_app.config.get("REDIS_URL")
    if not url:
        return True, "not configured"
    try:
        client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        client.ping()
        client.close()
    except redis.RedisError:
        return False, "unreachable"
    return True, "ok"


def readiness() -> tuple[bool, dict[str, str]]:
    """Whether this instance can serve, and the state of each dependency."""
    checks = {"database": _database(), "redis": _redis()}
    return all(ok for ok, _detail in checks.values()), {name: detail for name, (_ok, detail)
                                                        in checks.items()}
