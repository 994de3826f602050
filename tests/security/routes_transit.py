"""Security-walk registrations of the base's transit pages (festival/transit/base_views.py).

They are base routes: organisations' owners find nothing there, whichever ids. The seeded
transit tables and a certification requirement are made up front (WORLD hook); the route and
requirement fillers make them again when a walked removal used them up, so each request finds
its object.
"""

from __future__ import annotations

from sqlalchemy import select

from festival.core.db import db
from festival.core.scope import platform_scope


def _in_platform(builder, work):
    with builder.app.app_context(), platform_scope("cli"):
        value = work()
        db.session.commit()
        db.session.remove()
    return value


def _seed(builder, org=None) -> None:
    from festival.transit.compliance import seed_certification_requirements
    from festival.transit.seed import seed_transit_tables

    def work():
        seed_transit_tables(db.session.connection())
        seed_certification_requirements(db.session.connection())

    _in_platform(builder, work)


def _code_id(model, code: str):
    def filler(builder, kind, side, fresh):
        _seed(builder)
        return _in_platform(builder, lambda: db.session.scalar(select(model.id).where(model.code == code)))

    return filler


def _route_id(builder, kind, side, fresh):
    """Zigong → Western Europe by sea (seeded again if a walked removal took it)."""
    from festival.transit.models import Region, TransitRoute, TransportMode

    _seed(builder)

    def work():
        ids = dict(db.session.execute(select(Region.code, Region.id)).all())
        sea = db.session.scalar(select(TransportMode.id).where(TransportMode.code == "sea"))
        return db.session.scalar(select(TransitRoute.id).where(
            TransitRoute.origin_id == ids["zigong"], TransitRoute.destination_id == ids["eu_west"],
            TransitRoute.mode_id == sea))

    return _in_platform(builder, work)


def _requirement_id(builder, kind, side, fresh):
    """Great Britain's UKCA requirement (seeded again if a walked removal took it)."""
    from festival.transit.models import CertificationRequirement

    _seed(builder)
    return _in_platform(builder, lambda: db.session.scalar(select(CertificationRequirement.id).where(
        CertificationRequirement.country == "GB", CertificationRequirement.kind == "UKCA")))


def _filler_models():
    from festival.transit.models import Region, TransportMode

    return {"region_id": _code_id(Region, "eu_west"), "mode_id": _code_id(TransportMode, "rail_sea")}


WORLD = {"transit_tables": _seed}

FILLERS = {
    **_filler_models(),
    "route_id": _route_id,
    "requirement_id": _requirement_id,
}

BODIES = {
    # A route the seed does not list, so that the walk's one accepted request adds it.
    "transit_route_add": lambda builder, kind: {"origin": "na_west", "destination": "latin_america",
                                                "mode": "sea", "transit_days": "30",
                                                "freight_usd": "3600"},
    "transit_route": lambda builder, kind: {"transit_days": "74", "freight_usd": "3850.00"},
    "transit_route_delete": lambda builder, kind: {},
    "transit_region": lambda builder, kind: {"name_en": "Western Europe", "name_zh": "西欧",
                                             "countries": "FR, DE, NL, BE, LU, CH, AT, ES, PT, IT"},
    "transit_mode": lambda builder, kind: {"name_en": "Rail-sea intermodal (Beibu Gulf)",
                                           "name_zh": "海铁联运（北部湾）", "active": "y"},
    "transit_city": lambda builder, kind: {"region": "na_west"},
    "base_certifications": lambda builder, kind: {"country": "JP", "kind": "CE"},
    "base_certification_delete": lambda builder, kind: {},
}
