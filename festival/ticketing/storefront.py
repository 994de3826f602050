"""The visitor's shop under /<tenant>/: exhibitions, nights, checkout, order pages."""

from __future__ import annotations

from flask import abort, g
from sqlalchemy import select

from festival.core.db import db
from festival.tenants.views import storefront_bp
from festival.ticketing.models import Order


def _order(secret: str) -> Order:
    order = db.session.scalar(select(Order).where(Order.secret == secret))
    if order is None:
        abort(404)
    return order


@storefront_bp.route("/o/<secret>")
def order_page(secret: str):
    order = _order(secret)
    return f"{order.code} {order.status} {g.org.slug}"


@storefront_bp.route("/o/<secret>/test-payment", methods=["GET", "POST"])
def test_payment(secret: str):
    order = _order(secret)
    return order.code
