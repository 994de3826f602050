"""Two host cities selling tickets (Houston in English, Paris beside it), their staff, a logo and
an API token, for the privacy tests: what one tenant downloads, deletes or erases."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass

from festival.core.db import db
from festival.core.scope import tenant_scope
from festival.tenants import services as tenant_services
from festival.tenants.models import Tenant
from tests.security.conftest import tiny_png
from tests.ticketing.portal_staff import Staff, paid_order, staff_world


@dataclass
class PrivacyWorld:
    houston: Staff
    paris: Staff
    logo_key: str
    orders: dict[str, int]  # buyer's email -> a paid order of Houston (Paris: paris@…)


def in_tenant(app, tenant_id: int, work):
    """``work(tenant)`` in the tenant's scope inside a request context, committed; its result."""
    with app.test_request_context(), tenant_scope(tenant_id):
        result = work(db.session.get(Tenant, tenant_id))
        db.session.commit()
        db.session.remove()
    return result


def build_privacy_world(app, factory) -> PrivacyWorld:
    houston = staff_world(app, factory, "houston")
    paris = staff_world(app, factory, "paris")
    w = houston.world

    def logo_and_token(tenant):
        from festival.api.tokens import create_token

        tenant_services.set_logo(tenant, tiny_png(), None)
        create_token(tenant, "Gate scanner", ["checkin:write"], None)
        return tenant.logo_path

    logo_key = in_tenant(app, w.tenant_id, logo_and_token)
    orders = {
        "ada@visitors.example": paid_order(app, w, {w.adult_id: 2}, email="ada@visitors.example",
                                           name="Ada Lovelace"),
        "bob@visitors.example": paid_order(app, w, {w.adult_id: 1, w.child_id: 1},
                                           email="bob@visitors.example", name="Bob Builder"),
    }
    pw = paris.world
    paid_order(app, pw, {pw.adult_id: 1}, email="claire@paris-visitors.example", name="Claire Paris")
    return PrivacyWorld(houston, paris, logo_key, orders)


def read_zip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def csv_rows(archive: dict[str, bytes], table: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(archive[f"tables/{table}.csv"].decode("utf-8"))))
