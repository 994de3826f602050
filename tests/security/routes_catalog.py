"""Security-walk registrations of the supplier's catalog (festival/catalog/supplier_views.py):
lamp groups, components, photos, certifications, return inspections and services in the supplier
portal, and the published photo route of the tenant portal.

Supplier routes: another supplier's ids are simply not found. A fresh lamp group is under repair
(a damaged inspection holds its repair window), so every action applies to it, "repair done"
included.

The tenant photo route reads the shared, published catalog, so no photo belongs to another
tenant. What a tenant must never get is a photo outside the published catalog: where the walk
expects a refusal (not fresh) it is given a photo of a retired lamp group, where it expects the
page (fresh) a photo of a lamp group on offer.
"""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from PIL import Image

from festival.core.db import db
from festival.core.scope import platform_scope, supplier_scope

POST_PERMISSION = {
    "supplier_portal.catalog_lamp_group": "catalog.manage",
    "supplier_portal.catalog_component": "catalog.manage",
    "supplier_portal.catalog_certification": "catalog.manage",
    "supplier_portal.catalog_service": "catalog.manage",
}


def _today() -> date:
    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (220, 160, 20)).save(out, "PNG")
    return out.getvalue()


def _seed_regions(builder, org=None) -> None:
    """The transit regions a lamp group's home must name (the test database starts empty)."""
    from festival.transit.seed import seed_transit_tables
    from festival.transit.services import region_by_code

    with builder.app.app_context(), platform_scope("cli"):
        if region_by_code("zigong") is None:
            seed_transit_tables(db.session.connection())
            db.session.commit()
        db.session.remove()


def _in_supplier(builder, supplier_org, work):
    from festival.suppliers.models import Supplier

    _seed_regions(builder)
    with builder.app.test_request_context(), supplier_scope(supplier_org.id):
        result = work(db.session.get(Supplier, supplier_org.id))
        db.session.commit()
        result = result.id
        db.session.remove()
    return result


def _lamp_group(builder, supplier_org, status: str = "available") -> int:
    from festival.catalog import services

    def work(supplier):
        lamp_group = services.create_lamp_group(supplier, services.LampGroupSpec(
            code=builder.unique("WALK-"), names={"zh_Hans": "巡检灯组", "en": "Walk lamp group"},
            theme="zodiac", length_m=Decimal("5"), width_m=Decimal("2"), height_m=Decimal("3"),
            weight_kg=Decimal("600"), containers_teu=1, power_kw=Decimal("2"),
            weekly_price=Decimal("3000")), None)
        if status == "retired":
            lamp_group.status = status
        elif status == "under_repair":
            services.record_inspection(lamp_group, services.InspectionSpec(
                _today() - timedelta(days=1), "damaged", repair_until=_today() + timedelta(days=30)),
                None, _today())
        return lamp_group

    return _in_supplier(builder, supplier_org, work)


def _on_lamp_group(builder, supplier_org, lamp_group_id: int, add):
    from festival.catalog.models import LampGroup

    return _in_supplier(builder, supplier_org,
                        lambda supplier: add(db.session.get(LampGroup, lamp_group_id)))


def _component(builder, supplier_org, lamp_group_id: int) -> int:
    from festival.catalog import services

    return _on_lamp_group(builder, supplier_org, lamp_group_id, lambda group: services.add_component(
        group, services.ComponentSpec(builder.unique("SN-"), "Crate", 2, Decimal("40"),
                                      Decimal("900"), "940542"), None))


def _certification(builder, supplier_org, lamp_group_id: int) -> int:
    from festival.catalog import services

    return _on_lamp_group(builder, supplier_org, lamp_group_id,
                          lambda group: services.add_certification(group, services.CertificationSpec(
                              "UKCA", _today() + timedelta(days=400), "UKCA-WALK"), None))


def _photo(builder, supplier_org, lamp_group_id: int) -> int:
    from festival.catalog import services

    return _on_lamp_group(builder, supplier_org, lamp_group_id,
                          lambda group: services.add_photo(group, _png(), "walk", None))


def _service(builder, supplier_org) -> int:
    from festival.catalog import services

    return _in_supplier(builder, supplier_org, lambda supplier: services.create_service(
        supplier, services.ServiceSpec("workshop", {"zh_Hans": "扎灯工作坊", "en": "Workshop"},
                                       Decimal("600"), "day"), None))


def _world(builder, supplier_org) -> None:
    """Once per supplier: a lamp group on offer with a component, a certification and a photo,
    a retired one with a photo, and a service."""
    if getattr(supplier_org, "catalog_lamp_group_id", 0):
        return
    lamp_group_id = _lamp_group(builder, supplier_org)
    supplier_org.catalog_lamp_group_id = lamp_group_id
    supplier_org.catalog_component_id = _component(builder, supplier_org, lamp_group_id)
    supplier_org.catalog_certification_id = _certification(builder, supplier_org, lamp_group_id)
    supplier_org.catalog_photo_id = _photo(builder, supplier_org, lamp_group_id)
    retired_id = _lamp_group(builder, supplier_org, "retired")
    supplier_org.catalog_retired_lamp_group_id = retired_id
    supplier_org.catalog_retired_photo_id = _photo(builder, supplier_org, retired_id)
    supplier_org.catalog_service_id = _service(builder, supplier_org)


