"""The shipping page of a booking in both portals (tenant: /<t>/manage/bookings/<id>/shipping,
supplier: /s/<s>/bookings/<id>/shipping): one timeline of legs and milestones, the legs, the
documents, the packing list and the ATA carnet. HTTP glue only: the rules are in services.py.

The same views serve both portals; each blueprint gets its own copy with its side's permissions
(the supplier plans legs, issues the certificate of origin and records the carnet).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, datetime, time

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from festival.accounts.access import can, requires
from festival.booking import services as bookings
from festival.booking.models import Booking
from festival.core.db import db
from festival.core.errors import DomainError
from festival.core.forms import ActionForm, require_action_form
from festival.core.i18n import current_locale, display_timezone
from festival.shipping import carnet, documents, services
from festival.shipping.forms import (
    carnet_form,
    certificate_form,
    document_form,
    leg_form,
    leg_plan,
    milestone_form,
)
from festival.shipping.models import ShipmentDocument
from festival.suppliers.views import bp as supplier_bp
from festival.tenants.views import portal_bp as tenant_bp
from festival.transit.services import list_modes

TENANT, SUPPLIER = services.TENANT, services.SUPPLIER
# Who may change what, per side: tenants manage bookings; suppliers' staff manage shipping.
MANAGE = {TENANT: "bookings.manage", SUPPLIER: "shipping.manage"}
PDF = "application/pdf"


def _page(booking: Booking, side: str, status: int = 200, error: str = "", **forms):
    locale = current_locale()
    modes = {mode.code: mode.name(locale) for mode in list_modes(active_only=False)}
    may_manage = can(MANAGE[side]) and booking.status in services.SHIPPING_STATUSES
    supplier = side == SUPPLIER
    portal = "supplier_portal" if supplier else "tenant_portal"
    legs = services.legs_of(booking)
    return render_template(
        "shipping/page.html", booking=booking, side=side, locale=locale, modes=modes, error=error,
        timeline=services.timeline(booking), legs=legs, documents=services.documents_of(booking),
        carnet=carnet.carnet_of(booking), ready_on=services.ready_on(booking),
        shipping_open=booking.status in services.SHIPPING_STATUSES, may_manage=may_manage,
        may_plan=may_manage and supplier, labels=services,
        new_leg_form=forms.get("new_leg") or leg_form(),
        milestone_form=forms.get("milestone") or milestone_form(side),
        document_form=forms.get("document") or document_form(),
        certificate_form=forms.get("certificate") or certificate_form(),
        carnet_form=forms.get("carnet") or carnet_form(carnet.carnet_of(booking)),
        certificate_open=services.open_certificate(booking) is not None, action_form=ActionForm(),
        endpoint=f"{portal}.", status_label=bookings.status_label,
        detail_url=url_for(f"{portal}.booking_detail", booking_id=booking.id)
        if f"{portal}.booking_detail" in current_app.view_functions else ""), status


def _refused(booking_id: int, side: str, error: DomainError, form_name: str | None = None, form=None):
    """Undo what the refused step flushed and show the stored shipment with the reason."""
    db.session.rollback()
    g.rolled_back = True
    booking = bookings.get_booking(booking_id)
    if form is not None and booking.status in services.SHIPPING_STATUSES:  # else no form is shown
        form.form_errors.append(error.message)
        return _page(booking, side, error.status_code, **{form_name: form})
    return _page(booking, side, error.status_code, error.message)


def _invalid(booking: Booking, side: str, form_name: str, form):
    g.rolled_back = True
    return _page(booking, side, 400, **{form_name: form})


def _done(booking: Booking, message: str):
    flash(message, "success")
    return redirect(url_for(".booking_shipping", booking_id=booking.id))


def _upload(form_field) -> bytes:
    """The uploaded bytes, read no further than one byte past the limit."""
    upload = form_field.data
    if upload is None or not getattr(upload, "filename", ""):
        return b""
    return upload.read(services.MAX_DOCUMENT_BYTES + 1)


def _happened_at(form) -> datetime:
    """The milestone's moment typed on the page's clock, stored in UTC (noon when no time)."""
    moment = datetime.combine(form.happened_on.data, form.happened_time.data or time(12, 0))
    return moment.replace(tzinfo=display_timezone()).astimezone(UTC)


def _download(data: bytes, content_type: str, name: str):
    response = send_file(io.BytesIO(data), mimetype=content_type, as_attachment=True, download_name=name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- the views, made once per side ---------------------------------------------------------------

def _views(side: str) -> dict[str, tuple[str, Callable, list[str], str]]:
    """endpoint -> (rule, view, methods, permission) of one portal."""

    def booking_shipping(booking_id: int):
        return _page(bookings.get_booking(booking_id), side)

    def booking_shipping_milestone(contracted_booking_id: int):
        booking = bookings.get_booking(contracted_booking_id)
        form = milestone_form(side)
        if not form.validate_on_submit():
            return _invalid(booking, side, "milestone", form)
        try:
            services.record_milestone(booking, form.kind.data, _happened_at(form), form.note.data or "",
                                      side, current_user)
        except DomainError as error:
            return _refused(contracted_booking_id, side, error, "milestone", form)
        return _done(booking, _("The milestone is recorded. The other party is told by email."))

    def booking_shipping_document(contracted_booking_id: int):
        booking = bookings.get_booking(contracted_booking_id)
        form = document_form()
        if not form.validate_on_submit():
            return _invalid(booking, side, "document", form)
        try:
            data = _upload(form.file)
            if not data:
                raise DomainError(_("Choose a file to upload."))
            services.attach_document(booking, form.kind.data, form.title.data or "", form.number.data or "",
                                     data, side, current_user)
        except DomainError as error:
            return _refused(contracted_booking_id, side, error, "document", form)
        return _done(booking, _("The document is attached."))

    def booking_shipping_certificate(contracted_booking_id: int):
        booking = bookings.get_booking(contracted_booking_id)
        try:
            require_action_form()
            services.request_certificate(booking, side, current_user)
        except DomainError as error:
            return _refused(contracted_booking_id, side, error)
        return _done(booking, _("The certificate of origin is requested."))

    def booking_shipping_download(shipment_document_id: int):
        document: ShipmentDocument = services.get_document(shipment_document_id)
        return _download(*services.document_file(document))

    def booking_packing_list(booking_id: int):
        booking = bookings.get_booking(booking_id)
        return _download(documents.packing_list_pdf(booking), PDF, f"packing-list-{booking.reference}.pdf")

    def booking_carnet_list(booking_id: int):
        booking = bookings.get_booking(booking_id)
        return _download(documents.carnet_list_pdf(booking), PDF,
                         f"ata-carnet-general-list-{booking.reference}.pdf")

    base = "/bookings/<id:booking_id>/shipping"
    # Actions name the booking apart: they need one being shipped (the security walk fills it so).
    act = "/bookings/<id:contracted_booking_id>/shipping"
    views = {
        "booking_shipping": (base, booking_shipping, ["GET"], "bookings.view"),
        "booking_shipping_milestone": (f"{act}/milestones", booking_shipping_milestone, ["POST"],
                                       MANAGE[side]),
        "booking_shipping_document": (f"{act}/documents", booking_shipping_document, ["POST"], MANAGE[side]),
        "booking_shipping_certificate": (f"{act}/certificate", booking_shipping_certificate, ["POST"],
                                         MANAGE[side]),
        "booking_shipping_download": ("/shipping/documents/<id:shipment_document_id>",
                                      booking_shipping_download, ["GET"], "bookings.view"),
        "booking_packing_list": (f"{base}/packing-list.pdf", booking_packing_list, ["GET"], "bookings.view"),
        "booking_carnet_list": (f"{base}/carnet-list.pdf", booking_carnet_list, ["GET"], "bookings.view"),
    }
    if side == SUPPLIER:
        views.update(_supplier_views(act))
    return views


def _supplier_views(act: str) -> dict[str, tuple[str, Callable, list[str], str]]:
    """What only the supplier does: plan and change legs, issue the certificate, record the carnet."""

    def booking_shipping_leg(contracted_booking_id: int):
        booking = bookings.get_booking(contracted_booking_id)
        form = leg_form()
        if not form.validate_on_submit():
            return _invalid(booking, SUPPLIER, "new_leg", form)
        try:
            services.plan_leg(booking, leg_plan(form), current_user)
        except DomainError as error:
            return _refused(contracted_booking_id, SUPPLIER, error, "new_leg", form)
        return _done(booking, _("The leg is planned."))

    def booking_shipping_leg_edit(leg_id: int):
        leg = services.get_leg(leg_id)
        booking = bookings.get_booking(leg.booking_id)
        form = leg_form(leg)
        status = 200
        if request.method == "POST":
            if form.validate_on_submit():
                try:
                    services.edit_leg(booking, leg, leg_plan(form), current_user)
                except DomainError as error:
                    db.session.rollback()
                    form.form_errors.append(error.message)
                    status = error.status_code
                else:
                    return _done(booking, _("The leg is saved."))
            else:
                status = 400
            g.rolled_back = True
        return render_template("shipping/leg.html", booking=booking, leg=leg, form=form,
                               open=booking.status in services.SHIPPING_STATUSES), status

    def booking_shipping_issue(contracted_booking_id: int):
        booking = bookings.get_booking(contracted_booking_id)
        form = certificate_form()
        if not form.validate_on_submit():
            return _invalid(booking, SUPPLIER, "certificate", form)
        try:
            services.issue_certificate(booking, form.number.data, form.issued_on.data,
                                       _upload(form.file) or None, current_user)
        except DomainError as error:
            return _refused(contracted_booking_id, SUPPLIER, error, "certificate", form)
        return _done(booking, _("The certificate of origin is recorded as issued."))

    def booking_shipping_carnet(contracted_booking_id: int):
        booking = bookings.get_booking(contracted_booking_id)
        form = carnet_form()
        if not form.validate_on_submit():
            return _invalid(booking, SUPPLIER, "carnet", form)
        try:
            carnet.record_carnet(booking, form.number.data, form.issued_on.data,
                                 form.reexport_deadline.data, current_user)
        except DomainError as error:
            return _refused(contracted_booking_id, SUPPLIER, error, "carnet", form)
        return _done(booking, _("The ATA carnet is recorded."))

    return {
        "booking_shipping_leg": (f"{act}/legs", booking_shipping_leg, ["POST"], "shipping.manage"),
        "booking_shipping_leg_edit": ("/shipping/legs/<id:leg_id>", booking_shipping_leg_edit,
                                      ["GET", "POST"], "shipping.manage"),
        "booking_shipping_issue": (f"{act}/certificate/issued", booking_shipping_issue, ["POST"],
                                   "shipping.manage"),
        "booking_shipping_carnet": (f"{act}/carnet", booking_shipping_carnet, ["POST"], "shipping.manage"),
    }


def _register(blueprint: Blueprint, side: str) -> None:
    for endpoint, (rule, view, methods, permission) in _views(side).items():
        view.__name__ = endpoint
        blueprint.add_url_rule(rule, endpoint, requires(permission)(view), methods=methods)


_register(tenant_bp, TENANT)
_register(supplier_bp, SUPPLIER)
