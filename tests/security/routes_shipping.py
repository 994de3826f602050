"""Security-walk registrations of the shipping pages (festival/shipping/views.py), both portals.

Reading pages take ``booking_id`` (any booking of the pair; see routes_booking_supplier.py).
Actions take ``contracted_booking_id``: shipping needs a contracted booking, so each action that
uses one up gets a fresh contracted booking of the side's tenant and supplier; a leg (``leg_id``)
and a document with its file (``shipment_document_id``) hang off such a booking. The WORLD hook
makes, with every supplier of the world, a contracted booking with a leg and a document.
"""

from __future__ import annotations

import io
from datetime import date, timedelta

from festival.booking.models import Booking
from festival.core.db import db
from festival.core.scope import supplier_scope
from tests.security.conftest import SEASON
from tests.security.routes_booking_supplier import _booking

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _contracted(builder, tenant, supplier_id: int, slug: str) -> int:
    return _booking(builder, tenant, supplier_id, slug, Booking.CONTRACTED)


def _in_supplier(builder, supplier_id: int, booking_id: int, work) -> int:
    from festival.booking.services import get_booking

    with builder.app.test_request_context(), supplier_scope(supplier_id):
        made = work(get_booking(booking_id))
        db.session.commit()
        made_id = made.id
        db.session.remove()
    return made_id


def _leg(builder, supplier_id: int, booking_id: int) -> int:
    from festival.shipping import services

    plan = services.LegPlan("sea", "Qinzhou", "Long Beach", 1, SEASON[0] - timedelta(days=40),
                            SEASON[0] - timedelta(days=10))
    return _in_supplier(builder, supplier_id, booking_id,
                        lambda booking: services.plan_leg(booking, plan, None))


def _document(builder, supplier_id: int, booking_id: int) -> int:
    from festival.shipping import services

    return _in_supplier(builder, supplier_id, booking_id, lambda booking: services.attach_document(
        booking, "bill_of_lading", "Walk bill of lading", "BL-1", PDF, services.SUPPLIER, None))


def _world_shipments(builder, tenant) -> None:
    """Up front, so that reading them writes nothing: with every supplier, a contracted booking
    with a leg and a document."""
    from sqlalchemy import select

    from festival.core.scope import platform_scope
    from festival.suppliers.models import Supplier

    with builder.app.app_context(), platform_scope("cli"):
        suppliers = [(row.id, row.slug) for row in db.session.scalars(select(Supplier).order_by(Supplier.id))]
        db.session.remove()
    tenant.walk_shipments = {}
    for supplier_id, slug in suppliers:
        booking_id = _contracted(builder, tenant, supplier_id, f"ship-{slug}")
        tenant.walk_shipments[slug] = (booking_id, _leg(builder, supplier_id, booking_id),
                                       _document(builder, supplier_id, booking_id))


def _filler(position: int, make_fresh):
    def fill(builder, kind, side, fresh):
        tenant, supplier = side.tenant, side.supplier
        if fresh:
            booking_id = _contracted(builder, tenant, supplier.id, f"ship-{supplier.slug}")
            return make_fresh(builder, supplier.id, booking_id) if make_fresh else booking_id
        if supplier.slug not in getattr(tenant, "walk_shipments", {}):
            _world_shipments(builder, tenant)
        return tenant.walk_shipments[supplier.slug][position]

    return fill


def _leg_body(builder, kind) -> dict:
    return {"leg-mode": "sea", "leg-origin_port": "Qinzhou", "leg-destination_port": "Long Beach",
            "leg-containers": "2", "leg-container_numbers": "MSKU1234565",
            "leg-etd": (SEASON[0] - timedelta(days=45)).isoformat(),
            "leg-eta": (SEASON[0] - timedelta(days=12)).isoformat(), "leg-status": "planned"}


def _milestone_body(builder, kind) -> dict:
    # At the venue the tenant records the arrival; the supplier records the journey's steps.
    return {"milestone-kind": "on_site" if kind == "tenant" else "packed",
            "milestone-happened_on": date.today().isoformat(), "milestone-happened_time": "10:00",
            "milestone-note": "Walk milestone"}


# Called by conftest.world for each tenant once its sales exist.
WORLD = {"shipments": _world_shipments}

FILLERS = {
    "contracted_booking_id": _filler(0, None),
    "leg_id": _filler(1, _leg),
    "shipment_document_id": _filler(2, _document),
}

BODIES = {
    "booking_shipping_milestone": _milestone_body,
    "booking_shipping_document": lambda builder, kind: {
        "doc-kind": "insurance", "doc-title": "Walk insurance", "doc-file": (io.BytesIO(PDF), "walk.pdf")},
    "booking_shipping_certificate": lambda builder, kind: {},
    "booking_shipping_leg": _leg_body,
    "booking_shipping_leg_edit": _leg_body,
    "booking_shipping_issue": lambda builder, kind: {"coo-number": "CO-WALK-1",
                                                     "coo-issued_on": date.today().isoformat()},
    "booking_shipping_carnet": lambda builder, kind: {"carnet-number": "WALK/1",
                                                      "carnet-issued_on": date.today().isoformat()},
}
