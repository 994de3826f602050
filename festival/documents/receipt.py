"""The numbered receipt of a paid order: lines, discount, VAT per rate, total, refunds.

The amounts are the ones stored on the order when it was sold (never re-priced), summed per
VAT rate with the same arithmetic as the sale (pricing.Quote), so the receipt always agrees
with what was charged.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from festival.core.errors import Conflict
from festival.core.i18n import country_name, format_money, format_rate
from festival.documents.pdf import document_locale, local_date, render_pdf, visit_of
from festival.tenants.models import Tenant
from festival.ticketing.models import Order
from festival.ticketing.pricing import tax_by_rate

PAYMENT_METHODS = {
    "test": _l("Test payment (no money was charged)"),
    "stripe": _l("Card payment online"),
    "cash": _l("Cash at the box office"),
    "card_on_site": _l("Card at the box office"),
    "invoice": _l("Invoice"),
}


@dataclass(frozen=True)
class ReceiptLine:
    name: str
    quantity: int
    unit_price: str
    discount: str
    total: str


@dataclass(frozen=True)
class VatLine:
    rate: str  # "10 %"
    base: str  # the amount the VAT is on, without VAT
    tax: str


def payment_method_label(method: str):
    """How the receipt names a payment method; a lazy string, translated where it is shown."""
    return PAYMENT_METHODS.get(method, method)


def receipt_lines(order: Order, tenant: Tenant, locale: str, money) -> list[ReceiptLine]:
    """The order's lines as sold, named in ``locale``, amounts formatted by ``money``
    (the receipt's and the group invoice's table)."""
    return [ReceiptLine(name=line.ticket_type.name(locale, tenant.default_locale), quantity=line.quantity,
                        unit_price=money(line.unit_price), discount=money(line.discount) if line.discount
                        else "", total=money(line.total))
            for line in order.lines]


def receipt_vat_lines(order: Order, locale: str, money) -> list[VatLine]:
    """VAT per rate with its base, summed exactly as the sale did (rates above zero only)."""
    return [VatLine(rate=format_rate(rate, locale),
                    base=money(base), tax=money(tax))
            for rate, base, tax in tax_by_rate(order.lines, order.prices_include_vat) if rate > 0]


def render_receipt_pdf(order: Order, tenant: Tenant, locale: str | None = None) -> bytes:
    """The receipt of a paid (or since refunded) order as a PDF in the order's language."""
    if order.receipt_number is None:
        raise Conflict(str(_l("This order is not paid: it has no receipt yet.")))
    locale = document_locale(order, tenant, locale)

    def money(amount: Decimal) -> str:
        return format_money(amount, order.currency, locale)

    return render_pdf(
        "documents/receipt.html", locale, order=order, tenant=tenant, visit=visit_of(order, tenant, locale),
        country=country_name(tenant.country, locale), paid_on=local_date(order.paid_at, tenant, locale),
        refunded=money(order.refunded_amount) if order.refunded_amount else "",
        lines=receipt_lines(order, tenant, locale, money), vat_lines=receipt_vat_lines(order, locale, money),
        subtotal=money(order.subtotal), discount=money(order.discount) if order.discount else "",
        tax_total=money(order.tax_total), total=money(order.total),
        payment_method=payment_method_label(order.payment_method))
