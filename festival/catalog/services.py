"""The rules of a supplier's catalog: lamp groups with their components, photos and
certifications, service offerings, and return inspections that send a damaged lamp group to
repair. Called inside the supplier's scope (the scope filter keeps every read to its own rows);
each write is flushed and audited, the request commits."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from festival.accounts.models import User
from festival.audit.services import record_event
from festival.booking import availability
from festival.booking.models import OccupancyWindow
from festival.catalog.models import (
    CERTIFICATION_KINDS,
    SERVICE_KINDS,
    SERVICE_UNITS,
    THEMES,
    Certification,
    LampGroup,
    LampGroupComponent,
    LampGroupPhoto,
    ReturnInspection,
    ServiceOffering,
)
from festival.catalog.photos import prepare_photo
from festival.core.db import db
from festival.core.errors import Conflict, DomainError, NotFound
from festival.core.i18n import LOCALES, format_local_date
from festival.core.reference import country_codes
from festival.core.storage import save_file
from festival.suppliers.models import Supplier
from festival.transit.services import region_by_code

REQUIRED_LOCALES = ("zh_Hans", "en")
# What the columns hold (Numeric(7,2) and friends): larger values would fail in the database.
_MAX_METRES = Decimal("99999")
_MAX_KG = Decimal("999999999")
_MAX_MONEY = Decimal("9999999999")
_MAX_KW = Decimal("999999")
_MAX_DAYS = 365
HS_CODE = re.compile(r"^\d{4}(\.?\d{2}){1,3}$")  # 6 to 10 digits, dots between pairs allowed


def _refuse(message) -> DomainError:
    return DomainError(str(message))


def _clean_texts(texts: dict[str, str], limit: int) -> dict[str, str]:
    """Texts per language: unknown languages refused, blanks dropped, lengths bounded."""
    if any(code not in LOCALES for code in texts):
        raise _refuse(_l("Choose one of the shipped languages."))
    cleaned = {code: text.strip() for code, text in texts.items() if text and text.strip()}
    if any(len(text) > limit for text in cleaned.values()):
        raise _refuse(_l("A text is longer than %(max)d characters.", max=limit))
    return cleaned


def _check_names(names: dict[str, str]) -> dict[str, str]:
    cleaned = _clean_texts(names, 200)
    if any(code not in cleaned for code in REQUIRED_LOCALES):
        raise _refuse(_l("Give the name in Chinese and in English."))
    return cleaned


def _check_range(value: Decimal | int | None, label, minimum: Decimal | int, maximum: Decimal | int,
                 strictly_positive: bool = False) -> None:
    if value is None:
        raise _refuse(_l("%(field)s is required.", field=label))
    if isinstance(value, Decimal) and not value.is_finite():
        raise _refuse(_l("%(field)s must be a number.", field=label))
    if strictly_positive and value <= 0:
        raise _refuse(_l("%(field)s must be more than zero.", field=label))
    if value < minimum:
        raise _refuse(_l("%(field)s cannot be negative.", field=label))
    if value > maximum:
        raise _refuse(_l("%(field)s is too large.", field=label))


def _check_money(value: Decimal | None, label) -> None:
    _check_range(value, label, Decimal(0), _MAX_MONEY)
    if value != value.quantize(Decimal("0.01")):
        raise _refuse(_l("%(field)s has at most two decimal places.", field=label))


# --- lamp groups ---------------------------------------------------------------------------------

@dataclass
class LampGroupSpec:
    """Every field a supplier types for a lamp group."""

    code: str
    names: dict[str, str]
    theme: str
    length_m: Decimal
    width_m: Decimal
    height_m: Decimal
    weight_kg: Decimal
    containers_teu: int
    power_kw: Decimal
    weekly_price: Decimal
    descriptions: dict[str, str] = field(default_factory=dict)
    setup_days: int = 7
    teardown_days: int = 4
    handling_days: int = 3
    min_rental_weeks: int = 4
    ip_record_number: str = ""
    home_city: str = "Zigong"
    home_country: str = "CN"
    home_region: str = "zigong"
    status: str = LampGroup.AVAILABLE


def _check_lamp_group(spec: LampGroupSpec) -> None:
    spec.code = (spec.code or "").strip()
    if not spec.code or len(spec.code) > 40:
        raise _refuse(_l("Give the lamp group a code of at most 40 characters."))
    spec.names = _check_names(spec.names)
    spec.descriptions = _clean_texts(spec.descriptions, 4000)
    if spec.theme not in THEMES:
        raise _refuse(_l("Choose one of the themes offered."))
    for name, label in (("length_m", _l("Length")), ("width_m", _l("Width")),
                        ("height_m", _l("Height"))):
        _check_range(getattr(spec, name), label, 0, _MAX_METRES, strictly_positive=True)
    _check_range(spec.weight_kg, _l("Weight"), 0, _MAX_KG, strictly_positive=True)
    _check_range(spec.containers_teu, _l("Containers"), 0, 999, strictly_positive=True)
    _check_range(spec.power_kw, _l("Power"), 0, _MAX_KW)
    for name, label in (("setup_days", _l("Setup days")), ("teardown_days", _l("Teardown days")),
                        ("handling_days", _l("Handling days"))):
        _check_range(getattr(spec, name), label, 0, _MAX_DAYS)
    _check_range(spec.min_rental_weeks, _l("Minimum rental"), 1, 104, strictly_positive=True)
    _check_money(spec.weekly_price, _l("Weekly price"))
    spec.ip_record_number = (spec.ip_record_number or "").strip()
    spec.home_city = (spec.home_city or "").strip()
    if len(spec.ip_record_number) > 40:
        raise _refuse(_l("The IP record number has at most 40 characters."))
    if not spec.home_city or len(spec.home_city) > 120:
        raise _refuse(_l("Give the city where the lamp group stands between bookings."))
    if spec.home_country not in country_codes():
        raise _refuse(_l("Choose one of the countries offered."))
    if region_by_code(spec.home_region) is None:
        raise _refuse(_l("Choose one of the regions offered."))
    if spec.status not in (LampGroup.AVAILABLE, LampGroup.RETIRED):
        raise _refuse(_l("A lamp group is available or retired; a damaged return inspection "
                         "puts it under repair."))


def _check_code_free(code: str, lamp_group: LampGroup | None) -> None:
    query = select(LampGroup.id).where(func.lower(LampGroup.code) == code.lower())
    if lamp_group is not None:
        query = query.where(LampGroup.id != lamp_group.id)
    if db.session.scalar(query) is not None:
        raise Conflict(str(_l("Your catalog already has a lamp group with the code %(code)s. "
                              "Choose another code.", code=code)))


def _check_can_retire(lamp_group: LampGroup, today: date) -> None:
    """A lamp group promised to an exhibition cannot leave the catalog under it."""
    for window in availability.active_windows(lamp_group.id):
        if window.kind == OccupancyWindow.BOOKING and window.ends_on > today:
            raise Conflict(str(_l(
                "Lamp group %(code)s is booked from %(start)s to %(end)s in %(city)s; it can be "
                "retired once that booking is over.", code=lamp_group.code,
                start=format_local_date(window.starts_on), end=format_local_date(window.ends_on),
                city=window.city)))


def _apply_lamp_group(lamp_group: LampGroup, spec: LampGroupSpec) -> None:
    for spec_field in fields(spec):
        if spec_field.name != "status":
            setattr(lamp_group, spec_field.name, getattr(spec, spec_field.name))
    # Under repair only the "repair done" action changes its status.
    if lamp_group.status != LampGroup.UNDER_REPAIR:
        lamp_group.status = spec.status


def create_lamp_group(supplier: Supplier, spec: LampGroupSpec, actor: User | None) -> LampGroup:
    """Put a new lamp group in the supplier's catalog."""
    _check_lamp_group(spec)
    _check_code_free(spec.code, None)
    lamp_group = LampGroup(supplier_id=supplier.id)
    _apply_lamp_group(lamp_group, spec)
    db.session.add(lamp_group)
    db.session.flush()
    record_event("festival.catalog.lamp_group.created", actor=actor, lamp_group_id=lamp_group.id,
                 code=lamp_group.code)
    return lamp_group


