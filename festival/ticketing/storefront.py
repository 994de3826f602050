"""The visitor's shop under /<tenant>/: an exhibition and its calendar of nights, a night's
checkout, the order page behind its secret link, and the test gateway's payment page.

HTTP glue only: availability.py reads what is left, orders.py decides, the gateway takes the
money. Every refusal of a service is shown on the page it came from, with a 4xx and nothing kept.
"""

from __future__ import annotations

import re
import secrets
from datetime import date, datetime

import flask_babel
from babel.dates import format_time
from flask import Response, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from festival.core.db import db, utcnow
from festival.core.errors import Conflict, DomainError, NotFound
from festival.core.extensions import limiter
from festival.core.forms import ActionForm, require_action_form
from festival.core.i18n import LOCALE_COOKIE, current_locale, display_timezone, format_rate
from festival.core.reference import SLUG_PATTERN
from festival.core.shared_cache import SharedCache
from festival.documents.pdf import visit_of
from festival.exhibitions.models import Exhibition
from festival.payments.gateways import STRIPE, TEST, online_gateway
from festival.tenants.views import storefront_bp
from festival.ticketing import availability, orders
from festival.ticketing.forms import STATUS_LABELS, label
from festival.ticketing.models import EntrySlot, Order, Ticket
from festival.ticketing.pricing import tax_by_rate
from festival.ticketing.store_forms import CheckoutForm, GatewayDecisionForm, checkout_form

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# The shape of every secret link token (orders, closure links, waiting-list requests, passes):
# checked before any query, so a malformed token is a 404 without a database read.
SECRET = re.compile(r"[A-Za-z0-9_-]{16,64}")
ONLINE_METHODS = (TEST, STRIPE)


def checkout_limit() -> str:
    """The rate limit of the shop's forms that hold places (checkout, pass visits, waiting lists)."""
    # Generous: a family retrying a refused form is fine, a script hammering the form is not.
    return current_app.config["CHECKOUT_RATE_LIMIT"]


@storefront_bp.context_processor
def shop_helpers() -> dict:
    """Reads and formats the shop's templates share (the storefront index lists the seasons)."""
    return {"exhibitions_on_sale": availability.exhibitions_on_sale,
            "in_language": in_language}


def in_language(values: dict[str, str]) -> str:
    """Text a tenant typed per language, in the page's language, else in the tenant's default."""
    return (values.get(current_locale()) or values.get(g.org.default_locale)
            or next(iter(values.values()), ""))


# --- an exhibition and its nights --------------------------------------------------------------

def exhibition_on_sale(slug: str) -> Exhibition:
    """The open tenant's exhibition with this slug while it sells; else a 404 saying so."""
    exhibition = None
    if SLUG_PATTERN.fullmatch(slug):
        exhibition = db.session.scalar(select(Exhibition).where(Exhibition.slug == slug))
    if exhibition is None or exhibition.status not in orders.SELLING:
        raise NotFound(_("This exhibition is not on sale here. See the festival's page for "
                         "the exhibitions on sale."))
    return exhibition


def night_from_url(value: str) -> date:
    """The night an address names (``2026-12-24``); else a 404 pointing to the calendar."""
    try:
        if ISO_DATE.fullmatch(value):
            return date.fromisoformat(value)
    except ValueError:
        pass
    raise NotFound(_("This address does not name a night. Choose a night in the calendar."))


# Rendered exhibition pages for anonymous visitors, kept a few seconds and shared by every web
# worker through Redis (each worker's memory without it). The on-sale rush lands on one page
# (pretix caches its shop pages for the same reason). A few seconds of staleness in its calendar
# are acceptable: the night page and the checkout decide on fresh data.
page_cache = SharedCache("storefront-page")


def _page_cache_key(exhibition_slug: str) -> tuple | None:
    """Whom a shared page may be served to: an anonymous visitor with no message waiting."""
    seconds = current_app.config["STOREFRONT_PAGE_CACHE_SECONDS"]
    if not seconds or request.query_string or current_user.is_authenticated or "_flashes" in session:
        return None
    return (g.org.id, exhibition_slug, current_locale(), seconds)


