"""Setting up an exhibition's sales: ticket types, vouchers, opening sales. The rules live here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from festival.accounts.models import User
from festival.audit.services import record_event
from festival.core.db import db
from festival.core.errors import Conflict, DomainError
from festival.exhibitions.models import Exhibition
from festival.exhibitions.services import change_status
from festival.tenants.models import Tenant
from festival.ticketing.models import TicketType, Voucher
from festival.ticketing.pricing import minor_unit
from festival.ticketing.slots import SlotSync, sync_slots

MESSAGES = {
    "name": _l("Give the ticket type a name in at least one offered language (at most 80 characters)."),
    "name_locale": _l("Names can only be given in the languages you offer."),
    "category": _l("Choose a category from the list."),
    "price": _l("A price is an amount from 0 to 100,000 in the tenant's currency."),
    "price_digits": _l("This currency has no smaller unit than %(unit)s."),
    "vat": _l("A VAT rate is a percentage from 0 to 50."),
    "persons": _l("A ticket admits between 1 and 20 persons."),
    "limits": _l("Per-order limits: a minimum from 0, a maximum from 1 to 100, "
                 "and the minimum not above the maximum."),
    "window": _l("The sale must end after it starts."),
    "visits": _l("A multi-visit pass gives 2 to 100 entries; leave it empty for a season pass. "
                 "Only passes have entries."),
    "code": _l("A voucher code has 3 to 40 letters, digits or hyphens."),
    "code_taken": _l("Another voucher uses this code."),
    "kind": _l("Choose a percentage or a fixed amount."),
    "percent": _l("A percentage discount is between 1 and 100."),
    "fixed": _l("A fixed discount is an amount above 0."),
    "uses": _l("The number of uses is empty (unlimited) or at least 1."),
    "types": _l("Choose ticket types of this exhibition."),
    "no_types": _l("Create at least one ticket type before opening sales."),
}


def _fail(key: str, **values) -> DomainError:
    return DomainError(str(MESSAGES[key]) % values if values else str(MESSAGES[key]))


@dataclass
class TicketTypeSpec:
    names: dict[str, str]
    category: str
    price: Decimal
    vat_rate: Decimal = Decimal("0")
    persons: int = 1
    sale_starts_at: datetime | None = None
    sale_ends_at: datetime | None = None
    min_per_order: int = 0
    max_per_order: int = 10
    position: int = 0
    is_active: bool = True
    visits: int | None = None  # passes: entries in all; None: every night of the season


def _money(value) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise _fail("price") from None


def check_currency_digits(amount: Decimal, currency: str) -> None:
    """An amount cannot be finer than the currency's smallest unit (no 0.5 yen, no 0.001 euro)."""
    unit = minor_unit(currency)
    if amount % unit:
        raise _fail("price_digits", unit=str(unit))


def check_ticket_type(tenant: Tenant, spec: TicketTypeSpec) -> None:
    names = {code: text.strip() for code, text in spec.names.items() if text and text.strip()}
    if not names or any(len(text) > 80 for text in names.values()):
        raise _fail("name")
    if not set(names) <= set(tenant.offered_locales):
        raise _fail("name_locale")
    if spec.category not in TicketType.CATEGORIES:
        raise _fail("category")
    price = _money(spec.price)
    if not price.is_finite() or not Decimal("0") <= price <= Decimal("100000"):
        raise _fail("price")
    check_currency_digits(price, tenant.currency)
    rate = _money(spec.vat_rate)
    if not rate.is_finite() or not Decimal("0") <= rate <= Decimal("50"):
        raise _fail("vat")
    if not 1 <= spec.persons <= 20:
        raise _fail("persons")
    if not (0 <= spec.min_per_order <= spec.max_per_order and 1 <= spec.max_per_order <= 100):
        raise _fail("limits")
    if spec.sale_starts_at and spec.sale_ends_at and spec.sale_ends_at <= spec.sale_starts_at:
        raise _fail("window")
    if spec.visits is not None and (spec.category != TicketType.PASS or not 2 <= spec.visits <= 100):
        raise _fail("visits")


def _apply_type(tt: TicketType, spec: TicketTypeSpec) -> None:
    tt.names = {code: text.strip() for code, text in spec.names.items() if text and text.strip()}
    tt.category, tt.price, tt.vat_rate = spec.category, _money(spec.price), _money(spec.vat_rate)
    tt.persons, tt.position, tt.is_active = spec.persons, spec.position, spec.is_active
    tt.sale_starts_at, tt.sale_ends_at = spec.sale_starts_at, spec.sale_ends_at
    tt.min_per_order, tt.max_per_order = spec.min_per_order, spec.max_per_order
    tt.visits = spec.visits


