"""The rules of a night's waiting list: joining, offering freed places, holds that lapse or
become an order, withdrawing.

The offering rule (``offer_night``): requests are served in the order they joined; a group is
offered places only when ALL its persons fit in ONE entry slot of the night, never fewer and
never split across slots. A request that does not fit keeps its position and is passed over for
now, so a later smaller request may be served first ("first that fits": freed places are not
left idle while a big group waits); the big group is offered as soon as enough places free up
together. Every offer takes its places with ``orders.take_places`` (one conditional UPDATE), so
the slot's capacity holds whatever runs at the same time.

Every function here only flushes; the caller's unit of work commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select

from festival.core import rows
from festival.core.db import db, utcnow
from festival.core.errors import DomainError, refusal
from festival.core.i18n import LOCALES
from festival.exhibitions.models import Exhibition
from festival.tenants.models import Tenant
from festival.ticketing import codes, orders
from festival.ticketing.models import EntrySlot, Order, TicketType
from festival.waitlist.models import WaitingRequest

DEFAULT_HOLD_MINUTES = 120
# The offer loop stops after this many rounds of places freed by its own lapses and races.
MAX_ROUNDS = 5

MESSAGES = {
    "persons": _l("Enter how many persons come together, at least 1."),
    "too_big": _l("No entry slot of this night holds a group of %(count)s. Please split the group "
                  "into requests of at most %(most)s persons."),
    "not_on_sale": _l("Tickets for this exhibition are not on sale."),
    "closed_night": _l("This night is closed or over. Choose another night in the calendar."),
    "places_free": _l("%(count)s places are still free together in one entry time of this night: "
                      "you can buy them now."),
    "already": _l("This email address is already on the waiting list for this night."),
    "not_offered": _l("No places are held for this request at the moment."),
    "lapsed": _l("The places held for you were not used in time and have passed to the next "
                 "request on the list."),
    "too_many": _l("Your tickets admit %(persons)s persons, but %(held)s places are held for you. "
                   "Choose tickets for at most %(held)s persons."),
    "nothing_to_withdraw": _l("This request is no longer on the waiting list."),
}


def _fail(key: str, status: int = 400, **values) -> DomainError:
    return refusal(MESSAGES, key, status, **values)


def hold_minutes() -> int:
    """How long an offer holds its places (app config WAITLIST_HOLD_MINUTES, all tenants)."""
    return int(current_app.config.get("WAITLIST_HOLD_MINUTES", DEFAULT_HOLD_MINUTES))


# --- reading the list ------------------------------------------------------------------------------

def _in_line_before(request: WaitingRequest):
    """SQL criteria: requests that joined the same night's list before ``request``."""
    return and_(WaitingRequest.exhibition_id == request.exhibition_id,
                WaitingRequest.night == request.night,
                or_(WaitingRequest.created_at < request.created_at,
                    and_(WaitingRequest.created_at == request.created_at,
                         WaitingRequest.id < request.id)))


def position_of(request: WaitingRequest) -> int | None:
    """1 for the first waiting group of its night; None once the request no longer waits."""
    if request.status != WaitingRequest.WAITING:
        return None
    ahead = db.session.scalar(select(func.count()).select_from(WaitingRequest).where(
        _in_line_before(request), WaitingRequest.status == WaitingRequest.WAITING))
    return ahead + 1


def find_request(secret: str) -> WaitingRequest | None:
    """The open tenant's request behind this secret link."""
    return db.session.scalar(select(WaitingRequest).where(WaitingRequest.secret == secret))


def requests_of(exhibition_id: int) -> list[WaitingRequest]:
    """Every request of an exhibition, night by night in list order (the staff page)."""
    return list(db.session.scalars(
        select(WaitingRequest).where(WaitingRequest.exhibition_id == exhibition_id)
        .order_by(WaitingRequest.night, WaitingRequest.created_at, WaitingRequest.id)))


def _open_slots(exhibition_id: int, night: date, now: datetime) -> dict[int, int]:
    """Slot id → free places of the night's slots still sold, in time order; columns, not
    objects, so the counts are fresh even when the session holds older copies of the slots."""
    return dict(db.session.execute(
        select(EntrySlot.id, EntrySlot.capacity - EntrySlot.taken)
        .where(EntrySlot.exhibition_id == exhibition_id, EntrySlot.night == night,
               EntrySlot.is_closed.is_(False), EntrySlot.ends_at > now)
        .order_by(EntrySlot.starts_at)).all())


# --- joining -------------------------------------------------------------------------------------

