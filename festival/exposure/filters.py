"""The base's exposure filters (year, supplier), read from a query string and checked: bad input
is a clear 400, never a 500."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from festival.core.db import db
from festival.core.errors import DomainError
from festival.suppliers.models import Supplier

FIRST_YEAR, LAST_YEAR = 2000, 2100
MESSAGES = {
    "year": _l("Choose a year between %(first)s and %(last)s.", first=FIRST_YEAR, last=LAST_YEAR),
    "supplier": _l("This supplier does not exist."),
}


@dataclass(frozen=True)
class ExposureFilters:
    year: int | None = None
    supplier: Supplier | None = None

    def query(self) -> dict[str, str]:
        """The filters as query-string values (the CSV link keeps them)."""
        values = {}
        if self.year is not None:
            values["year"] = str(self.year)
        if self.supplier is not None:
            values["supplier"] = self.supplier.slug
        return values


def parse_filters(args: Mapping[str, str]) -> ExposureFilters:
    """Filters from ``args``: ``year`` (all years when empty) and ``supplier`` (a slug)."""
    year = None
    text = (args.get("year") or "").strip()
    if text:
        if not (text.isdigit() and len(text) == 4 and FIRST_YEAR <= int(text) <= LAST_YEAR):
            raise DomainError(str(MESSAGES["year"]))
        year = int(text)
    supplier = None
    slug = (args.get("supplier") or "").strip()
    if slug:
        supplier = db.session.scalar(select(Supplier).where(Supplier.slug == slug))
        if supplier is None:
            raise DomainError(str(MESSAGES["supplier"]))
    return ExposureFilters(year, supplier)
