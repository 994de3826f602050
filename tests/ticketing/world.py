"""A tenant with an exhibition on sale, shared by the ticketing, payment, API and document tests.

``build_sales_world`` creates it through the services (the same rules as the portal) and
returns plain ids, so tests can open their own scopes and sessions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta
from decimal import Decimal

from sqlalchemy import select

from festival.core.db import db
from festival.core.scope import tenant_scope
from festival.exhibitions.services import ExhibitionPlan, create_exhibition
from festival.tenants.models import Tenant
from festival.ticketing.models import EntrySlot
from festival.ticketing.setup import TicketTypeSpec, create_ticket_type, open_sales

TENANTS = {
    # slug: (country, timezone, currency, default locale, offered, title, adult, child, vat)
    "paris": ("FR", "Europe/Paris", "EUR", "fr", ["fr", "en"], "Lumières de Chine",
              Decimal("18.50"), Decimal("9.00"), Decimal("10")),
    "tokyo": ("JP", "Asia/Tokyo", "JPY", "ja", ["ja", "en"], "チャイナ・ランタン・フェスティバル",
              Decimal("2400"), Decimal("1200"), Decimal("10")),
    "dubai": ("AE", "Asia/Dubai", "AED", "ar", ["ar", "en"], "مهرجان الفوانيس",
              Decimal("75.00"), Decimal("40.00"), Decimal("5")),
    "houston": ("US", "America/Chicago", "USD", "en", ["en", "fr"], "Lantern Nights",
                Decimal("25.00"), Decimal("15.00"), Decimal("0")),
}


@dataclass
class SalesWorld:
    tenant_id: int
    slug: str
    currency: str
    exhibition_id: int
    exhibition_slug: str
    adult_id: int
    child_id: int
    family_id: int
    slot_ids: list[int]  # every slot of the first night, in time order
    first_night: date


def build_sales_world(app, factory, slug: str = "paris", capacity: int = 20,
                      start: date | None = None, prices_include_vat: bool = True) -> SalesWorld:
    country, zone, currency, locale, offered, title, adult, child, vat = TENANTS[slug]
    tenant_snapshot = factory.tenant(slug, country=country, timezone=zone, currency=currency,
                                     default_locale=locale, offered_locales=offered)
    start = start or date.today() + timedelta(days=1)
    with app.app_context(), tenant_scope(tenant_snapshot.id):
        tenant = db.session.get(Tenant, tenant_snapshot.id)
        tenant.prices_include_vat = prices_include_vat
        exhibition = create_exhibition(tenant, ExhibitionPlan(
            slug="lanterns", titles={locale: title, "en": "Lantern Festival"},
            venue_name="Parc Floral", venue_address="Route de la Pyramide", season_start=start,
            season_end=start + timedelta(days=13), opens_at=time(18, 0), closes_at=time(22, 0),
            slot_minutes=60, slot_capacity=capacity), None)
        names = {"fr": ("Adulte", "Enfant", "Famille"), "ja": ("大人", "子ども", "ファミリー"),
                 "ar": ("بالغ", "طفل", "عائلة")}.get(locale, ("Adult", "Child", "Family"))
        adult_tt = create_ticket_type(tenant, exhibition, TicketTypeSpec(
            names={locale: names[0], "en": "Adult"}, category="adult", price=adult, vat_rate=vat,
            position=1), None)
        child_tt = create_ticket_type(tenant, exhibition, TicketTypeSpec(
            names={locale: names[1], "en": "Child"}, category="child", price=child, vat_rate=vat,
            position=2), None)
        family_tt = create_ticket_type(tenant, exhibition, TicketTypeSpec(
            names={locale: names[2], "en": "Family"}, category="family", price=adult * 3,
            vat_rate=vat, persons=4, position=3, max_per_order=4), None)
        open_sales(tenant, exhibition, None)
        slots = list(db.session.scalars(select(EntrySlot.id).where(EntrySlot.night == start)
                                        .order_by(EntrySlot.starts_at)))
        world = SalesWorld(tenant.id, slug, currency, exhibition.id, exhibition.slug, adult_tt.id,
                           child_tt.id, family_tt.id, slots, start)
        db.session.commit()
        db.session.remove()
    return world
