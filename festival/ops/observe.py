"""Request hooks of observability: one log line and one latency observation per request.

Cheap by design (the on-sale rush is ~150 requests/s on 2 cores): a clock read, one JSON line,
one histogram observation, no query.
"""

from __future__ import annotations

import logging
from time import perf_counter

from flask import Flask, g, request, request_started

from festival.ops import metrics
from festival.ops.logging import REQUEST_ID_HEADER, init_logging, request_id, who

log = logging.getLogger("festival.request")


def _start_clock(sender: Flask, **_extra) -> None:
    # A signal, not a before_request hook: it fires before every hook, so a request refused by
    # CSRF or a rate limit is timed too.
    g.request_started = perf_counter()


def install_observability(app: Flask) -> None:
    """Configure logging and time, log and count every request of ``app``.

    Call it after the unit of work is installed: its after_request hook then runs before the
    commit (which expires the tenant and user it notes); the line is written at teardown, so a
    commit that fails is logged once, as the 500 it became.
    """
    init_logging(app)
    request_started.connect(_start_clock, app)

    @app.after_request
    def note_outcome(response):
        response.headers[REQUEST_ID_HEADER] = request_id()
        g.log_status = response.status_code
        g.log_who = who()
        return response

    @app.teardown_request
    def log_request(exc: BaseException | None) -> None:
        started = g.pop("request_started", None)
        if started is None:
            return  # a request context with no request dispatched (tests, scripts)
        seconds = perf_counter() - started
        status = 500 if exc is not None else g.get("log_status", 500)
        metrics.observe_request(request.endpoint, request.method, status, seconds)
        log.info("request", extra={"status": status, "duration_ms": round(seconds * 1000, 1)})
