"""The ATA carnet of a booking: the customs "passport" that lets the lamp groups enter the
destination country duty-free for the season, provided they leave again in time.

A carnet is valid one year (to the day before its anniversary); the goods must be re-exported by
the earlier of its expiry and 30 days after the last day on site (editable: customs may set
another date). Both parties are reminded 30 and again 7 days before the nearer of the two dates.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from festival.accounts.models import User
from festival.booking import notify
from festival.booking import services as bookings
from festival.booking.models import Booking
from festival.core.db import db, utcnow
from festival.core.errors import DomainError
from festival.shipping.models import AtaCarnet
from festival.shipping.services import SHIPPING_STATUSES, SUPPLIER, SYSTEM, require_shipping

REEXPORT_DAYS = 30
REMINDER_THRESHOLDS = (30, 7)  # days before the deadline; each reminded once
MAX_NUMBER = 40

notify.register_step("carnet_due", _l("Booking %(reference)s: ATA carnet %(number)s falls due"),
                     _l("The lamp groups of the ATA carnet %(number)s must be re-exported by "
                        "%(deadline)s; the carnet expires on %(expiry)s."))


def valid_until(issued_on: date) -> date:
    """One year of validity, to the day before the anniversary (29 February counts to 28)."""
    try:
        anniversary = issued_on.replace(year=issued_on.year + 1)
    except ValueError:  # 29 February
        anniversary = date(issued_on.year + 1, 3, 1)
    return anniversary - timedelta(days=1)


def last_day_on_site(booking: Booking) -> date:
    return max(line.on_site_until for line in booking.lines) - timedelta(days=1)


def default_deadline(booking: Booking, issued_on: date) -> date:
    return min(valid_until(issued_on), last_day_on_site(booking) + timedelta(days=REEXPORT_DAYS))


def carnet_of(booking: Booking) -> AtaCarnet | None:
    return db.session.scalar(select(AtaCarnet).where(AtaCarnet.booking_id == booking.id))


def record_carnet(booking: Booking, number: str, issued_on: date, reexport_deadline: date | None,
                  actor: User | None) -> AtaCarnet:
    """The supplier records (or corrects) the booking's carnet; without a deadline the default
    one is used."""
    require_shipping(booking)
    number = (number or "").strip()
    if not number or len(number) > MAX_NUMBER:
        raise DomainError(str(_l("Enter the carnet's number (at most 40 characters).")))
    if issued_on is None or issued_on > utcnow().date():
        raise DomainError(str(_l("Enter the date the carnet was issued (not in the future).")))
    expiry = valid_until(issued_on)
    deadline = reexport_deadline or default_deadline(booking, issued_on)
    if not issued_on <= deadline <= expiry:
        raise DomainError(str(_l("The re-export deadline must fall within the carnet's validity "
                                 "(%(issued)s to %(expiry)s).", issued=issued_on.isoformat(),
                                 expiry=expiry.isoformat())))
    carnet = carnet_of(booking)
    if carnet is None:
        carnet = AtaCarnet(tenant_id=booking.tenant_id, supplier_id=booking.supplier_id,
                           booking_id=booking.id)
        db.session.add(carnet)
    if (carnet.reexport_deadline, carnet.valid_until) != (deadline, expiry):
        carnet.last_reminded_on = None  # new dates: their reminders are still to come
    carnet.number, carnet.issued_on, carnet.valid_until = number, issued_on, expiry
    carnet.reexport_deadline = deadline
    bookings.record(booking, "carnet_recorded", SUPPLIER, actor, number,
                    {"valid_until": expiry.isoformat(), "reexport_deadline": deadline.isoformat()})
    db.session.flush()
    return carnet


def due_on(carnet: AtaCarnet) -> date:
    """The date that matters: the re-export deadline, or the expiry when it comes first."""
    return min(carnet.reexport_deadline, carnet.valid_until)


def _threshold(days_left: int) -> int | None:
    """The nearest reminder threshold reached ``days_left`` days before the date, if any."""
    reached = [days for days in REMINDER_THRESHOLDS if days_left <= days]
    return min(reached) if reached else None


def remind_carnets(today: date | None = None) -> int:
    """Email both parties of every carnet whose date is 30 (then 7) days away or less, once per
    threshold (a job, in the platform scope). Returns how many carnets were reminded."""
    today = today or utcnow().date()
    horizon = today + timedelta(days=max(REMINDER_THRESHOLDS))
    carnets = db.session.scalars(select(AtaCarnet).join(Booking, Booking.id == AtaCarnet.booking_id).where(
        Booking.status.in_(SHIPPING_STATUSES),
        (AtaCarnet.reexport_deadline <= horizon) | (AtaCarnet.valid_until <= horizon))
        .order_by(AtaCarnet.id))
    reminded = 0
    for carnet in list(carnets):
        due = due_on(carnet)
        threshold = _threshold((due - today).days)
        already = carnet.last_reminded_on is not None and (due - carnet.last_reminded_on).days <= threshold \
            if threshold is not None else True
        if already:
            continue
        booking = db.session.get(Booking, carnet.booking_id)
        carnet.last_reminded_on = today
        bookings.record(booking, "carnet_reminded", SYSTEM, None, carnet.number,
                        {"due_on": due.isoformat(), "threshold": threshold})
        notify.tell_other_party(booking, SYSTEM, "carnet_due", number=carnet.number,
                                deadline=carnet.reexport_deadline.isoformat(),
                                expiry=carnet.valid_until.isoformat())
        reminded += 1
    db.session.flush()
    return reminded
