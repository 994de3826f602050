"""Sales dashboard, orders list (its CSV is a report export, festival.exports), and one order's
page with its staff actions (refund, resend, print) in the tenant portal."""

from __future__ import annotations

from flask import Response, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from festival.accounts.access import can, requires
from festival.core.errors import Conflict, DomainError
from festival.core.forms import ActionForm
from festival.core.i18n import format_money
from festival.tenants.views import portal_bp
from festival.ticketing import dashboard, staff
from festival.ticketing.forms import STATUS_LABELS, ResendForm, label, refund_form
from festival.ticketing.models import Order, Payment, Ticket
from festival.ticketing.orders import tickets_of
from festival.ticketing.portal import chosen_exhibition, chosen_night, get_or_404, refused


@portal_bp.route("/sales")
@requires("sales.view")
def sales_dashboard():
    exhibitions = dashboard.selling_exhibitions()
    exhibition = chosen_exhibition(exhibitions)
    nights = dashboard.nights_of(exhibition.id) if exhibition else []
    night = chosen_night([n.night for n in nights])
    detail = next((n for n in nights if n.night == night), None)
    return render_template(
        "ticketing/portal_dashboard.html", exhibitions=exhibitions, exhibition=exhibition, nights=nights,
        night=detail, revenue=dashboard.revenue_of(exhibition.id) if exhibition else None,
        currency=g.org.currency)


# --- orders list -----------------------------------------------------------------------

def _filters() -> dict:
    status = request.args.get("status", "")
    return {"q": request.args.get("q", "").strip()[:100],
            "status": status if status in Order.STATUSES else ""}


@portal_bp.route("/orders")
@requires("sales.view")
def orders_list():
    filters = _filters()
    page = dashboard.order_page(dashboard.order_search(filters["q"], filters["status"]),
                                request.args.get("page", 1, type=int))
    return render_template("ticketing/portal_orders.html", page=page, filters=filters,
                           statuses=[(s, label(STATUS_LABELS, s)) for s in Order.STATUSES],
                           export_form=ActionForm())


# --- one order -----------------------------------------------------------------------------------

def _refund_choices(order: Order) -> list[tuple[int, str]]:
    return [(t.id, t.code) for t in tickets_of(order) if t.status == Ticket.VALID]


def _order_page(order: Order, status: int = 200, refund=None, resend=None):
    tickets = tickets_of(order)
    payments = sorted(order.payments, key=lambda p: p.id)
    return render_template(
        "ticketing/portal_order.html", order=order, tickets=tickets,
        lines=dashboard.lines_with_types(order), payments=payments, refund_kind=Payment.REFUND,
        refund_form=refund or refund_form(_refund_choices(order)), resend_form=resend or ResendForm(),
        may_refund=can("orders.refund") and order.status == Order.PAID,
        has_address=not staff.is_placeholder_email(order.email), action_form=ActionForm(),), status


@portal_bp.route("/orders/<id:order_id>")
@requires("sales.view")
def order_detail(order_id: int):
    return _order_page(get_or_404(Order, order_id))


@portal_bp.route("/orders/<id:order_id>/refund", methods=["POST"])
@requires("orders.refund")
def order_refund(order_id: int):
    order = get_or_404(Order, order_id)
    form = refund_form(_refund_choices(order))
    if not form.validate_on_submit():
        return _order_page(order, 400, refund=form)
    chosen = None if form.whole.data == "1" else [int(value) for value in form.ticket_ids.data or []]
    try:
        amount = staff.refund_order(order, g.org, chosen, current_user, form.reason.data or "")
    except DomainError as error:
        status = refused(form, error)
        return _order_page(order, status, refund=form)
    flash(_("Refunded %(amount)s.", amount=format_money(amount, order.currency)), "success")
    return redirect(url_for(".order_detail", order_id=order.id))


@portal_bp.route("/orders/<id:order_id>/resend", methods=["POST"])
@requires("sales.view")
def order_resend(order_id: int):
    order = get_or_404(Order, order_id)
    form = ResendForm()
    if not form.validate_on_submit():
        return _order_page(order, 400, resend=form)
    try:
        address = staff.resend_tickets(order, g.org, form.email.data or "", current_user)
    except DomainError as error:
        return _order_page(order, refused(form, error), resend=form)
    flash(_("The tickets are on their way to %(email)s.", email=address), "success")
    return redirect(url_for(".order_detail", order_id=order.id))


def _pdf(data: bytes, filename: str) -> Response:
    return Response(data, content_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{filename}"',
                             "Cache-Control": "private, no-store"})


@portal_bp.route("/orders/<id:order_id>/tickets.pdf")
@requires("sales.view")
def order_tickets_pdf(order_id: int):
    from festival.documents.tickets import render_tickets_pdf

    order = get_or_404(Order, order_id)
    if not any(t.status != Ticket.VOID for t in tickets_of(order)):
        raise Conflict(_("This order has no valid tickets to print."))
    return _pdf(render_tickets_pdf(order, g.org, order.locale), f"tickets-{order.code}.pdf")


@portal_bp.route("/orders/<id:order_id>/receipt.pdf")
@requires("sales.view")
def order_receipt_pdf(order_id: int):
    from festival.documents.receipt import render_receipt_pdf

    order = get_or_404(Order, order_id)
    return _pdf(render_receipt_pdf(order, g.org, order.locale), f"receipt-{order.receipt_number}.pdf")
