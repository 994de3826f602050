"""Where a lamp group can be, and when: its chain of occupancy windows.

A window runs from leaving its previous place (Zigong, or the city of the booking before) to
being free again after teardown and handling at this exhibition. Placing a new window between
two others makes the next one depart from the new city, so its departure is recomputed; the
placement is refused with a clear message when the lamp group could not get here in time, or
could no longer reach its next exhibition. Two active windows of one lamp group never overlap:
on PostgreSQL an exclusion constraint guarantees it (and a per-lamp-group advisory lock orders
concurrent bookings); on SQLite the check below holds inside the booking transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from festival.booking.models import OccupancyWindow
from festival.catalog.models import LampGroup
from festival.core.db import db
from festival.core.errors import DomainError
from festival.core.i18n import country_name, format_local_date
from festival.transit import services as transit

# Advisory lock namespace of lamp groups (pg_advisory_xact_lock(namespace, id)).
_LOCK_NAMESPACE = 7301


class Unavailable(DomainError):
    status_code = 409


@dataclass(frozen=True)
class Place:
    city: str
    country: str
    region: str


@dataclass(frozen=True)
class Plan:
    """Where a new window would go, and what it changes in the next one."""

    lamp_group_id: int
    starts_on: date
    arrives_on: date
    ends_on: date
    to: Place
    origin: Place
    mode: str
    transit_days: int
    freight_usd: Decimal
    following: OccupancyWindow | None = None
    following_starts_on: date | None = None
    following_transit_days: int | None = None


def home_of(lamp_group: LampGroup) -> Place:
    return Place(lamp_group.home_city, lamp_group.home_country, lamp_group.home_region)


def place_of(window: OccupancyWindow) -> Place:
    return Place(window.city, window.country, window.region)


def on_site_dates(lamp_group: LampGroup, season_start: date, season_end: date) -> tuple[date, date]:
    """Arrival at the venue (setup done by opening night) and the end of teardown (exclusive)."""
    return (season_start - timedelta(days=lamp_group.setup_days),
            season_end + timedelta(days=1 + lamp_group.teardown_days))


def free_again(lamp_group: LampGroup, on_site_until: date) -> date:
    return on_site_until + timedelta(days=lamp_group.handling_days)


def active_windows(lamp_group_id: int, excluding: set[int] | frozenset[int] = frozenset()
                   ) -> list[OccupancyWindow]:
    windows = db.session.scalars(select(OccupancyWindow).where(
        OccupancyWindow.lamp_group_id == lamp_group_id, OccupancyWindow.active.is_(True))
        .order_by(OccupancyWindow.arrives_on, OccupancyWindow.id))
    return [window for window in windows if window.id not in excluding]


def windows_of(lamp_group_ids: list[int], since: date | None = None) -> dict[int, list[OccupancyWindow]]:
    """Active windows per lamp group (one query), for catalogs and timelines."""
    query = select(OccupancyWindow).where(OccupancyWindow.lamp_group_id.in_(lamp_group_ids),
                                          OccupancyWindow.active.is_(True))
    if since is not None:
        query = query.where(OccupancyWindow.ends_on > since)
    found: dict[int, list[OccupancyWindow]] = {lamp_group_id: [] for lamp_group_id in lamp_group_ids}
    for window in db.session.scalars(query.order_by(OccupancyWindow.arrives_on)):
        found[window.lamp_group_id].append(window)
    return found


def lock_lamp_groups(lamp_group_ids: list[int]) -> None:
    """Make concurrent bookings of the same lamp groups take turns (PostgreSQL), in id order so
    two bookings of the same pair cannot deadlock. Row-level security does not hide advisory
    locks, so a tenant's transaction can take them."""
    session = db.session()
    if session.get_bind().dialect.name != "postgresql":
        return
    for lamp_group_id in sorted(set(lamp_group_ids)):
        session.execute(text("SELECT pg_advisory_xact_lock(:namespace, :id)"),
                        {"namespace": _LOCK_NAMESPACE, "id": lamp_group_id})


def _date(value: date, locale: str | None) -> str:
    return format_local_date(value, "medium", locale)


def _where(place: Place, locale: str | None) -> str:
    return f"{place.city} ({country_name(place.country, locale)})"


def busy_message(window: OccupancyWindow, locale: str | None = None) -> str:
    """The clash named for a person: the dates and the city, never whose booking it is."""
    if window.kind == OccupancyWindow.REPAIR:
        return str(_l("This lamp group is under repair from %(start)s until %(end)s.",
                      start=_date(window.starts_on, locale), end=_date(window.ends_on, locale)))
    return str(_l("This lamp group is busy from %(start)s to %(end)s in %(city)s.",
                  start=_date(window.starts_on, locale), end=_date(window.ends_on, locale),
                  city=_where(place_of(window), locale)))


