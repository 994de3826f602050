"""Sales pages of the tenant portal (/<tenant>/manage/…): an exhibition's sales setup (ticket
types, vouchers, entry slots) and the tenant's sales settings.

The dashboard, orders and refunds are in portal_orders.py, the box office in
portal_box_office.py; both add their routes to the same blueprint when imported below.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from festival.accounts.access import ensure, requires
from festival.core.db import db, utcnow
from festival.core.errors import DomainError
from festival.core.forms import ActionForm, require_action_form
from festival.core.i18n import current_locale
from festival.exhibitions.models import Exhibition
from festival.tenants.views import portal_bp
from festival.ticketing import setup, staff
from festival.ticketing.dashboard import nights_of, slot_summary
from festival.ticketing.forms import (
    CATEGORY_LABELS,
    CHANNEL_LABELS,
    METHOD_LABELS,
    STATUS_LABELS,
    TICKET_STATUS_LABELS,
    VOUCHER_KIND_LABELS,
    label,
    plain_decimal,
    sales_settings_form,
    ticket_type_form,
    voucher_form,
)
from festival.ticketing.models import EntrySlot, TicketType, Voucher
from festival.ticketing.pricing import round_money
from festival.ticketing.sales_settings import SalesSettings, update_sales_settings


@portal_bp.context_processor
def sales_template_helpers() -> dict:
    """Labels of stored sales values, for every portal template (explicit context wins)."""
    return {
        "order_status_label": lambda value: label(STATUS_LABELS, value),
        "channel_label": lambda value: label(CHANNEL_LABELS, value),
        "method_label": lambda value: label(METHOD_LABELS, value),
        "category_label": lambda value: label(CATEGORY_LABELS, value),
        "ticket_status_label": lambda value: label(TICKET_STATUS_LABELS, value),
        "kind_label": lambda value: label(VOUCHER_KIND_LABELS, value),
    }


def get_or_404(model: type, object_id: int):
    """A row of the open tenant or supplier; another's id is not found (the scope filter hides it)."""
    row = db.session.get(model, object_id)
    if row is None:
        abort(404)
    return row


def refused(form, error: DomainError) -> int:
    """Show a service's refusal on the form and keep nothing of the request."""
    form.form_errors.append(error.message)
    g.rolled_back = True
    return error.status_code


def _utc(value: datetime | None) -> datetime | None:
    return value.astimezone(UTC) if value is not None else None


def type_names(exhibition_id: int, active_only: bool = False) -> list[tuple[int, str]]:
    """(id, name in the page's language) of an exhibition's ticket types, in their order."""
    query = select(TicketType).where(TicketType.exhibition_id == exhibition_id)
    if active_only:
        query = query.where(TicketType.is_active.is_(True))
    rows = db.session.scalars(query.order_by(TicketType.position, TicketType.id))
    return [(tt.id, tt.name(current_locale(), g.org.default_locale)) for tt in rows]


# --- the sales setup page of an exhibition ---------------------------------------------------

def chosen_exhibition(exhibitions: list[Exhibition]) -> Exhibition | None:
    """The exhibition asked for in ?exhibition=, else the first of the list (the first on sale)."""
    asked = request.args.get("exhibition", type=int)
    return next((e for e in exhibitions if e.id == asked), exhibitions[0] if exhibitions else None)


def chosen_night(nights: list[date]) -> date | None:
    """The night whose slots the page lists: the one asked for, else the next one to come."""
    try:
        asked = date.fromisoformat(request.args.get("night", ""))
    except ValueError:
        asked = None
    if asked in nights:
        return asked
    today = utcnow().astimezone(ZoneInfo(g.org.timezone)).date()
    return next((night for night in nights if night >= today), nights[-1] if nights else None)


@portal_bp.route("/exhibitions/<id:exhibition_id>/sales")
@requires("sales.view")
def sales_setup(exhibition_id: int):
    exhibition = get_or_404(Exhibition, exhibition_id)
    types = list(db.session.scalars(select(TicketType).where(TicketType.exhibition_id == exhibition.id)
                                    .order_by(TicketType.position, TicketType.id)))
    vouchers = list(db.session.scalars(select(Voucher).where(Voucher.exhibition_id == exhibition.id)
                                       .order_by(Voucher.code)))
    nights = list(db.session.scalars(select(EntrySlot.night).where(EntrySlot.exhibition_id == exhibition.id)
                                     .distinct().order_by(EntrySlot.night)))
    night = chosen_night(nights)
    slots = nights_of(exhibition.id, night, night)[0].slots if night else []
    names = dict(type_names(exhibition.id))
    return render_template(
        "ticketing/portal_setup.html", exhibition=exhibition, types=types, vouchers=vouchers,
        summary=slot_summary(exhibition.id), nights=nights, night=night, slots=slots, names=names,
        action_form=ActionForm())