def join_list(tenant: Tenant, exhibition: Exhibition, night: date, persons: int, email: str,
              name: str, locale: str, now: datetime | None = None) -> WaitingRequest:
    """Put a group on the night's waiting list, after everyone already on it."""
    now = now or utcnow()
    if isinstance(persons, bool) or not isinstance(persons, int) or persons < 1:
        raise _fail("persons")
    email = orders.normalize_email(email)
    name = (name or "").strip()
    if not name or len(name) > 160:
        raise DomainError(str(orders.MESSAGES["name"]))
    if exhibition.status not in orders.SELLING:
        raise _fail("not_on_sale", 409)
    slots = db.session.execute(
        select(EntrySlot.capacity, EntrySlot.capacity - EntrySlot.taken)
        .where(EntrySlot.exhibition_id == exhibition.id, EntrySlot.night == night,
               EntrySlot.is_closed.is_(False), EntrySlot.ends_at > now)).all()
    if not slots:
        raise _fail("closed_night", 409)
    largest = max(capacity for capacity, _free in slots)
    if persons > largest:
        raise _fail("too_big", count=persons, most=largest)
    free = max(free for _capacity, free in slots)
    if free >= persons:
        raise _fail("places_free", 409, count=free)
    if db.session.scalar(select(WaitingRequest.id).where(
            WaitingRequest.exhibition_id == exhibition.id, WaitingRequest.night == night,
            WaitingRequest.email == email, WaitingRequest.status.in_(WaitingRequest.ACTIVE))):
        raise _fail("already", 409)
    request = WaitingRequest(
        tenant_id=tenant.id, exhibition_id=exhibition.id, night=night, persons=persons, email=email,
        name=name, locale=locale if locale in LOCALES else tenant.default_locale,
        secret=codes.order_secret(), status=WaitingRequest.WAITING, created_at=now)
    db.session.add(request)
    db.session.flush()
    from festival.waitlist.notify import send_joined

    send_joined(request, tenant)
    return request


# --- offering freed places -----------------------------------------------------------------------

def _take_in_one_slot(free: dict[int, int], persons: int) -> int | None:
    """Hold ``persons`` places in the earliest slot that has them all; the slot's id, or None.

    ``free`` is the caller's running count; a refused take (someone bought meanwhile) re-reads
    the slot, so the count never drifts into offering places that are gone."""
    for slot_id, left in free.items():
        if left < persons:
            continue
        if orders.take_places(slot_id, persons):
            free[slot_id] = left - persons
            return slot_id
        free[slot_id] = db.session.scalar(
            select(EntrySlot.capacity - EntrySlot.taken).where(EntrySlot.id == slot_id)) or 0
    return None


def _mark_offered(request: WaitingRequest, slot_id: int, now: datetime) -> bool:
    """waiting → offered, once: a request withdrawn at the same moment is not offered."""
    table = WaitingRequest.__table__.c
    changed = rows.update_rows(
        WaitingRequest, table.id == request.id, table.status == WaitingRequest.WAITING,
        status=WaitingRequest.OFFERED, slot_id=slot_id, offered_at=now,
        hold_expires_at=now + timedelta(minutes=hold_minutes()))
    db.session.refresh(request)
    return changed == 1


def offer_night(exhibition_id: int, night: date, now: datetime | None = None) -> list[WaitingRequest]:
    """Offer the night's free places to its waiting groups, in order, first that fits (see the
    module's docstring); returns the requests offered now."""
    now = now or utcnow()
    exhibition = db.session.get(Exhibition, exhibition_id)
    if exhibition is None or exhibition.status not in orders.SELLING:
        return []
    lapse_expired_holds(now, exhibition_id, night)
    free = _open_slots(exhibition_id, night, now)
    for slot_id in free:  # unpaid orders past their hold never keep places from the list
        orders.release_expired_holds(now, slot_id=slot_id)
    free = _open_slots(exhibition_id, night, now)
    waiting = db.session.scalars(
        select(WaitingRequest).where(WaitingRequest.exhibition_id == exhibition_id,
                                     WaitingRequest.night == night,
                                     WaitingRequest.status == WaitingRequest.WAITING)
        .order_by(WaitingRequest.created_at, WaitingRequest.id)).all()
    offered = []
    for request in waiting:
        if max(free.values(), default=0) <= 0:
            break
        slot_id = _take_in_one_slot(free, request.persons)
        if slot_id is None:
            continue  # keeps its position; a later, smaller group may fit
        if _mark_offered(request, slot_id, now):
            offered.append(request)
        else:
            orders.return_places(slot_id, request.persons)
    if offered:
        from festival.waitlist.notify import send_offer

        tenant = db.session.get(Tenant, exhibition.tenant_id)
        for request in offered:
            send_offer(request, tenant)
    return offered


def nights_waiting_at(slot_ids: Iterable[int]) -> list[tuple[int, int, date]]:
    """(tenant, exhibition, night) of the given slots whose nights have groups waiting: one
    indexed query, the only cost of freed places when nobody waits."""
    return [tuple(row) for row in db.session.execute(
        select(WaitingRequest.tenant_id, WaitingRequest.exhibition_id, WaitingRequest.night)
        .join(EntrySlot, and_(EntrySlot.exhibition_id == WaitingRequest.exhibition_id,
                              EntrySlot.night == WaitingRequest.night))
        .where(EntrySlot.id.in_(list(slot_ids)), WaitingRequest.status == WaitingRequest.WAITING)
        .distinct()).all()]


