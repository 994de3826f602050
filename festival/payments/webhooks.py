"""/webhooks/stripe: signed events from Stripe, processed once each (rules in stripe_events).

The blueprint also carries the payments package's templates (the settings page and the mail
to a visitor whose late payment was refunded): Flask searches every blueprint's folder.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from festival.payments import stripe_events

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks", template_folder="templates")


def _endpoint_secrets() -> list[str]:
    """STRIPE_WEBHOOK_SECRET may list several secrets (the platform's and the Connect endpoint's)."""
    value = current_app.config.get("STRIPE_WEBHOOK_SECRET") or ""
    return [secret for secret in value.replace(",", " ").split() if secret]


@bp.post("/stripe")
def stripe_webhook():
    event = stripe_events.verify_event(request.get_data(), request.headers.get("Stripe-Signature"),
                                       _endpoint_secrets())
    return jsonify(stripe_events.process_event(event).answer)
