"""Security-walk registrations of the visitor's shop (festival/ticketing/storefront.py)."""

from __future__ import annotations

PUBLIC = {}

ORDER_LINKS = {
    "/<tenant_slug>/o/<secret>": "a visitor's order page",
    "/<tenant_slug>/o/<secret>/test-payment": "the test gateway's payment page of one order",
}


def _secret(builder, kind, side, fresh):
    """An order's secret: a new pending order when the request uses it up."""
    return builder.order(side.tenant)[1] if fresh else side.tenant.order_secret


FILLERS = {
    "secret": _secret,
    "exhibition_slug": lambda builder, kind, side, fresh: side.tenant.exhibition_slug,
    "night": lambda builder, kind, side, fresh: side.tenant.night,
}

BODIES = {
    "test_payment": lambda builder, kind: {"decision": "pay"},
}