def nights_waiting() -> list[tuple[int, int, date]]:
    """(tenant, exhibition, night) of every night with a group waiting (the periodic sweep)."""
    return [tuple(row) for row in db.session.execute(
        select(WaitingRequest.tenant_id, WaitingRequest.exhibition_id, WaitingRequest.night)
        .where(WaitingRequest.status == WaitingRequest.WAITING).distinct()).all()]


# --- holds that lapse, become an order, or are given back ------------------------------------------

def _end(request_id: int, from_status: str, to_status: str, now: datetime, *extra) -> bool:
    """Move a request from one status to another in one conditional UPDATE: of concurrent
    callers (a sweep, the visitor, a purchase) exactly one sees the change."""
    table = WaitingRequest.__table__.c
    return rows.update_rows(WaitingRequest, table.id == request_id, table.status == from_status,
                            *extra, status=to_status, ended_at=now) == 1


def lapse_expired_holds(now: datetime | None = None, exhibition_id: int | None = None,
                        night: date | None = None) -> int:
    """Offers past their hold lapse and give their places back (which passes them on at
    commit); returns how many lapsed."""
    now = now or utcnow()
    query = select(WaitingRequest.id, WaitingRequest.slot_id, WaitingRequest.persons).where(
        WaitingRequest.status == WaitingRequest.OFFERED, WaitingRequest.hold_expires_at <= now)
    if exhibition_id is not None:
        query = query.where(WaitingRequest.exhibition_id == exhibition_id, WaitingRequest.night == night)
    lapsed = 0
    for request_id, slot_id, persons in db.session.execute(query).all():
        if _end(request_id, WaitingRequest.OFFERED, WaitingRequest.LAPSED, now):
            lapsed += 1
            if slot_id is not None:
                orders.return_places(slot_id, persons)
    return lapsed


def lapse_if_due(request: WaitingRequest, now: datetime) -> None:
    """The visitor's page shows a hold past its time as lapsed at once, not at the next sweep."""
    if request.status == WaitingRequest.OFFERED and not request.holds_places(now):
        lapse_expired_holds(now, request.exhibition_id, request.night)
        db.session.refresh(request)


def withdraw(request: WaitingRequest, now: datetime | None = None) -> None:
    """The visitor leaves the list; places held for the group pass to the next request."""
    now = now or utcnow()
    if request.status == WaitingRequest.OFFERED and _end(
            request.id, WaitingRequest.OFFERED, WaitingRequest.WITHDRAWN, now):
        orders.return_places(request.slot_id, request.persons)
    elif not (request.status == WaitingRequest.WAITING and _end(
            request.id, WaitingRequest.WAITING, WaitingRequest.WITHDRAWN, now)):
        raise _fail("nothing_to_withdraw", 409)
    db.session.refresh(request)


def _persons_of(exhibition_id: int, quantities: dict[int, int]) -> int:
    """Persons the chosen tickets admit (unknown types and odd quantities are left to
    ``orders.create_order`` to refuse)."""
    type_ids = [key for key in quantities if isinstance(key, int) and 0 < key < 2**31]
    admits = dict(db.session.execute(select(TicketType.id, TicketType.persons).where(
        TicketType.exhibition_id == exhibition_id, TicketType.id.in_(type_ids))).all())
    return sum(admits.get(type_id, 0) * quantity for type_id, quantity in quantities.items()
               if isinstance(quantity, int) and quantity > 0)


def buy_with_hold(tenant: Tenant, request: WaitingRequest, quantities: dict[int, int],
                  voucher_code: str, payment_method: str, now: datetime | None = None) -> Order:
    """Turn the hold into a normal pending order for tickets of at most the held persons.

    One transaction: the held places go back and the order takes what it needs at once (on
    PostgreSQL the slot's row stays locked by this transaction in between, so nobody else can
    take them); persons not used return to the slot and are offered on at commit."""
    now = now or utcnow()
    lapse_if_due(request, now)
    if request.status == WaitingRequest.LAPSED:
        raise _fail("lapsed", 409)
    persons = _persons_of(request.exhibition_id, quantities)
    if persons > request.persons:  # said before the slot would refuse them as "few left"
        raise _fail("too_many", persons=persons, held=request.persons)
    table = WaitingRequest.__table__.c
    if request.status != WaitingRequest.OFFERED or not _end(
            request.id, WaitingRequest.OFFERED, WaitingRequest.FULFILLED, now,
            table.hold_expires_at > now):
        raise _fail("not_offered", 409)
    held, slot_id = request.persons, request.slot_id
    orders.return_places(slot_id, held)
    order = orders.create_order(tenant, orders.OrderRequest(
        slot_id=slot_id, quantities=quantities, email=request.email, name=request.name,
        locale=request.locale, voucher_code=voucher_code, channel=Order.ONLINE,
        payment_method=payment_method), now=now)
    if order.persons > held:
        raise _fail("too_many", persons=order.persons, held=held)
    db.session.refresh(request)
    request.order_id = order.id
    db.session.flush()
    return order
