"""The rules of getting a booking's lamp groups to the venue: the supplier's shipment legs, the
milestones both parties record on one timeline, the "at risk" flag when an ETA leaves no time for
setup, and the shipment's documents (certificate of origin, IP records, bills of lading…).

Shipping starts once the booking is contracted. Each function flushes; the caller commits.
Callable without a request: the acting person and side are arguments.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from festival.accounts.models import User
from festival.booking import notify
from festival.booking import services as bookings
from festival.booking.models import Booking
from festival.core.db import db, utcnow
from festival.core.errors import DomainError, NotFound
from festival.core.storage import IMAGE_SIGNATURES, read_file, save_file
from festival.shipping.models import MILESTONES, ShipmentDocument, ShipmentLeg, ShipmentMilestone
from festival.transit.services import mode_codes

TENANT, SUPPLIER, SYSTEM = notify.TENANT, notify.SUPPLIER, "system"
# A booking ships from its contract until its lamp groups are on site.
SHIPPING_STATUSES = frozenset({Booking.CONTRACTED, Booking.DEPOSIT_PAID, Booking.IN_TRANSIT,
                               Booking.ON_SITE})
# At the venue, the tenant's people see these happen; the supplier records every milestone.
TENANT_MILESTONES = frozenset({"on_site", "assembled"})
MAX_PORT, MAX_CONTAINER_NUMBERS, MAX_NOTE, MAX_TITLE, MAX_NUMBER = 120, 400, 2000, 200, 80
MAX_CONTAINERS = 500
MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
DOCUMENT_SIGNATURES = {b"%PDF-": ("pdf", "application/pdf"), **IMAGE_SIGNATURES}

MILESTONE_LABELS = {
    "packed": _l("Packed"), "container_sealed": _l("Container sealed"), "departed": _l("Departed"),
    "arrived_at_port": _l("Arrived at port"), "customs_cleared": _l("Customs cleared"),
    "on_site": _l("On site"), "assembled": _l("Assembled"),
}
LEG_STATUS_LABELS = {ShipmentLeg.PLANNED: _l("planned"), ShipmentLeg.DEPARTED: _l("departed"),
                     ShipmentLeg.ARRIVED: _l("arrived")}
DOCUMENT_KIND_LABELS = {
    ShipmentDocument.CERTIFICATE_OF_ORIGIN: _l("Certificate of origin"),
    "ip_record": _l("Customs IP record"), "bill_of_lading": _l("Bill of lading"),
    "insurance": _l("Insurance certificate"), "other": _l("Other document"),
}
DOCUMENT_STATUS_LABELS = {ShipmentDocument.REQUESTED: _l("requested"),
                          ShipmentDocument.ISSUED: _l("issued"),
                          ShipmentDocument.ATTACHED: _l("attached")}

# The other party hears of every milestone, each in its own words (and its reader's language).
MILESTONE_STEPS = {
    "packed": (_l("Booking %(reference)s: lamp groups packed"),
               _l("%(other)s has packed the lamp groups for shipping.")),
    "container_sealed": (_l("Booking %(reference)s: container sealed"),
                         _l("%(other)s has sealed the shipment's container.")),
    "departed": (_l("Booking %(reference)s: shipment departed"),
                 _l("%(other)s reports that the shipment has departed.")),
    "arrived_at_port": (_l("Booking %(reference)s: shipment arrived at port"),
                        _l("%(other)s reports that the shipment has arrived at the port.")),
    "customs_cleared": (_l("Booking %(reference)s: customs cleared"),
                        _l("%(other)s reports that the shipment has cleared customs.")),
    "on_site": (_l("Booking %(reference)s: lamp groups on site"),
                _l("%(other)s reports that the lamp groups have arrived at the venue.")),
    "assembled": (_l("Booking %(reference)s: lamp groups assembled"),
                  _l("%(other)s reports that the lamp groups are assembled at the venue.")),
}
for _kind, (_subject, _sentence) in MILESTONE_STEPS.items():
    notify.register_step(f"milestone_{_kind}", _subject, _sentence)
notify.register_step("at_risk", _l("Booking %(reference)s is at risk"),
                     _l("The shipment's latest arrival (%(eta)s) leaves too little time to set up "
                        "the lamp groups before opening night (%(opening)s)."))
notify.register_step("certificate_requested", _l("Booking %(reference)s: certificate of origin requested"),
                     _l("%(other)s asks for a certificate of origin for the shipment."))
notify.register_step("certificate_issued", _l("Booking %(reference)s: certificate of origin issued"),
                     _l("%(other)s recorded the certificate of origin no. %(number)s."))
notify.register_step("document_attached", _l("Booking %(reference)s: new shipping document"),
                     _l("%(other)s attached a shipping document: %(title)s."))


def label(labels: dict, value: str) -> str:
    return str(labels.get(value, value))


def require_shipping(booking: Booking) -> None:
    """Refuse shipping work before the contract (and after the lamp groups are on site and back)."""
    if booking.status not in SHIPPING_STATUSES:
        raise DomainError(str(_l("Shipping starts once the booking is contracted (it is %(status)s).",
                                 status=bookings.status_label(booking.status))), 409)


# --- legs ------------------------------------------------------------------------------------------

@dataclass
class LegPlan:
    """One leg of the journey as the supplier plans it."""

    mode: str
    origin_port: str
    destination_port: str
    containers: int
    etd: date
    eta: date
    container_numbers: str = ""
    status: str = ShipmentLeg.PLANNED


def _checked(plan: LegPlan) -> LegPlan:
    if plan.mode not in mode_codes():
        raise DomainError(str(_l("Choose one of the transport modes offered.")))
    origin, destination = (plan.origin_port or "").strip(), (plan.destination_port or "").strip()
    if not origin or not destination:
        raise DomainError(str(_l("Name the port of departure and the port of arrival.")))
    if len(origin) > MAX_PORT or len(destination) > MAX_PORT:
        raise DomainError(str(_l("A port name has at most 120 characters.")))
    if plan.containers is None or not 0 <= plan.containers <= MAX_CONTAINERS:
        raise DomainError(str(_l("Enter a number of containers between 0 and 500.")))
    if len(plan.container_numbers or "") > MAX_CONTAINER_NUMBERS:
        raise DomainError(str(_l("The container numbers are too long (at most 400 characters).")))
    if plan.etd is None or plan.eta is None:
        raise DomainError(str(_l("Enter the departure and arrival dates.")))
    if plan.etd > plan.eta:
        raise DomainError(str(_l("The arrival (ETA) cannot come before the departure (ETD).")))
    if plan.status not in ShipmentLeg.STATUSES:
        raise DomainError(str(_l("Choose one of the statuses offered.")))
    return LegPlan(plan.mode, origin, destination, plan.containers, plan.etd, plan.eta,
                   (plan.container_numbers or "").strip(), plan.status)


def legs_of(booking: Booking) -> list[ShipmentLeg]:
    return list(db.session.scalars(select(ShipmentLeg).where(ShipmentLeg.booking_id == booking.id)
                                   .order_by(ShipmentLeg.sequence, ShipmentLeg.id)))


def get_leg(leg_id: int) -> ShipmentLeg:
    """A leg of the open scope's party; another party's id is not found."""
    leg = db.session.get(ShipmentLeg, leg_id)
    if leg is None:
        raise NotFound(str(_l("There is no such shipment leg.")))
    return leg


def plan_leg(booking: Booking, plan: LegPlan, actor: User | None) -> ShipmentLeg:
    """The supplier adds the next leg of the journey."""
    require_shipping(booking)
    plan = _checked(plan)
    legs = legs_of(booking)
    leg = ShipmentLeg(tenant_id=booking.tenant_id, supplier_id=booking.supplier_id,
                      booking_id=booking.id, sequence=(legs[-1].sequence + 1) if legs else 1)
    _apply(leg, plan)
    db.session.add(leg)
    bookings.record(booking, "leg_planned", SUPPLIER, actor, f"{plan.origin_port} → {plan.destination_port}")
    db.session.flush()
    check_at_risk(booking)
    return leg


def edit_leg(booking: Booking, leg: ShipmentLeg, plan: LegPlan, actor: User | None) -> None:
    """The supplier changes a leg: dates, containers, its status (planned, departed, arrived)."""
    require_shipping(booking)
    plan = _checked(plan)
    eta_changed = plan.eta != leg.eta
    _apply(leg, plan)
    bookings.record(booking, "leg_changed", SUPPLIER, actor, f"{plan.origin_port} → {plan.destination_port}")
    db.session.flush()
    if eta_changed:
        check_at_risk(booking)


def _apply(leg: ShipmentLeg, plan: LegPlan) -> None:
    leg.mode, leg.origin_port, leg.destination_port = plan.mode, plan.origin_port, plan.destination_port
    leg.containers, leg.container_numbers = plan.containers, plan.container_numbers
    leg.etd, leg.eta, leg.status = plan.etd, plan.eta, plan.status


# --- at risk ---------------------------------------------------------------------------------------

def ready_on(booking: Booking) -> date | None:
    """When the lamp groups can be set up at the earliest: the last leg's ETA plus the longest
    setup of the booking's lamp groups; None without legs."""
    legs = legs_of(booking)
    if not legs:
        return None
    groups = bookings.lamp_groups_by_id([line.lamp_group_id for line in booking.lines])
    setup = max((group.setup_days for group in groups.values()), default=0)
    return legs[-1].eta + timedelta(days=setup)


