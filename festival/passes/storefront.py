"""The holder's pass page under /<tenant>/pass/<secret>: the pass, its visits, a night and
slot picker to reserve the next one, each visit's ticket PDF and its cancellation.

The secret link is the holder's key (like an order link): another tenant's secret finds nothing.
Every refusal is shown on the pass page with a 4xx, and nothing of the request is kept.
"""

from __future__ import annotations

from datetime import date, datetime

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from festival.core.db import db, utcnow
from festival.core.errors import DomainError, NotFound
from festival.core.extensions import limiter
from festival.core.forms import ActionForm, require_action_form
from festival.core.i18n import current_locale
from festival.documents.pdf import visit_of
from festival.documents.tickets import render_ticket_pdf
from festival.passes import services
from festival.passes.forms import ReserveForm
from festival.passes.models import Pass, PassVisit
from festival.tenants.views import storefront_bp
from festival.ticketing import availability
from festival.ticketing.forms import TICKET_STATUS_LABELS, label
from festival.ticketing.storefront import (
    ISO_DATE,
    SECRET,
    checkout_limit,
    pdf_response,
    speak_order_language,
)

STATE_LABELS = {
    services.USABLE: lambda: _("Valid"),
    services.USED_UP: lambda: _("All entries used"),
    services.EXPIRED: lambda: _("Expired"),
    Pass.VOID: lambda: _("Void"),
}


def _pass(token: str) -> Pass:
    """The open tenant's pass with this secret, in the holder's language."""
    pass_ = None
    if SECRET.fullmatch(token):
        pass_ = db.session.scalar(select(Pass).where(Pass.secret == token))
    if pass_ is None:
        raise NotFound(_("This pass link is not valid. Use the link in the email you received "
                         "with your pass."))
    speak_order_language(pass_)  # the pass speaks its holder's language, as an order does
    return pass_


def _night(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value and ISO_DATE.fullmatch(value) else None
    except ValueError:
        return None


def _open_nights(pass_: Pass, now: datetime) -> list[availability.Night]:
    """Nights still to come within the pass's season that it has no visit on yet."""
    visited = services.visited_nights(pass_)
    return [night for day, night in availability.nights_of(pass_.exhibition_id, now).items()
            if day <= pass_.valid_until and day not in visited]


def _render(pass_: Pass, now: datetime, error: str | None = None, status: int = 200,
            form: ReserveForm | None = None):
    tenant = g.org
    state = services.pass_state(pass_, tenant, now)
    nights = _open_nights(pass_, now) if state == services.USABLE else []
    night = _night(request.values.get("night"))
    night = night if any(n.night == night for n in nights) else None
    slots = availability.night_slots(pass_.exhibition_id, night, now) if night else []
    visits = [(visit, visit_of(visit.order, tenant, current_locale()), services.may_cancel(visit, now))
              for visit in pass_.visits]
    response = current_app.make_response((render_template(
        "passes/pass.html", pass_=pass_, tenant=tenant, state=state,
        state_label=STATE_LABELS[state](), visits=visits, nights=nights, night=night,
        slot_states=[(slot, availability.slot_status(slot, now)) for slot in slots],
        form=form or ReserveForm(), action_form=ActionForm(), error=error,
        ticket_label=lambda value: label(TICKET_STATUS_LABELS, value)), status))
    response.headers["Cache-Control"] = "private, no-store"  # reached through a secret link
    return response


def _refused(pass_: Pass, now: datetime, error: DomainError, form: ReserveForm | None = None):
    db.session.rollback()
    g.rolled_back = True
    db.session.refresh(pass_)
    return _render(pass_, now, error.message, error.status_code, form)


@storefront_bp.route("/pass/<pass_token>")
def pass_page(pass_token: str):
    """The pass, its visits and, for a chosen night, the entry times to reserve."""
    return _render(_pass(pass_token), utcnow())


@storefront_bp.route("/pass/<pass_token>/reserve", methods=["POST"])
@limiter.limit(checkout_limit)
def pass_reserve(pass_token: str):
    """Reserve the pass's free entry in the chosen slot; the ticket is mailed and downloadable."""
    from festival.passes.notify import send_visit

    pass_, now = _pass(pass_token), utcnow()
    form = ReserveForm()
    if not form.validate_on_submit():
        problems = [*form.errors.get("slot", []), *form.errors.get("csrf_token", [])]
        return _refused(pass_, now, DomainError(" ".join(problems) or _("Choose an entry time.")), form)
    try:
        visit = services.reserve_visit(g.org, pass_, form.slot.data, now)
    except DomainError as error:
        return _refused(pass_, now, error, form)
    send_visit(visit, pass_, g.org)
    flash(_("Your entry on %(night)s is reserved. Its ticket is below and on its way by email.",
            night=visit_of(visit.order, g.org, current_locale()).night), "success")
    return redirect(url_for(".pass_page", pass_token=pass_.secret), 303)


def _visit(pass_: Pass, visit_night: str) -> PassVisit:
    night = _night(visit_night)
    if night is None:
        raise NotFound(str(services.MESSAGES["unknown_visit"]))
    return services.visit_of_night(pass_, night)


@storefront_bp.route("/pass/<pass_token>/<visit_night>/ticket.pdf")
def pass_ticket_pdf(pass_token: str, visit_night: str):
    """One visit's ticket as a PDF, in the page's language."""
    pass_ = _pass(pass_token)
    visit = _visit(pass_, visit_night)
    return pdf_response(render_ticket_pdf(visit.ticket, g.org, current_locale()),
                f"ticket-{visit.order.code}.pdf")


@storefront_bp.route("/pass/<pass_token>/<visit_night>/cancel", methods=["POST"])
def pass_cancel(pass_token: str, visit_night: str):
    """Cancel a reserved visit before its slot begins: the place and the entry return."""
    pass_, now = _pass(pass_token), utcnow()
    visit = _visit(pass_, visit_night)
    require_action_form()
    try:
        services.cancel_visit(g.org, pass_, visit.night, now)
    except DomainError as error:
        return _refused(pass_, now, error)
    flash(_("Your visit is cancelled. You can reserve another night."), "success")
    return redirect(url_for(".pass_page", pass_token=pass_.secret), 303)