def _neighbours(windows: list[OccupancyWindow], arrives_on: date
                ) -> tuple[OccupancyWindow | None, OccupancyWindow | None]:
    before = [window for window in windows if window.arrives_on < arrives_on]
    after = [window for window in windows if window.arrives_on >= arrives_on]
    return (before[-1] if before else None), (after[0] if after else None)


def plan_window(lamp_group: LampGroup, arrives_on: date, on_site_until: date, to: Place, mode: str,
                today: date, excluding: frozenset[int] = frozenset(), locale: str | None = None) -> Plan:
    """Where a window for being at ``to`` from ``arrives_on`` to ``on_site_until`` would go;
    raises Unavailable with a message naming the clash."""
    if not lamp_group.bookable:
        raise Unavailable(str(_l("Lamp group %(code)s is retired and cannot be booked.",
                                 code=lamp_group.code)))
    if on_site_until <= arrives_on:
        raise DomainError(str(_l("The end must come after the start.")))
    windows = active_windows(lamp_group.id, excluding)
    previous, following = _neighbours(windows, arrives_on)
    origin = place_of(previous) if previous else home_of(lamp_group)
    move = transit.leg(origin.region, to.region, mode)
    if move is None:
        raise Unavailable(str(_l("There is no %(mode)s route from %(origin)s to %(city)s.",
                                 mode=mode, origin=_where(origin, locale), city=_where(to, locale))))
    starts_on = arrives_on - timedelta(days=move.transit_days)
    ends_on = free_again(lamp_group, on_site_until)
    if starts_on < today:
        raise Unavailable(str(_l(
            "Lamp group %(code)s cannot reach %(city)s by %(date)s: by this mode it would have "
            "to leave %(origin)s on %(departure)s, which has passed.",
            code=lamp_group.code, city=_where(to, locale), date=_date(arrives_on, locale),
            origin=_where(origin, locale), departure=_date(starts_on, locale))))
    if previous is not None and starts_on < previous.ends_on:
        raise Unavailable(busy_message(previous, locale) + " " + str(_l(
            "By this mode it could reach %(city)s on %(date)s at the earliest.",
            city=_where(to, locale),
            date=_date(previous.ends_on + timedelta(days=move.transit_days), locale))))
    plan = Plan(lamp_group.id, starts_on, arrives_on, ends_on, to, origin, mode, move.transit_days,
                move.freight_usd(lamp_group.containers_teu))
    if following is None:
        return plan
    if following.kind == OccupancyWindow.REPAIR or following.arrives_on == arrives_on:
        if following.starts_on < ends_on:
            raise Unavailable(busy_message(following, locale))
        return plan
    onward = transit.leg(to.region, following.region, following.mode)
    onward_starts = following.arrives_on - timedelta(days=onward.transit_days) if onward else None
    if onward_starts is None or onward_starts < ends_on:
        raise Unavailable(str(_l(
            "Lamp group %(code)s has its next exhibition in %(city)s from %(date)s: after this "
            "one it could no longer get there in time.",
            code=lamp_group.code, city=_where(place_of(following), locale),
            date=_date(following.arrives_on, locale))))
    return Plan(**{**plan.__dict__, "following": following, "following_starts_on": onward_starts,
                   "following_transit_days": onward.transit_days})


def _move_following(window: OccupancyWindow, origin: Place, starts_on: date, days: int) -> None:
    window.starts_on = starts_on
    window.from_city = origin.city
    window.from_region = origin.region
    window.transit_days = days


def _check_no_overlap(window: OccupancyWindow) -> None:
    """The rule the exclusion constraint enforces on PostgreSQL, checked here for SQLite."""
    for other in active_windows(window.lamp_group_id, frozenset({window.id})):
        if other.starts_on < window.ends_on and window.starts_on < other.ends_on:
            raise Unavailable(busy_message(other))


def _flush_windows(window: OccupancyWindow) -> None:
    """Flush ``window``, turning a violated exclusion constraint (a concurrent booking won the
    dates) into the clash message."""
    starts_on, ends_on, lamp_group_id = window.starts_on, window.ends_on, window.lamp_group_id
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as error:
        if "occupancy_window_no_overlap" not in str(error.orig):
            raise
        clash = next((other for other in active_windows(lamp_group_id)
                      if other.starts_on < ends_on and starts_on < other.ends_on), None)
        raise Unavailable(busy_message(clash) if clash else str(_l(
            "This lamp group was just booked for these dates by someone else."))) from None