def check_at_risk(booking: Booking) -> bool:
    """Flag (or clear) the booking as at risk; flagging emails both parties. Returns the flag."""
    ready = ready_on(booking)
    at_risk = ready is not None and ready > booking.season_start
    if at_risk == booking.at_risk:
        return at_risk
    booking.at_risk = at_risk
    eta = legs_of(booking)[-1].eta.isoformat() if at_risk else ""
    bookings.record(booking, "at_risk" if at_risk else "at_risk_cleared", SYSTEM, None,
                    data={"ready_on": ready.isoformat() if ready else None})
    if at_risk:
        notify.tell_other_party(booking, SYSTEM, "at_risk", eta=eta,
                                opening=booking.season_start.isoformat())
    return at_risk


# --- milestones ------------------------------------------------------------------------------------

def milestones_of(booking: Booking) -> list[ShipmentMilestone]:
    return list(db.session.scalars(select(ShipmentMilestone).where(
        ShipmentMilestone.booking_id == booking.id).order_by(ShipmentMilestone.happened_at)))


def milestone_kinds(side: str) -> tuple[str, ...]:
    """The milestones ``side`` may record, in the journey's order."""
    return MILESTONES if side == SUPPLIER else tuple(k for k in MILESTONES if k in TENANT_MILESTONES)