@portal_bp.route("/exhibitions/<id:exhibition_id>/open-sales", methods=["POST"])
@requires("sales.manage")
def open_sales(exhibition_id: int):
    exhibition = get_or_404(Exhibition, exhibition_id)
    require_action_form()
    result = staff.generate_slots(g.org, exhibition, current_user)
    flash(_("Entry slots: %(added)s added, %(updated)s changed, %(removed)s removed.",
            added=result.added, updated=result.updated, removed=result.removed), "success")
    if result.kept_sold:
        flash(ngettext("%(num)d entry slot is no longer in the plan but has sold tickets: it is kept, "
                       "closed to new sales, and its tickets stay valid.",
                       "%(num)d entry slots are no longer in the plan but have sold tickets: they are "
                       "kept, closed to new sales, and their tickets stay valid.", result.kept_sold),
              "warning")
    return redirect(url_for(".sales_setup", exhibition_id=exhibition.id))


def _slot_closed(slot_id: int, closed: bool):
    slot = get_or_404(EntrySlot, slot_id)
    require_action_form()
    staff.set_slot_closed(slot, closed, current_user)
    flash(_("The entry slot is closed to new sales.") if closed else _("The entry slot is open again."),
          "success")
    return redirect(url_for(".sales_setup", exhibition_id=slot.exhibition_id, night=slot.night.isoformat()))


@portal_bp.route("/slots/<id:slot_id>/close", methods=["POST"])
@requires("sales.manage")
def slot_close(slot_id: int):
    return _slot_closed(slot_id, True)


@portal_bp.route("/slots/<id:slot_id>/reopen", methods=["POST"])
@requires("sales.manage")
def slot_reopen(slot_id: int):
    return _slot_closed(slot_id, False)


# --- ticket types ----------------------------------------------------------------------------

def _type_spec(form) -> setup.TicketTypeSpec:
    return setup.TicketTypeSpec(
        names={code: form[f"name_{code}"].data or "" for code in g.org.offered_locales},
        category=form.category.data, price=form.price.data, vat_rate=form.vat_rate.data,
        persons=form.persons.data, sale_starts_at=_utc(form.sale_starts_at.data),
        sale_ends_at=_utc(form.sale_ends_at.data), min_per_order=form.min_per_order.data,
        max_per_order=form.max_per_order.data, position=form.position.data or 0,
        is_active=form.is_active.data, visits=form.visits.data)


def _type_data(tt: TicketType | None) -> dict:
    """What the form shows before the first submit: the stored values, prices in the
    currency's digits (2 400 yen, not 2400.00)."""
    if tt is None:
        return {"vat_rate": plain_decimal(g.org.default_vat_rate), "category": TicketType.ADULT,
                "is_active": True}
    data = {f"name_{code}": text for code, text in tt.names.items()}
    data.update(category=tt.category, price=round_money(tt.price, g.org.currency),
                vat_rate=plain_decimal(tt.vat_rate),
                persons=tt.persons, sale_starts_at=tt.sale_starts_at, sale_ends_at=tt.sale_ends_at,
                min_per_order=tt.min_per_order, max_per_order=tt.max_per_order, position=tt.position,
                is_active=tt.is_active, visits=tt.visits)
    return data


def _type_page(form, exhibition: Exhibition, tt: TicketType | None, status: int = 200):
    return render_template("ticketing/portal_ticket_type.html", form=form, exhibition=exhibition,
                           ticket_type=tt, locales=g.org.offered_locales), status


def _setup_form_flow(form, exhibition: Exhibition, page: Callable[[int], object],
                     save: Callable[[], object], saved: str):
    """One flow for the setup forms: show, check the stronger permission, save or show why not."""
    if request.method != "POST":
        return page(200)
    ensure("sales.manage")
    if not form.validate_on_submit():
        return page(400)
    try:
        save()
    except DomainError as error:
        return page(refused(form, error))
    flash(saved, "success")
    return redirect(url_for(".sales_setup", exhibition_id=exhibition.id))


def _save_type(exhibition: Exhibition, tt: TicketType | None):
    form = ticket_type_form(g.org.offered_locales, data=_type_data(tt))

    def save() -> None:
        if tt is None:
            setup.create_ticket_type(g.org, exhibition, _type_spec(form), current_user)
        else:
            setup.update_ticket_type(g.org, tt, _type_spec(form), current_user)

    return _setup_form_flow(form, exhibition, lambda status: _type_page(form, exhibition, tt, status),
                            save, _("The ticket type is saved."))


