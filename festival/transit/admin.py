"""The base edits what Lantern knows about moving lamp groups: regions, transport modes, routes,
the region of each host city, and the certifications each destination country requires.

Every change is recorded in the platform's audit log (the base console's views run in the
platform scope). Reading the tables is festival/transit/services.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from festival.accounts.models import User
from festival.audit.services import record_event
from festival.catalog.models import CERTIFICATION_KINDS
from festival.core.db import db
from festival.core.errors import DomainError, refusal
from festival.core.i18n import country_name
from festival.core.reference import country_codes
from festival.dashboard.groups import parse_countries
from festival.tenants.models import Tenant
from festival.transit.compliance import kind_order
from festival.transit.labels import certification_label
from festival.transit.models import CertificationRequirement, Region, TransitRoute, TransportMode
from festival.transit.services import list_modes, list_regions

MAX_DAYS = 365
MAX_FREIGHT = Decimal("10") ** 10  # Numeric(12, 2)
MAX_NAME = 120
MESSAGES = {
    "region": _l("Choose one of the regions offered."),
    "mode": _l("Choose one of the transport modes offered."),
    "same": _l("A route links two different regions: choose another destination."),
    "days": _l("Enter the transit days as a whole number from 1 to 365."),
    "freight": _l("Enter the freight rate per container in US dollars: 0 or more, such as 4200 "
                  "or 4200.50."),
    "duplicate": _l("There is already a route between %(origin)s and %(destination)s by "
                    "%(mode)s (a route serves both directions): change that one instead."),
    "names": _l("Enter the name in English and in Chinese, at most 120 characters each."),
    "country_taken": _l("%(country)s already defaults to %(region)s: remove it there first."),
    "country": _l("Choose one of the countries offered."),
    "kind": _l("Choose one of the certification kinds offered."),
    "required_already": _l("%(country)s already requires %(kind)s."),
}


def _fail(key: str, status: int = 400, **values) -> DomainError:
    return refusal(MESSAGES, key, status, **values)


# --- typed values -------------------------------------------------------------------------------

def parse_transit_days(text: str | None) -> int:
    """Door-to-door days typed by an operator: a whole number from 1 to 365."""
    text = (text or "").strip()
    if not text.isdigit() or not 0 < int(text) <= MAX_DAYS:
        raise _fail("days")
    return int(text)


def parse_freight(text: str | None) -> Decimal:
    """A freight rate per container in USD: 0 or more, at most two decimals."""
    try:
        amount = Decimal((text or "").strip().replace(",", "."))
    except InvalidOperation:
        raise _fail("freight") from None
    if (not amount.is_finite() or amount < 0 or amount >= MAX_FREIGHT
            or amount != amount.quantize(Decimal("0.01"))):
        raise _fail("freight")
    return amount.quantize(Decimal("0.01"))


def parse_names(english: str | None, chinese: str | None) -> dict[str, str]:
    """A region's or mode's names, both required (the base reads Chinese, tenants English)."""
    names = {"en": (english or "").strip(), "zh_Hans": (chinese or "").strip()}
    if not all(names.values()) or any(len(name) > MAX_NAME for name in names.values()):
        raise _fail("names")
    return names


def parse_country_list(text: str | None) -> list[str]:
    """ISO country codes typed as "FR, DE nl"; none at all is allowed (a region may be reached
    only by the base's assignment of a city)."""
    return parse_countries(text) if (text or "").strip(" ,;\t\r\n") else []


def region_by_code(code: str | None) -> Region:
    region = db.session.scalar(select(Region).where(Region.code == (code or "")))
    if region is None:
        raise _fail("region")
    return region


def mode_by_code(code: str | None) -> TransportMode:
    """Any mode the base lists (an inactive one may still get its routes kept up to date)."""
    mode = db.session.scalar(select(TransportMode).where(TransportMode.code == (code or "")))
    if mode is None:
        raise _fail("mode")
    return mode


# --- routes -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RouteRow:
    """One pair of regions and its route by each mode (None where the base lists none)."""

    origin: Region
    destination: Region
    by_mode: dict[str, TransitRoute | None]


def route_matrix() -> list[RouteRow]:
    """Every pair of regions linked by at least one route, in the base's order of regions, with
    one cell per mode: the table the base console shows."""
    regions = {region.id: region for region in list_regions()}
    modes = {mode.id: mode.code for mode in list_modes(active_only=False)}
    order = {region_id: position for position, region_id in enumerate(regions)}
    pairs: dict[tuple[int, int], dict[str, TransitRoute | None]] = {}
    for route in db.session.scalars(select(TransitRoute)):
        cells = pairs.setdefault((route.origin_id, route.destination_id),
                                 dict.fromkeys(modes.values()))
        cells[modes[route.mode_id]] = route
    keys = sorted(pairs, key=lambda pair: (order[pair[0]], order[pair[1]]))
    return [RouteRow(regions[origin], regions[destination], pairs[(origin, destination)])
            for origin, destination in keys]


def route_title(route: TransitRoute, locale: str) -> dict[str, str]:
    """The names of a route's regions and mode, for headings and audit entries."""
    return {"origin": db.session.get(Region, route.origin_id).name(locale),
            "destination": db.session.get(Region, route.destination_id).name(locale),
            "mode": db.session.get(TransportMode, route.mode_id).name(locale)}


def add_route(origin_code: str, destination_code: str, mode_code: str, days: int,
              freight: Decimal, actor: User | None, locale: str = "en") -> TransitRoute:
    """A new route; one per pair of regions and mode, whichever way round it was entered."""
    origin, destination = region_by_code(origin_code), region_by_code(destination_code)
    mode = mode_by_code(mode_code)
    if origin.id == destination.id:
        raise _fail("same")
    names = {"origin": origin.name(locale), "destination": destination.name(locale),
             "mode": mode.name(locale)}
    either_way = or_((TransitRoute.origin_id == origin.id) & (TransitRoute.destination_id == destination.id),
                     (TransitRoute.origin_id == destination.id) & (TransitRoute.destination_id == origin.id))
    if db.session.scalar(select(TransitRoute.id).where(TransitRoute.mode_id == mode.id, either_way)):
        raise _fail("duplicate", 409, **names)
    route = TransitRoute(origin_id=origin.id, destination_id=destination.id, mode_id=mode.id,
                         transit_days=days, freight_usd_per_container=freight)
    try:
        with db.session.begin_nested():  # another operator adding the same route at once
            db.session.add(route)
    except IntegrityError:
        raise _fail("duplicate", 409, **names) from None
    record_event("festival.transit.route.created", actor=actor, origin=origin.code,
                 destination=destination.code, mode=mode.code, transit_days=days,
                 freight_usd=str(freight))
    return route


def change_route(route: TransitRoute, days: int, freight: Decimal, actor: User | None) -> None:
    """New transit days and freight rate for a route (its regions and mode stay)."""
    before = {"transit_days": route.transit_days,
              "freight_usd": str(route.freight_usd_per_container)}
    route.transit_days, route.freight_usd_per_container = days, freight
    db.session.flush()
    record_event("festival.transit.route.changed", actor=actor, route_id=route.id, before=before,
                 after={"transit_days": days, "freight_usd": str(freight)}, **_codes(route))


def remove_route(route: TransitRoute, actor: User | None) -> None:
    """Remove a route: bookings made already keep the days and freight they were quoted."""
    codes = _codes(route)
    db.session.delete(route)
    db.session.flush()
    record_event("festival.transit.route.removed", actor=actor, route_id=route.id, **codes)


def _codes(route: TransitRoute) -> dict[str, str]:
    return {"origin": db.session.get(Region, route.origin_id).code,
            "destination": db.session.get(Region, route.destination_id).code,
            "mode": db.session.get(TransportMode, route.mode_id).code}


# --- regions and modes --------------------------------------------------------------------------

def change_region(region: Region, names: dict[str, str], countries: list[str], actor: User | None,
                  locale: str = "en") -> None:
    """Rename a region and set the countries whose cities default to it; a country defaults to
    one region only."""
    for other in list_regions():
        taken = sorted(set(countries) & set(other.countries)) if other.id != region.id else []
        if taken:
            raise _fail("country_taken", 409, country=country_name(taken[0], locale),
                        region=other.name(locale))
    before = {"names": dict(region.names), "countries": list(region.countries)}
    region.names, region.countries = names, countries
    db.session.flush()
    record_event("festival.transit.region.changed", actor=actor, region=region.code, before=before,
                 after={"names": names, "countries": countries})


def change_mode(mode: TransportMode, names: dict[str, str], active: bool, actor: User | None) -> None:
    """Rename a transport mode or stop offering it (an inactive mode quotes no new booking)."""
    before = {"names": dict(mode.names), "active": mode.active}
    mode.names, mode.active = names, active
    db.session.flush()
    record_event("festival.transit.mode.changed", actor=actor, mode=mode.code, before=before,
                 after={"names": names, "active": active})


# --- host cities --------------------------------------------------------------------------------

def assign_city_region(tenant: Tenant, region: Region | None, actor: User | None) -> None:
    """Place a tenant's city in ``region``; None returns it to its country's default."""
    before = tenant.region_id
    tenant.region_id = region.id if region else None
    db.session.flush()
    record_event("festival.transit.city_region.assigned", actor=actor, tenant=tenant.slug,
                 city=tenant.city, region=region.code if region else None,
                 previous_region_id=before)


# --- certification requirements -----------------------------------------------------------------

def list_requirements() -> list[tuple[str, list[CertificationRequirement]]]:
    """(country, its requirements in the catalog's order of kinds), countries by code."""
    by_country: dict[str, list[CertificationRequirement]] = {}
    for requirement in db.session.scalars(select(CertificationRequirement)):
        by_country.setdefault(requirement.country, []).append(requirement)
    return [(country, sorted(items, key=lambda item: kind_order(item.kind)))
            for country, items in sorted(by_country.items())]


def add_requirement(country: str | None, kind: str | None, actor: User | None,
                    locale: str = "en") -> CertificationRequirement:
    """Require certification ``kind`` of every lamp group shown in ``country``."""
    country = (country or "").strip().upper()
    if country not in country_codes():
        raise _fail("country")
    if kind not in CERTIFICATION_KINDS:
        raise _fail("kind")
    names = {"country": country_name(country, locale), "kind": certification_label(kind)}
    exists = select(CertificationRequirement.id).where(CertificationRequirement.country == country,
                                                       CertificationRequirement.kind == kind)
    if db.session.scalar(exists):
        raise _fail("required_already", 409, **names)
    requirement = CertificationRequirement(country=country, kind=kind)
    try:
        with db.session.begin_nested():
            db.session.add(requirement)
    except IntegrityError:
        raise _fail("required_already", 409, **names) from None
    record_event("festival.transit.certification_requirement.added", actor=actor, country=country,
                 kind=kind)
    return requirement


def remove_requirement(requirement: CertificationRequirement, actor: User | None) -> None:
    """Stop requiring a certification in a country (bookings flagged already keep their flags)."""
    country, kind = requirement.country, requirement.kind
    db.session.delete(requirement)
    db.session.flush()
    record_event("festival.transit.certification_requirement.removed", actor=actor, country=country,
                 kind=kind)
