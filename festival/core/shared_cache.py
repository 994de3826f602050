"""Short-lived text every web instance shares: in Redis when ``REDIS_URL`` is set, else in this
process's memory.

Losing Redis degrades, never fails (DESIGN.md "Scaling out"): a Redis that does not answer
within ``SOCKET_TIMEOUT`` is left alone for ``RETRY_AFTER`` seconds, and meanwhile the cache
lives in this process's memory as it does without Redis. A cache may always miss, so nobody
waits on Redis and no visitor sees an error because of it.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable

from flask import current_app, has_app_context
from redis import Redis
from redis.exceptions import RedisError

log = logging.getLogger("festival.cache")

# A cache read must cost a visitor little even when Redis hangs.
SOCKET_TIMEOUT = 0.25
RETRY_AFTER = 10.0
_GLOB = re.compile(r"([*?\[\]\\])")

# Per process: one client (one connection pool) per Redis URL, and until when a URL that did not
# answer is left alone.
_clients: dict[str, Redis] = {}
_down_until: dict[str, float] = {}


class SharedCache:
    """Text values under tuple keys for a few seconds, shared through Redis when it answers.

    ``namespace`` keeps one use apart from another; the deployment's ``CACHE_KEY_PREFIX``
    keeps deployments (and test runs) sharing one Redis apart.
    """

    def __init__(self, namespace: str, limit: int = 256,
                 clock: Callable[[], float] = time.monotonic):
        self.namespace = namespace
        self.limit = limit
        self.clock = clock
        # Without Redis: plain dict operations, safe under threads (the GIL) without a lock.
        self._local: dict[tuple, tuple[float, str]] = {}

    def get(self, key: tuple) -> str | None:
        redis = _redis()
        if redis is not None:
            try:
                value = redis.get(self._redis_key(key))
                return None if value is None else value.decode()
            except RedisError as error:
                _note_down(error)
        entry = self._local.get(key)
        return entry[1] if entry is not None and entry[0] > self.clock() else None

    def put(self, key: tuple, value: str, seconds: float) -> None:
        redis = _redis()
        if redis is not None:
            try:
                redis.set(self._redis_key(key), value.encode(), px=max(1, int(seconds * 1000)))
                return
            except RedisError as error:
                _note_down(error)
        if len(self._local) >= self.limit:
            self._local.clear()  # odd keys (many languages, many seasons) never pile up
        self._local[key] = (self.clock() + seconds, value)

    def clear(self) -> None:
        """Forget every value of this cache: in this process, and in Redis when it answers."""
        self._local.clear()
        redis = _redis() if has_app_context() else None
        if redis is None:
            return
        try:
            pattern = _GLOB.sub(r"\\\1", self._prefix()) + "*"
            keys = list(redis.scan_iter(match=pattern, count=500))
            if keys:
                redis.delete(*keys)
        except RedisError as error:
            _note_down(error)

    def _prefix(self) -> str:
        return f"{current_app.config.get('CACHE_KEY_PREFIX', 'lantern')}:{self.namespace}:"

    def _redis_key(self, key: tuple) -> str:
        return self._prefix() + ":".join(str(part) for part in key)


def _redis() -> Redis | None:
    """This process's client for REDIS_URL; None without one or while it is left alone."""
    url = current_app.config.get("REDIS_URL")
    if not url or _down_until.get(url, 0.0) > time.monotonic():
        return None
    client = _clients.get(url)
    if client is None:
        client = _clients[url] = Redis.from_url(url, socket_timeout=SOCKET_TIMEOUT,
                                                socket_connect_timeout=SOCKET_TIMEOUT)
    return client


def _note_down(error: RedisError) -> None:
    url = current_app.config.get("REDIS_URL")
    if url:
        _down_until[url] = time.monotonic() + RETRY_AFTER
    log.warning("shared cache: Redis unavailable, using this process's memory for %.0f s: %s",
                RETRY_AFTER, error)


def forget_outages() -> None:
    """Try Redis again at the next use (tests; an operator's restored Redis is retried anyway)."""
    _down_until.clear()
