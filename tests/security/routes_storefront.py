"""Security-walk registrations of the visitor's shop (festival/ticketing/storefront.py)."""

from __future__ import annotations

# The shop is public: anyone may look at an exhibition and a night and buy there (its POST is
# the checkout, tested in tests/ticketing/test_storefront.py); it shows none of the tenant's people.
PUBLIC = {
    "/<tenant_slug>/<exhibition_slug>/": "an exhibition's public page with its calendar of nights",
    "/<tenant_slug>/<exhibition_slug>/<night>": "a night's public slots and checkout form",
}

ORDER_LINKS = {
    "/<tenant_slug>/o/<secret>": "a visitor's order page",
    "/<tenant_slug>/o/<secret>/test-payment": "the test gateway's payment page of one order",
    "/<tenant_slug>/o/<secret>/pay": "starts the payment of one order",
    "/<tenant_slug>/o/<secret>/cancel": "the visitor cancels one order",
    "/<tenant_slug>/o/<secret>/tickets.pdf": "one order's tickets (an unpaid order: back to its page)",
    "/<tenant_slug>/o/<secret>/receipt.pdf": "one order's receipt (an unpaid order: back to its page)",
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
    "pay": lambda builder, kind: {},
    "cancel": lambda builder, kind: {},
}
