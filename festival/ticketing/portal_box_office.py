"""The box office in the tenant portal: pick a night and an entry slot with places left, sell
tickets paid in cash or by card on site, then print them from the order's page."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from festival.accounts.access import requires
from festival.core.errors import DomainError
from festival.core.i18n import current_locale
from festival.exhibitions.models import Exhibition
from festival.tenants.views import portal_bp
from festival.ticketing import dashboard, staff
from festival.ticketing.forms import box_office_form
from festival.ticketing.models import EntrySlot
from festival.ticketing.orders import SELLING
from festival.ticketing.portal import chosen_exhibition, chosen_night, get_or_404, refused, type_names


@portal_bp.route("/box-office")
@requires("box_office.sell")
def box_office():
    exhibitions = [e for e in dashboard.selling_exhibitions() if e.status in SELLING]
    exhibition = chosen_exhibition(exhibitions)
    nights = dashboard.nights_of(exhibition.id) if exhibition else []
    night = chosen_night([n.night for n in nights])
    chosen = next((n for n in nights if n.night == night), None)
    slots = [s for s in chosen.slots if s.sellable] if chosen else []
    return render_template("ticketing/portal_box_office.html", exhibitions=exhibitions,
                           exhibition=exhibition, nights=[n.night for n in nights], night=night, slots=slots)


@portal_bp.route("/box-office/slots/<id:slot_id>", methods=["GET", "POST"])
@requires("box_office.sell")
def box_office_slot(slot_id: int):
    slot = get_or_404(EntrySlot, slot_id)
    exhibition = get_or_404(Exhibition, slot.exhibition_id)
    types = type_names(exhibition.id, active_only=True)
    locale = current_locale() if current_locale() in g.org.offered_locales else g.org.default_locale
    form = box_office_form(types, g.org.offered_locales, data={"locale": locale, "payment_method": "cash"})
    figures = dashboard.slot_figures([slot])[0]

    def page(status: int = 200):
        return render_template("ticketing/portal_box_office_slot.html", form=form, slot=slot,
                               figures=figures, exhibition=exhibition, types=types), status

    if request.method != "POST":
        return page()
    if not form.validate_on_submit():
        return page(400)
    sale = staff.BoxOfficeSale(
        slot_id=slot.id, quantities={type_id: form[f"qty_{type_id}"].data or 0 for type_id, _n in types},
        payment_method=form.payment_method.data, name=form.name.data or "", email=form.email.data or "",
        locale=form.locale.data)
    try:
        order = staff.sell_at_box_office(g.org, sale, current_user)
    except DomainError as error:
        return page(refused(form, error))
    flash(_("Sold: order %(code)s. Print the tickets and the receipt below.", code=order.code), "success")
    return redirect(url_for(".order_detail", order_id=order.id))
