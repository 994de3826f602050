"""The dashboard's filters, read from a query string and checked: bad input is a clear 400."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from festival.core.db import db
from festival.core.errors import DomainError
from festival.core.reference import country_codes
from festival.dashboard.models import CountryGroup

NIGHT, WEEK, SEASON, YEAR = "night", "week", "season", "year"
GROUPS = (NIGHT, WEEK, SEASON, YEAR)
MAX_YEARS = 5
MESSAGES = {
    "date": _l("Enter dates as YYYY-MM-DD."),
    "order": _l("The end date is before the start date."),
    "span": _l("Choose a period of at most %(years)s years.", years=MAX_YEARS),
    "group": _l("Group by night, week, season or year."),
    "country": _l("Choose a country from the list."),
    "country_group": _l("This country group does not exist."),
}


def _fail(key: str) -> DomainError:
    return DomainError(str(MESSAGES[key]))


@dataclass(frozen=True)
class Filters:
    start: date
    end: date
    group: str = NIGHT
    country: str | None = None
    country_group: CountryGroup | None = None

    def query(self) -> dict[str, str]:
        """The filters as query-string values (links to the CSV and other groupings)."""
        values = {"from": self.start.isoformat(), "to": self.end.isoformat(), "group": self.group}
        if self.country:
            values["country"] = self.country
        if self.country_group is not None:
            values["country_group"] = str(self.country_group.id)
        return values


def _date(text: str | None, default: date) -> date:
    if not text:
        return default
    try:
        if len(text) != 10:
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise _fail("date") from None


def parse_filters(args: Mapping[str, str], today: date, with_countries: bool = True) -> Filters:
    """Filters from ``args`` (``from``, ``to``, ``group``, ``country``, ``country_group``); the
    default period is ``today``'s year. Tenants' views take no country filters."""
    start = _date(args.get("from"), date(today.year, 1, 1))
    end = _date(args.get("to"), date(today.year, 12, 31))
    if end < start:
        raise _fail("order")
    if end >= date(start.year + MAX_YEARS, start.month, min(start.day, 28)):
        raise _fail("span")
    group = args.get("group") or NIGHT
    if group not in GROUPS:
        raise _fail("group")
    country, country_group = None, None
    if with_countries:
        country = (args.get("country") or "").strip().upper() or None
        if country is not None and country not in country_codes():
            raise _fail("country")
        group_id = (args.get("country_group") or "").strip()
        if group_id:
            if not group_id.isdigit() or len(group_id) > 9:
                raise _fail("country_group")
            country_group = db.session.get(CountryGroup, int(group_id))
            if country_group is None:
                raise _fail("country_group")
    return Filters(start, end, group, country, country_group)
