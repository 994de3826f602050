"""The regions, transport modes and routes Lantern starts with; the base edits them afterwards.

Days are door to door (Zigong workshop to venue, or venue to venue) including port handling and
customs; freight is per 40-foot container in USD, plausible for today's routes. Rail-sea
intermodal runs through the Beibu Gulf ports (Qinzhou) and is about 30 days faster than sea to
Europe; China–Europe rail reaches European regions only; air is fast and dear.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from festival.transit.models import ORIGIN_REGION, Region, TransitRoute, TransportMode

REGIONS: list[tuple[str, str, str, list[str]]] = [
    # code, English, Chinese, countries that default to it
    (ORIGIN_REGION, "Zigong (origin)", "自贡（起运地）", ["CN"]),
    ("na_east", "North America east coast", "北美东海岸", ["CA"]),
    ("na_west", "North America west coast", "北美西海岸", []),
    ("na_gulf", "North America Gulf coast", "北美墨西哥湾沿岸", ["US", "MX"]),
    ("eu_west", "Western Europe", "西欧", ["FR", "DE", "NL", "BE", "LU", "CH", "AT", "ES", "PT",
                                         "IT"]),
    ("uk_ie", "United Kingdom and Ireland", "英国和爱尔兰", ["GB", "IE"]),
    ("eu_north", "Northern Europe", "北欧", ["SE", "NO", "DK", "FI", "IS", "PL", "EE", "LV", "LT"]),
    ("middle_east", "Middle East", "中东", ["AE", "SA", "QA", "KW", "BH", "OM", "JO", "IL", "TR",
                                           "EG"]),
    ("east_asia", "East Asia", "东亚", ["JP", "KR", "MN", "TW", "HK", "MO"]),
    ("se_asia", "South-East Asia", "东南亚", ["SG", "MY", "TH", "VN", "ID", "PH", "KH", "LA", "MM"]),
    ("oceania", "Oceania", "大洋洲", ["AU", "NZ"]),
    ("latin_america", "Latin America", "拉丁美洲", ["BR", "AR", "CL", "PE", "CO", "UY", "EC"]),
]

MODES: list[tuple[str, str, str]] = [
    ("sea", "Sea freight", "海运"),
    ("rail_sea", "Rail-sea intermodal (Beibu Gulf)", "海铁联运（北部湾）"),
    ("rail", "China–Europe Railway Express", "中欧班列"),
    ("air", "Air freight", "空运"),
]

# From Zigong: region -> {mode: (days, USD per container)}.
FROM_ORIGIN: dict[str, dict[str, tuple[int, str]]] = {
    "na_east": {"sea": (55, "4200"), "rail_sea": (42, "4600"), "air": (8, "48000")},
    "na_west": {"sea": (38, "3100"), "rail_sea": (28, "3500"), "air": (7, "42000")},
    "na_gulf": {"sea": (52, "4000"), "rail_sea": (40, "4400"), "air": (8, "46000")},
    "eu_west": {"sea": (75, "3800"), "rail_sea": (45, "4300"), "rail": (30, "7200"),
                "air": (8, "52000")},
    "uk_ie": {"sea": (78, "3900"), "rail_sea": (48, "4400"), "rail": (34, "7600"),
              "air": (8, "52000")},
    "eu_north": {"sea": (80, "4100"), "rail_sea": (50, "4600"), "rail": (28, "7000"),
                 "air": (9, "54000")},
    "middle_east": {"sea": (45, "2600"), "rail_sea": (32, "2900"), "air": (6, "36000")},
    "east_asia": {"sea": (20, "1400"), "rail_sea": (16, "1600"), "air": (4, "22000")},
    "se_asia": {"sea": (22, "1200"), "rail_sea": (14, "1300"), "air": (4, "20000")},
    "oceania": {"sea": (40, "2800"), "rail_sea": (32, "3100"), "air": (7, "40000")},
    "latin_america": {"sea": (60, "4500"), "rail_sea": (50, "4900"), "air": (9, "56000")},
}

# Between foreign regions (a lamp group moving on from one festival to the next): sea and air.
BETWEEN: dict[tuple[str, str], tuple[int, str, int, str]] = {
    # (a, b): (sea days, sea USD, air days, air USD), either direction
    ("na_gulf", "eu_west"): (30, "3200", 6, "40000"),
    ("na_east", "eu_west"): (24, "2900", 5, "38000"),
    ("na_gulf", "uk_ie"): (28, "3100", 6, "40000"),
    ("na_east", "uk_ie"): (22, "2800", 5, "37000"),
    ("na_gulf", "na_east"): (10, "1500", 3, "15000"),
    ("na_gulf", "na_west"): (20, "2400", 3, "16000"),
    ("na_east", "na_west"): (25, "2600", 3, "16000"),
    ("eu_west", "uk_ie"): (7, "1200", 2, "9000"),
    ("eu_west", "eu_north"): (9, "1300", 2, "9500"),
    ("uk_ie", "eu_north"): (10, "1400", 2, "9500"),
    ("eu_west", "middle_east"): (25, "2600", 4, "25000"),
    ("middle_east", "se_asia"): (24, "2300", 5, "26000"),
    ("east_asia", "se_asia"): (14, "1300", 4, "18000"),
    ("east_asia", "oceania"): (24, "2600", 6, "30000"),
    ("se_asia", "oceania"): (20, "2300", 6, "28000"),
    ("na_west", "east_asia"): (22, "2600", 6, "34000"),
    ("na_gulf", "latin_america"): (25, "3000", 5, "30000"),
    ("eu_west", "latin_america"): (30, "3400", 6, "38000"),
}


def seed_transit_tables(connection: Connection) -> None:
    """Insert the starting regions, modes and routes where they are missing (idempotent)."""
    regions = Region.__table__
    modes = TransportMode.__table__
    routes = TransitRoute.__table__
    have = set(connection.scalars(select(regions.c.code)))
    rows = [{"code": code, "names": {"en": en, "zh_Hans": zh}, "countries": countries,
             "position": position}
            for position, (code, en, zh, countries) in enumerate(REGIONS) if code not in have]
    if rows:
        connection.execute(insert(regions), rows)
    have = set(connection.scalars(select(modes.c.code)))
    rows = [{"code": code, "names": {"en": en, "zh_Hans": zh}, "position": position, "active": True}
            for position, (code, en, zh) in enumerate(MODES) if code not in have]
    if rows:
        connection.execute(insert(modes), rows)
    region_ids = dict(connection.execute(select(regions.c.code, regions.c.id)).all())
    mode_ids = dict(connection.execute(select(modes.c.code, modes.c.id)).all())
    have = {tuple(row) for row in connection.execute(
        select(routes.c.origin_id, routes.c.destination_id, routes.c.mode_id))}
    wanted = []
    for destination, by_mode in FROM_ORIGIN.items():
        for mode, (days, usd) in by_mode.items():
            wanted.append((ORIGIN_REGION, destination, mode, days, usd))
    for (a, b), (sea_days, sea_usd, air_days, air_usd) in BETWEEN.items():
        wanted += [(a, b, "sea", sea_days, sea_usd), (a, b, "air", air_days, air_usd)]
    rows = []
    for origin, destination, mode, days, usd in wanted:
        key = (region_ids[origin], region_ids[destination], mode_ids[mode])
        if key not in have:
            rows.append({"origin_id": key[0], "destination_id": key[1], "mode_id": key[2],
                         "transit_days": days, "freight_usd_per_container": Decimal(usd)})
    if rows:
        connection.execute(insert(routes), rows)
