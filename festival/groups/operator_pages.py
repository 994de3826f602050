"""A tour operator's own pages behind its secret link (/<tenant>/operator/<token>/): its blocks,
booking a block for a night and entry time, naming the visitors, the invoice and the group's
tickets as PDFs. The link is the credential; under another tenant's address it finds nothing."""

from __future__ import annotations

import flask_babel
from flask import Response, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from festival.core.db import utcnow
from festival.core.errors import Conflict, DomainError
from festival.core.i18n import LOCALE_COOKIE, format_local_time, format_number
from festival.documents.tickets import render_tickets_pdf
from festival.groups import services
from festival.groups.forms import block_form, block_status_label, names_form
from festival.groups.invoice import render_invoice_pdf
from festival.groups.models import GroupBlock, TourOperator
from festival.tenants.views import storefront_bp
from festival.ticketing import availability
from festival.ticketing.models import Ticket
from festival.ticketing.orders import tickets_of
from festival.ticketing.portal import chosen_exhibition, chosen_night, refused


@storefront_bp.context_processor
def group_helpers() -> dict:
    return {"block_status_label": block_status_label}


def _operator(token: str) -> TourOperator:
    """The operator of this link, whose language the pages speak unless the reader chose one."""
    operator = services.operator_by_token(token)
    if request.cookies.get(LOCALE_COOKIE) not in (g.get("offered_locales") or ()):
        g.forced_locale = operator.locale
        flask_babel.refresh()
    return operator


def _private(response_value, status: int = 200):
    response = Response(response_value, status) if isinstance(response_value, str) else response_value
    response.headers["Cache-Control"] = "private, no-store"  # reached through a secret link
    return response


@storefront_bp.route("/operator/<operator_token>/")
def operator_home(operator_token: str):
    operator = _operator(operator_token)
    return _private(render_template("groups/operator_home.html", operator=operator,
                                    blocks=services.blocks_of(operator)))


def _slot_choices(slots, now) -> list[tuple[str, str]]:
    return [(str(s.id), _("%(start)s–%(end)s · %(count)s places left", start=format_local_time(s.starts_at),
                          end=format_local_time(s.ends_at), count=format_number(s.remaining)))
            for s in slots if not s.is_closed and s.ends_at > now and s.remaining > 0]


@storefront_bp.route("/operator/<operator_token>/book", methods=["GET", "POST"])
def operator_book(operator_token: str):
    operator, now = _operator(operator_token), utcnow()
    exhibitions = availability.exhibitions_on_sale()
    exhibition = chosen_exhibition(exhibitions)
    nights = sorted(availability.nights_of(exhibition.id, now)) if exhibition else []
    night = chosen_night(nights)
    slots = availability.night_slots(exhibition.id, night, now) if night else []
    types = [(t.id, t.name(g.get("forced_locale") or operator.locale, g.org.default_locale))
             for t in availability.ticket_types_of(exhibition.id)] if exhibition else []
    form = block_form(_slot_choices(slots, now), types)

    def page(status: int = 200):
        return _private(render_template(
            "groups/operator_book.html", operator=operator, exhibitions=exhibitions,
            exhibition=exhibition, nights=nights, night=night, form=form, types=types), status)

    if request.method != "POST":
        return page()
    if not form.validate_on_submit():
        return page(400)
    block_request = services.BlockRequest(
        slot_id=int(form.slot_id.data), reference=form.reference.data or "",
        quantities={type_id: form[f"qty_{type_id}"].data or 0 for type_id, _name in types})
    try:
        block = services.book_block(g.org, operator, block_request, now)
    except DomainError as error:
        return page(refused(form, error))
    flash(_("Your block is booked: the invoice and the tickets are on their way to %(email)s.",
            email=operator.email), "success")
    return redirect(url_for(".operator_block", operator_token=operator_token, block_id=block.id), 303)


def _ticket_labels(tickets: list[Ticket], locale: str) -> list[tuple[int, str]]:
    return [(t.id, _("Ticket %(number)s · %(type)s", number=number,
                     type=t.ticket_type.name(locale, g.org.default_locale)))
            for number, t in enumerate(tickets, start=1)]


@storefront_bp.route("/operator/<operator_token>/blocks/<id:block_id>", methods=["GET", "POST"])
def operator_block(operator_token: str, block_id: int):
    operator = _operator(operator_token)
    block = services.operator_block(operator, block_id)
    locale = g.get("forced_locale") or operator.locale
    tickets = [t for t in tickets_of(block.order) if t.status != Ticket.VOID]
    form = names_form(_ticket_labels(tickets, locale), data={
        f"name_{t.id}": t.holder_name if t.holder_name != block.order.name else "" for t in tickets})

    def page(status: int = 200):
        return _private(render_template("groups/operator_block.html", operator=operator, block=block,
                                        order=block.order, tickets=tickets, form=form), status)

    if request.method != "POST":
        return page()
    if not form.validate_on_submit():
        return page(400)
    try:
        services.name_visitors(block, {t.id: form[f"name_{t.id}"].data or "" for t in tickets})
    except DomainError as error:
        return page(refused(form, error))
    flash(_("The names are saved. Download the group's tickets again to print them."), "success")
    return redirect(url_for(".operator_block", operator_token=operator_token, block_id=block.id), 303)


def _pdf(data: bytes, filename: str) -> Response:
    return _private(Response(data, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{filename}"'}))


@storefront_bp.route("/operator/<operator_token>/blocks/<id:block_id>/invoice.pdf")
def operator_invoice_pdf(operator_token: str, block_id: int):
    operator = _operator(operator_token)
    block = services.operator_block(operator, block_id)
    return _pdf(render_invoice_pdf(block, g.org, g.get("forced_locale")),
                f"invoice-{block.invoice_number}.pdf")


@storefront_bp.route("/operator/<operator_token>/blocks/<id:block_id>/tickets.pdf")
def operator_tickets_pdf(operator_token: str, block_id: int):
    operator = _operator(operator_token)
    block = services.operator_block(operator, block_id)
    if block.status == GroupBlock.RELEASED:
        raise Conflict(_("This block was released: its tickets no longer admit anyone."))
    return _pdf(render_tickets_pdf(block.order, g.org, g.get("forced_locale") or operator.locale),
                f"group-tickets-{block.order.code}.pdf")