@portal_bp.route("/exhibitions/<id:exhibition_id>/ticket-types/new", methods=["GET", "POST"])
@requires("sales.manage")
def ticket_type_new(exhibition_id: int):
    return _save_type(get_or_404(Exhibition, exhibition_id), None)


@portal_bp.route("/ticket-types/<id:ticket_type_id>", methods=["GET", "POST"])
@requires("sales.view")
def ticket_type_edit(ticket_type_id: int):
    tt = get_or_404(TicketType, ticket_type_id)
    return _save_type(get_or_404(Exhibition, tt.exhibition_id), tt)


# --- vouchers --------------------------------------------------------------------------------

def _voucher_spec(form) -> setup.VoucherSpec:
    return setup.VoucherSpec(
        code=form.code.data, kind=form.kind.data, value=form.value.data, max_uses=form.max_uses.data,
        valid_from=_utc(form.valid_from.data), valid_until=_utc(form.valid_until.data),
        ticket_type_ids=[int(value) for value in form.ticket_type_ids.data or []],
        is_active=form.is_active.data)


def _voucher_data(voucher: Voucher | None) -> dict:
    if voucher is None:
        return {"kind": Voucher.PERCENT, "is_active": True}
    value = plain_decimal(voucher.value) if voucher.kind == Voucher.PERCENT else round_money(
        voucher.value, g.org.currency)
    return {"code": voucher.code, "kind": voucher.kind, "value": value, "max_uses": voucher.max_uses,
            "valid_from": voucher.valid_from, "valid_until": voucher.valid_until,
            "ticket_type_ids": [str(type_id) for type_id in voucher.ticket_type_ids],
            "is_active": voucher.is_active}


def _save_voucher(exhibition: Exhibition, voucher: Voucher | None):
    form = voucher_form(type_names(exhibition.id), data=_voucher_data(voucher))

    def page(status: int):
        return render_template("ticketing/portal_voucher.html", form=form, exhibition=exhibition,
                               voucher=voucher), status

    return _setup_form_flow(
        form, exhibition, page,
        lambda: staff.save_voucher(g.org, exhibition, voucher, _voucher_spec(form), current_user),
        _("The voucher is saved."))


@portal_bp.route("/exhibitions/<id:exhibition_id>/vouchers/new", methods=["GET", "POST"])
@requires("sales.manage")
def voucher_new(exhibition_id: int):
    return _save_voucher(get_or_404(Exhibition, exhibition_id), None)


@portal_bp.route("/vouchers/<id:voucher_id>", methods=["GET", "POST"])
@requires("sales.view")
def voucher_edit(voucher_id: int):
    voucher = get_or_404(Voucher, voucher_id)
    return _save_voucher(get_or_404(Exhibition, voucher.exhibition_id), voucher)


# --- the tenant's sales settings -------------------------------------------------------------

def _settings_data() -> dict:
    tenant = g.org
    data = {f"terms_{code}": text for code, text in (tenant.ticket_terms or {}).items()}
    data.update(vat_mode="include" if tenant.prices_include_vat else "exclude",
                default_vat_rate=plain_decimal(tenant.default_vat_rate),
                cancellation="off" if tenant.visitor_cancel_hours is None else "allowed",
                cancel_hours=tenant.visitor_cancel_hours,
                night_change="off" if tenant.visitor_change_hours is None else "allowed",
                change_hours=tenant.visitor_change_hours, price_rule=tenant.price_difference_rule)
    return data


def _settings_from(form) -> SalesSettings:
    allowed = form.cancellation.data == "allowed"
    return SalesSettings(
        prices_include_vat=form.vat_mode.data == "include", default_vat_rate=form.default_vat_rate.data,
        visitor_cancel_hours=(form.cancel_hours.data or 0) if allowed else None,
        ticket_terms={code: form[f"terms_{code}"].data or "" for code in g.org.offered_locales},
        visitor_change_hours=(form.change_hours.data or 0) if form.night_change.data == "allowed" else None,
        price_difference_rule=form.price_rule.data)


@portal_bp.route("/sales-settings", methods=["GET", "POST"])
@requires("sales.view")
def sales_settings():
    form = sales_settings_form(g.org.offered_locales, data=_settings_data())

    def page(status: int = 200):
        return render_template("ticketing/portal_settings.html", form=form,
                               locales=g.org.offered_locales), status

    if request.method != "POST":
        return page()
    ensure("sales.manage")
    if not form.validate_on_submit():
        return page(400)
    try:
        update_sales_settings(g.org, _settings_from(form), current_user)
    except DomainError as error:
        return page(refused(form, error))
    flash(_("The sales settings are saved."), "success")
    return redirect(url_for(".sales_settings"))


from festival.ticketing import portal_box_office, portal_orders  # noqa: E402, F401  add their routes
