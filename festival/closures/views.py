"""Pages of festival.closures: the staff close a night and follow the visitors' decisions
(tenant portal), the visitor decides on a personal link and changes their own night from the
order page (storefront). HTTP glue only: services.py and ticketing/moves.py decide."""

from __future__ import annotations

from datetime import date, datetime

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from festival.accounts.access import ensure, requires
from festival.closures import services
from festival.closures.forms import OFFER_LABELS, SlotChoiceForm, closure_form
from festival.closures.models import Closure, ClosureOrder
from festival.core.db import db, utcnow
from festival.core.errors import DomainError, NotFound
from festival.core.forms import ActionForm, require_action_form
from festival.core.i18n import current_locale, format_local_date, format_local_time
from festival.exhibitions.models import Exhibition
from festival.tenants.views import portal_bp, storefront_bp
from festival.ticketing import availability, moves
from festival.ticketing.models import EntrySlot, Order, Ticket
from festival.ticketing.portal import get_or_404, refused
from festival.ticketing.slots import slots_of_night
from festival.ticketing.storefront import SECRET, speak_order_language, visitor_order

# --- tenant portal: closing a night, following a closure ------------------------------------------


@portal_bp.route("/exhibitions/<id:exhibition_id>/closures")
@requires("sales.view")
def closures_list(exhibition_id: int):
    exhibition = get_or_404(Exhibition, exhibition_id)
    closures = list(db.session.scalars(select(Closure).where(Closure.exhibition_id == exhibition.id)
                                       .order_by(Closure.night.desc(), Closure.id.desc())))
    return render_template("closures/portal_list.html", exhibition=exhibition,
                           rows=[(c, services.closure_progress(c)) for c in closures],
                           offer_labels=OFFER_LABELS)


def _open_nights(exhibition_id: int, now: datetime) -> list[date]:
    return list(db.session.scalars(
        select(EntrySlot.night).where(EntrySlot.exhibition_id == exhibition_id, EntrySlot.ends_at > now)
        .distinct().order_by(EntrySlot.night)))


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        return None


def _night_asked(nights: list[date]) -> date | None:
    asked = _date(request.form.get("night") if request.method == "POST" else request.args.get("night"))
    return asked if asked in nights else (nights[0] if nights else None)


@portal_bp.route("/exhibitions/<id:exhibition_id>/closures/new", methods=["GET", "POST"])
@requires("sales.manage")
def closure_new(exhibition_id: int):
    """Close a night or some of its slots: the offer is mailed to every affected visitor."""
    exhibition, now = get_or_404(Exhibition, exhibition_id), utcnow()
    nights = _open_nights(exhibition.id, now)
    night = _night_asked(nights)
    slots = slots_of_night(exhibition.id, night) if night else []
    form = closure_form([(n.isoformat(), format_local_date(n, "full")) for n in nights],
                        [(str(s.id), f"{format_local_time(s.starts_at)}–{format_local_time(s.ends_at)}")
                         for s in slots], data={"night": night.isoformat() if night else None,
                                                "offer": Closure.CHOICE})
    status = 200
    if request.method == "POST":
        ensure("sales.manage")
        if not form.validate_on_submit():
            status = 400
        else:
            try:
                closure = services.close_night(g.org, exhibition, services.ClosureRequest(
                    night=date.fromisoformat(form.night.data), reason=form.reason.data or "",
                    offer=form.offer.data, slot_ids=[int(v) for v in form.slot_ids.data or []]),
                    current_user, now)
            except DomainError as error:
                db.session.rollback()
                status = refused(form, error)
            else:
                affected = len(closure.slot_ids)
                flash(ngettext("%(num)d entry slot is closed; the affected visitors are told by email.",
                               "%(num)d entry slots are closed; the affected visitors are told by email.",
                               affected), "success")
                return redirect(url_for(".closure_progress", closure_id=closure.id), 303)
    return render_template("closures/portal_new.html", exhibition=exhibition, form=form,
                           night=night), status


@portal_bp.route("/closures/<id:closure_id>")
@requires("sales.view")
def closure_progress(closure_id: int):
    closure = get_or_404(Closure, closure_id)
    return render_template("closures/portal_progress.html", closure=closure,
                           exhibition=get_or_404(Exhibition, closure.exhibition_id),
                           progress=services.closure_progress(closure), offer_labels=OFFER_LABELS,
                           decision_labels=services.DECISION_LABELS, action_form=ActionForm())


@portal_bp.route("/closures/<id:closure_id>/remind", methods=["POST"])
@requires("sales.manage")
def closure_remind(closure_id: int):
    closure = get_or_404(Closure, closure_id)
    require_action_form()
    sent = services.remind_undecided(closure, g.org, current_user)
    flash(ngettext("A reminder was sent to %(num)d visitor who has not chosen yet.",
                   "A reminder was sent to %(num)d visitors who have not chosen yet.", sent), "success")
    return redirect(url_for(".closure_progress", closure_id=closure.id), 303)


