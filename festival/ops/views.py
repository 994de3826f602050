"""/healthz and /readyz (HTTP glue for festival.ops.health)."""

from __future__ import annotations

from flask import Blueprint, jsonify

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
