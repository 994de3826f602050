"""/webhooks/stripe: signed events from Stripe, processed once each."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")
