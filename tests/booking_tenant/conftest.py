"""Fixtures of the venue partner's catalog and booking pages: a Paris-like host city speaking
English (so the pages read in one language), a Zigong supplier with a catalog, and the security
tests' row snapshot."""

from __future__ import annotations

from decimal import Decimal

import pytest

from festival.core.db import db
from festival.core.scope import platform_scope
from festival.suppliers.models import Supplier
from tests.booking import world
from tests.security.conftest import owner_engine, snapshot  # noqa: F401  shared fixtures

OWNER = "claire@paris.example"
SUPPLIER_OWNER = "li@huacai.example"


def set_supplier_currency(app, supplier_id: int, currency: str) -> None:
    with app.app_context(), platform_scope("cli"):
        db.session.get(Supplier, supplier_id).currency = currency
        db.session.commit()
        db.session.remove()


@pytest.fixture
def scene(app, factory, make_client):
    """Paris (EUR, Western Europe) with an exhibition 200 days ahead; Huacai (CNY) lists a dragon,
    a panda, a big ocean scene, a retired lamp group and a workshop; Paris's owner signs in."""
    world.seed_reference_data(app)
    paris = world.host_city(factory, default_locale="en", offered_locales=["en", "fr"])
    factory.member(paris, OWNER, "owner")
    supplier = factory.supplier()
    factory.member(supplier, SUPPLIER_OWNER, "owner")
    groups = {
        "dragon": world.lamp_group(app, supplier.id, "DR-01"),
        "panda": world.lamp_group(app, supplier.id, "PD-02", theme="pandas", length_m=Decimal("6"),
                                  height_m=Decimal("3"), containers_teu=1, power_kw=Decimal("3"),
                                  weekly_price=Decimal("2000")),
        "ocean": world.lamp_group(app, supplier.id, "OC-03", theme="ocean", length_m=Decimal("20"),
                                  height_m=Decimal("8"), containers_teu=4, power_kw=Decimal("20"),
                                  weekly_price=Decimal("9000")),
        "retired": world.lamp_group(app, supplier.id, "RT-04", status="retired"),
    }
    workshop = world.service(app, supplier.id)
    exhibition = world.exhibition(app, paris.id)
    owner = make_client()
    owner.login(OWNER)
    return {"paris": paris, "supplier": supplier, "groups": groups, "workshop": workshop,
            "exhibition": exhibition, "owner": owner, "portal": f"/{paris.slug}/manage"}
