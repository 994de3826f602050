"""The rules of a booking's life: requested by a tenant, accepted, declined or countered by the
supplier, a counter accepted or rejected by the tenant, cancelled by either with a reason,
expired when unanswered; then contracted, paid, shipped, on site, returned and closed.

Each step is one transaction (the caller commits), writes its event, moves the occupancy
windows and tells the other party by email. Callable without a request.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from festival.accounts.models import User
from festival.booking import availability, notify, pricing
from festival.booking.availability import Place
from festival.booking.models import Booking, BookingEvent, BookingLine, BookingServiceLine, OccupancyWindow
from festival.catalog.browse import read_catalog
from festival.catalog.models import LampGroup, ServiceOffering
from festival.core.db import db, utcnow
from festival.core.errors import DomainError, NotFound
from festival.exhibitions.models import Exhibition
from festival.suppliers.models import Supplier
from festival.tenants.models import Tenant
from festival.transit import services as transit

TENANT, SUPPLIER, SYSTEM = notify.TENANT, notify.SUPPLIER, "system"
# A request nobody answers releases its lamp groups after this many days.
REQUEST_EXPIRY_DAYS = 14
MAX_REASON = 2000
_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

# Where each step may go next, and who may take it.
ADVANCES = {
    Booking.ACCEPTED: (Booking.CONTRACTED,),
    Booking.CONTRACTED: (Booking.DEPOSIT_PAID, Booking.IN_TRANSIT),
    Booking.DEPOSIT_PAID: (Booking.IN_TRANSIT,),
    Booking.IN_TRANSIT: (Booking.ON_SITE,),
    Booking.ON_SITE: (Booking.RETURNED,),
    Booking.RETURNED: (Booking.CLOSED,),
}
CANCELLABLE = frozenset({Booking.REQUESTED, Booking.COUNTERED, Booking.ACCEPTED, Booking.CONTRACTED,
                         Booking.DEPOSIT_PAID})


@dataclass
class BookingRequest:
    """What a venue partner asks a supplier for."""

    lamp_group_ids: list[int]
    services: list[tuple[int, int]] = field(default_factory=list)  # (service offering id, quantity)
    mode: str = "sea"
    message: str = ""


@dataclass
class CounterOffer:
    """A supplier's other terms: weekly prices and dates per lamp group line, service prices."""

    weekly_prices: dict[int, Decimal] = field(default_factory=dict)  # booking line id -> price
    dates: dict[int, tuple[date, date]] = field(default_factory=dict)  # line id -> arrival, end
    service_prices: dict[int, Decimal] = field(default_factory=dict)  # service line id -> price
    message: str = ""


def parse_money(text: str) -> Decimal:
    """A price typed by a person: a non-negative amount with at most two decimals."""
    try:
        amount = Decimal(str(text).strip().replace(",", "."))
    except InvalidOperation:
        raise DomainError(str(_l("Enter an amount such as 1200 or 1200.50."))) from None
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")) \
            or amount >= Decimal("10") ** 10:
        raise DomainError(str(_l("Enter an amount such as 1200 or 1200.50.")))
    return amount


