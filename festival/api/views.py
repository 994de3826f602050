"""/api/v1/…: exhibitions, slots with remaining capacity, orders; scoped by the bearer token.

Every request but the OpenAPI document carries ``Authorization: Bearer <token>``; the token
opens its tenant's scope once, in ``authenticate_request``, and each view names the token
scope it needs. Views are thin: bodies are checked in ``schemas``, the rules are the order
services the shop and the box office use, and every POST runs through ``idempotency``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import Blueprint, current_app, g, jsonify, request
from flask_babel import gettext as _
from sqlalchemy import func, select

from festival.api import idempotency, openapi, schemas, tokens
from festival.core.db import db
from festival.core.errors import Conflict, DomainError, NotFound, render_error
from festival.core.extensions import order_api_limit
from festival.core.i18n import LOCALES, negotiate_locale
from festival.core.scope import Scope, enter_scope, switch_scope
from festival.exhibitions.models import Exhibition
from festival.payments.gateways import online_gateway
from festival.ticketing import orders
from festival.ticketing.models import EntrySlot, Order, TicketType
from festival.ticketing.notify import order_page_url

bp = Blueprint("api", __name__, url_prefix="/api/v1")

MAX_PER_PAGE = 500
MAX_NIGHTS = 366
REALM = 'Bearer realm="Lantern API"'


# --- authentication and token scopes -------------------------------------------------------------

def public(view: Callable) -> Callable:
    """A view anyone may read (the API's description): no token needed."""
    view.public = True
    return view


def requires_scope(scope: str) -> Callable:
    """Guard a view: the request's token must carry ``scope`` (else 403)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args, **kwargs):
            if scope not in g.api_token.scope_set:
                raise DomainError(_("This API token does not have the scope %(scope)s. Ask your "
                                    "organisation's staff for a token that has it.", scope=scope), 403)
            return view(*args, **kwargs)

        guarded.required_scope = scope
        return guarded

    return decorator


@bp.before_request
def authenticate_request():
    """Find the token, open its tenant's scope for the rest of the request, note its use."""
    # Machines speak to the API: nothing here reads the signed-in user or writes the session, so
    # no cookie is set and a browser's session is no credential (the API is exempt from CSRF).
    # The language of error messages comes from Accept-Language alone.
    g.forced_locale = negotiate_locale(None, None, [tag for tag, _q in request.accept_languages],
                                       LOCALES, "en")
    if getattr(current_app.view_functions.get(request.endpoint), "public", False):
        return None
    header = request.headers.get("Authorization")
    try:
        # The app's teardown leaves whichever scope g.scope_token holds, also after an error.
        bearer = tokens.remembered(header)
        if bearer is not None:  # checked by this worker moments ago: straight into its tenant
            g.scope_token = enter_scope(Scope(tenant_id=bearer.tenant_id))
        else:
            g.scope_token = lookup = enter_scope(Scope(platform_reason="api.token"))
            bearer = tokens.authenticate(header)
            # From the lookup's platform scope straight into the token's tenant.
            g.scope_token = switch_scope(lookup, Scope(tenant_id=bearer.tenant_id))
    except tokens.TokenRefused as refusal:
        response, status = render_error(refusal.status_code, refusal.message)
        if status == 401:
            response.headers["WWW-Authenticate"] = \
                REALM if not header else f'{REALM}, error="invalid_token"'
        return response, status
    g.api_token, g.api_tenant = bearer.attach(db.session)
    tokens.touch(g.api_token)
    return None


# --- reading -------------------------------------------------------------------------------------

def _get(model: type, object_id: int, message: str):
    row = db.session.get(model, object_id)  # the scope filter hides other tenants' rows
    if row is None:
        raise NotFound(message)
    return row


def _exhibition(exhibition_id: int) -> Exhibition:
    return _get(Exhibition, exhibition_id, _("This exhibition does not exist."))


def _order(order_id: int) -> Order:
    return _get(Order, order_id, _("This order does not exist."))


def _paging(default: int) -> tuple[int, int]:
    page = schemas.parse_whole(request.args.get("page"), "page", 1, 2**31 - 1)
    per_page = schemas.parse_whole(request.args.get("per_page"), "per_page", default, MAX_PER_PAGE)
    return page, per_page


def _page_of(query, page: int, per_page: int) -> tuple[list, int]:
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = list(db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)))
    return rows, total


@bp.get("/exhibitions")
@requires_scope("orders:read")
def exhibitions():
    rows = db.session.scalars(select(Exhibition).order_by(Exhibition.season_start, Exhibition.id))
    return jsonify(data=[schemas.exhibition_json(e, g.api_tenant) for e in rows])


