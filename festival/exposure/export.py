"""The base's exposure as CSV: one line per lamp group (its totals), then one per stand (a lamp
group at one exhibition), in the same columns."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from sqlalchemy import select

from festival.core.db import db
from festival.exposure.filters import ExposureFilters
from festival.exposure.services import Exposure, base_exposure
from festival.suppliers.models import Supplier

HEADER = ["breakdown", "lamp_group_code", "lamp_group_name_en", "lamp_group_name_zh",
          "supplier", "supplier_name", "visitors", "nights", "cities", "countries",
          "exhibition", "city", "country", "venue", "first_night", "last_night"]


def suppliers_by_id() -> dict[int, Supplier]:
    """Every supplier by id, in the order of their English names (the page's filter list)."""
    return {supplier.id: supplier for supplier in db.session.scalars(
        select(Supplier).order_by(Supplier.name_en))}


def exposures_of(filters: ExposureFilters, now: datetime) -> list[Exposure]:
    """The lamp groups ``filters`` choose, most seen first, as the page and the CSV show them."""
    return base_exposure(now, filters.year,
                         filters.supplier.id if filters.supplier is not None else None)


def exposure_csv(exposures: list[Exposure], suppliers: dict[int, Supplier]) -> str:
    """The CSV text: a header row, each lamp group's totals, then its stands."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for exposure in exposures:
        lamp_group = exposure.lamp_group
        supplier = suppliers[lamp_group.supplier_id]
        head = [lamp_group.code, lamp_group.names.get("en", ""), lamp_group.names.get("zh_Hans", ""),
                supplier.slug, supplier.name_en]
        writer.writerow(["lamp_group", *head, exposure.visitors, exposure.nights,
                         len(exposure.cities), " ".join(exposure.countries), "", "", "", "", "", ""])
        for stand in exposure.stands:
            writer.writerow(["stand", *head, stand.visitors, stand.nights_shown, 1, stand.country,
                             stand.exhibition_title, stand.city, stand.country, stand.venue_name,
                             stand.first_night.isoformat(), stand.last_night.isoformat()])
    return out.getvalue()
