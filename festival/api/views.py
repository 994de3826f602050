"""/api/v1/…: exhibitions, slots with remaining capacity, orders; scoped by the bearer token."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")
