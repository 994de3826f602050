"""Tour operators in the tenant portal (/<tenant>/manage/tour-operators): register and edit
operators, the seller's invoice details, each block's invoice and the transfer that pays it."""

from __future__ import annotations

from flask import Response, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from festival.accounts.access import ensure, requires
from festival.core.db import db
from festival.core.errors import DomainError
from festival.groups import services
from festival.groups.forms import InvoiceDetailsForm, TransferForm, block_status_label, operator_form
from festival.groups.invoice import render_invoice_pdf
from festival.groups.models import GroupBlock, TourOperator
from festival.tenants.views import portal_bp
from festival.ticketing.orders import tickets_of
from festival.ticketing.portal import get_or_404, refused


@portal_bp.context_processor
def group_helpers() -> dict:
    return {"block_status_label": block_status_label}


def _spec(form) -> services.OperatorSpec:
    return services.OperatorSpec(
        company_name=form.company_name.data or "", email=form.email.data or "", locale=form.locale.data,
        contact_name=form.contact_name.data or "", address=form.address.data or "",
        tax_id=form.tax_id.data or "", payment_terms_days=form.payment_terms_days.data,
        is_active=bool(form.is_active.data))


def _overview(form=None, details=None, status: int = 200):
    operators = list(db.session.scalars(select(TourOperator).order_by(TourOperator.company_name)))
    blocks = list(db.session.scalars(select(GroupBlock).order_by(GroupBlock.id.desc()).limit(200)))
    tenant = g.org
    details = details or InvoiceDetailsForm(data={
        "legal_address": tenant.legal_address, "tax_id": tenant.tax_id,
        "group_release_days": tenant.group_release_days})
    return render_template("groups/portal_operators.html", operators=operators, blocks=blocks,
                           form=form or operator_form(data={"locale": tenant.default_locale}),
                           details=details), status


@portal_bp.route("/tour-operators", methods=["GET", "POST"])
@requires("sales.view")
def tour_operators():
    if request.method != "POST":
        return _overview()
    ensure("sales.manage")
    form = operator_form()
    if not form.validate_on_submit():
        return _overview(form=form, status=400)
    try:
        operator = services.register_operator(g.org, _spec(form), current_user)
    except DomainError as error:
        return _overview(form=form, status=refused(form, error))
    flash(_("%(company)s is registered; its booking link is on its way to %(email)s.",
            company=operator.company_name, email=operator.email), "success")
    return redirect(url_for(".tour_operators"))


@portal_bp.route("/tour-operators/invoice-details", methods=["POST"])
@requires("settings.edit")
def group_invoice_details():
    form = InvoiceDetailsForm()
    if not form.validate_on_submit():
        return _overview(details=form, status=400)
    try:
        services.update_legal_details(g.org, form.legal_address.data or "", form.tax_id.data or "",
                                      form.group_release_days.data, current_user)
    except DomainError as error:
        return _overview(details=form, status=refused(form, error))
    flash(_("The invoice details are saved."), "success")
    return redirect(url_for(".tour_operators"))


@portal_bp.route("/tour-operators/<id:operator_id>", methods=["GET", "POST"])
@requires("sales.view")
def tour_operator_edit(operator_id: int):
    operator = get_or_404(TourOperator, operator_id)
    form = operator_form(obj=operator)

    def page(status: int = 200):
        return render_template("groups/portal_operator.html", operator=operator, form=form,
                               blocks=services.blocks_of(operator)), status

    if request.method != "POST":
        return page()
    ensure("sales.manage")
    if not form.validate_on_submit():
        return page(400)
    try:
        services.update_operator(g.org, operator, _spec(form), current_user)
    except DomainError as error:
        return page(refused(form, error))
    flash(_("The tour operator is saved."), "success")
    return redirect(url_for(".tour_operator_edit", operator_id=operator.id))


def _block_page(block: GroupBlock, form=None, status: int = 200):
    return render_template("groups/portal_block.html", block=block, order=block.order,
                           tickets=tickets_of(block.order), form=form or TransferForm(
                               data={"amount": block.order.total})), status


@portal_bp.route("/group-blocks/<id:block_id>")
@requires("sales.view")
def group_block_detail(block_id: int):
    return _block_page(get_or_404(GroupBlock, block_id))


@portal_bp.route("/group-blocks/<id:block_id>/paid", methods=["POST"])
@requires("sales.manage")
def group_block_paid(block_id: int):
    block = get_or_404(GroupBlock, block_id)
    form = TransferForm()
    if not form.validate_on_submit():
        return _block_page(block, form, 400)
    transfer = services.TransferRecord(amount=form.amount.data, reference=form.reference.data or "",
                                       paid_on=form.paid_on.data)
    try:
        services.settle_block(g.org, block, transfer, current_user)
    except DomainError as error:
        return _block_page(block, form, refused(form, error))
    flash(_("Invoice %(number)s is paid.", number=block.invoice_number), "success")
    return redirect(url_for(".group_block_detail", block_id=block.id))


@portal_bp.route("/group-blocks/<id:block_id>/invoice.pdf")
@requires("sales.view")
def group_block_invoice(block_id: int):
    block = get_or_404(GroupBlock, block_id)
    return Response(render_invoice_pdf(block, g.org), content_type="application/pdf", headers={
        "Content-Disposition": f'inline; filename="invoice-{block.invoice_number}.pdf"',
        "Cache-Control": "private, no-store"})
