"""The invoice of a group block as a PDF, in the tour operator's language.

The lines, VAT per rate and totals are the order's as sold, summed by the receipt's own
helpers, so the invoice, the receipt and the sale always agree.
"""

from __future__ import annotations

from decimal import Decimal

from festival.core.i18n import LOCALES, country_name, format_local_date, format_money
from festival.documents.pdf import render_pdf, visit_of
from festival.documents.receipt import receipt_lines, receipt_vat_lines
from festival.groups.models import GroupBlock
from festival.tenants.models import Tenant


def invoice_locale(block: GroupBlock, tenant: Tenant, locale: str | None = None) -> str:
    """The asked language, else the operator's, else the tenant's."""
    for candidate in (locale, block.operator.locale, tenant.default_locale):
        if candidate in LOCALES:
            return candidate
    return "en"


def render_invoice_pdf(block: GroupBlock, tenant: Tenant, locale: str | None = None) -> bytes:
    """The numbered invoice: seller and buyer, dates, lines, VAT, total, terms and due date."""
    locale = invoice_locale(block, tenant, locale)
    order = block.order

    def money(amount: Decimal) -> str:
        return format_money(amount, order.currency, locale)

    return render_pdf(
        "groups/invoice.html", locale, block=block, order=order, tenant=tenant,
        operator=block.operator, visit=visit_of(order, tenant, locale),
        country=country_name(tenant.country, locale),
        issued_on=format_local_date(block.issued_on, "long", locale),
        due_on=format_local_date(block.due_on, "long", locale),
        paid_on=format_local_date(block.paid_on, "long", locale),
        lines=receipt_lines(order, tenant, locale, money),
        vat_lines=receipt_vat_lines(order, locale, money), subtotal=money(order.subtotal),
        discount=money(order.discount) if order.discount else "", total=money(order.total))
