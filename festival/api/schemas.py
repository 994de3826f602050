"""What the API says (rows as JSON-ready dicts) and what it accepts (order bodies, query values).

Every value is a plain JSON type, so an answer can be stored for idempotent replay as it
was sent: money as decimal strings ("18.50"), times as ISO 8601 in UTC ("…Z"), dates as
"YYYY-MM-DD". Bodies are checked here, field by field, before any service runs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from flask_babel import gettext as _

from festival.core.errors import DomainError
from festival.core.i18n import LOCALES
from festival.exhibitions.models import Exhibition
from festival.tenants.models import Tenant
from festival.ticketing.models import EntrySlot, Order, OrderLine, Payment, Ticket, TicketType

PAYMENT_CHOICES = ("pending", "cash", "card_on_site")
ORDER_FIELDS = {"slot_id", "items", "email", "name", "locale", "voucher_code", "payment"}
ITEM_FIELDS = {"ticket_type_id", "quantity"}


class Unprocessable(DomainError):
    """Well-formed JSON whose values cannot be used: 422 with the field named."""

    status_code = 422


# --- out -----------------------------------------------------------------------------------------

def iso_time(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z") if value is not None else None


def iso_date(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def money(value: Decimal | None) -> str | None:
    return str(value) if value is not None else None


def exhibition_json(exhibition: Exhibition, tenant: Tenant) -> dict:
    return {
        "id": exhibition.id, "slug": exhibition.slug, "titles": dict(exhibition.titles),
        "venue": {"name": exhibition.venue_name, "address": exhibition.venue_address},
        "season": {"start": iso_date(exhibition.season_start), "end": iso_date(exhibition.season_end)},
        "status": exhibition.status, "timezone": tenant.timezone, "currency": tenant.currency,
    }


def slot_json(slot: EntrySlot) -> dict:
    return {"id": slot.id, "night": iso_date(slot.night), "starts_at": iso_time(slot.starts_at),
            "ends_at": iso_time(slot.ends_at), "capacity": slot.capacity,
            "remaining": slot.remaining, "closed": slot.is_closed}


def ticket_type_json(tt: TicketType, currency: str) -> dict:
    return {"id": tt.id, "names": dict(tt.names), "category": tt.category, "price": money(tt.price),
            "currency": currency, "vat_rate": money(tt.vat_rate), "persons": tt.persons,
            "sale_starts_at": iso_time(tt.sale_starts_at), "sale_ends_at": iso_time(tt.sale_ends_at),
            "min_per_order": tt.min_per_order, "max_per_order": tt.max_per_order,
            "active": tt.is_active}


def order_summary_json(order: Order) -> dict:
    return {
        "id": order.id, "code": order.code, "status": order.status, "channel": order.channel,
        "payment_method": order.payment_method, "email": order.email, "name": order.name,
        "locale": order.locale, "exhibition_id": order.exhibition_id, "slot_id": order.slot_id,
        "persons": order.persons, "currency": order.currency, "subtotal": money(order.subtotal),
        "discount": money(order.discount), "tax_total": money(order.tax_total),
        "total": money(order.total), "prices_include_vat": order.prices_include_vat,
        "refunded_amount": money(order.refunded_amount), "created_at": iso_time(order.created_at),
        "expires_at": iso_time(order.expires_at), "paid_at": iso_time(order.paid_at),
        "cancelled_at": iso_time(order.cancelled_at),
    }


def _line_json(line: OrderLine) -> dict:
    return {"id": line.id, "ticket_type_id": line.ticket_type_id, "quantity": line.quantity,
            "persons_each": line.persons_each, "unit_price": money(line.unit_price),
            "discount": money(line.discount), "total": money(line.total),
            "vat_rate": money(line.vat_rate), "tax": money(line.tax)}


def _ticket_json(ticket: Ticket, qr_payload: str) -> dict:
    return {"id": ticket.id, "code": ticket.code, "ticket_type_id": ticket.ticket_type_id,
            "persons": ticket.persons, "holder_name": ticket.holder_name, "status": ticket.status,
            "price": money(ticket.price), "qr_payload": qr_payload}


def _payment_json(payment: Payment) -> dict:
    return {"id": payment.id, "kind": payment.kind, "provider": payment.provider,
            "reference": payment.reference, "amount": money(payment.amount),
            "currency": payment.currency, "created_at": iso_time(payment.created_at)}


def order_json(order: Order, lines: list[OrderLine], tickets: list[tuple[Ticket, str]],
               payments: list[Payment], order_url: str) -> dict:
    """An order in full; the caller passes what it loaded, so nothing is lazily read here."""
    body = order_summary_json(order)
    body.update(order_url=order_url, lines=[_line_json(line) for line in lines],
                tickets=[_ticket_json(ticket, payload) for ticket, payload in tickets],
                payments=[_payment_json(payment) for payment in payments])
    return body


def page_json(rows: list[dict], page: int, per_page: int, total: int) -> dict:
    return {"data": rows, "meta": {"page": page, "per_page": per_page, "total": total}}


# --- in ------------------------------------------------------------------------------------------

NOT_JSON = object()


def load_json(raw: bytes) -> object:
    """The JSON value of a request body, or NOT_JSON (malformed, not UTF-8, nested too deep)."""
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        return NOT_JSON


def _whole(value: object, field: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= 2**31 - 1:
        raise Unprocessable(_("%(field)s must be a whole number of at least %(minimum)d.",
                              field=field, minimum=minimum))
    return value


def _text(body: dict, field: str, required: bool = True, limit: int = 254) -> str:
    value = body.get(field)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()) or len(value) > limit:
        raise Unprocessable(_("%(field)s must be a text of 1 to %(limit)d characters.",
                              field=field, limit=limit))
    if "\x00" in value:
        raise Unprocessable(_("%(field)s must not contain a NUL character.", field=field))
    return value


def _items(value: object) -> dict[int, int]:
    if not isinstance(value, list) or not value:
        raise Unprocessable(_("items must be a list of at least one {ticket_type_id, quantity}."))
    quantities: dict[int, int] = {}
    for index, item in enumerate(value):
        if not isinstance(item, dict) or set(item) != ITEM_FIELDS:
            raise Unprocessable(_("items[%(index)d] must be an object with exactly ticket_type_id "
                                  "and quantity.", index=index))
        type_id = _whole(item["ticket_type_id"], f"items[{index}].ticket_type_id", 1)
        if type_id in quantities:
            raise Unprocessable(_("items[%(index)d]: each ticket type may appear once.", index=index))
        quantities[type_id] = _whole(item["quantity"], f"items[{index}].quantity", 1)
    return quantities


@dataclass
class OrderBody:
    """A checked order body: the values the order services take, plus how it is paid."""

    slot_id: int
    quantities: dict[int, int]
    email: str
    name: str
    locale: str | None
    voucher_code: str
    payment: str


def parse_order_body(body: object) -> OrderBody:
    """Check a POST /orders body; unknown fields are refused so a typo is never ignored."""
    if not isinstance(body, dict):
        raise DomainError(_("The body must be a JSON object."))
    unknown = sorted(set(body) - ORDER_FIELDS)
    if unknown:
        raise Unprocessable(_("Unknown fields: %(fields)s.", fields=", ".join(unknown)))
    for field in ("slot_id", "items", "email", "name"):
        if field not in body:
            raise Unprocessable(_("%(field)s is required.", field=field))
    locale = body.get("locale")
    if locale is not None and locale not in LOCALES:
        raise Unprocessable(_("locale must be one of %(locales)s.", locales=", ".join(LOCALES)))
    payment = body.get("payment", "pending")
    if payment not in PAYMENT_CHOICES:
        raise Unprocessable(_("payment must be one of %(choices)s.",
                              choices=", ".join(PAYMENT_CHOICES)))
    return OrderBody(slot_id=_whole(body["slot_id"], "slot_id", 1), quantities=_items(body["items"]),
                     email=_text(body, "email"), name=_text(body, "name", limit=160),
                     locale=locale, voucher_code=_text(body, "voucher_code", False, 40),
                     payment=payment)


def parse_whole(value: str | None, name: str, default: int, maximum: int) -> int:
    """A query value such as ?page=2, within 1..maximum."""
    if value is None or value == "":
        return default
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= maximum:
        raise DomainError(_("%(name)s must be a whole number from 1 to %(maximum)d.",
                            name=name, maximum=maximum))
    return int(value)


def parse_date(value: str | None, name: str) -> date | None:
    if value is None or value == "":
        return None
    try:
        return date.fromisoformat(value) if len(value) == 10 else _bad_date(name)
    except ValueError:
        return _bad_date(name)


def _bad_date(name: str):
    raise DomainError(_("%(name)s must be a date written YYYY-MM-DD.", name=name))