def update_lamp_group(lamp_group: LampGroup, spec: LampGroupSpec, actor: User | None,
                      today: date) -> None:
    """Change a lamp group's fields; retiring it is refused while a booking holds it."""
    _check_lamp_group(spec)
    _check_code_free(spec.code, lamp_group)
    if spec.status == LampGroup.RETIRED and lamp_group.status == LampGroup.AVAILABLE:
        _check_can_retire(lamp_group, today)
    _apply_lamp_group(lamp_group, spec)
    db.session.flush()
    record_event("festival.catalog.lamp_group.changed", actor=actor, lamp_group_id=lamp_group.id,
                 code=lamp_group.code, status=lamp_group.status)


def list_lamp_groups() -> list[LampGroup]:
    """The open supplier's lamp groups, by code."""
    return list(db.session.scalars(select(LampGroup).options(selectinload(LampGroup.photos))
                                   .order_by(LampGroup.code)))


def get_row(model: type, row_id: int):
    """A row of the open supplier's catalog; another supplier's id is not found."""
    row = db.session.get(model, row_id)
    if row is None:
        raise NotFound(str(_l("This is not in your catalog.")))
    return row


# --- components ------------------------------------------------------------------------------

@dataclass
class ComponentSpec:
    serial: str
    description: str
    quantity: int
    weight_kg: Decimal
    value: Decimal
    hs_code: str = ""