def record_milestone(booking: Booking, kind: str, happened_at: datetime, note: str, side: str,
                     actor: User | None) -> ShipmentMilestone:
    """A step of the journey, recorded once; departure puts the booking in transit and arrival on
    site puts it on site. The other party is told by email."""
    require_shipping(booking)
    if kind not in milestone_kinds(side):
        raise DomainError(str(_l("Choose one of the milestones offered.")))
    if happened_at.tzinfo is None or happened_at > utcnow() + timedelta(days=1):
        raise DomainError(str(_l("A milestone is recorded once it has happened: check the date.")))
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise DomainError(str(_l("The note is too long (at most 2000 characters).")))
    if any(milestone.kind == kind for milestone in milestones_of(booking)):
        raise DomainError(str(_l("“%(milestone)s” is already recorded for this shipment.",
                                 milestone=label(MILESTONE_LABELS, kind))), 409)
    milestone = ShipmentMilestone(tenant_id=booking.tenant_id, supplier_id=booking.supplier_id,
                                  booking_id=booking.id, kind=kind, happened_at=happened_at, note=note,
                                  side=side, recorded_by_id=actor.id if actor else None)
    db.session.add(milestone)
    bookings.record(booking, f"milestone_{kind}", side, actor, note)
    _advance_for(booking, kind, side, actor)
    db.session.flush()
    notify.tell_other_party(booking, side, f"milestone_{kind}", note)
    return milestone