def _reason(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError(str(_l("Give a reason.")))
    if len(text) > MAX_REASON:
        raise DomainError(str(_l("The reason is too long (at most 2000 characters).")))
    return text


def destination_of(tenant: Tenant) -> Place:
    return Place(tenant.city, tenant.country, transit.region_of_tenant(tenant).code)


def _new_reference() -> str:
    return "LB-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(6))


def record(booking: Booking, kind: str, side: str, actor: User | None, message: str = "",
           data: dict | None = None) -> BookingEvent:
    event = BookingEvent(booking=booking, tenant_id=booking.tenant_id, supplier_id=booking.supplier_id,
                         kind=kind, side=side, actor_id=actor.id if actor else None,
                         message=message, data=data or {})
    db.session.add(event)
    return event


# --- reading ---------------------------------------------------------------------------------------

def get_booking(booking_id: int) -> Booking:
    """A booking of the open scope's party; another party's id is not found."""
    booking = db.session.get(Booking, booking_id)
    if booking is None:
        raise NotFound(str(_l("There is no such booking.")))
    return booking


def list_bookings(status: str | None = None, exhibition_id: int | None = None) -> list[Booking]:
    query = select(Booking).order_by(Booking.created_at.desc(), Booking.id.desc())
    if status:
        query = query.where(Booking.status == status)
    if exhibition_id:
        query = query.where(Booking.exhibition_id == exhibition_id)
    return list(db.session.scalars(query))


def lamp_groups_by_id(ids: list[int]) -> dict[int, LampGroup]:
    """The lamp groups of a booking, with their certifications, from any party's scope."""
    from sqlalchemy.orm import selectinload

    with read_catalog():
        return {lamp_group.id: lamp_group for lamp_group in db.session.scalars(
            select(LampGroup).where(LampGroup.id.in_(ids))
            .options(selectinload(LampGroup.certifications)))}


# --- quoting and requesting ---------------------------------------------------------------------------

def _check_season(exhibition: Exhibition, today: date) -> None:
    if exhibition.season_start <= today:
        raise DomainError(str(_l("This exhibition has already opened: lamp groups are booked for "
                                 "seasons still to come.")))


def build_quote(tenant: Tenant, exhibition: Exhibition, supplier: Supplier, wanted: BookingRequest,
                today: date, locale: str | None = None) -> tuple[pricing.Quote, list[availability.Plan]]:
    """The price and the windows of ``wanted``; raises with a clear message what cannot be had."""
    if not wanted.lamp_group_ids:
        raise DomainError(str(_l("Choose at least one lamp group.")))
    if len(set(wanted.lamp_group_ids)) != len(wanted.lamp_group_ids):
        raise DomainError(str(_l("Each lamp group can be in a request only once.")))
    transit.check_mode(wanted.mode)
    _check_season(exhibition, today)
    to = destination_of(tenant)
    found = lamp_groups_by_id(wanted.lamp_group_ids)
    if set(found) != set(wanted.lamp_group_ids) or any(
            group.supplier_id != supplier.id for group in found.values()):
        raise NotFound(str(_l("This lamp group is not in the supplier's catalog.")))
    quote = pricing.Quote(currency=supplier.currency, mode=wanted.mode)
    plans = []
    for lamp_group_id in wanted.lamp_group_ids:
        group = found[lamp_group_id]
        arrives_on, until = availability.on_site_dates(group, exhibition.season_start, exhibition.season_end)
        plan = availability.plan_window(group, arrives_on, until, to, wanted.mode, today, locale=locale)
        plans.append(plan)
        quote.lines.append(pricing.QuoteLine(
            group, group.weekly_price, pricing.weeks_on_site(group.min_rental_weeks, arrives_on, until),
            arrives_on, until, plan.starts_on, plan.origin.city, plan.transit_days, plan.freight_usd))
    quote.services = _quote_services(supplier, exhibition, wanted.services)
    return pricing.with_display_rates(quote, tenant.currency, today), plans


def _quote_services(supplier: Supplier, exhibition: Exhibition,
                    wanted: list[tuple[int, int]]) -> list[pricing.QuoteService]:
    if not wanted:
        return []
    ids = [service_id for service_id, _ in wanted]
    if len(set(ids)) != len(ids):
        raise DomainError(str(_l("Each service can be in a request only once.")))
    with read_catalog():
        services = {service.id: service for service in db.session.scalars(
            select(ServiceOffering).where(ServiceOffering.id.in_(ids)))}
    lines = []
    for service_id, quantity in wanted:
        service = services.get(service_id)
        if service is None or service.supplier_id != supplier.id or not service.active:
            raise NotFound(str(_l("This service is not in the supplier's catalog.")))
        if not 0 < quantity <= 1000:
            raise DomainError(str(_l("Enter a quantity from 1 to 1000.")))
        lines.append(pricing.QuoteService(service, quantity))
    return lines


def compliance_issues_of(lamp_groups: list[LampGroup], country: str, season_end: date) -> list[dict]:
    """Certifications the destination country requires that a lamp group lacks, or that expire
    before the exhibition closes."""
    from festival.transit.compliance import compliance_issues

    issues = []
    for group in lamp_groups:
        held = [(certificate.kind, certificate.expires_on) for certificate in group.certifications]
        issues += [{**issue, "lamp_group": group.code}
                   for issue in compliance_issues(held, country, season_end)]
    return issues


def request_booking(tenant: Tenant, exhibition: Exhibition, supplier_id: int, wanted: BookingRequest,
                    actor: User | None, today: date | None = None) -> Booking:
    """Send a booking request: its lamp groups hold their windows from now on."""
    today = today or utcnow().date()
    supplier = db.session.get(Supplier, supplier_id)
    if supplier is None or not supplier.is_active:
        raise NotFound(str(_l("There is no such supplier.")))
    if len(wanted.message) > MAX_REASON:
        raise DomainError(str(_l("The message is too long (at most 2000 characters).")))
    availability.lock_lamp_groups(wanted.lamp_group_ids)
    quote, plans = build_quote(tenant, exhibition, supplier, wanted, today)
    to = plans[0].to
    booking = Booking(
        tenant_id=tenant.id, supplier_id=supplier.id, exhibition_id=exhibition.id,
        reference=_new_reference(), status=Booking.REQUESTED, transport_mode=wanted.mode,
        currency=supplier.currency,
        exhibition_title=exhibition.title(tenant.default_locale, tenant.default_locale),
        venue_name=exhibition.venue_name, destination_city=to.city, destination_country=to.country,
        destination_region=to.region, season_start=exhibition.season_start,
        season_end=exhibition.season_end, freight_estimate_usd=quote.freight_usd,
        message=wanted.message.strip(), created_by_id=actor.id if actor else None,
        requested_at=utcnow(),
        compliance_issues=compliance_issues_of([line.lamp_group for line in quote.lines],
                                               to.country, exhibition.season_end))
    db.session.add(booking)
    db.session.flush()
    for line, plan in zip(quote.lines, plans, strict=True):
        window = availability.hold_window(plan, booking.reference)
        booking.lines.append(BookingLine(
            tenant_id=tenant.id, supplier_id=supplier.id, lamp_group_id=line.lamp_group.id,
            lamp_group_code=line.lamp_group.code, lamp_group_names=dict(line.lamp_group.names),
            ip_record_number=line.lamp_group.ip_record_number,
            containers_teu=line.lamp_group.containers_teu, weekly_price=line.weekly_price,
            weeks=line.weeks, arrives_on=line.arrives_on, on_site_until=line.on_site_until,
            window_id=window.id))
    for item in quote.services:
        booking.services.append(BookingServiceLine(
            tenant_id=tenant.id, supplier_id=supplier.id, service_offering_id=item.service.id,
            kind=item.service.kind, names=dict(item.service.names), unit=item.service.unit,
            quantity=item.quantity, unit_price=item.service.price))
    record(booking, "requested", TENANT, actor, booking.message)
    db.session.flush()
    notify.tell_other_party(booking, TENANT, "requested", booking.message)
    return booking


# --- answering --------------------------------------------------------------------------------------

def _require(booking: Booking, *statuses: str) -> None:
    if booking.status not in statuses:
        raise DomainError(str(_l("This booking cannot take that step now (it is %(status)s).",
                                 status=status_label(booking.status))), 409)


def _release_windows(booking: Booking) -> None:
    windows = [db.session.get(OccupancyWindow, line.window_id) for line in booking.lines if line.window_id]
    groups = lamp_groups_by_id([window.lamp_group_id for window in windows if window])
    availability.lock_lamp_groups(list(groups))
    for window in windows:
        if window is not None and window.active:
            availability.release_window(window, groups[window.lamp_group_id])


def _step(booking: Booking, origin: str, status: str, kind: str, side: str, actor: User | None,
          reason: str | None = None) -> None:
    """An answer: from ``origin`` to ``status``, recorded and told to the other party; a refusal
    (with ``reason``) frees the lamp groups."""
    if reason is not None:
        reason = _reason(reason)
    _require(booking, origin)
    booking.status = status
    if reason is not None:
        booking.decline_reason = reason
        _release_windows(booking)
    record(booking, kind, side, actor, reason or "")
    notify.tell_other_party(booking, side, kind, reason or "")


def accept(booking: Booking, actor: User | None) -> None:
    """The supplier accepts the request as it stands."""
    _step(booking, Booking.REQUESTED, Booking.ACCEPTED, "accepted", SUPPLIER, actor)


def decline(booking: Booking, reason: str, actor: User | None) -> None:
    """The supplier declines with a reason; the lamp groups are free again."""
    _step(booking, Booking.REQUESTED, Booking.DECLINED, "declined", SUPPLIER, actor, reason)


def counter(booking: Booking, offer: CounterOffer, actor: User | None, today: date | None = None) -> None:
    """The supplier proposes other prices or dates; the countered dates hold the windows."""
    today = today or utcnow().date()
    _require(booking, Booking.REQUESTED)
    if len(offer.message) > MAX_REASON:
        raise DomainError(str(_l("The message is too long (at most 2000 characters).")))
    lines = {line.id: line for line in booking.lines}
    services = {line.id: line for line in booking.services}
    if not (set(offer.weekly_prices) | set(offer.dates) <= set(lines)
            and set(offer.service_prices) <= set(services)):
        raise NotFound(str(_l("There is no such line in this booking.")))
    changes = []
    groups = lamp_groups_by_id([line.lamp_group_id for line in booking.lines])
    availability.lock_lamp_groups(list(groups))
    to = Place(booking.destination_city, booking.destination_country, booking.destination_region)
    for line_id, (arrives_on, until) in offer.dates.items():
        line = lines[line_id]
        if (arrives_on, until) == (line.arrives_on, line.on_site_until):
            continue
        if until <= arrives_on:
            raise DomainError(str(_l("The end must come after the start.")))
        if arrives_on > booking.season_start or until <= booking.season_end:
            raise DomainError(str(_l("A lamp group must be on site from before opening night until "
                                     "after the last night.")))
        group = groups[line.lamp_group_id]
        window = db.session.get(OccupancyWindow, line.window_id)
        plan = availability.plan_window(group, arrives_on, until, to, booking.transport_mode, today,
                                        excluding=frozenset({window.id}))
        availability.hold_window(plan, booking.reference, window)
        changes.append({"line": line.lamp_group_code, "dates": [
            line.arrives_on.isoformat(), line.on_site_until.isoformat(), arrives_on.isoformat(),
            until.isoformat()]})
        line.arrives_on, line.on_site_until = arrives_on, until
        line.weeks = pricing.weeks_on_site(group.min_rental_weeks, arrives_on, until)
    for line_id, price in offer.weekly_prices.items():
        line = lines[line_id]
        if price < 0:
            raise DomainError(str(_l("Prices cannot be negative.")))
        if price != line.weekly_price:
            changes.append({"line": line.lamp_group_code,
                            "weekly_price": [str(line.weekly_price), str(price)]})
            line.weekly_price = price
    for line_id, price in offer.service_prices.items():
        line = services[line_id]
        if price < 0:
            raise DomainError(str(_l("Prices cannot be negative.")))
        if price != line.unit_price:
            changes.append({"service": line.id, "unit_price": [str(line.unit_price), str(price)]})
            line.unit_price = price
    if not changes:
        raise DomainError(str(_l("A counter-offer changes a price or a date.")))
    booking.status = Booking.COUNTERED
    record(booking, "countered", SUPPLIER, actor, offer.message.strip(), {"changes": changes})
    notify.tell_other_party(booking, SUPPLIER, "countered", offer.message.strip())


def accept_counter(booking: Booking, actor: User | None) -> None:
    _step(booking, Booking.COUNTERED, Booking.ACCEPTED, "counter_accepted", TENANT, actor)


def reject_counter(booking: Booking, reason: str, actor: User | None) -> None:
    _step(booking, Booking.COUNTERED, Booking.DECLINED, "counter_rejected", TENANT, actor, reason)


def cancel(booking: Booking, side: str, reason: str, actor: User | None) -> None:
    """Either party cancels with a reason, before the lamp groups leave; the windows are freed."""
    reason = _reason(reason)
    _require(booking, *CANCELLABLE)
    booking.status = Booking.CANCELLED
    booking.cancel_reason = reason
    booking.cancelled_by = side
    _release_windows(booking)
    record(booking, "cancelled", side, actor, reason)
    notify.tell_other_party(booking, side, "cancelled", reason)


def advance(booking: Booking, status: str, side: str, actor: User | None, message: str = "") -> None:
    """Move a contracted booking along (contract, payment, shipment, return, close)."""
    if status not in ADVANCES.get(booking.status, ()):
        _require(booking, *[origin for origin, nexts in ADVANCES.items() if status in nexts])
    booking.status = status
    record(booking, status, side, actor, message)


def expire_requests(now: datetime | None = None) -> int:
    """Requests unanswered for REQUEST_EXPIRY_DAYS expire and free their lamp groups (a job, in
    the platform scope). Returns how many expired."""
    now = now or utcnow()
    stale = list(db.session.scalars(select(Booking).where(
        Booking.status == Booking.REQUESTED,
        Booking.requested_at < now - timedelta(days=REQUEST_EXPIRY_DAYS)).order_by(Booking.id)))
    for booking in stale:
        booking.status = Booking.EXPIRED
        _release_windows(booking)
        record(booking, "expired", SYSTEM, None)
        notify.tell_other_party(booking, SYSTEM, "expired")
    db.session.flush()
    return len(stale)


STATUS_LABELS = {
    Booking.DRAFT: _l("draft"), Booking.REQUESTED: _l("requested"), Booking.COUNTERED: _l("countered"),
    Booking.ACCEPTED: _l("accepted"), Booking.DECLINED: _l("declined"),
    Booking.CONTRACTED: _l("contracted"), Booking.DEPOSIT_PAID: _l("deposit paid"),
    Booking.IN_TRANSIT: _l("in transit"), Booking.ON_SITE: _l("on site"),
    Booking.RETURNED: _l("returned"), Booking.CLOSED: _l("closed"), Booking.CANCELLED: _l("cancelled"),
    Booking.EXPIRED: _l("expired"),
}


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))
