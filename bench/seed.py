"""Seed a benchmark database through the services and print what the measurements need (JSON).

Run inside the app's environment (bench/run sets DATABASE_URL to the non-owner role).
"""

from __future__ import annotations

import json
import sys
from datetime import time, timedelta
from decimal import Decimal

from sqlalchemy import select, update

from festival import create_app
from festival.core.db import db, utcnow
from festival.core.scope import platform_scope, tenant_scope
from festival.exhibitions.services import ExhibitionPlan, create_exhibition
from festival.tenants.models import Tenant
from festival.tenants.services import TenantSettings, create_tenant
from festival.ticketing.models import EntrySlot
from festival.ticketing.setup import TicketTypeSpec, create_ticket_type, open_sales

RUSH_CAPACITY = 10_000_000  # large enough never to sell out during a timed run
SELLOUT_CAPACITY = 2_000


def main() -> None:
    app = create_app()
    with app.test_request_context():
        with platform_scope("cli"):
            tenant = create_tenant("benchcity", TenantSettings(
                "Bench City Lantern Festival", "Lyon", "FR", "Europe/Paris", "EUR", "fr",
                ["fr", "en", "zh_Hans"]), None)
            db.session.commit()
        with tenant_scope(tenant.id):
            tenant = db.session.get(Tenant, tenant.id)
            today = utcnow().date()
            exhibition = create_exhibition(tenant, ExhibitionPlan(
                slug="lumieres", titles={"fr": "Fête des Lumières de Chine", "en": "Lights of China"},
                descriptions={"fr": "Quarante groupes de lanternes de Zigong."},
                venue_name="Parc de la Tête d'Or", venue_address="69006 Lyon",
                season_start=today + timedelta(days=1), season_end=today + timedelta(days=42),
                opens_at=time(18, 0), closes_at=time(22, 0), slot_minutes=60,
                slot_capacity=SELLOUT_CAPACITY), None)
            exhibition.showcase = {"fr": ["Le dragon de Zigong", "La forêt des pandas"]}
            adult = create_ticket_type(tenant, exhibition, TicketTypeSpec(
                names={"fr": "Adulte", "en": "Adult"}, category="adult", price=Decimal("18.50"),
                vat_rate=Decimal("10"), max_per_order=100), None)
            create_ticket_type(tenant, exhibition, TicketTypeSpec(
                names={"fr": "Enfant", "en": "Child"}, category="child", price=Decimal("9.00"),
                vat_rate=Decimal("10")), None)
            open_sales(tenant, exhibition, None)
            slots = list(db.session.scalars(select(EntrySlot.id).order_by(EntrySlot.starts_at)))
            rush, sellout_16, sellout_64 = slots[0], slots[1], slots[2]
            db.session.execute(update(EntrySlot).where(EntrySlot.id == rush)
                               .values(capacity=RUSH_CAPACITY))
            from festival.api.tokens import create_token

            _record, token = create_token(tenant, "bench", ["orders:read", "orders:write"], None)
            db.session.commit()
            json.dump({"tenant": tenant.slug, "exhibition": exhibition.slug,
                       "exhibition_id": exhibition.id, "ticket_type": adult.id, "rush_slot": rush,
                       "sellout_slots": {"16": sellout_16, "64": sellout_64},
                       "sellout_capacity": SELLOUT_CAPACITY, "token": token}, sys.stdout)
            sys.stdout.write("\n")


if __name__ == "__main__":
    main()
