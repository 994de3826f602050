"""The venue partner's side of bookings (/<tenant>/manage/...): the request builder with its
price preview, the bookings list, one booking with its history and the answers to a
counter-offer or a cancellation, and an exhibition's procurement view across suppliers.
HTTP glue only: the rules are in festival/booking/services.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from festival.accounts.access import can, requires
from festival.booking import pages, pricing, services
from festival.booking.forms import RejectForm, RequestForm, chosen_services, request_form
from festival.booking.history import history
from festival.booking.models import Booking
from festival.booking.supplier_forms import UNIT_LABELS, CancelForm, ReasonForm, status_choices
from festival.catalog.browse import read_catalog
from festival.catalog.browse_views import (
    exhibition_choices,
    mode_names,
    pick_exhibition,
    published_lamp_group,
    tenant_exhibitions,
    today,
)
from festival.catalog.models import LampGroup, ServiceOffering
from festival.core.db import db
from festival.core.errors import DomainError
from festival.core.forms import ActionForm, require_action_form
from festival.core.i18n import current_locale
from festival.dashboard.rates import RateBook
from festival.exhibitions.models import Exhibition
from festival.suppliers.models import Supplier
from festival.tenants.views import portal_bp
from festival.ticketing.portal import get_or_404
from festival.transit.compliance import describe_issue
from festival.transit.services import list_modes

SIDE = services.TENANT
SIDE_LABELS = {"tenant": _l("you"), "supplier": _l("supplier"), "system": _l("Lantern")}


@portal_bp.context_processor
def booking_template_helpers() -> dict:
    return {"booking_status_label": services.status_label}


# --- the request builder ---------------------------------------------------------------------------

@dataclass
class Offer:
    """What one supplier offers a request: its lamp groups (not retired) and active services,
    read in the catalog's scope."""

    supplier: Supplier
    lamp_groups: list[LampGroup]
    services: list[ServiceOffering]


def _offer_of(supplier: Supplier) -> Offer:
    with read_catalog():
        groups = list(db.session.scalars(select(LampGroup).where(
            LampGroup.supplier_id == supplier.id, LampGroup.status != LampGroup.RETIRED)
            .order_by(LampGroup.code)))
        offered = list(db.session.scalars(select(ServiceOffering).where(
            ServiceOffering.supplier_id == supplier.id, ServiceOffering.active.is_(True))
            .order_by(ServiceOffering.kind, ServiceOffering.id)))
    return Offer(supplier, groups, offered)


def _bookable(exhibitions: list[Exhibition]) -> list[Exhibition]:
    """Seasons still to open: lamp groups are booked for those only."""
    return [item for item in exhibitions if item.season_start > today()]


def _builder_form(offer: Offer, exhibitions: list[Exhibition], catalog_group_id: int,
                  locale: str) -> RequestForm:
    service_ids = [item.id for item in offer.services]
    if request.method == "POST":
        form = request_form(service_ids, formdata=request.form)
    else:
        exhibition = pick_exhibition(exhibitions, request.args.get("exhibition")) or (
            exhibitions[0] if exhibitions else None)
        data: dict = {"lamp_groups": [str(catalog_group_id)], "mode": "sea",
                      "exhibition": str(exhibition.id) if exhibition else ""}
        if exhibition is not None:
            data |= {f"quantity_{item.id}": pricing.service_quantity(
                item, exhibition.season_start, exhibition.season_end) for item in offer.services}
        form = request_form(service_ids, data=data)
    form.exhibition.choices = exhibition_choices(exhibitions, locale, g.org)
    form.lamp_groups.choices = [(str(item.id), f"{item.name(locale)} ({item.code})")
                                for item in offer.lamp_groups]
    form.mode.choices = [(mode.code, mode.name(locale)) for mode in list_modes()]
    return form


def _wanted(form: RequestForm, offer: Offer) -> services.BookingRequest:
    return services.BookingRequest(
        lamp_group_ids=[int(value) for value in form.lamp_groups.data or []],
        services=chosen_services(form, [item.id for item in offer.services]),
        mode=form.mode.data, message=(form.message.data or "").strip())


def _builder_page(form: RequestForm, offer: Offer, catalog_group_id: int, status: int = 200,
                  quote=None):
    return render_template(
        "booking/tenant/request.html", form=form, offer=offer, catalog_group_id=catalog_group_id,
        quote=quote,
        modes=mode_names(current_locale()), locale=current_locale(), unit_labels=UNIT_LABELS), status


