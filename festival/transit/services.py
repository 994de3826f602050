"""Reading the transit tables: which region a city is in, how long a move takes by each mode and
what its freight costs. The base edits the tables in festival/transit/admin.py."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from festival.core.db import db
from festival.core.errors import DomainError
from festival.tenants.models import Tenant
from festival.transit.models import ORIGIN_REGION, Region, TransitRoute, TransportMode

# Moving within one region (a truck from Houston to Dallas) needs no route row: a week, by road.
SAME_REGION_DAYS = 7
SAME_REGION_USD_PER_CONTAINER = Decimal("900")


@dataclass(frozen=True)
class Leg:
    """A move from one region to another by one mode."""

    mode: str
    transit_days: int
    freight_usd_per_container: Decimal

    def freight_usd(self, containers: int) -> Decimal:
        return self.freight_usd_per_container * containers


def list_regions() -> list[Region]:
    return list(db.session.scalars(select(Region).order_by(Region.position, Region.code)))


def list_modes(active_only: bool = True) -> list[TransportMode]:
    query = select(TransportMode).order_by(TransportMode.position, TransportMode.code)
    if active_only:
        query = query.where(TransportMode.active.is_(True))
    return list(db.session.scalars(query))


def mode_codes() -> list[str]:
    return [mode.code for mode in list_modes()]


def check_mode(code: str) -> str:
    """``code`` if it names an active transport mode, else a DomainError."""
    if code not in mode_codes():
        raise DomainError(str(_l("Choose one of the transport modes offered.")))
    return code


def region_by_code(code: str) -> Region | None:
    return db.session.scalar(select(Region).where(Region.code == code))


def default_region(country: str) -> Region | None:
    """The region a country's cities fall in unless the base assigns a city elsewhere."""
    for region in list_regions():
        if country in region.countries and region.code != ORIGIN_REGION:
            return region
    return None


def region_of_tenant(tenant: Tenant) -> Region:
    """The region of the tenant's city: the base's assignment, else its country's default."""
    region = db.session.get(Region, tenant.region_id) if tenant.region_id else None
    region = region or default_region(tenant.country)
    if region is None:
        raise DomainError(str(_l(
            "The base has not yet placed your city in a transit region. Please ask the base.")), 409)
    return region


def leg(origin: str, destination: str, mode: str) -> Leg | None:
    """The move from region ``origin`` to region ``destination`` by ``mode``, either direction;
    None when the base lists no such route."""
    if origin == destination:
        return Leg(mode, SAME_REGION_DAYS, SAME_REGION_USD_PER_CONTAINER)
    ids = dict(db.session.execute(select(Region.code, Region.id).where(
        Region.code.in_((origin, destination)))).all())
    mode_id = db.session.scalar(select(TransportMode.id).where(
        TransportMode.code == mode, TransportMode.active.is_(True)))
    if len(ids) < 2 or mode_id is None:
        return None
    route = db.session.scalar(select(TransitRoute).where(
        TransitRoute.mode_id == mode_id,
        or_((TransitRoute.origin_id == ids[origin]) & (TransitRoute.destination_id == ids[destination]),
            (TransitRoute.origin_id == ids[destination]) & (TransitRoute.destination_id == ids[origin]))))
    if route is None:
        return None
    return Leg(mode, route.transit_days, route.freight_usd_per_container)


def legs_by_mode(origin: str, destination: str) -> list[Leg]:
    """Every active mode that can make the move, in the base's order of modes."""
    return [found for mode in list_modes() if (found := leg(origin, destination, mode.code))]