def _advance_for(booking: Booking, kind: str, side: str, actor: User | None) -> None:
    """Departure means in transit; on site means the journey is over (so it was in transit)."""
    if kind in ("departed", "on_site") and booking.status in (Booking.CONTRACTED, Booking.DEPOSIT_PAID):
        bookings.advance(booking, Booking.IN_TRANSIT, side, actor)
    if kind == "on_site" and booking.status == Booking.IN_TRANSIT:
        bookings.advance(booking, Booking.ON_SITE, side, actor)


@dataclass(frozen=True)
class TimelineEntry:
    """One line of the shipment's timeline: a leg's departure or arrival, or a milestone."""

    on: date
    at: datetime | None  # milestones have a time; legs a date only
    what: str
    detail: str
    side: str  # "tenant", "supplier"
    done: bool  # happened (a milestone, a departed or arrived leg) or only planned


def timeline(booking: Booking) -> list[TimelineEntry]:
    """Legs (ETD, ETA) and milestones merged in date order: what both parties see."""
    entries = []
    for leg in legs_of(booking):
        route = f"{leg.origin_port} → {leg.destination_port}"
        departs = str(_l("Departure (ETD) from %(port)s", port=leg.origin_port))
        arrives = str(_l("Arrival (ETA) at %(port)s", port=leg.destination_port))
        entries += [TimelineEntry(leg.etd, None, departs, route, SUPPLIER, leg.status != ShipmentLeg.PLANNED),
                    TimelineEntry(leg.eta, None, arrives, route, SUPPLIER, leg.status == ShipmentLeg.ARRIVED)]
    for milestone in milestones_of(booking):
        entries.append(TimelineEntry(milestone.happened_at.date(), milestone.happened_at,
                                     label(MILESTONE_LABELS, milestone.kind), milestone.note,
                                     milestone.side, True))
    return sorted(entries, key=lambda entry: (entry.on, entry.at is None, entry.at or datetime.min))


# --- documents -------------------------------------------------------------------------------------

def documents_of(booking: Booking) -> list[ShipmentDocument]:
    return list(db.session.scalars(select(ShipmentDocument).where(
        ShipmentDocument.booking_id == booking.id).order_by(ShipmentDocument.id)))


def get_document(document_id: int) -> ShipmentDocument:
    document = db.session.get(ShipmentDocument, document_id)
    if document is None:
        raise NotFound(str(_l("There is no such document.")))
    return document


def sniff_document(data: bytes) -> tuple[str, str]:
    """The extension and content type of a PDF, PNG or JPEG of at most 5 MB, by its magic number."""
    if len(data) > MAX_DOCUMENT_BYTES:
        raise DomainError(str(_l("The file is larger than 5 MB. Choose a smaller one.")), 413)
    for signature, kind in DOCUMENT_SIGNATURES.items():
        if data.startswith(signature):
            return kind
    raise DomainError(str(_l("Upload a PDF, PNG or JPEG file.")), 415)


def _text(value: str, limit: int, message) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise DomainError(str(message))
    return value


def _store(document: ShipmentDocument, data: bytes) -> None:
    """Checked first, written last: a refused file leaves nothing behind."""
    extension, content_type = sniff_document(data)
    document.storage_key = save_file(f"shipping/{document.booking_id}", data, extension)
    document.content_type = content_type


