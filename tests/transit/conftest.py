"""Fixtures of the transit tests: the seeded tables (the test database is emptied after every
test) and a signed-in base operator."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from festival.audit.models import PlatformAuditEntry
from festival.core.db import db
from festival.core.scope import platform_scope
from festival.transit.models import Region, TransitRoute, TransportMode
from festival.transit.seed import seed_transit_tables

OPERATOR = "base@example.com"


@pytest.fixture
def seeded(app):
    with app.app_context(), platform_scope("cli"):
        seed_transit_tables(db.session.connection())
        db.session.commit()
        db.session.remove()


@pytest.fixture
def operator(client, factory, seeded):
    factory.operator(OPERATOR)
    client.login(OPERATOR)
    return client


def read(app, statement):
    """One value read in a platform scope (e.g. a route's id)."""
    with app.app_context(), platform_scope("cli"):
        value = db.session.scalar(statement)
        db.session.remove()
    return value


def route_id(app, origin: str, destination: str, mode: str) -> int | None:
    origin_region = select(Region.id).where(Region.code == origin).scalar_subquery()
    destination_region = select(Region.id).where(Region.code == destination).scalar_subquery()
    mode_id = select(TransportMode.id).where(TransportMode.code == mode).scalar_subquery()
    return read(app, select(TransitRoute.id).where(
        TransitRoute.origin_id == origin_region, TransitRoute.destination_id == destination_region,
        TransitRoute.mode_id == mode_id))


def region_id(app, code: str) -> int:
    return read(app, select(Region.id).where(Region.code == code))


def audited(app, action: str) -> int:
    """How many platform audit entries record ``action``."""
    return read(app, select(func.count()).select_from(PlatformAuditEntry)
                .where(PlatformAuditEntry.action == action))