def create_ticket_type(tenant: Tenant, exhibition: Exhibition, spec: TicketTypeSpec,
                       actor: User | None) -> TicketType:
    check_ticket_type(tenant, spec)
    tt = TicketType(tenant_id=tenant.id, exhibition_id=exhibition.id)
    _apply_type(tt, spec)
    db.session.add(tt)
    db.session.flush()
    record_event("festival.ticketing.ticket_type.created", actor=actor, exhibition=exhibition.slug,
                 category=spec.category, price=str(spec.price))
    return tt


def update_ticket_type(tenant: Tenant, tt: TicketType, spec: TicketTypeSpec, actor: User) -> None:
    """Change a ticket type; orders keep the prices they were sold at (lines copy them)."""
    check_ticket_type(tenant, spec)
    _apply_type(tt, spec)
    record_event("festival.ticketing.ticket_type.changed", actor=actor, ticket_type=tt.id,
                 price=str(spec.price))


@dataclass
class VoucherSpec:
    code: str
    kind: str
    value: Decimal
    max_uses: int | None = None
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    ticket_type_ids: list[int] = field(default_factory=list)
    is_active: bool = True


def check_voucher(tenant: Tenant, exhibition: Exhibition, spec: VoucherSpec,
                  other_than: int | None = None) -> str:
    code = (spec.code or "").strip().upper()
    if not (3 <= len(code) <= 40 and all(ch.isascii() and (ch.isalnum() or ch == "-") for ch in code)):
        raise _fail("code")
    if spec.kind not in Voucher.KINDS:
        raise _fail("kind")
    value = _money(spec.value)
    if spec.kind == Voucher.PERCENT and not (value.is_finite() and Decimal("1") <= value <= Decimal("100")):
        raise _fail("percent")
    if spec.kind == Voucher.FIXED and not (value.is_finite() and Decimal("0") < value <= Decimal("100000")):
        raise _fail("fixed")
    if spec.kind == Voucher.FIXED:
        check_currency_digits(value, tenant.currency)
    if spec.max_uses is not None and spec.max_uses < 1:
        raise _fail("uses")
    if spec.valid_from and spec.valid_until and spec.valid_until <= spec.valid_from:
        raise _fail("window")
    if spec.ticket_type_ids:
        known = set(db.session.scalars(select(TicketType.id).where(
            TicketType.exhibition_id == exhibition.id, TicketType.id.in_(spec.ticket_type_ids))))
        if known != set(spec.ticket_type_ids):
            raise _fail("types")
    taken = select(func.count()).select_from(Voucher).where(Voucher.code == code)
    if other_than is not None:
        taken = taken.where(Voucher.id != other_than)
    if db.session.scalar(taken):
        raise Conflict(str(MESSAGES["code_taken"]))
    return code


def _apply_voucher(voucher: Voucher, code: str, spec: VoucherSpec) -> None:
    voucher.code, voucher.kind, voucher.value = code, spec.kind, _money(spec.value)
    voucher.max_uses = spec.max_uses
    voucher.valid_from, voucher.valid_until = spec.valid_from, spec.valid_until
    voucher.ticket_type_ids, voucher.is_active = list(spec.ticket_type_ids), spec.is_active


def create_voucher(tenant: Tenant, exhibition: Exhibition, spec: VoucherSpec,
                   actor: User | None) -> Voucher:
    code = check_voucher(tenant, exhibition, spec)
    voucher = Voucher(tenant_id=tenant.id, exhibition_id=exhibition.id, used=0)
    _apply_voucher(voucher, code, spec)
    db.session.add(voucher)
    db.session.flush()
    record_event("festival.ticketing.voucher.created", actor=actor, code=code)
    return voucher


def update_voucher(tenant: Tenant, voucher: Voucher, spec: VoucherSpec, actor: User) -> None:
    code = check_voucher(tenant, voucher_exhibition(voucher), spec, other_than=voucher.id)
    _apply_voucher(voucher, code, spec)
    record_event("festival.ticketing.voucher.changed", actor=actor, code=code)


def voucher_exhibition(voucher: Voucher) -> Exhibition:
    return db.session.get(Exhibition, voucher.exhibition_id)


def open_sales(tenant: Tenant, exhibition: Exhibition, actor: User | None) -> SlotSync:
    """Generate the entry slots from the plan and put the exhibition on sale."""
    has_types = db.session.scalar(select(func.count()).select_from(TicketType).where(
        TicketType.exhibition_id == exhibition.id, TicketType.is_active.is_(True)))
    if not has_types:
        raise _fail("no_types")
    result = sync_slots(exhibition, tenant)
    change_status(exhibition, Exhibition.ON_SALE, actor)
    return result