def _check_component(spec: ComponentSpec) -> None:
    spec.serial, spec.description = (spec.serial or "").strip(), (spec.description or "").strip()
    spec.hs_code = (spec.hs_code or "").strip()
    if not spec.serial or len(spec.serial) > 60:
        raise _refuse(_l("Give the component a serial number of at most 60 characters."))
    if not spec.description or len(spec.description) > 200:
        raise _refuse(_l("Describe the component in at most 200 characters."))
    _check_range(spec.quantity, _l("Quantity"), 1, 100000, strictly_positive=True)
    _check_range(spec.weight_kg, _l("Weight"), 0, _MAX_KG)
    _check_money(spec.value, _l("Value"))
    if spec.hs_code and not HS_CODE.match(spec.hs_code):
        raise _refuse(_l("An HS code has 6 to 10 digits, for example 9405.42 or 940542."))


def add_component(lamp_group: LampGroup, spec: ComponentSpec, actor: User | None
                  ) -> LampGroupComponent:
    """Add a crated part to a lamp group's list (the source of packing lists and carnets)."""
    _check_component(spec)
    position = 1 + max((c.position for c in lamp_group.components), default=0)
    component = LampGroupComponent(supplier_id=lamp_group.supplier_id, position=position,
                                   **{f.name: getattr(spec, f.name) for f in fields(spec)})
    lamp_group.components.append(component)
    db.session.flush()
    record_event("festival.catalog.component.added", actor=actor, lamp_group_id=lamp_group.id,
                 component_id=component.id, serial=component.serial)
    return component


def update_component(component: LampGroupComponent, spec: ComponentSpec, actor: User | None) -> None:
    _check_component(spec)
    for spec_field in fields(spec):
        setattr(component, spec_field.name, getattr(spec, spec_field.name))
    db.session.flush()
    record_event("festival.catalog.component.changed", actor=actor, component_id=component.id,
                 lamp_group_id=component.lamp_group_id, serial=component.serial)


def remove_component(component: LampGroupComponent, actor: User | None) -> None:
    record_event("festival.catalog.component.removed", actor=actor, component_id=component.id,
                 lamp_group_id=component.lamp_group_id, serial=component.serial)
    db.session.delete(component)
    db.session.flush()


# --- photos --------------------------------------------------------------------------------------

