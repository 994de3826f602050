"""Exhibitions: planning a season and the nights it opens, in the tenant's timezone."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from festival.accounts.models import User
from festival.audit.services import record_event
from festival.core.db import db
from festival.core.errors import Conflict, DomainError
from festival.core.reference import SLUG_PATTERN
from festival.exhibitions.models import Exhibition
from festival.tenants.models import Tenant

MAX_SEASON_DAYS = 366
MAX_SHOWCASE = 60  # lamp groups on show, per language
MAX_SHOWCASE_NAME = 120
# Paths under /<tenant>/ that are not an exhibition's shop.
# The first path segments of the storefront's own pages (tests/exhibitions checks the list).
RESERVED_EXHIBITION_SLUGS = frozenset({"manage", "logo", "brand-css", "api", "static", "pay",
                                       "closure", "operator", "pass", "o", "w"})
MESSAGES = {
    "slug": _l("Use 2 to 40 lowercase letters, digits or hyphens."),
    "slug_taken": _l("Another exhibition of yours uses this address."),
    "slug_reserved": _l("This address is reserved. Choose another."),
    "title": _l("Give the exhibition a title in at least one offered language."),
    "title_locale": _l("Titles can only be given in the languages you offer."),
    "venue": _l("Give the venue's name (at most 160 characters)."),
    "season_order": _l("The season must end on or after the day it starts."),
    "season_length": _l("A season lasts at most one year."),
    "hours": _l("Opening and closing times must differ."),
    "slot_minutes": _l("An entry slot lasts between 5 and 240 minutes."),
    "slot_capacity": _l("An entry slot admits between 1 and 100,000 persons."),
    "checkin_minutes": _l("The check-in tolerance is between 0 and 720 minutes."),
    "weekdays": _l("Closed days are weekdays from Monday (1) to Sunday (7)."),
    "all_closed": _l("The festival cannot be closed on every day of the week."),
    "status": _l("An exhibition cannot move from this status to that one."),
    "showcase": _l("List at most %(count)s lamp groups per language, each named in at most "
                   "%(length)s characters.", count=MAX_SHOWCASE, length=MAX_SHOWCASE_NAME),
    "showcase_locale": _l("Lamp groups can only be named in the languages you offer."),
}


@dataclass
class ExhibitionPlan:
    slug: str
    titles: dict[str, str]
    venue_name: str
    season_start: date
    season_end: date
    opens_at: time
    closes_at: time
    venue_address: str = ""
    descriptions: dict[str, str] = field(default_factory=dict)
    closed_weekdays: set[int] = field(default_factory=set)
    slot_minutes: int = 30
    slot_capacity: int = 200
    # The lamp groups on show, named per language: {"fr": ["Dragon d'or", …]}.
    showcase: dict[str, list[str]] = field(default_factory=dict)
    # At the gate: how early before its slot and how late after it a ticket is still admitted.
    checkin_early_minutes: int = 30
    checkin_late_minutes: int = 60


def clean_showcase(showcase: dict[str, list[str]]) -> dict[str, list[str]]:
    """Names trimmed, blanks dropped, languages with no name left out."""
    cleaned = {code: [name.strip() for name in names if name and name.strip()]
               for code, names in showcase.items()}
    return {code: names for code, names in cleaned.items() if names}


def _fail(key: str) -> DomainError:
    return DomainError(str(MESSAGES[key]))


def check_plan(tenant: Tenant, plan: ExhibitionPlan) -> None:
    """The rules of a season plan, the same for every front (portal, API, CLI)."""
    if not SLUG_PATTERN.match(plan.slug or ""):
        raise _fail("slug")
    if plan.slug in RESERVED_EXHIBITION_SLUGS:
        raise _fail("slug_reserved")
    titles = {code: text.strip() for code, text in plan.titles.items() if text and text.strip()}
    if not titles or any(len(text) > 200 for text in titles.values()):
        raise _fail("title")
    if not set(titles) <= set(tenant.offered_locales):
        raise _fail("title_locale")
    if not plan.venue_name.strip() or len(plan.venue_name) > 160:
        raise _fail("venue")
    if plan.season_end < plan.season_start:
        raise _fail("season_order")
    if (plan.season_end - plan.season_start).days >= MAX_SEASON_DAYS:
        raise _fail("season_length")
    if plan.opens_at == plan.closes_at:
        raise _fail("hours")
    if not 5 <= plan.slot_minutes <= 240:
        raise _fail("slot_minutes")
    if not 1 <= plan.slot_capacity <= 100_000:
        raise _fail("slot_capacity")
    if not all(0 <= minutes <= 720 for minutes in (plan.checkin_early_minutes,
                                                   plan.checkin_late_minutes)):
        raise _fail("checkin_minutes")
    if not plan.closed_weekdays <= set(range(1, 8)):
        raise _fail("weekdays")
    if len(plan.closed_weekdays) == 7:
        raise _fail("all_closed")
    showcase = clean_showcase(plan.showcase)
    if any(len(names) > MAX_SHOWCASE or any(len(n) > MAX_SHOWCASE_NAME for n in names)
           for names in showcase.values()):
        raise _fail("showcase")
    if not set(showcase) <= set(tenant.offered_locales):
        raise _fail("showcase_locale")


def _apply(exhibition: Exhibition, plan: ExhibitionPlan) -> None:
    exhibition.slug = plan.slug
    exhibition.titles = {code: text.strip() for code, text in plan.titles.items() if text.strip()}
    exhibition.descriptions = {code: text.strip() for code, text in plan.descriptions.items()
                               if text.strip()}
    exhibition.venue_name = plan.venue_name.strip()
    exhibition.venue_address = plan.venue_address.strip()
    exhibition.season_start, exhibition.season_end = plan.season_start, plan.season_end
    exhibition.opens_at, exhibition.closes_at = plan.opens_at, plan.closes_at
    exhibition.closed_weekdays = plan.closed_weekdays
    exhibition.slot_minutes, exhibition.slot_capacity = plan.slot_minutes, plan.slot_capacity
    exhibition.showcase = clean_showcase(plan.showcase)
    exhibition.checkin_early_minutes = plan.checkin_early_minutes
    exhibition.checkin_late_minutes = plan.checkin_late_minutes


def _slug_taken(slug: str, other_than: int | None = None) -> bool:
    query = select(func.count()).select_from(Exhibition).where(Exhibition.slug == slug)
    if other_than is not None:
        query = query.where(Exhibition.id != other_than)
    return bool(db.session.scalar(query))


def create_exhibition(tenant: Tenant, plan: ExhibitionPlan, actor: User | None) -> Exhibition:
    """Plan a new season for the tenant whose scope is open."""
    check_plan(tenant, plan)
    if _slug_taken(plan.slug):
        raise Conflict(str(MESSAGES["slug_taken"]))
    exhibition = Exhibition(tenant_id=tenant.id)
    _apply(exhibition, plan)
    db.session.add(exhibition)
    db.session.flush()
    record_event("festival.exhibitions.exhibition.created", actor=actor, slug=plan.slug)
    return exhibition


def update_exhibition(tenant: Tenant, exhibition: Exhibition, plan: ExhibitionPlan,
                      actor: User) -> None:
    check_plan(tenant, plan)
    if _slug_taken(plan.slug, other_than=exhibition.id):
        raise Conflict(str(MESSAGES["slug_taken"]))
    _apply(exhibition, plan)
    record_event("festival.exhibitions.exhibition.changed", actor=actor, slug=plan.slug)


def change_status(exhibition: Exhibition, status: str, actor: User) -> None:
    """Move the season along planning → on sale → running → closed → reported."""
    if status == exhibition.status:
        return  # a repeated click changes nothing
    if status not in Exhibition.TRANSITIONS.get(exhibition.status, ()):
        raise Conflict(str(MESSAGES["status"]))
    previous, exhibition.status = exhibition.status, status
    record_event("festival.exhibitions.exhibition.status_changed", actor=actor,
                 slug=exhibition.slug, previous=previous, status=status)


def opening_nights(exhibition: Exhibition) -> list[date]:
    """Every night the festival opens, each named by the calendar date on which it opens."""
    closed = exhibition.closed_weekdays
    days = (exhibition.season_end - exhibition.season_start).days + 1
    nights = (exhibition.season_start + timedelta(days=offset) for offset in range(days))
    return [night for night in nights if night.isoweekday() not in closed]


def night_window(exhibition: Exhibition, night: date, timezone: str) -> tuple[datetime, datetime]:
    """A night's opening and closing instants in UTC; closing after midnight is the next day.

    Local wall-clock times are resolved by zoneinfo, so a DST change is never "plus an hour".
    """
    zone = ZoneInfo(timezone)
    opens = datetime.combine(night, exhibition.opens_at, tzinfo=zone)
    closing_day = night + timedelta(days=1) if exhibition.closes_at <= exhibition.opens_at else night
    closes = datetime.combine(closing_day, exhibition.closes_at, tzinfo=zone)
    return opens.astimezone(UTC), closes.astimezone(UTC)