# --- storefront: choosing another night --------------------------------------------------------------

def _picker(exhibition_id: int, now: datetime, skip_slots: list[int]) -> dict:
    """The nights with free places and, for the night asked for (?night=), its slots."""
    nights = [n for n in availability.nights_of(exhibition_id, now).values()
              if n.status != availability.CLOSED]
    night = _date(request.args.get("night"))
    slots = []
    if night in {n.night for n in nights}:
        slots = [(slot, availability.slot_status(slot, now))
                 for slot in availability.night_slots(exhibition_id, night, now)
                 if slot.id not in skip_slots]
    return {"nights": nights, "night": night if slots else None, "slot_states": slots}


def _persons(order: Order) -> int:
    return sum(t.persons for t in order.tickets if t.status != Ticket.VOID)


def _link(token: str) -> ClosureOrder:
    link = services.find_link(token) if SECRET.fullmatch(token) else None
    if link is None:
        raise NotFound(_("This link is not valid. Use the link in the email about your closed night."))
    speak_order_language(link.order)
    return link


def _closure_page(link: ClosureOrder, now: datetime, error: str | None = None, status: int = 200):
    from festival.documents.pdf import visit_of

    order = link.order
    return render_template(
        "closures/store_choice.html", link=link, closure=link.closure, order=order, error=error,
        visit=visit_of(order, g.org, current_locale()), persons=_persons(order),
        decision_labels=services.DECISION_LABELS, form=SlotChoiceForm(),
        **_picker(order.exhibition_id, now, link.closure.slot_ids)), status


@storefront_bp.route("/closure/<closure_token>", methods=["GET", "POST"])
def closure_choice(closure_token: str):
    """The visitor's personal closure link: another night, a credit or a refund, once."""
    link, now = _link(closure_token), utcnow()
    if request.method == "GET":
        return _closure_page(link, now)
    form = SlotChoiceForm()
    if not form.validate_on_submit():
        return _closure_page(link, now, _("Your form expired. Reload the page and try again."), 400)
    try:
        if form.decision.data == ClosureOrder.REBOOKED:
            services.rebook(link, g.org, form.chosen_slot(), now)
            message = _("Your tickets are moved to your new night. We have sent them to you again.")
        elif form.decision.data == ClosureOrder.CREDITED:
            services.take_credit(link, g.org, now)
            message = _("Your credit voucher is ready: use its code when you order.")
        elif form.decision.data == ClosureOrder.REFUNDED:
            services.ask_refund(link, g.org, now)
            message = _("Your tickets are refunded. The money goes back the way you paid.")
        else:
            raise DomainError(str(services.MESSAGES["not_offered"]))
    except DomainError as error:
        db.session.rollback()
        g.rolled_back = True
        db.session.refresh(link)
        return _closure_page(link, now, error.message, error.status_code)
    flash(message, "success")
    return redirect(url_for(".closure_choice", closure_token=link.token), 303)


@storefront_bp.route("/o/<secret>/change", methods=["GET", "POST"])
def order_change_night(secret: str):
    """The visitor moves their paid order to another night, until the tenant's deadline."""
    order, now = visitor_order(secret)
    if not moves.visitor_may_change(order, g.org, now):
        flash(str(moves.MESSAGES["no_change"]), "warning")
        return redirect(url_for(".order_page", secret=order.secret), 303)
    error, status = None, 200
    if request.method == "POST":
        form = SlotChoiceForm()
        try:
            if not form.validate_on_submit():
                raise DomainError(_("Your form expired. Reload the page and try again."))
            moves.visitor_change(order, g.org, form.chosen_slot(), now)
        except DomainError as refusal:
            db.session.rollback()
            g.rolled_back = True
            db.session.refresh(order)
            error, status = refusal.message, refusal.status_code
        else:
            flash(_("Your tickets are moved to your new night. We have sent them to you again."), "success")
            return redirect(url_for(".order_page", secret=order.secret), 303)
    return render_template(
        "closures/store_change.html", order=order, error=error, form=SlotChoiceForm(),
        persons=_persons(order), deadline=moves.visitor_change_deadline(order, g.org),
        **_picker(order.exhibition_id, now, [order.slot_id])), status


@storefront_bp.context_processor
def night_change_helpers() -> dict:
    """What the order page needs to offer the visitor's own change of night."""
    return {"may_change_night": lambda order, now: moves.visitor_may_change(order, g.org, now),
            "change_deadline": lambda order: moves.visitor_change_deadline(order, g.org)}