@storefront_bp.route("/<exhibition_slug>/")
def exhibition_page(exhibition_slug: str):
    """The page a visitor lands on: what is on show, the prices and the calendar of nights."""
    key = _page_cache_key(exhibition_slug)
    html = page_cache.get(key) if key else None
    if html is None:
        html = _render_exhibition(exhibition_slug)
        if key:
            page_cache.put(key, html, key[-1])
    return html


def _render_exhibition(exhibition_slug: str) -> str:
    """The exhibition, its ticket prices and its calendar of nights: four queries in all."""
    exhibition = exhibition_on_sale(exhibition_slug)
    now, locale = utcnow(), current_locale()
    nights = availability.nights_of(exhibition.id, now)
    today = now.astimezone(display_timezone()).date()
    first = min([*nights, max(exhibition.season_start, today)])
    return render_template(
        "ticketing/store_exhibition.html", exhibition=exhibition, now=now,
        ticket_types=availability.ticket_types_of(exhibition.id),
        months=availability.month_grid(nights, first, exhibition.season_end, locale),
        weekdays=availability.weekday_names(locale), has_nights=bool(nights),
        hours=_("%(opens)s to %(closes)s", opens=format_time(exhibition.opens_at, "short", locale=locale),
                closes=format_time(exhibition.closes_at, "short", locale=locale)),
        night_prefix=url_for(".exhibition_page", exhibition_slug=exhibition.slug))


@storefront_bp.route("/<exhibition_slug>/<night>", methods=["GET", "POST"])
@limiter.limit(checkout_limit, methods=["POST"])
def night_page(exhibition_slug: str, night: str):
    """A night's entry slots and the checkout form; a valid POST holds places in an order."""
    exhibition = exhibition_on_sale(exhibition_slug)
    day, now = night_from_url(night), utcnow()
    slots = availability.night_slots(exhibition.id, day, now)
    if not slots:
        raise NotFound(_("The festival does not open on %(night)s. Choose a night in the calendar.",
                         night=flask_babel.format_date(day, "full")))
    ticket_types = availability.ticket_types_of(exhibition.id)
    form = checkout_form(ticket_types)
    status = 200
    if request.method == "POST":
        if not form.validate_on_submit():
            status = 400
        else:
            try:
                order = orders.create_order(g.org, _order_request(form, slots))
            except DomainError as error:
                status = _refused(form, error)
            else:
                return redirect(url_for(".order_page", secret=order.secret), 303)
    states = [(slot, availability.slot_status(slot, now)) for slot in slots]
    return render_template(
        "ticketing/store_night.html", exhibition=exhibition, night=day, slot_states=states, form=form,
        ticket_types=ticket_types, now=now,
        night_open=any(state != availability.CLOSED for _slot, state in states)), status


def _order_request(form: CheckoutForm, slots: list[EntrySlot]) -> orders.OrderRequest:
    if form.slot.data is None:
        raise DomainError(_("Choose an entry time."))
    if form.slot.data not in {slot.id for slot in slots}:  # a slot of another night or exhibition
        raise DomainError(str(orders.MESSAGES["unknown_slot"]))
    return orders.OrderRequest(
        slot_id=form.slot.data, quantities=form.quantities(), email=form.email.data or "",
        name=form.name.data or "", locale=current_locale(), voucher_code=form.voucher.data or "",
        channel=Order.ONLINE, payment_method=online_gateway().name)


def _refused(form, error: DomainError) -> int:
    """Keep nothing of the request; the page is shown again with the message and the values."""
    db.session.rollback()
    g.rolled_back = True
    form.form_errors.append(error.message)
    return error.status_code


# --- the order page ------------------------------------------------------------------------------