def add_photo(lamp_group: LampGroup, data: bytes, caption: str, actor: User | None) -> LampGroupPhoto:
    """Store an uploaded photo and its thumbnail; the caption is also the image's alt text."""
    caption = (caption or "").strip()
    if len(caption) > 200:
        raise _refuse(_l("A caption has at most 200 characters."))
    prepared = prepare_photo(data)
    folder = f"catalog/{lamp_group.supplier_id}/{lamp_group.id}"
    position = 1 + max((p.position for p in lamp_group.photos), default=0)
    photo = LampGroupPhoto(
        supplier_id=lamp_group.supplier_id, position=position, caption=caption,
        content_type=prepared.content_type,
        storage_key=save_file(folder, prepared.image, prepared.extension),
        thumbnail_key=save_file(folder, prepared.thumbnail, prepared.extension))
    lamp_group.photos.append(photo)
    db.session.flush()
    record_event("festival.catalog.photo.added", actor=actor, lamp_group_id=lamp_group.id,
                 photo_id=photo.id)
    return photo


def remove_photo(photo: LampGroupPhoto, actor: User | None) -> None:
    """Take a photo off the lamp group (its files stay in the store, unreferenced)."""
    record_event("festival.catalog.photo.removed", actor=actor, photo_id=photo.id,
                 lamp_group_id=photo.lamp_group_id)
    db.session.delete(photo)
    db.session.flush()


# --- certifications ------------------------------------------------------------------------------

@dataclass
class CertificationSpec:
    kind: str
    expires_on: date | None
    number: str = ""
    issuer: str = ""
    issued_on: date | None = None


def _check_certification(spec: CertificationSpec) -> None:
    spec.number, spec.issuer = (spec.number or "").strip(), (spec.issuer or "").strip()
    if spec.kind not in CERTIFICATION_KINDS:
        raise _refuse(_l("Choose one of the certification kinds offered."))
    if len(spec.number) > 80 or len(spec.issuer) > 120:
        raise _refuse(_l("The number has at most 80 characters and the issuer at most 120."))
    if spec.expires_on is None:
        raise _refuse(_l("Give the date the certificate expires."))
    if spec.issued_on is not None and spec.expires_on <= spec.issued_on:
        raise _refuse(_l("The certificate must expire after the date it was issued."))


def add_certification(lamp_group: LampGroup, spec: CertificationSpec, actor: User | None
                      ) -> Certification:
    _check_certification(spec)
    certification = Certification(supplier_id=lamp_group.supplier_id,
                                   **{f.name: getattr(spec, f.name) for f in fields(spec)})
    lamp_group.certifications.append(certification)
    db.session.flush()
    record_event("festival.catalog.certification.added", actor=actor, lamp_group_id=lamp_group.id,
                 certification_id=certification.id, kind=certification.kind)
    return certification


def update_certification(certification: Certification, spec: CertificationSpec,
                         actor: User | None) -> None:
    _check_certification(spec)
    for spec_field in fields(spec):
        setattr(certification, spec_field.name, getattr(spec, spec_field.name))
    db.session.flush()
    record_event("festival.catalog.certification.changed", actor=actor,
                 certification_id=certification.id, kind=certification.kind)


def remove_certification(certification: Certification, actor: User | None) -> None:
    record_event("festival.catalog.certification.removed", actor=actor,
                 certification_id=certification.id, lamp_group_id=certification.lamp_group_id,
                 kind=certification.kind)
    db.session.delete(certification)
    db.session.flush()


# --- service offerings ------------------------------------------------------------------------

@dataclass
class ServiceSpec:
    kind: str
    names: dict[str, str]
    price: Decimal
    unit: str
    descriptions: dict[str, str] = field(default_factory=dict)
    active: bool = True


def _check_service(spec: ServiceSpec) -> None:
    if spec.kind not in SERVICE_KINDS:
        raise _refuse(_l("Choose one of the kinds of service offered."))
    if spec.unit not in SERVICE_UNITS:
        raise _refuse(_l("Price the service per day, per week or per event."))
    spec.names = _check_names(spec.names)
    spec.descriptions = _clean_texts(spec.descriptions, 4000)
    _check_money(spec.price, _l("Price"))


def create_service(supplier: Supplier, spec: ServiceSpec, actor: User | None) -> ServiceOffering:
    """Offer a service beside the lamp groups: catering, acrobatics, a workshop, a tour…"""
    _check_service(spec)
    service = ServiceOffering(supplier_id=supplier.id,
                              **{f.name: getattr(spec, f.name) for f in fields(spec)})
    db.session.add(service)
    db.session.flush()
    record_event("festival.catalog.service.created", actor=actor, service_id=service.id,
                 kind=service.kind)
    return service