def attach_document(booking: Booking, kind: str, title: str, number: str, data: bytes, side: str,
                    actor: User | None) -> ShipmentDocument:
    """Either party attaches a file (bill of lading, insurance, IP record…) to the shipment."""
    require_shipping(booking)
    if kind not in ShipmentDocument.KINDS or kind == ShipmentDocument.CERTIFICATE_OF_ORIGIN:
        raise DomainError(str(_l("Choose one of the kinds of document offered.")))
    title = _text(title, MAX_TITLE, _l("The title is too long (at most 200 characters).")) \
        or label(DOCUMENT_KIND_LABELS, kind)
    number = _text(number, MAX_NUMBER, _l("The number is too long (at most 80 characters)."))
    sniff_document(data or b"")
    document = ShipmentDocument(tenant_id=booking.tenant_id, supplier_id=booking.supplier_id,
                                booking_id=booking.id, kind=kind, title=title, number=number,
                                status=ShipmentDocument.ATTACHED,
                                created_by_id=actor.id if actor else None)
    _store(document, data)
    db.session.add(document)
    bookings.record(booking, "document_attached", side, actor, title)
    db.session.flush()
    notify.tell_other_party(booking, side, "document_attached", title=title)
    return document


def request_certificate(booking: Booking, side: str, actor: User | None) -> ShipmentDocument:
    """Ask for a certificate of origin (for tariff preferences at the destination's customs)."""
    require_shipping(booking)
    if open_certificate(booking) is not None:
        raise DomainError(str(_l("A certificate of origin is already requested.")), 409)
    document = ShipmentDocument(tenant_id=booking.tenant_id, supplier_id=booking.supplier_id,
                                booking_id=booking.id, kind=ShipmentDocument.CERTIFICATE_OF_ORIGIN,
                                title=label(DOCUMENT_KIND_LABELS, ShipmentDocument.CERTIFICATE_OF_ORIGIN),
                                status=ShipmentDocument.REQUESTED, requested_at=utcnow(),
                                created_by_id=actor.id if actor else None)
    db.session.add(document)
    bookings.record(booking, "certificate_requested", side, actor)
    db.session.flush()
    if side == TENANT:
        notify.tell_other_party(booking, side, "certificate_requested")
    return document


def open_certificate(booking: Booking) -> ShipmentDocument | None:
    return next((document for document in documents_of(booking)
                 if document.kind == ShipmentDocument.CERTIFICATE_OF_ORIGIN
                 and document.status == ShipmentDocument.REQUESTED), None)


def issue_certificate(booking: Booking, number: str, issued_on: date, data: bytes | None,
                      actor: User | None, today: date | None = None) -> ShipmentDocument:
    """The supplier records the certificate of origin as issued, with its number and date (and its
    scan when it has one); the open request is answered, else a new certificate is recorded."""
    require_shipping(booking)
    number = _text(number, MAX_NUMBER, _l("The number is too long (at most 80 characters)."))
    if not number:
        raise DomainError(str(_l("Enter the certificate's number.")))
    if issued_on is None or issued_on > (today or utcnow().date()):
        raise DomainError(str(_l("Enter the date the certificate was issued (not in the future).")))
    if data:
        sniff_document(data)
    document = open_certificate(booking)
    if document is None:
        document = ShipmentDocument(tenant_id=booking.tenant_id, supplier_id=booking.supplier_id,
                                    booking_id=booking.id, kind=ShipmentDocument.CERTIFICATE_OF_ORIGIN,
                                    title=label(DOCUMENT_KIND_LABELS, ShipmentDocument.CERTIFICATE_OF_ORIGIN),
                                    created_by_id=actor.id if actor else None)
        db.session.add(document)
    document.status, document.number, document.issued_on = ShipmentDocument.ISSUED, number, issued_on
    if data:
        _store(document, data)
    bookings.record(booking, "certificate_issued", SUPPLIER, actor, number)
    db.session.flush()
    notify.tell_other_party(booking, SUPPLIER, "certificate_issued", number=number)
    return document


def document_file(document: ShipmentDocument) -> tuple[bytes, str, str]:
    """The stored file of a document: (bytes, content type, a download name)."""
    if not document.storage_key:
        raise NotFound(str(_l("This document has no file yet.")))
    extension = document.storage_key.rsplit(".", 1)[-1]
    name = f"{document.kind}-{document.number or document.id}.{extension}"
    return read_file(document.storage_key), document.content_type or "application/octet-stream", name