def _refused_request(form: RequestForm, error: DomainError, offer: Offer, catalog_group_id: int):
    """Undo whatever the refused step flushed and show the form with the reason. The rollback
    expires the catalog rows read before: they are read again in the catalog's scope."""
    db.session.rollback()
    g.rolled_back = True
    form.form_errors.append(error.message)
    return _builder_page(form, _offer_of(offer.supplier), catalog_group_id, error.status_code)


@portal_bp.route("/catalog/<id:catalog_group_id>/request", methods=["GET", "POST"])
@requires("bookings.manage")
def booking_request(catalog_group_id: int):
    """Choose lamp groups and services of this lamp group's supplier, preview the price, send."""
    tenant, locale = g.org, current_locale()
    _group, supplier = published_lamp_group(catalog_group_id)
    offer = _offer_of(supplier)
    exhibitions = _bookable(tenant_exhibitions())
    form = _builder_form(offer, exhibitions, catalog_group_id, locale)
    if request.method == "GET":
        return _builder_page(form, offer, catalog_group_id)
    if not form.validate_on_submit():
        g.rolled_back = True
        return _builder_page(form, offer, catalog_group_id, 400)
    exhibition = pick_exhibition(exhibitions, form.exhibition.data)
    wanted = _wanted(form, offer)
    try:
        if "send" not in request.form:
            quote, _plans = services.build_quote(tenant, exhibition, supplier, wanted, today(), locale)
            return _builder_page(form, offer, catalog_group_id, quote=quote)
        booking = services.request_booking(tenant, exhibition, supplier.id, wanted, current_user)
    except DomainError as error:
        return _refused_request(form, error, offer, catalog_group_id)
    flash(_("Your booking request %(reference)s is sent to %(supplier)s.", reference=booking.reference,
            supplier=supplier.display_name(locale)), "success")
    return redirect(url_for(".booking_detail", booking_id=booking.id))


# --- the bookings list and one booking -------------------------------------------------------------

def supplier_names(bookings: list[Booking], locale: str) -> dict[int, str]:
    ids = {booking.supplier_id for booking in bookings}
    return {supplier.id: supplier.display_name(locale) for supplier in db.session.scalars(
        select(Supplier).where(Supplier.id.in_(ids)))} if ids else {}


@portal_bp.route("/bookings/")
@requires("bookings.view")
def bookings():
    wanted = request.args.get("status", "")
    status = wanted if wanted in Booking.STATUSES else ""
    found = list(db.session.scalars(
        select(Booking).options(selectinload(Booking.lines), selectinload(Booking.services))
        .where(*([Booking.status == status] if status else []))
        .order_by(Booking.created_at.desc(), Booking.id.desc())))
    locale = current_locale()
    return render_template("booking/tenant/list.html", bookings=found, status=status,
                           choices=status_choices(), suppliers=supplier_names(found, locale),
                           exhibitions=tenant_exhibitions(), locale=locale)


def _history(booking: Booking, locale: str) -> list[dict]:
    return history(booking, locale, SIDE_LABELS)


def _detail_page(booking: Booking, status: int = 200, error: str = "",
                 reject_form: ReasonForm | None = None, cancel_form: ReasonForm | None = None):
    locale = current_locale()
    tenant = g.org
    supplier = db.session.get(Supplier, booking.supplier_id)  # a platform row: its name is shown
    rates, on = RateBook.load(), today()
    may_manage = can("bookings.manage")
    return render_template(
        "booking/tenant/detail.html", booking=booking, supplier_name=supplier.display_name(locale),
        mode_name=mode_names(locale).get(booking.transport_mode, booking.transport_mode),
        issues=[(issue.get("lamp_group", ""), describe_issue(issue, locale))
                for issue in booking.compliance_issues or []],
        converted=lambda amount, currency=booking.currency: pricing.convert(
            amount, currency, tenant.currency, on, rates),
        history=_history(booking, locale), error=error, unit_labels=UNIT_LABELS, locale=locale,
        may_answer=may_manage and booking.status == Booking.COUNTERED,
        may_cancel=may_manage and booking.status in services.CANCELLABLE,
        action_form=ActionForm(), reject_form=reject_form or RejectForm(),
        cancel_form=cancel_form or CancelForm()), status


def _refused_detail(booking: Booking, error: DomainError, **forms):
    return pages.refused(_detail_page, booking, error, **forms)


_done = pages.done