def update_service(service: ServiceOffering, spec: ServiceSpec, actor: User | None) -> None:
    _check_service(spec)
    for spec_field in fields(spec):
        setattr(service, spec_field.name, getattr(spec, spec_field.name))
    db.session.flush()
    record_event("festival.catalog.service.changed", actor=actor, service_id=service.id,
                 active=service.active)


def list_services() -> list[ServiceOffering]:
    return list(db.session.scalars(select(ServiceOffering).order_by(
        ServiceOffering.active.desc(), ServiceOffering.kind, ServiceOffering.id)))


# --- return inspections and repair ------------------------------------------------------------

@dataclass
class InspectionSpec:
    inspected_on: date | None
    condition: str
    notes: str = ""
    booking_reference: str = ""
    repair_until: date | None = None


def _check_inspection(spec: InspectionSpec, today: date) -> None:
    spec.notes = (spec.notes or "").strip()
    spec.booking_reference = (spec.booking_reference or "").strip()
    if spec.inspected_on is None:
        raise _refuse(_l("Give the date of the inspection."))
    if spec.inspected_on > today:
        raise _refuse(_l("An inspection cannot be dated in the future."))
    if spec.condition not in ReturnInspection.CONDITIONS:
        raise _refuse(_l("Record the lamp group as in good condition or damaged."))
    if len(spec.booking_reference) > 40 or len(spec.notes) > 4000:
        raise _refuse(_l("The booking reference has at most 40 characters and the notes at most "
                         "4000."))
    if spec.condition == ReturnInspection.GOOD:
        spec.repair_until = None
    elif spec.repair_until is None:
        raise _refuse(_l("Give the date the repair is expected to end."))
    elif spec.repair_until <= spec.inspected_on:
        raise _refuse(_l("The repair must end after the inspection."))


def record_inspection(lamp_group: LampGroup, spec: InspectionSpec, actor: User | None,
                      today: date) -> ReturnInspection:
    """Record a return inspection. Damage puts the lamp group under repair until the expected
    date and holds a repair window, so nobody can book it for those dates (refused, naming the
    booking's dates and city, when a booking already holds them)."""
    _check_inspection(spec, today)
    if spec.condition == ReturnInspection.DAMAGED:
        if lamp_group.status == LampGroup.RETIRED:
            raise Conflict(str(_l("A retired lamp group is not sent to repair.")))
        availability.hold_repair_window(lamp_group, spec.inspected_on, spec.repair_until)
        lamp_group.status, lamp_group.repair_until = LampGroup.UNDER_REPAIR, spec.repair_until
    inspection = ReturnInspection(supplier_id=lamp_group.supplier_id, lamp_group_id=lamp_group.id,
                                  inspected_by_id=actor.id if actor else None,
                                  **{f.name: getattr(spec, f.name) for f in fields(spec)})
    db.session.add(inspection)
    db.session.flush()
    record_event("festival.catalog.inspection.recorded", actor=actor, lamp_group_id=lamp_group.id,
                 condition=inspection.condition,
                 repair_until=spec.repair_until.isoformat() if spec.repair_until else None)
    return inspection


def finish_repair(lamp_group: LampGroup, on: date, actor: User | None) -> None:
    """The repair is done on ``on``: the lamp group is available and its repair window ends."""
    if lamp_group.status != LampGroup.UNDER_REPAIR:
        raise Conflict(str(_l("Lamp group %(code)s is not under repair.", code=lamp_group.code)))
    availability.end_repair_window(lamp_group, on)
    lamp_group.status, lamp_group.repair_until = LampGroup.AVAILABLE, None
    db.session.flush()
    record_event("festival.catalog.repair.finished", actor=actor, lamp_group_id=lamp_group.id,
                 on=on.isoformat())


def list_inspections(lamp_group: LampGroup) -> list[ReturnInspection]:
    return list(db.session.scalars(select(ReturnInspection).where(
        ReturnInspection.lamp_group_id == lamp_group.id).order_by(
        ReturnInspection.inspected_on.desc(), ReturnInspection.id.desc())))
