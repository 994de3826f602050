"""Mail to tour operators (in the operator's language) and to the tenant's staff about blocks.

Every mail is queued in the transaction that decided it and leaves after the commit.
"""

from __future__ import annotations

from festival.core.i18n import format_local_date, format_money
from festival.core.mail import compose_mail, queue_mail
from festival.core.urls import external_url
from festival.documents.pdf import visit_of
from festival.documents.tickets import render_tickets_pdf
from festival.groups.invoice import invoice_locale, render_invoice_pdf
from festival.groups.models import GroupBlock, TourOperator
from festival.reporting.reminders import recipients
from festival.tenants.models import Tenant

PDF = "application/pdf"


def operator_link(operator: TourOperator, tenant: Tenant) -> str:
    return external_url("storefront.operator_home", tenant_slug=tenant.slug,
                        operator_token=operator.token)


def block_link(block: GroupBlock, tenant: Tenant) -> str:
    return external_url("storefront.operator_block", tenant_slug=tenant.slug,
                        operator_token=block.operator.token, block_id=block.id)


def _block_context(block: GroupBlock, tenant: Tenant, locale: str) -> dict:
    order = block.order
    return {"block": block, "tenant": tenant, "operator": block.operator, "order": order,
            "visit": visit_of(order, tenant, locale),
            "total": format_money(order.total, order.currency, locale),
            "due_on": format_local_date(block.due_on, "long", locale),
            "block_url": block_link(block, tenant)}


def send_operator_link(operator: TourOperator, tenant: Tenant) -> None:
    """The link to the operator's booking pages: the link is its key."""
    queue_mail(compose_mail(operator.email, "group_operator_link", operator.locale, operator=operator,
                            tenant=tenant, link=operator_link(operator, tenant)))


def invoice_attachment(block: GroupBlock, tenant: Tenant, locale: str) -> tuple[str, str, bytes]:
    return f"invoice-{block.invoice_number}.pdf", PDF, render_invoice_pdf(block, tenant, locale)


def group_tickets_attachment(block: GroupBlock, tenant: Tenant, locale: str) -> tuple[str, str, bytes]:
    """Every valid ticket of the block in one PDF, a page each."""
    return (f"group-tickets-{block.order.code}.pdf", PDF,
            render_tickets_pdf(block.order, tenant, locale))


def send_block_booked(block: GroupBlock, tenant: Tenant) -> None:
    """The booking's confirmation with the invoice and the group's tickets attached."""
    locale = invoice_locale(block, tenant)
    mail = compose_mail(block.operator.email, "group_block_booked", locale,
                        **_block_context(block, tenant, locale))
    mail.attachments += [invoice_attachment(block, tenant, locale),
                         group_tickets_attachment(block, tenant, locale)]
    queue_mail(mail)


def send_reminder(block: GroupBlock, tenant: Tenant) -> None:
    """The one reminder of an overdue invoice, with the invoice attached again."""
    locale = invoice_locale(block, tenant)
    mail = compose_mail(block.operator.email, "group_invoice_reminder", locale,
                        release_days=tenant.group_release_days, **_block_context(block, tenant, locale))
    mail.attachments.append(invoice_attachment(block, tenant, locale))
    queue_mail(mail)


def send_released(block: GroupBlock, tenant: Tenant) -> None:
    """Tell the operator and the tenant's owners and managers that a block was released."""
    locale = invoice_locale(block, tenant)
    queue_mail(compose_mail(block.operator.email, "group_block_released", locale,
                            **_block_context(block, tenant, locale)))
    staff_link = external_url("tenant_portal.group_block_detail", tenant_slug=tenant.slug,
                              block_id=block.id)
    for person in recipients(tenant):
        staff_locale = person.locale or tenant.default_locale
        context = {**_block_context(block, tenant, staff_locale), "staff_url": staff_link}
        queue_mail(compose_mail(person.email, "group_block_released_staff", staff_locale, **context))
