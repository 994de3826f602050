"""Country groups the base defines (e.g. "Belt and Road partners"), used as a dashboard filter."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from festival.accounts.models import User
from festival.audit.services import record_event
from festival.core.db import db
from festival.core.errors import Conflict, DomainError
from festival.core.reference import country_codes
from festival.dashboard.models import CountryGroup

MAX_NAME = 120
MESSAGES = {
    "name": _l("Enter a name of at most %(max)s characters.", max=MAX_NAME),
    "taken": _l("A country group with this name exists already."),
    "countries": _l("Choose at least one country."),
    "unknown": _l("Unknown country code: %(codes)s."),
}


def parse_countries(text: str | list[str]) -> list[str]:
    """ISO country codes from a list or from text such as "FR, DE ae"; unknown codes refused."""
    items = text if isinstance(text, list) else re.split(r"[\s,;]+", text or "")
    codes = sorted({item.strip().upper() for item in items if item.strip()})
    unknown = [code for code in codes if code not in country_codes()]
    if unknown:
        raise DomainError(str(MESSAGES["unknown"]) % {"codes": ", ".join(unknown)})
    if not codes:
        raise DomainError(str(MESSAGES["countries"]))
    return codes


def create_group(name: str, countries: list[str], actor: User | None) -> CountryGroup:
    """A new country group; names are unique (case-insensitive)."""
    name = (name or "").strip()
    if not name or len(name) > MAX_NAME:
        raise DomainError(str(MESSAGES["name"]))
    if db.session.scalar(select(CountryGroup.id).where(func.lower(CountryGroup.name) == name.lower())):
        raise Conflict(str(MESSAGES["taken"]))
    group = CountryGroup(name=name, countries=countries)
    db.session.add(group)
    db.session.flush()
    record_event("festival.dashboard.country_group.created", actor=actor, name=name,
                 countries=countries)
    return group


def delete_group(group: CountryGroup, actor: User | None) -> None:
    db.session.delete(group)
    db.session.flush()
    record_event("festival.dashboard.country_group.deleted", actor=actor, name=group.name)


def list_groups() -> list[CountryGroup]:
    return list(db.session.scalars(select(CountryGroup).order_by(CountryGroup.name)))
