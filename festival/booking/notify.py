"""Telling the other party of a booking what just happened, by email, in each person's language.

Each step names its subject and its sentence here (``STEPS``); contracts and shipping add theirs
with ``register_step``. The recipients are the other party's people who handle bookings; their
addresses are read in the named, read-only "booking.parties" scope (a tenant's request cannot
otherwise see a supplier's team, nor the reverse).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from festival.accounts.models import SupplierMember, TenantMember, User
from festival.booking.models import Booking
from festival.core.db import db
from festival.core.mail import compose_mail, queue_mail
from festival.core.scope import read_only_scope
from festival.core.urls import external_url
from festival.suppliers.models import Supplier
from festival.tenants.models import Tenant

TENANT = "tenant"
SUPPLIER = "supplier"
RECIPIENT_ROLES = {TENANT: ("owner", "manager"), SUPPLIER: ("owner", "staff")}


@dataclass(frozen=True)
class Step:
    subject: LazyString  # may use %(reference)s
    sentence: LazyString  # may use %(reference)s, %(other)s (who acted), %(message)s and extras


STEPS: dict[str, Step] = {
    "requested": Step(_l("New booking request %(reference)s"),
                      _l("%(other)s asks you to book lamp groups for %(exhibition)s.")),
    "accepted": Step(_l("Booking %(reference)s accepted"),
                     _l("%(other)s accepted your booking request.")),
    "declined": Step(_l("Booking %(reference)s declined"),
                     _l("%(other)s declined your booking request. Reason: %(message)s")),
    "countered": Step(_l("Counter-offer on booking %(reference)s"),
                      _l("%(other)s proposes other terms for your booking request. Please accept "
                         "or reject the counter-offer.")),
    "counter_accepted": Step(_l("Counter-offer on booking %(reference)s accepted"),
                             _l("%(other)s accepted your counter-offer.")),
    "counter_rejected": Step(_l("Counter-offer on booking %(reference)s rejected"),
                             _l("%(other)s rejected your counter-offer. Reason: %(message)s")),
    "cancelled": Step(_l("Booking %(reference)s cancelled"),
                      _l("%(other)s cancelled the booking. Reason: %(message)s")),
    "expired": Step(_l("Booking request %(reference)s expired"),
                    _l("The booking request was not answered in time and has expired.")),
}


def register_step(kind: str, subject: LazyString, sentence: LazyString) -> None:
    """Another domain's step (a contract to confirm, a shipment milestone…)."""
    STEPS[kind] = Step(subject, sentence)


def other_side(side: str) -> str:
    return SUPPLIER if side == TENANT else TENANT


def _people(booking: Booking, side: str) -> list[User]:
    member = TenantMember if side == TENANT else SupplierMember
    owner = (member.tenant_id == booking.tenant_id if side == TENANT
             else member.supplier_id == booking.supplier_id)
    with read_only_scope("booking.parties"):
        return list(db.session.scalars(
            select(User).join(member, member.user_id == User.id)
            .where(owner, member.role.in_(RECIPIENT_ROLES[side]), User.active.is_(True))
            .order_by(User.id)))


def booking_link(booking: Booking, side: str) -> str:
    """The booking's page in ``side``'s portal, as a full address (also from a job)."""
    if side == TENANT:
        endpoint, values = "tenant_portal.booking_detail", {
            "tenant_slug": db.session.get(Tenant, booking.tenant_id).slug}
    else:
        endpoint, values = "supplier_portal.booking_detail", {
            "supplier_slug": db.session.get(Supplier, booking.supplier_id).slug}
    return external_url(endpoint, booking_id=booking.id, **values)


def tell_other_party(booking: Booking, acting_side: str, kind: str, message: str = "",
                     **extra: str) -> int:
    """Queue the email of step ``kind`` to the party that did not act; returns how many.
    ``acting_side`` "system" (an expiry, a reminder) tells both parties."""
    sides = [TENANT, SUPPLIER] if acting_side == "system" else [other_side(acting_side)]
    tenant = db.session.get(Tenant, booking.tenant_id)
    supplier = db.session.get(Supplier, booking.supplier_id)
    sent = 0
    for side in sides:
        people = _people(booking, side)
        link = booking_link(booking, side) if people else ""
        default = tenant.default_locale if side == TENANT else supplier.default_locale
        for person in people:
            locale = person.locale or default
            actor = supplier.display_name(locale) if side == TENANT else tenant.display_name(locale)
            queue_mail(compose_mail(
                person.email, "booking_step", locale, step=STEPS[kind], booking=booking,
                person_name=person.display_name,
                values={"reference": booking.reference, "other": actor, "message": message,
                        "exhibition": booking.exhibition_title, **extra},
                link=link))
            sent += 1
    return sent