def hold_window(plan: Plan, booking_reference: str,
                window: OccupancyWindow | None = None) -> OccupancyWindow:
    """Write the planned window (a new one, or ``window`` moved to the plan) and move the next
    window's departure to the new city.

    The moved window steps aside first and the next one moves before it comes back, so no
    statement ever sees two windows overlapping on the way (the constraint checks each row).
    """
    if window is not None:
        window.active = False
        db.session.flush()
    if plan.following is not None:
        _move_following(plan.following, plan.to, plan.following_starts_on, plan.following_transit_days)
        db.session.flush()
    if window is None:
        window = OccupancyWindow(lamp_group_id=plan.lamp_group_id, kind=OccupancyWindow.BOOKING,
                                 booking_reference=booking_reference)
        db.session.add(window)
    window.starts_on, window.arrives_on, window.ends_on = plan.starts_on, plan.arrives_on, plan.ends_on
    window.city, window.country, window.region = plan.to.city, plan.to.country, plan.to.region
    window.from_city, window.from_region = plan.origin.city, plan.origin.region
    window.mode, window.transit_days, window.active = plan.mode, plan.transit_days, True
    _flush_windows(window)
    _check_no_overlap(window)
    return window


def release_window(window: OccupancyWindow, lamp_group: LampGroup) -> None:
    """Free a window; the next window departs from the place before it again, where a route
    leaves it the time (else it keeps its departure: the supplier re-plans that leg)."""
    window.active = False
    db.session.flush()
    windows = active_windows(window.lamp_group_id)
    _, following = _neighbours(windows, window.arrives_on)
    if following is None or following.kind == OccupancyWindow.REPAIR:
        return
    previous, _ = _neighbours(windows, following.arrives_on)
    origin = place_of(previous) if previous else home_of(lamp_group)
    move = transit.leg(origin.region, following.region, following.mode)
    if move is None:
        return
    starts_on = following.arrives_on - timedelta(days=move.transit_days)
    if previous is None or starts_on >= previous.ends_on:
        _move_following(following, origin, starts_on, move.transit_days)
        db.session.flush()


def earliest_arrival(lamp_group: LampGroup, to: Place, mode: str, before: date, today: date
                     ) -> date | None:
    """The earliest date the lamp group could be at ``to`` by ``mode`` for a stay starting
    around ``before``: after its last window before then, or from home today."""
    windows = active_windows(lamp_group.id)
    previous, _ = _neighbours(windows, before)
    origin = place_of(previous) if previous else home_of(lamp_group)
    move = transit.leg(origin.region, to.region, mode)
    if move is None:
        return None
    leaves = max(today, previous.ends_on) if previous else today
    return leaves + timedelta(days=move.transit_days)


def is_available(lamp_group: LampGroup, arrives_on: date, on_site_until: date, to: Place,
                 today: date) -> bool:
    """Whether some active mode gets it there in time and on to its next exhibition."""
    for mode in transit.mode_codes():
        try:
            plan_window(lamp_group, arrives_on, on_site_until, to, mode, today)
        except DomainError:
            continue
        return True
    return False


def hold_repair_window(lamp_group: LampGroup, starts_on: date, ends_on: date) -> OccupancyWindow:
    """Keep a damaged lamp group from being booked while it is repaired at home."""
    if ends_on <= starts_on:
        raise DomainError(str(_l("The repair must end after the inspection.")))
    lock_lamp_groups([lamp_group.id])
    for other in active_windows(lamp_group.id):
        if other.starts_on < ends_on and starts_on < other.ends_on:
            raise Unavailable(busy_message(other))
    home = home_of(lamp_group)
    window = OccupancyWindow(
        lamp_group_id=lamp_group.id, kind=OccupancyWindow.REPAIR, starts_on=starts_on,
        arrives_on=starts_on, ends_on=ends_on, city=home.city, country=home.country,
        region=home.region, from_city=home.city, from_region=home.region)
    db.session.add(window)
    _flush_windows(window)
    return window


def end_repair_window(lamp_group: LampGroup, on: date) -> None:
    """The repair is done on ``on``: its window ends then (or disappears if not begun)."""
    for window in active_windows(lamp_group.id):
        if window.kind != OccupancyWindow.REPAIR or window.ends_on <= on:
            continue
        if window.starts_on >= on:
            window.active = False
        else:
            window.ends_on = max(on, window.arrives_on + timedelta(days=1))
    db.session.flush()
