"""Mail to visitors about their order, in their language."""

from __future__ import annotations

from flask import url_for

from festival.core.mail import compose_mail, queue_mail
from festival.tenants.models import Tenant
from festival.ticketing.models import Order


def order_page_url(order: Order, tenant: Tenant) -> str:
    return url_for("storefront.order_page", tenant_slug=tenant.slug, secret=order.secret, _external=True)


def send_confirmation(order: Order, tenant: Tenant, to: str | None = None) -> None:
    """The confirmation with the tickets, sent once the payment is committed."""
    mail = compose_mail(to or order.email, "order_confirmation", order.locale, order=order,
                        tenant=tenant, order_url=order_page_url(order, tenant))
    queue_mail(mail)