def _catalog_of(builder, supplier_id: int):
    """The holder of one supplier's world objects, kept on the builder (one per test)."""
    from types import SimpleNamespace

    catalogs = builder.__dict__.setdefault("catalogs", {})
    return catalogs.setdefault(supplier_id, SimpleNamespace(id=supplier_id))


def _world_catalogs(builder, tenant) -> None:
    """Up front, so that reading them writes nothing: every supplier's catalog world."""
    from sqlalchemy import select

    from festival.suppliers.models import Supplier

    with builder.app.app_context(), platform_scope("cli"):
        supplier_ids = list(db.session.scalars(select(Supplier.id).order_by(Supplier.id)))
        db.session.remove()
    for supplier_id in supplier_ids:
        _world(builder, _catalog_of(builder, supplier_id))


# Called by conftest.world for each tenant once its sales exist.
WORLD = {"catalogs": _world_catalogs}


def _filler(attribute: str, make_fresh, published: str | None = None, hidden: str | None = None):
    """Supplier routes: ``make_fresh`` or the supplier's world object. Tenant routes (the
    published catalog): the ``published`` object when fresh, the ``hidden`` one otherwise."""

    def filler(builder, kind, side, fresh):
        supplier_org = _catalog_of(builder, side.supplier.id)
        _world(builder, supplier_org)
        if kind == "tenant":
            return getattr(supplier_org, published if fresh else hidden)
        if fresh:
            return make_fresh(builder, supplier_org)
        return getattr(supplier_org, attribute)

    return filler


FILLERS = {
    "lamp_group_id": _filler(
        "catalog_lamp_group_id", lambda builder, org: _lamp_group(builder, org, "under_repair"),
        published="catalog_lamp_group_id", hidden="catalog_retired_lamp_group_id"),
    "component_id": _filler("catalog_component_id", lambda builder, org: _component(
        builder, org, org.catalog_lamp_group_id)),
    "certification_id": _filler("catalog_certification_id", lambda builder, org: _certification(
        builder, org, org.catalog_lamp_group_id)),
    "photo_id": _filler("catalog_photo_id", lambda builder, org: _photo(
        builder, org, org.catalog_lamp_group_id),
        published="catalog_photo_id", hidden="catalog_retired_photo_id"),
    "service_id": _filler("catalog_service_id", _service),
    "size": lambda builder, kind, side, fresh: "thumb",
}


def _lamp_group_body(builder, kind) -> dict:
    return {"code": builder.unique("WALKB-"), "name_zh_Hans": "巡检", "name_en": "Walk",
            "theme": "ocean", "length_m": "4", "width_m": "2", "height_m": "3", "weight_kg": "500",
            "containers_teu": "1", "power_kw": "1.5", "setup_days": "5", "teardown_days": "3",
            "handling_days": "2", "min_rental_weeks": "4", "weekly_price": "2500",
            "home_city": "Zigong", "home_country": "CN", "home_region": "zigong",
            "status": "available"}


def _component_body(builder, kind) -> dict:
    return {"serial": builder.unique("SNB-"), "description": "Crate", "quantity": "1",
            "weight_kg": "10", "value": "100", "hs_code": ""}


def _certification_body(builder, kind) -> dict:
    return {"kind": "CE", "number": "CE-WALK", "issuer": "Walk Lab",
            "expires_on": (_today() + timedelta(days=365)).isoformat()}


def _service_body(builder, kind) -> dict:
    return {"kind": "catering", "name_zh_Hans": "小吃", "name_en": "Snacks", "price": "100",
            "unit": "event", "active": "y"}


BODIES = {
    "catalog_new": _lamp_group_body,
    "catalog_lamp_group": _lamp_group_body,
    "catalog_component_add": _component_body,
    "catalog_component": _component_body,
    "catalog_component_remove": lambda builder, kind: {},
    "catalog_photo_add": lambda builder, kind: {"photo": (io.BytesIO(_png()), "walk.png"),
                                                "caption": "walk"},
    "catalog_photo_remove": lambda builder, kind: {},
    "catalog_certification_add": _certification_body,
    "catalog_certification": _certification_body,
    "catalog_certification_remove": lambda builder, kind: {},
    "catalog_inspection_add": lambda builder, kind: {
        "inspected_on": (_today() - timedelta(days=1)).isoformat(), "condition": "good"},
    "catalog_repair_done": lambda builder, kind: {},
    "catalog_service_new": _service_body,
    "catalog_service": _service_body,
}