def _nights() -> tuple:
    """The nights asked for: ?night=, or ?from=&to= (inclusive, at most a year), or all."""
    night = schemas.parse_date(request.args.get("night"), "night")
    first = schemas.parse_date(request.args.get("from"), "from")
    last = schemas.parse_date(request.args.get("to"), "to")
    if night is not None:
        if first is not None or last is not None:
            raise DomainError(_("Ask for one night, or for a range with from and to, not both."))
        return night, night
    if first is not None and last is not None:
        if last < first:
            raise DomainError(_("to must not be before from."))
        if (last - first).days + 1 > MAX_NIGHTS:
            raise DomainError(_("Ask for at most %(count)d nights at a time.", count=MAX_NIGHTS))
    return first, last


@bp.get("/exhibitions/<id:exhibition_id>/slots")
@requires_scope("orders:read")
def slots(exhibition_id: int):
    exhibition = _exhibition(exhibition_id)
    first, last = _nights()
    page, per_page = _paging(100)
    # "remaining" counts what a buyer can have: holds that lapsed give their places back first.
    orders.release_expired_holds()
    query = select(EntrySlot).where(EntrySlot.exhibition_id == exhibition.id)
    if first is not None:
        query = query.where(EntrySlot.night >= first)
    if last is not None:
        query = query.where(EntrySlot.night <= last)
    rows, total = _page_of(query.order_by(EntrySlot.starts_at, EntrySlot.id), page, per_page)
    return jsonify(schemas.page_json([schemas.slot_json(s) for s in rows], page, per_page, total))


@bp.get("/exhibitions/<id:exhibition_id>/ticket-types")
@requires_scope("orders:read")
def ticket_types(exhibition_id: int):
    exhibition = _exhibition(exhibition_id)
    rows = db.session.scalars(select(TicketType).where(TicketType.exhibition_id == exhibition.id)
                              .order_by(TicketType.position, TicketType.id))
    return jsonify(data=[schemas.ticket_type_json(tt, g.api_tenant.currency) for tt in rows])


@bp.get("/orders")
@requires_scope("orders:read")
def order_list():
    query = select(Order)
    status = request.args.get("status")
    if status:
        if status not in Order.STATUSES:
            raise DomainError(_("status must be one of %(statuses)s.",
                                statuses=", ".join(Order.STATUSES)))
        query = query.where(Order.status == status)
    email = request.args.get("email")
    if email:
        query = query.where(Order.email == orders.normalize_email(email))
    page, per_page = _paging(50)
    rows, total = _page_of(query.order_by(Order.created_at.desc(), Order.id.desc()), page, per_page)
    return jsonify(schemas.page_json([schemas.order_summary_json(o) for o in rows], page, per_page,
                                     total))


def _full_order(order: Order) -> dict:
    """The order with its lines, and its tickets and payments once it has been paid."""
    tenant = g.api_tenant
    tickets, payments = [], []
    if order.paid_at is not None:  # an order never paid has neither: no query for them
        tickets = [(t, orders.qr_payload(t, tenant)) for t in orders.tickets_of(order)]
        payments = list(order.payments)
    return schemas.order_json(order, list(order.lines), tickets, payments,
                              order_page_url(order, tenant))


@bp.get("/orders/<id:order_id>")
@requires_scope("orders:read")
def order_detail(order_id: int):
    return jsonify(_full_order(_order(order_id)))


# --- writing: every POST is idempotent ----------------------------------------------------------

def _once(work: idempotency.Work):
    fingerprint = idempotency.request_fingerprint(request.method, request.path, request.get_data())
    return idempotency.run_once(g.api_token, request.headers.get(idempotency.HEADER), fingerprint,
                                work)


def _create_order() -> tuple[dict, int]:
    body = schemas.parse_order_body(schemas.load_json(request.get_data()))
    tenant = g.api_tenant
    on_site = body.payment != "pending"
    order = orders.create_order(tenant, orders.OrderRequest(
        slot_id=body.slot_id, quantities=body.quantities, email=body.email, name=body.name,
        locale=body.locale or tenant.default_locale, voucher_code=body.voucher_code,
        channel=Order.API, payment_method=body.payment if on_site else online_gateway().name))
    if on_site:
        # A box-office device took the money: the order is paid now and its tickets issued.
        orders.confirm_payment(order, tenant, body.payment, f"api-order-{order.id}", order.total)
    return _full_order(order), 201


@bp.post("/orders")
@order_api_limit
@requires_scope("orders:write")
def order_create():
    return _once(_create_order)


@bp.post("/orders/<id:order_id>/cancel")
@order_api_limit
@requires_scope("orders:write")
def order_cancel(order_id: int):
    def cancel() -> tuple[dict, int]:
        order = _order(order_id)
        if not orders.cancel_pending(order):
            raise Conflict(_("Only a pending order can be cancelled; this order is %(status)s.",
                             status=order.status))
        return _full_order(order), 200

    return _once(cancel)


@bp.get("/openapi.json")
@public
def openapi_document():
    return jsonify(openapi.document())
