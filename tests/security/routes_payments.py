"""Security-walk registrations of payments: the tenant's payment settings, the base's fee field,
and the Stripe webhook (no organisation in its URL: signed by Stripe, see tests/payments)."""

from __future__ import annotations

ALLOW_LIST = {
    "/webhooks/stripe": "Stripe's signed callbacks: no organisation or id in the URL; a forged, "
                        "stale or replayed event changes nothing (tests/payments/test_webhooks.py)",
}

BODIES = {
    "payment_settings": lambda builder, kind: {"stripe_account_id": "acct_1SecurityWalk"},
    "tenant_fee": lambda builder, kind: {"application_fee_percent": "4.5"},
}
