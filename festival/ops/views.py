"""/healthz, /readyz and /metrics (HTTP glue for festival.ops.health and festival.ops.metrics)."""

from __future__ import annotations

import hmac

from flask import Blueprint, Response, abort, current_app, jsonify, request

from festival.ops import metrics
from festival.ops.health import readiness

bp = Blueprint("ops", __name__)


@bp.get("/healthz")
def healthz():
    """The process answers; nothing else is checked (a restart fixes what this cannot see)."""
    response = jsonify(status="ok")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/readyz")
def readyz():
    """200 when the database, the schema and Redis (if configured) are ready, else 503."""
    ready, checks = readiness()
    response = jsonify(status="ready" if ready else "not ready", checks=checks)
    response.status_code = 200 if ready else 503
    response.headers["Cache-Control"] = "no-store"
    return response


def _scraper_allowed() -> bool:
    expected = current_app.config.get("METRICS_TOKEN") or ""
    scheme, _space, offered = request.headers.get("Authorization", "").partition(" ")
    # Unset token: no scraper can be allowed, so the endpoint is never public by accident.
    return bool(expected) and scheme.lower() == "bearer" and \
        hmac.compare_digest(offered.strip().encode(), expected.encode())


@bp.get("/metrics")
def prometheus_metrics():
    """Prometheus text exposition for a scraper bearing METRICS_TOKEN; anyone else gets a 404."""
    if not _scraper_allowed():
        abort(404)
    body, content_type = metrics.exposition()
    return Response(body, content_type=content_type, headers={"Cache-Control": "no-store"})
