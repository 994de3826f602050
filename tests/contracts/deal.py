"""An accepted booking to contract: a host city, a Zigong supplier with its export credentials and
bank details, lamp groups and a service, requested and accepted through the booking engine.

Every function commits and returns plain ids (tests/booking/world.py builds the pieces).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from festival.core.db import db
from festival.core.scope import platform_scope, supplier_scope
from tests.booking import world

SUPPLIER_DETAILS = dict(
    address="88 Caideng Road, Zigong, Sichuan", customs_code="5103960123", export_licence="ZG-EXP-2026-17",
    bank_details="Bank of China Zigong Branch\nSWIFT BKCHCNBJ57A\nAccount 1234 5678 9012", currency="CNY")


def supplier_details(app, supplier_id: int, **changes) -> None:
    """What a contract prints of the supplier, set as the supplier's profile would."""
    from festival.suppliers.models import Supplier

    with app.app_context(), platform_scope("cli"):
        supplier = db.session.get(Supplier, supplier_id)
        for name, value in {**SUPPLIER_DETAILS, **changes}.items():
            setattr(supplier, name, value)
        db.session.commit()
        db.session.remove()


def accepted_booking(app, tenant_id: int, supplier_id: int, exhibition_id: int, codes: list[str],
                     service_id: int | None = None, **lamp_group_overrides) -> int:
    """A booking of new lamp groups ``codes`` (and 3 of the service), accepted by the supplier."""
    groups = [world.lamp_group(app, supplier_id, code, **lamp_group_overrides) for code in codes]
    booking_id = world.request(app, tenant_id, exhibition_id, supplier_id, groups,
                               services=[(service_id, 3)] if service_id else None)
    world.as_supplier(app, supplier_id, lambda s: s.accept(s.get_booking(booking_id), None))
    return booking_id


def contracted_booking(app, tenant_id: int, supplier_id: int, exhibition_id: int, codes: list[str],
                       today: date | None = None) -> int:
    """An accepted booking whose contract the supplier has drawn up (on ``today``)."""
    from festival.contracts import services

    booking_id = accepted_booking(app, tenant_id, supplier_id, exhibition_id, codes)
    world.as_supplier(app, supplier_id, lambda s: services.generate_contract(
        s.get_booking(booking_id), None, today=today))
    return booking_id


@dataclass
class ContractView:
    """Plain values of a booking's contract, read in the supplier's scope."""

    number: str
    total: Decimal
    languages: list[str]
    document_key: str
    instalments: list[tuple[str, date, Decimal, Decimal]]  # kind, due on, amount, paid
    booking_status: str
    tenant_confirmed: bool
    supplier_confirmed: bool


def contract_view(app, supplier_id: int, booking_id: int) -> ContractView | None:
    from festival.booking.models import Booking
    from festival.contracts.services import contract_of

    with app.app_context(), supplier_scope(supplier_id):
        booking = db.session.get(Booking, booking_id)
        contract = contract_of(booking)
        view = None if contract is None else ContractView(
            contract.number, contract.total, contract.languages, contract.document_key,
            [(i.kind, i.due_on, i.amount, i.paid) for i in contract.instalments], booking.status,
            contract.tenant_confirmed_at is not None, contract.supplier_confirmed_at is not None)
        db.session.remove()
    return view


def booking_status(app, supplier_id: int, booking_id: int) -> str:
    return world.as_supplier(app, supplier_id, lambda s: s.get_booking(booking_id).status)
