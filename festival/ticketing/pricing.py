"""Prices of an order: lines, voucher discount and VAT, rounded to the currency's minor unit."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from babel.numbers import get_currency_precision

from festival.ticketing.models import TicketType, Voucher

HUNDRED = Decimal("100")


def minor_unit(currency: str) -> Decimal:
    """The smallest amount of the currency: 0.01 for EUR, 1 for JPY."""
    return Decimal(1).scaleb(-get_currency_precision(currency))


def to_minor_units(amount: Decimal, currency: str) -> int:
    """An amount as Stripe counts it: cents for EUR, yen for JPY."""
    return int((amount / minor_unit(currency)).to_integral_value(ROUND_HALF_UP))


def from_minor_units(units: int, currency: str) -> Decimal:
    return (Decimal(units) * minor_unit(currency)).quantize(minor_unit(currency))


def round_money(amount: Decimal, currency: str) -> Decimal:
    return amount.quantize(minor_unit(currency), rounding=ROUND_HALF_UP)


@dataclass
class QuoteLine:
    ticket_type: TicketType
    quantity: int
    unit_price: Decimal
    discount: Decimal
    total: Decimal
    vat_rate: Decimal
    tax: Decimal

    @property
    def persons(self) -> int:
        return self.quantity * self.ticket_type.persons


@dataclass
class Quote:
    currency: str
    prices_include_vat: bool
    lines: list[QuoteLine] = field(default_factory=list)

    @property
    def subtotal(self) -> Decimal:
        return sum((line.unit_price * line.quantity for line in self.lines), Decimal("0"))

    @property
    def discount(self) -> Decimal:
        return sum((line.discount for line in self.lines), Decimal("0"))

    @property
    def tax_total(self) -> Decimal:
        return sum((line.tax for line in self.lines), Decimal("0"))

    @property
    def total(self) -> Decimal:
        """What the visitor pays: net prices get their VAT added on top."""
        lines = sum((line.total for line in self.lines), Decimal("0"))
        return lines if self.prices_include_vat else lines + self.tax_total

    @property
    def persons(self) -> int:
        return sum(line.persons for line in self.lines)

    @property
    def tickets(self) -> int:
        return sum(line.quantity for line in self.lines)

    def tax_by_rate(self) -> list[tuple[Decimal, Decimal, Decimal]]:
        return tax_by_rate(self.lines, self.prices_include_vat)


class TaxedLine(Protocol):
    """A quoted line or an order line as sold: what the VAT summary needs."""

    total: Decimal
    tax: Decimal
    vat_rate: Decimal


def tax_by_rate(lines: Iterable[TaxedLine],
                prices_include_vat: bool) -> list[tuple[Decimal, Decimal, Decimal]]:
    """(rate, taxable amount, tax) per VAT rate: the same sums for the sale, its page and its receipt."""
    rates: dict[Decimal, list[Decimal]] = {}
    for line in lines:
        base = line.total - line.tax if prices_include_vat else line.total
        entry = rates.setdefault(Decimal(line.vat_rate), [Decimal("0"), Decimal("0")])
        entry[0] += base
        entry[1] += line.tax
    return [(rate, base, tax) for rate, (base, tax) in sorted(rates.items())]


def _discounts(lines: list[tuple[TicketType, int]], voucher: Voucher | None,
               currency: str) -> list[Decimal]:
    """The voucher's discount spread over the lines it applies to (fixed: in proportion)."""
    zero = [Decimal("0")] * len(lines)
    if voucher is None:
        return zero
    eligible = [i for i, (tt, _q) in enumerate(lines)
                if not voucher.ticket_type_ids or tt.id in voucher.ticket_type_ids]
    gross = {i: lines[i][0].price * lines[i][1] for i in eligible}
    if voucher.kind == Voucher.PERCENT:
        return [round_money(gross[i] * voucher.value / HUNDRED, currency) if i in gross
                else Decimal("0") for i in range(len(lines))]
    remaining = min(voucher.value, sum(gross.values(), Decimal("0")))
    total_gross = sum(gross.values(), Decimal("0"))
    result = list(zero)
    for position, i in enumerate(eligible):
        if total_gross == 0:
            break
        share = (remaining if position == len(eligible) - 1
                 else round_money(voucher.value * gross[i] / total_gross, currency))
        share = min(share, gross[i], remaining)
        result[i] = share
        remaining -= share
    return result


def quote(lines: list[tuple[TicketType, int]], voucher: Voucher | None, currency: str,
          prices_include_vat: bool) -> Quote:
    """Price the requested quantities; lines with quantity 0 are left out."""
    lines = [(tt, quantity) for tt, quantity in lines if quantity > 0]
    result = Quote(currency=currency, prices_include_vat=prices_include_vat)
    for (tt, quantity), discount in zip(lines, _discounts(lines, voucher, currency), strict=True):
        total = round_money(tt.price * quantity - discount, currency)
        rate = Decimal(tt.vat_rate or 0)
        if prices_include_vat:
            tax = round_money(total * rate / (HUNDRED + rate), currency)
        else:
            tax = round_money(total * rate / HUNDRED, currency)
        result.lines.append(QuoteLine(tt, quantity, round_money(tt.price, currency), discount,
                                      total, rate, tax))
    return result
