"""Security-walk registrations of the contract pages (festival/contracts/views.py).

The contract routes name their booking after the state it must be in: ``accepted_booking_id`` (a
contract is drawn up from it) and ``contract_booking_id`` (its contract exists: PDF, confirm,
transfers). The fillers make such bookings between the side's tenant and supplier through the
booking engine (tests/contracts/deal.py) when the request uses one up: each fresh contract is
unconfirmed with its whole deposit outstanding. Otherwise they give the booking with a contract
that the WORLD hook makes up front with every supplier (a refused request never reaches the
booking's state).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from festival.core.db import db
from festival.core.scope import platform_scope


def _exhibition(builder, org) -> int:
    """A season of the tenant far enough ahead for lamp groups to travel (made once per test)."""
    from festival.transit.models import Region
    from tests.booking import world

    if not getattr(org, "contracts_exhibition_id", 0):
        with builder.app.app_context(), platform_scope("cli"):
            seeded = db.session.scalar(select(func.count()).select_from(Region))
            db.session.remove()
        if not seeded:
            world.seed_reference_data(builder.app)
        org.contracts_exhibition_id = world.exhibition(builder.app, org.id, slug=builder.unique("contracts"))
    return org.contracts_exhibition_id


def _accepted(builder, side) -> int:
    from tests.contracts import deal

    return deal.accepted_booking(builder.app, side.tenant.id, side.supplier.id,
                                 _exhibition(builder, side.tenant), [builder.unique("WALK-")])


def _contracted(builder, side) -> int:
    from festival.contracts import services
    from tests.booking import world

    booking_id = _accepted(builder, side)
    world.as_supplier(builder.app, side.supplier.id,
                      lambda s: services.generate_contract(s.get_booking(booking_id), None))
    return booking_id


def _world_contracts(builder, tenant) -> None:
    """Up front, so that reading them writes nothing: with every supplier of the world, a
    booking whose contract is drawn up."""
    from festival.suppliers.models import Supplier
    from tests.security.conftest import Side

    with builder.app.app_context(), platform_scope("cli"):
        suppliers = list(db.session.scalars(select(Supplier).order_by(Supplier.id)))
        db.session.expunge_all()
        db.session.remove()
    tenant.walk_contracts = {supplier.slug: _contracted(builder, Side(tenant, supplier))
                             for supplier in suppliers}


def _world_booking(builder, side) -> int:
    if side.supplier.slug not in getattr(side.tenant, "walk_contracts", {}):
        _world_contracts(builder, side.tenant)
    return side.tenant.walk_contracts[side.supplier.slug]


def _filler(make_fresh):
    """A fresh booking in the state the request needs, or else the world's contracted booking:
    a request that does not use one up is refused before the booking's state matters."""

    def filler(builder, kind, side, fresh):
        return make_fresh(builder, side) if fresh else _world_booking(builder, side)

    return filler


def _booking_id(builder, kind, side, fresh):
    """Any booking of the side: the booking pages' own filler when one is registered (the
    contract page shows any booking), else the world's contracted one."""
    from tests.security.conftest import route_modules

    for module in route_modules():
        made = getattr(module, "FILLERS", {}).get("booking_id")
        if made is not None and made is not _booking_id:
            return made(builder, kind, side, fresh)
    return _world_booking(builder, side)


# Called by conftest.world for each tenant once its sales exist.
WORLD = {"contracts": _world_contracts}

FILLERS = {
    "booking_id": _booking_id,
    "accepted_booking_id": _filler(_accepted),
    "contract_booking_id": _filler(_contracted),
}

BODIES = {
    "contract_generate": lambda builder, kind: {},
    "contract_confirm": lambda builder, kind: {},
    "contract_transfer": lambda builder, kind: {
        "instalment": "deposit", "amount": "100.00", "currency": "CNY", "paid_on": date.today().isoformat(),
        "bank_reference": builder.unique("WALK-REF-")},
}