def _order(secret: str) -> Order:
    """The open tenant's order with this secret: another tenant's secret finds nothing."""
    order = None
    if SECRET.fullmatch(secret):
        order = db.session.scalar(select(Order).where(Order.secret == secret))
    if order is None:
        raise NotFound(_("This order link is not valid. Use the link in your confirmation email."))
    return order


def speak_order_language(order: Order) -> None:
    """A page behind a visitor's secret link speaks the language of its order (or pass, closure
    link: anything with a ``locale``), unless the visitor picked another one."""
    if request.cookies.get(LOCALE_COOKIE) in (g.get("offered_locales") or ()):
        return
    g.forced_locale = order.locale
    flask_babel.refresh()


def _release_if_lapsed(order: Order, now: datetime) -> None:
    """A pending order past its hold is expired now (its places return), not at the next sweep."""
    if order.status == Order.PENDING and order.expires_at is not None and order.expires_at <= now:
        orders.release_expired_holds(now, slot_id=order.slot_id)
        db.session.refresh(order)


def visitor_order(secret: str) -> tuple[Order, datetime]:
    """The order behind a visitor's secret link, in its language, with a lapsed hold released
    (a 404 for an unknown link); and the time it was read at."""
    order, now = _order(secret), utcnow()
    speak_order_language(order)
    _release_if_lapsed(order, now)
    return order, now


def _vat_lines(order: Order) -> list[tuple[str, object, object]]:
    """(rate, taxable amount, tax) per VAT rate, summed exactly as the sale and the receipt do."""
    return [(format_rate(rate), base, tax)
            for rate, base, tax in tax_by_rate(order.lines, order.prices_include_vat) if rate > 0]


def _shown_tickets(order: Order) -> list[tuple[Ticket, str | None]]:
    """The order's tickets, each with its QR image while it admits someone."""
    from festival.documents.qr import qr_data_uri

    if order.status not in (Order.PAID, Order.REFUNDED):
        return []
    return [(ticket, qr_data_uri(orders.qr_payload(ticket, g.org)) if ticket.status != Ticket.VOID
             else None) for ticket in orders.tickets_of(order)]


def _render_order(order: Order, now: datetime, error: str | None = None, status: int = 200):
    tenant = g.org
    may_cancel = order.status == Order.PENDING or orders.visitor_may_cancel(order, tenant, now)
    confirming = (order.status == Order.PENDING and order.payment_method == STRIPE
                  and request.args.get("paid") == "1")
    response = current_app.make_response((render_template(
        "ticketing/store_order.html", order=order, tenant=tenant, now=now, error=error,
        visit=visit_of(order, tenant, current_locale()), vat_lines=_vat_lines(order),
        tickets=_shown_tickets(order), status_label=label(STATUS_LABELS, order.status),
        may_pay=order.status == Order.PENDING and order.payment_method in ONLINE_METHODS,
        may_cancel=may_cancel, confirming=confirming, action_form=ActionForm()), status))
    # The page is reached through a secret link: no shared cache may keep it.
    response.headers["Cache-Control"] = "private, no-store"
    return response


@storefront_bp.route("/o/<secret>")
def order_page(secret: str):
    """The visitor's order behind its secret link: summary and payment, or tickets once paid."""
    order, now = visitor_order(secret)
    return _render_order(order, now)


def _back_to_order(order: Order, message: str | None = None, category: str = "info"):
    if message:
        flash(message, category)
    return redirect(url_for(".order_page", secret=order.secret), 303)


def _refused_on_order(order: Order, now: datetime, error: DomainError):
    db.session.rollback()
    g.rolled_back = True
    db.session.refresh(order)
    return _render_order(order, now, error=error.message, status=error.status_code)


@storefront_bp.route("/o/<secret>/pay", methods=["POST"])
def pay(secret: str):
    """Send the visitor to the payment page: the test gateway's, or Stripe Checkout."""
    order, now = visitor_order(secret)
    require_action_form()
    if order.status != Order.PENDING:  # paid meanwhile, or its hold just lapsed: say so on its page
        return _back_to_order(order, _("This order is no longer waiting for payment."), "warning")
    try:
        if order.payment_method not in ONLINE_METHODS:
            raise Conflict(_("This order is paid at the box office, not online."))
        target = online_gateway().start(order, g.org)
    except DomainError as error:
        return _refused_on_order(order, now, error)
    return redirect(target, 303)


