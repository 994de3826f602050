"""The rq queue: enqueue a job when Redis answers, report when it does not.

A job is named by an idempotency key (its rq job id): enqueuing the same key twice while the
first is waiting adds nothing, and the job itself checks its row's state before doing anything,
so a retried or duplicated job never does its work twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import current_app
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry
from rq.exceptions import NoSuchJobError
from rq.job import Job

log = logging.getLogger("festival.jobs")

# Redis that does not answer within a second is treated as down: the request goes on without it.
SOCKET_TIMEOUT = 1.0


def queue_configured() -> bool:
    return bool(current_app.config.get("REDIS_URL"))


def connection() -> Redis:
    return Redis.from_url(current_app.config["REDIS_URL"], socket_timeout=SOCKET_TIMEOUT,
                          socket_connect_timeout=SOCKET_TIMEOUT)


def lantern_queue(redis: Redis | None = None) -> Queue:
    # JOB_QUEUE: one name per deployment (and per test run sharing a Redis).
    return Queue(current_app.config["JOB_QUEUE"], connection=redis or connection())


def enqueue(function: Callable, *args, key: str) -> bool:
    """Put ``function(*args)`` on the queue under ``key``; False when Redis does not answer
    (the caller's work stays durable elsewhere and the scheduler's sweep enqueues it later)."""
    try:
        queue = lantern_queue()
        try:
            if Job.fetch(key, connection=queue.connection).get_status(refresh=False) in (
                    "queued", "started", "scheduled", "deferred"):
                return True  # already waiting: one job per key
        except NoSuchJobError:
            pass
        queue.enqueue(function, *args, job_id=key, retry=Retry(max=3, interval=[10, 60, 300]),
                      result_ttl=3600, failure_ttl=7 * 24 * 3600)
        return True
    except RedisError as error:
        log.warning("job %s not queued, Redis unavailable: %s", key, error)
        return False


def queue_depth() -> int | None:
    """Jobs waiting in the queue; None without Redis (for /metrics)."""
    if not queue_configured():
        return None
    try:
        return lantern_queue().count
    except RedisError:
        return None
