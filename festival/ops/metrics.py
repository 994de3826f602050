"""Prometheus metrics: request latency, orders and check-ins, exposed at ``/metrics``.

Domain code calls the small verbs below (``order_created(channel)``) and never imports
prometheus_client. Under gunicorn several worker processes each count their own requests: with
``PROMETHEUS_MULTIPROC_DIR`` set (before the process starts) prometheus_client keeps the values
in files there and a scrape adds up every worker's; without it, this process's registry.

Counters move where the work is done, inside its transaction: one that then rolls back (a
failed commit) has still been counted. The job-queue depth and the mail waiting in the outbox
are read at scrape time (one Redis call, one indexed count).
"""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector

# The *_created series (when each series began) double the scrape and say nothing we use.
disable_created_metrics()

MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"
# Labels must stay few: an odd HTTP verb a client invents becomes "other", not a new series.
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "<unmatched>"  # the endpoint label of a request no route matched (a 404, a 405)

REQUEST_SECONDS = Histogram(
    "lantern_http_request_duration_seconds",
    "Time to answer an HTTP request, by Flask endpoint, method and status class.",
    ("endpoint", "method", "status"),
)
ORDERS_CREATED = Counter("lantern_orders_created", "Orders created (pending payment), by sales channel.",
                         ("channel",))
ORDERS_PAID = Counter("lantern_orders_paid", "Orders whose payment was confirmed and tickets issued.")
CHECKINS = Counter("lantern_checkins", "Scans recorded at the gates, by result.", ("result",))


def observe_request(endpoint: str | None, method: str, status: int, seconds: float) -> None:
    """Count one answered request in the latency histogram (bounded labels only)."""
    REQUEST_SECONDS.labels(endpoint or UNMATCHED, method if method in _METHODS else "other",
                           f"{status // 100}xx").observe(seconds)


def order_created(channel: str) -> None:
    """An order was created on ``channel`` (online, box_office, api)."""
    ORDERS_CREATED.labels(channel).inc()


def order_paid() -> None:
    """An order's payment was confirmed (once per order)."""
    ORDERS_PAID.inc()


def checkin_recorded(result: str) -> None:
    """A scan was recorded at a gate with ``result`` (admitted, already_used, ...)."""
    CHECKINS.labels(result).inc()


def _backlog() -> bytes:
    """Work waiting now: read at scrape time, so the same in every worker process."""
    from festival.jobs.outbox import pending_count
    from festival.jobs.queue import queue_depth

    registry = CollectorRegistry()
    depth = queue_depth()
    if depth is not None:
        Gauge("lantern_job_queue_depth", "Jobs waiting in the Redis queue.", registry=registry).set(depth)
    Gauge("lantern_mail_outbox_pending", "Mail written but not delivered yet.",
          registry=registry).set(pending_count())
    return generate_latest(registry)


def exposition() -> tuple[bytes, str]:
    """The text exposition of every metric (all workers' in multiprocess mode), and its type."""
    path = os.environ.get(MULTIPROCESS_ENV)
    if path:
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=path)
    else:
        registry = REGISTRY
    return generate_latest(registry) + _backlog(), CONTENT_TYPE_LATEST
