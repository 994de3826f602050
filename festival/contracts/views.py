"""Contract pages on both portals: the tenant reads, downloads and confirms the contract and
follows its payments; the supplier draws it up, confirms it and records the transfers received.
HTTP glue only.

The routes name the booking they act on after the state it must be in (``accepted_booking_id``
to draw up a contract, ``contract_booking_id`` for a contract that exists): the URL is the
same shape, and the security walk fills each with a booking in that state.
"""

from __future__ import annotations

from flask import Response, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from festival.accounts.access import can, requires
from festival.booking import services as booking_services
from festival.booking.models import Booking
from festival.contracts import services
from festival.contracts.forms import TransferForm
from festival.core.db import db, utcnow
from festival.core.errors import DomainError
from festival.core.forms import ActionForm, require_action_form
from festival.core.i18n import current_locale, language_name
from festival.core.storage import read_file
from festival.suppliers.views import bp as supplier_bp
from festival.tenants.views import portal_bp as tenant_bp
from festival.ticketing.portal import refused as _refused

PORTALS = {services.TENANT: "tenant_portal", services.SUPPLIER: "supplier_portal"}


def _page(side: str, booking: Booking, status: int = 200, action_form=None, transfer_form=None):
    contract = services.contract_of(booking)
    today = utcnow().date()
    if contract is not None and transfer_form is None and side == services.SUPPLIER:
        transfer_form = TransferForm(formdata=None, data={"paid_on": today}).fill_choices(contract)
    departure = services.first_departure(booking) if contract else None
    return render_template(
        "contracts/contract.html", side=side, portal=PORTALS[side], booking=booking, contract=contract,
        today=today, issues=services.describe_issues(booking.compliance_issues or [], current_locale()),
        action_form=action_form or ActionForm(),
        transfer_form=transfer_form, status_label=booking_services.status_label(booking.status),
        terms=services.payment_terms(contract, departure, current_locale()) if contract else [],
        language_names=[language_name(code) for code in contract.languages] if contract else [],
        rules={"percent": services.DEPOSIT_PERCENT, "days": services.DEPOSIT_DUE_DAYS,
               "before": services.BALANCE_DAYS_BEFORE_DEPARTURE},
        is_overdue=services.is_overdue, instalment_label=services.instalment_label,
        may_generate=side == services.SUPPLIER and can("bookings.manage"),
        may_confirm=can("contracts.confirm"),
        may_record=side == services.SUPPLIER and can("payments.record")), status


def refused(form, error: DomainError) -> int:
    """Keep nothing the refused step flushed, so the page shows the stored booking."""
    db.session.rollback()
    return _refused(form, error)


def _back(side: str, booking: Booking, message: str):
    flash(message, "success")
    return redirect(url_for(f"{PORTALS[side]}.booking_contract", booking_id=booking.id))


def _contract_pdf(booking_id: int) -> Response:
    booking = booking_services.get_booking(booking_id)
    contract = services.get_contract(booking)
    return Response(read_file(contract.document_key), mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{contract.number}.pdf"'})


def _confirm(side: str, booking_id: int):
    booking = booking_services.get_booking(booking_id)
    form = ActionForm()
    try:
        require_action_form()
        services.confirm_contract(services.get_contract(booking), side, current_user)
    except DomainError as error:
        return _page(side, booking, refused(form, error), action_form=form)
    return _back(side, booking, _("You confirmed the contract."))


# --- the tenant's portal --------------------------------------------------------------------------

@tenant_bp.route("/bookings/<id:booking_id>/contract", endpoint="booking_contract")
@requires("bookings.view")
def tenant_contract(booking_id: int):
    return _page(services.TENANT, booking_services.get_booking(booking_id))


@tenant_bp.route("/bookings/<id:contract_booking_id>/contract.pdf", endpoint="booking_contract_pdf")
@requires("bookings.view")
def tenant_contract_pdf(contract_booking_id: int):
    return _contract_pdf(contract_booking_id)


@tenant_bp.route("/bookings/<id:contract_booking_id>/contract/confirm", methods=["POST"],
                 endpoint="contract_confirm")
@requires("contracts.confirm")
def tenant_confirm(contract_booking_id: int):
    return _confirm(services.TENANT, contract_booking_id)


# --- the supplier's portal ------------------------------------------------------------------------

@supplier_bp.route("/bookings/<id:booking_id>/contract", endpoint="booking_contract")
@requires("bookings.view")
def supplier_contract(booking_id: int):
    return _page(services.SUPPLIER, booking_services.get_booking(booking_id))


@supplier_bp.route("/bookings/<id:accepted_booking_id>/contract/generate", methods=["POST"],
                   endpoint="contract_generate")
@requires("bookings.manage")
def supplier_generate(accepted_booking_id: int):
    booking = booking_services.get_booking(accepted_booking_id)
    form = ActionForm()
    try:
        require_action_form()
        contract = services.generate_contract(booking, current_user)
    except DomainError as error:
        return _page(services.SUPPLIER, booking, refused(form, error), action_form=form)
    return _back(services.SUPPLIER, booking, _("Contract %(number)s is drawn up; the host city has been "
                                               "told.", number=contract.number))


@supplier_bp.route("/bookings/<id:contract_booking_id>/contract.pdf", endpoint="booking_contract_pdf")
@requires("bookings.view")
def supplier_contract_pdf(contract_booking_id: int):
    return _contract_pdf(contract_booking_id)


@supplier_bp.route("/bookings/<id:contract_booking_id>/contract/confirm", methods=["POST"],
                   endpoint="contract_confirm")
@requires("contracts.confirm")
def supplier_confirm(contract_booking_id: int):
    return _confirm(services.SUPPLIER, contract_booking_id)


@supplier_bp.route("/bookings/<id:contract_booking_id>/contract/transfers", methods=["POST"],
                   endpoint="contract_transfer")
@requires("payments.record")
def supplier_transfer(contract_booking_id: int):
    booking = booking_services.get_booking(contract_booking_id)
    contract = services.get_contract(booking)
    form = TransferForm().fill_choices(contract)
    if not form.validate_on_submit():
        g.rolled_back = True
        return _page(services.SUPPLIER, booking, 400, transfer_form=form)
    instalment = next(i for i in contract.instalments if i.kind == form.instalment.data)
    try:
        services.record_transfer(instalment, booking_services.parse_money(form.amount.data),
                                 form.currency.data, form.paid_on.data, form.bank_reference.data,
                                 current_user)
    except DomainError as error:
        return _page(services.SUPPLIER, booking, refused(form, error), transfer_form=form)
    return _back(services.SUPPLIER, booking, _("The transfer is recorded."))