@storefront_bp.route("/o/<secret>/cancel", methods=["POST"])
def cancel(secret: str):
    """Give up an unpaid order, or cancel a paid one where the tenant allows it (refunded)."""
    from festival.ticketing.notify import send_refund_notice

    order, now = visitor_order(secret)
    require_action_form()
    if order.status == Order.PENDING:
        orders.cancel_pending(order, now)
        return _back_to_order(order, _("Your order is cancelled. Its places are free again."),
                              "success")
    if order.status != Order.PAID:
        return _back_to_order(order, _("There is nothing left to cancel in this order."), "warning")
    refunded_before = order.refunded_amount
    try:
        orders.visitor_cancel(order, g.org, now)
    except DomainError as error:
        return _refused_on_order(order, now, error)
    send_refund_notice(order, g.org, order.refunded_amount - refunded_before)
    return _back_to_order(order, _("Your order is cancelled. The amount paid is refunded to you."),
                          "success")


# --- documents -----------------------------------------------------------------------------------

def pdf_response(data: bytes, filename: str) -> Response:
    """A PDF shown in the browser and kept by no shared cache (it sits behind a secret link)."""
    return Response(data, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{filename}"', "Cache-Control": "private, no-store"})


@storefront_bp.route("/o/<secret>/tickets.pdf")
def tickets_pdf(secret: str):
    """The paid order's tickets as one PDF, in the page's language."""
    from festival.documents.tickets import render_tickets_pdf

    order, _now = visitor_order(secret)
    if order.status != Order.PAID:
        return _back_to_order(order, _("Tickets exist once the order is paid."), "warning")
    return pdf_response(render_tickets_pdf(order, g.org, current_locale()), f"tickets-{order.code}.pdf")


@storefront_bp.route("/o/<secret>/receipt.pdf")
def receipt_pdf(secret: str):
    """The numbered receipt of a paid (or since refunded) order."""
    from festival.documents.receipt import render_receipt_pdf

    order, _now = visitor_order(secret)
    if order.receipt_number is None:
        return _back_to_order(order, _("The receipt exists once the order is paid."), "warning")
    return pdf_response(render_receipt_pdf(order, g.org, current_locale()),
                        f"receipt-{order.receipt_number}.pdf")


# --- the test gateway ----------------------------------------------------------------------------

@storefront_bp.route("/o/<secret>/test-payment", methods=["GET", "POST"])
def test_payment(secret: str):
    """The embedded default's payment page, clearly a test: no money moves."""
    order = _order(secret)
    if order.payment_method != TEST:
        raise NotFound(_("This order is not paid through the test gateway."))
    speak_order_language(order)
    # A hold that lapsed on this page may still be paid if its places are free (as with Stripe).
    payable = (Order.PENDING, Order.EXPIRED) if request.method == "POST" else (Order.PENDING,)
    if order.status not in payable:
        return _back_to_order(order)
    form = GatewayDecisionForm()
    if request.method == "GET":
        return render_template("ticketing/store_test_payment.html", order=order, form=form)
    if not form.validate_on_submit():
        return render_template("ticketing/store_test_payment.html", order=order, form=form), 400
    if form.decision.data == "cancel":
        orders.cancel_pending(order)
        return _back_to_order(order, _("The payment was cancelled, and so was the order. Its places "
                                       "are free again."))
    outcome = orders.confirm_payment(order, g.org, TEST, f"test-{secrets.token_hex(8)}", order.total)
    if outcome is orders.PaymentOutcome.NO_CAPACITY:
        return _back_to_order(order, _("Your hold expired and its places were sold meanwhile, so this "
                                       "order cannot be paid. No money moved. Please choose another "
                                       "entry time."), "warning")
    return _back_to_order(order)
