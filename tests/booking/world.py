"""Shared builders of booking tests: the seeded transit tables, a host city with an exhibition,
a Zigong supplier with lamp groups and services, and booking requests through the engine.

Every function commits its rows and returns plain ids, so a test can use them from any scope.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal

from festival.core.db import db
from festival.core.scope import platform_scope, supplier_scope, tenant_scope

SEASON_WEEKS = 6


def seed_reference_data(app) -> None:
    """The seeded regions, modes, routes (and certification requirements, once they exist):
    the test database is emptied after every test."""
    from festival.transit.compliance import seed_certification_requirements
    from festival.transit.seed import seed_transit_tables

    with app.app_context(), platform_scope("cli"):
        seed_transit_tables(db.session.connection())
        seed_certification_requirements(db.session.connection())
        db.session.commit()
        db.session.remove()


def host_city(factory, slug: str = "paris", **overrides):
    """A tenant abroad (Paris by default: Western Europe, EUR, French)."""
    settings = dict(name="Festival des Lanternes de Paris", city="Paris", country="FR",
                    timezone="Europe/Paris", currency="EUR", default_locale="fr",
                    offered_locales=["fr", "en"])
    settings.update(overrides)
    return factory.tenant(slug, **settings)


def exhibition(app, tenant_id: int, starts_in_days: int = 200, weeks: int = SEASON_WEEKS,
               slug: str = "lanternes") -> int:
    from festival.exhibitions.services import ExhibitionPlan, create_exhibition
    from festival.tenants.models import Tenant

    start = date.today() + timedelta(days=starts_in_days)
    with app.app_context(), tenant_scope(tenant_id):
        tenant = db.session.get(Tenant, tenant_id)
        made = create_exhibition(tenant, ExhibitionPlan(
            slug=slug, titles={tenant.default_locale: f"Lanternes {slug}"}, venue_name="Jardin des Plantes",
            season_start=start, season_end=start + timedelta(days=7 * weeks - 1),
            opens_at=time(18, 0), closes_at=time(23, 0)), None)
        db.session.commit()
        exhibition_id = made.id
        db.session.remove()
    return exhibition_id


def lamp_group(app, supplier_id: int, code: str, **overrides) -> int:
    """A lamp group made directly (the catalog's forms are tested in tests/catalog)."""
    from festival.catalog.models import Certification, LampGroup

    values = dict(code=code, names={"zh_Hans": f"灯组 {code}", "en": f"Lamp group {code}"},
                  descriptions={"en": "Illuminated silk and steel."}, theme="dragons",
                  length_m=Decimal("12"), width_m=Decimal("4"), height_m=Decimal("6"),
                  weight_kg=Decimal("2400"), containers_teu=2, power_kw=Decimal("8.5"),
                  setup_days=7, teardown_days=4, handling_days=3, min_rental_weeks=4,
                  weekly_price=Decimal("5000"), ip_record_number=f"IPR-{code}")
    certifications = overrides.pop("certifications", ("CE", "UKCA", "UL", "SAA", "FLAME_RETARDANT"))
    values.update(overrides)
    with app.app_context(), supplier_scope(supplier_id):
        group = LampGroup(supplier_id=supplier_id, **values)
        for kind in certifications:
            group.certifications.append(Certification(
                supplier_id=supplier_id, kind=kind, number=f"{kind}-{code}",
                expires_on=date.today() + timedelta(days=3 * 365)))
        db.session.add(group)
        db.session.commit()
        group_id = group.id
        db.session.remove()
    return group_id


def service(app, supplier_id: int, kind: str = "workshop", price: str = "800", unit: str = "day") -> int:
    from festival.catalog.models import ServiceOffering

    with app.app_context(), supplier_scope(supplier_id):
        offering = ServiceOffering(supplier_id=supplier_id, kind=kind, unit=unit, price=Decimal(price),
                                   names={"zh_Hans": "花灯制作工作坊", "en": "Lantern-making workshop"})
        db.session.add(offering)
        db.session.commit()
        offering_id = offering.id
        db.session.remove()
    return offering_id


def request(app, tenant_id: int, exhibition_id: int, supplier_id: int, lamp_group_ids: list[int],
            mode: str = "sea", services: list[tuple[int, int]] | None = None, message: str = "") -> int:
    """A booking request sent through the engine in the tenant's scope; returns its id."""
    from festival.booking.services import BookingRequest, request_booking
    from festival.exhibitions.models import Exhibition
    from festival.tenants.models import Tenant

    with app.test_request_context(), tenant_scope(tenant_id):
        booking = request_booking(
            db.session.get(Tenant, tenant_id), db.session.get(Exhibition, exhibition_id), supplier_id,
            BookingRequest(list(lamp_group_ids), services or [], mode, message), None)
        db.session.commit()
        booking_id = booking.id
        db.session.remove()
    return booking_id


def as_supplier(app, supplier_id: int, work):
    """Run ``work(booking_services)`` in the supplier's scope inside a request context; commits."""
    from festival.booking import services

    with app.test_request_context(), supplier_scope(supplier_id):
        result = work(services)
        db.session.commit()
        db.session.remove()
    return result


def as_tenant(app, tenant_id: int, work):
    from festival.booking import services

    with app.test_request_context(), tenant_scope(tenant_id):
        result = work(services)
        db.session.commit()
        db.session.remove()
    return result