@portal_bp.route("/bookings/<id:booking_id>")
@requires("bookings.view")
def booking_detail(booking_id: int):
    return _detail_page(services.get_booking(booking_id))


@portal_bp.route("/bookings/<id:countered_booking_id>/accept-counter", methods=["POST"])
@requires("bookings.manage")
def booking_accept_counter(countered_booking_id: int):
    booking = services.get_booking(countered_booking_id)
    try:
        require_action_form()
        services.accept_counter(booking, current_user)
    except DomainError as error:
        return _refused_detail(booking, error)
    return _done(booking, _("You accepted the counter-offer on %(reference)s. The supplier is told "
                            "by email.", reference=booking.reference))


def _with_reason(booking: Booking, form: ReasonForm, name: str, step, message: str):
    """Reject a counter-offer or cancel: a reason is required and the other side reads it."""
    if not form.validate_on_submit():
        g.rolled_back = True
        return _detail_page(booking, 400, **{name: form})
    try:
        step(booking, form.reason.data)
    except DomainError as error:
        return _refused_detail(booking, error, **{name: form})
    return _done(booking, message)


@portal_bp.route("/bookings/<id:countered_booking_id>/reject-counter", methods=["POST"])
@requires("bookings.manage")
def booking_reject_counter(countered_booking_id: int):
    booking = services.get_booking(countered_booking_id)
    return _with_reason(booking, RejectForm(), "reject_form", lambda item, reason: services.reject_counter(
        item, reason, current_user), _("You rejected the counter-offer on %(reference)s. Its lamp groups "
                                        "are free again.", reference=booking.reference))


@portal_bp.route("/bookings/<id:booking_id>/cancel", methods=["POST"])
@requires("bookings.manage")
def booking_cancel(booking_id: int):
    booking = services.get_booking(booking_id)
    return _with_reason(booking, CancelForm(), "cancel_form", lambda item, reason: services.cancel(
        item, SIDE, reason, current_user), _("You cancelled booking %(reference)s. Its lamp groups are "
                                             "free again.", reference=booking.reference))


# --- an exhibition's procurement --------------------------------------------------------------------

@dataclass
class Procurement:
    """Every booking of one exhibition, its costs per currency and in the tenant's, and the
    lamp groups' arrivals against opening night. Declined, cancelled and expired bookings are
    listed but not counted."""

    bookings: list[Booking]
    by_currency: dict[str, Decimal] = field(default_factory=dict)
    converted: Decimal = Decimal("0")
    missing_rates: set[str] = field(default_factory=set)
    arrivals: list[dict] = field(default_factory=list)


def _procurement(exhibition: Exhibition, tenant_currency: str, locale: str) -> Procurement:
    found = list(db.session.scalars(
        select(Booking).where(Booking.exhibition_id == exhibition.id)
        .options(selectinload(Booking.lines), selectinload(Booking.services))
        .order_by(Booking.created_at, Booking.id)))
    result, rates, on = Procurement(found), RateBook.load(), today()
    counted = [booking for booking in found if booking.status not in Booking.RELEASED]
    groups = services.lamp_groups_by_id([line.lamp_group_id for booking in counted for line in booking.lines])
    for booking in counted:
        result.by_currency[booking.currency] = result.by_currency.get(booking.currency, Decimal("0")) \
            + booking.total
        amount = pricing.convert(booking.total, booking.currency, tenant_currency, on, rates)
        if amount is None:
            result.missing_rates.add(booking.currency)
        else:
            result.converted += amount
        for line in booking.lines:
            group = groups.get(line.lamp_group_id)
            setup_days = group.setup_days if group is not None else 0
            result.arrivals.append({
                "name": line.name(locale), "code": line.lamp_group_code, "booking": booking,
                "arrives_on": line.arrives_on,
                "days_before": (exhibition.season_start - line.arrives_on).days,
                "late": (line.arrives_on - exhibition.season_start).days + setup_days > 0,
                "at_risk": booking.at_risk})
    result.arrivals.sort(key=lambda row: (row["arrives_on"], row["code"]))
    return result


@portal_bp.route("/exhibitions/<id:exhibition_id>/procurement")
@requires("bookings.view")
def procurement(exhibition_id: int):
    exhibition = get_or_404(Exhibition, exhibition_id)
    locale = current_locale()
    view = _procurement(exhibition, g.org.currency, locale)
    return render_template("booking/tenant/procurement.html", exhibition=exhibition, view=view,
                           suppliers=supplier_names(view.bookings, locale), locale=locale,
                           unit_labels=UNIT_LABELS)
