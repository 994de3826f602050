"""Pages of festival.waitlist (routes are added to the portals' blueprints when imported).

Storefront: a night's waiting-list form, and the group's request page behind its secret link
(position, withdraw, and once places are held: their expiry and the purchase form). Portal: the
waiting lists of an exhibition, night by night. HTTP glue only: services.py decides.
"""

from __future__ import annotations

import flask_babel
from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from festival.accounts.access import requires
from festival.core.db import db, utcnow
from festival.core.errors import DomainError, NotFound
from festival.core.extensions import limiter
from festival.core.forms import ActionForm, require_action_form
from festival.core.i18n import LOCALE_COOKIE, current_locale
from festival.exhibitions.models import Exhibition
from festival.payments.gateways import online_gateway
from festival.tenants.views import portal_bp, storefront_bp
from festival.ticketing import availability
from festival.ticketing.models import EntrySlot
from festival.ticketing.portal import get_or_404
from festival.ticketing.storefront import SECRET, checkout_limit, exhibition_on_sale, night_from_url
from festival.waitlist import (
    hooks,  # noqa: F401  freed places reach the lists at commit
    services,
)
from festival.waitlist.forms import STATUS_LABELS, JoinForm, hold_purchase_form
from festival.waitlist.models import WaitingRequest


def _refused(form, error: DomainError) -> int:
    """Keep nothing of the request; the page is shown again with the message."""
    db.session.rollback()
    g.rolled_back = True
    form.form_errors.append(error.message)
    return error.status_code


# --- joining a night's list ------------------------------------------------------------------------

@storefront_bp.route("/<exhibition_slug>/<night>/waiting-list", methods=["GET", "POST"])
@limiter.limit(checkout_limit, methods=["POST"])
def join_waiting_list(exhibition_slug: str, night: str):
    """The form that puts a group on a sold-out night's waiting list."""
    exhibition, day = exhibition_on_sale(exhibition_slug), night_from_url(night)
    if not availability.night_slots(exhibition.id, day, utcnow()):
        raise NotFound(_("The festival does not open on this night. Choose a night in the calendar."))
    form, status = JoinForm(), 200
    if request.method == "POST":
        if not form.validate_on_submit():
            status = 400
        else:
            try:
                waiting = services.join_list(g.org, exhibition, day, form.persons.data,
                                             form.email.data or "", form.name.data or "",
                                             current_locale())
            except DomainError as error:
                status = _refused(form, error)
            else:
                return redirect(url_for(".waiting_request_page", wait_secret=waiting.secret), 303)
    return render_template("waitlist/store_join.html", exhibition=exhibition, night=day,
                           form=form), status


# --- the group's request page ----------------------------------------------------------------------

def _waiting_request(secret: str) -> WaitingRequest:
    """The open tenant's request behind this link: another tenant's secret finds nothing."""
    found = services.find_request(secret) if SECRET.fullmatch(secret) else None
    if found is None:
        raise NotFound(_("This waiting-list link is not valid. Use the link in your email."))
    # The page speaks the request's language, unless the visitor picked another one.
    if request.cookies.get(LOCALE_COOKIE) not in (g.get("offered_locales") or ()):
        g.forced_locale = found.locale
        flask_babel.refresh()
    services.lapse_if_due(found, utcnow())
    return found


def _render_request(waiting: WaitingRequest, form=None, error: str | None = None, status: int = 200):
    now = utcnow()
    offered = waiting.holds_places(now)
    ticket_types = availability.ticket_types_of(waiting.exhibition_id) if offered else []
    response = current_app.make_response((render_template(
        "waitlist/store_request.html", waiting=waiting, tenant=g.org, now=now, error=error,
        position=services.position_of(waiting), offered=offered, ticket_types=ticket_types,
        form=form or (hold_purchase_form(ticket_types) if offered else None),
        slot=db.session.get(EntrySlot, waiting.slot_id) if waiting.slot_id else None,
        status_label=str(STATUS_LABELS[waiting.status]), action_form=ActionForm()), status))
    response.headers["Cache-Control"] = "private, no-store"  # reached through a secret link
    return response


@storefront_bp.route("/w/<wait_secret>")
def waiting_request_page(wait_secret: str):
    """Position or held places of one group, behind its secret link."""
    return _render_request(_waiting_request(wait_secret))


@storefront_bp.route("/w/<wait_secret>/withdraw", methods=["POST"])
def withdraw_waiting_request(wait_secret: str):
    """The group leaves the list; places held for it pass to the next group."""
    waiting = _waiting_request(wait_secret)
    require_action_form()
    try:
        services.withdraw(waiting)
    except DomainError as error:
        db.session.rollback()
        g.rolled_back = True
        return _render_request(waiting, error=error.message, status=error.status_code)
    flash(_("You have left the waiting list."), "success")
    return redirect(url_for(".waiting_request_page", wait_secret=waiting.secret), 303)


@storefront_bp.route("/w/<wait_secret>/buy", methods=["POST"])
@limiter.limit(checkout_limit)
def buy_with_hold(wait_secret: str):
    """Tickets for the held places: a normal pending order, paid on its order page."""
    waiting = _waiting_request(wait_secret)
    if not waiting.holds_places(utcnow()):
        flash(_("No places are held for this request at the moment."), "warning")
        return redirect(url_for(".waiting_request_page", wait_secret=waiting.secret), 303)
    form = hold_purchase_form(availability.ticket_types_of(waiting.exhibition_id))
    if not form.validate_on_submit():
        return _render_request(waiting, form=form, status=400)
    try:
        order = services.buy_with_hold(g.org, waiting, form.quantities(), form.voucher.data or "",
                                       online_gateway().name)
    except DomainError as error:
        db.session.rollback()
        g.rolled_back = True
        db.session.refresh(waiting)
        form.form_errors.append(error.message)
        return _render_request(waiting, form=form, status=error.status_code)
    return redirect(url_for(".order_page", secret=order.secret), 303)


# --- the staff page --------------------------------------------------------------------------------

@portal_bp.route("/exhibitions/<id:exhibition_id>/waiting-list")
@requires("sales.view")
def waiting_lists(exhibition_id: int):
    """An exhibition's waiting lists night by night: groups, persons, status, positions."""
    exhibition = get_or_404(Exhibition, exhibition_id)
    now, nights = utcnow(), {}
    for waiting in services.requests_of(exhibition.id):
        nights.setdefault(waiting.night, []).append(waiting)
    positions = {}
    for night_requests in nights.values():
        waiting_ones = [w for w in night_requests if w.status == WaitingRequest.WAITING]
        positions.update({w.id: number for number, w in enumerate(waiting_ones, start=1)})
    slots = {slot.id: slot for slot in db.session.scalars(
        select(EntrySlot).where(EntrySlot.exhibition_id == exhibition.id,
                                EntrySlot.id.in_({w.slot_id for r in nights.values() for w in r
                                                  if w.slot_id})))}
    return render_template("waitlist/portal_list.html", exhibition=exhibition, nights=nights,
                           positions=positions, slots=slots, now=now,
                           status_label=lambda value: str(STATUS_LABELS[value]))
