"""A contracted booking of Paris from a Zigong supplier, with a lamp group whose components fill
the packing list, and the people of both sides who sign in to ship it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from festival.booking.models import Booking
from festival.core.db import db
from festival.core.scope import platform_scope, supplier_scope
from tests.booking import world

TENANT_EMAIL = "manager@paris.example"
SUPPLIER_EMAIL = "export@huacai.example"
COMPONENTS = (("DR01-HEAD", "Dragon head, steel frame and silk", 1, "420.5", "18000.00", "9405.50"),
              ("DR01-BODY", "Dragon body section", 6, "180.0", "6000.00", "9405.50"),
              ("DR01-CTRL", "Lighting controller", 2, "12.0", "1500.00", "8537.10"))


@dataclass
class Shipment:
    tenant_id: int
    tenant_slug: str
    supplier_id: int
    supplier_slug: str
    booking_id: int
    lamp_group_id: int

    @property
    def tenant_page(self) -> str:
        return f"/{self.tenant_slug}/manage/bookings/{self.booking_id}/shipping"

    @property
    def supplier_page(self) -> str:
        return f"/s/{self.supplier_slug}/bookings/{self.booking_id}/shipping"


def add_components(app, supplier_id: int, lamp_group_id: int) -> None:
    from festival.catalog.models import LampGroupComponent

    with app.app_context(), supplier_scope(supplier_id):
        for position, (serial, description, quantity, weight, value, hs_code) in enumerate(COMPONENTS):
            db.session.add(LampGroupComponent(
                supplier_id=supplier_id, lamp_group_id=lamp_group_id, position=position, serial=serial,
                description=description, quantity=quantity, weight_kg=Decimal(weight),
                value=Decimal(value), hs_code=hs_code))
        db.session.commit()
        db.session.remove()


def speak_english(app, *emails: str) -> None:
    """Pages and emails in English for these people, so the tests read the words they see (the
    Paris portal speaks French and the supplier's Chinese by default)."""
    from festival.accounts.services import find_user_by_email

    with app.app_context(), platform_scope("cli"):
        for email in emails:
            find_user_by_email(email).locale = "en"
        db.session.commit()
        db.session.remove()


def make_shipment(app, factory, status: str = Booking.CONTRACTED) -> Shipment:
    world.seed_reference_data(app)
    paris = world.host_city(factory)
    supplier = factory.supplier()
    factory.member(paris, TENANT_EMAIL, "manager")
    factory.member(supplier, SUPPLIER_EMAIL, "staff")
    speak_english(app, TENANT_EMAIL, SUPPLIER_EMAIL)
    dragon = world.lamp_group(app, supplier.id, "DR-01")
    add_components(app, supplier.id, dragon)
    exhibition = world.exhibition(app, paris.id, starts_in_days=200)
    booking_id = world.request(app, paris.id, exhibition, supplier.id, [dragon])

    def contract(services):
        booking = services.get_booking(booking_id)
        services.accept(booking, None)
        if status != Booking.ACCEPTED:
            services.advance(booking, Booking.CONTRACTED, "supplier", None)

    world.as_supplier(app, supplier.id, contract)
    return Shipment(paris.id, paris.slug, supplier.id, supplier.slug, booking_id, dragon)


@pytest.fixture
def shipment(app, factory) -> Shipment:
    return make_shipment(app, factory)
