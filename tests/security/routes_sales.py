"""Security-walk registrations of the sales pages of the tenant portal (festival/ticketing/portal*.py).

Fresh objects: a request that is allowed may use one up (a refund, a closed slot, a box-office
sale), so ``fresh`` asks for a new paid order, a new voucher, or an open slot other than the one
the builder's orders use.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from festival.core.db import db
from festival.core.scope import platform_scope, tenant_scope

ORDER_LINKS = {}
PUBLIC = {}
ALLOW_LIST = {}

# Pages that a box-office member may see but only managers may change.
POST_PERMISSION = {
    "tenant_portal.ticket_type_edit": "sales.manage",
    "tenant_portal.voucher_edit": "sales.manage",
    "tenant_portal.sales_settings": "sales.manage",
}


def _open_slot(builder, org) -> int:
    """An open slot of ``org`` with places left, never the one its orders are built in."""
    from festival.ticketing.models import EntrySlot

    with builder.app.app_context(), tenant_scope(org.id):
        slot_id = db.session.scalar(
            select(EntrySlot.id).where(EntrySlot.id != org.slot_id, EntrySlot.is_closed.is_(False),
                                       EntrySlot.taken < EntrySlot.capacity)
            .order_by(EntrySlot.starts_at.desc()))
        db.session.remove()
    return slot_id


def _slot_id(builder, kind, side, fresh):
    return _open_slot(builder, side.tenant) if fresh else side.tenant.slot_id


def _order_id(builder, kind, side, fresh):
    return builder.order(side.tenant, paid=True)[0] if fresh else side.tenant.order_id


def _voucher_id(builder, kind, side, fresh):
    if not fresh:
        return side.tenant.voucher_id
    from festival.exhibitions.models import Exhibition
    from festival.tenants.models import Tenant
    from festival.ticketing.setup import VoucherSpec, create_voucher

    org = side.tenant
    with builder.app.test_request_context(), tenant_scope(org.id):
        exhibition = db.session.get(Exhibition, org.exhibition_id)
        voucher = create_voucher(db.session.get(Tenant, org.id), exhibition, VoucherSpec(
            code=builder.unique("FRESH"), kind="percent", value=Decimal("5")), None)
        db.session.commit()
        voucher_id = voucher.id
        db.session.remove()
    return voucher_id


FILLERS = {
    "slot_id": _slot_id,
    "order_id": _order_id,
    "voucher_id": _voucher_id,
    "ticket_type_id": lambda builder, kind, side, fresh: side.tenant.ticket_type_id,
}


def _ticket_type_body(builder, kind) -> dict:
    return {"name_en": "Adult", "category": "adult", "price": "20.00", "vat_rate": "0", "persons": "1",
            "min_per_order": "0", "max_per_order": "10", "position": "0", "is_active": "y"}


def _box_office_body(builder, kind) -> dict:
    """One ticket of every ticket type there is: the sale's form reads only its own exhibition's."""
    from festival.ticketing.models import TicketType

    with builder.app.app_context(), platform_scope("cli"):
        type_ids = list(db.session.scalars(select(TicketType.id)))
        db.session.remove()
    return {"payment_method": "cash", "name": "", "email": "", "locale": "en",
            **{f"qty_{type_id}": "1" for type_id in type_ids}}


BODIES = {
    "ticket_type_new": _ticket_type_body,
    "ticket_type_edit": _ticket_type_body,
    "voucher_new": lambda builder, kind: {"code": builder.unique("WALK"), "kind": "percent",
                                          "value": "10", "is_active": "y"},
    "voucher_edit": lambda builder, kind: {"code": builder.unique("EDIT"), "kind": "fixed",
                                           "value": "2.50", "max_uses": "5", "is_active": "y"},
    "open_sales": lambda builder, kind: {},
    "slot_close": lambda builder, kind: {},
    "slot_reopen": lambda builder, kind: {},
    "sales_settings": lambda builder, kind: {"vat_mode": "include", "default_vat_rate": "0",
                                             "cancellation": "allowed", "cancel_hours": "24",
                                             "terms_en": "No re-entry."},
    "order_refund": lambda builder, kind: {"whole": "1", "reason": "walk"},
    "order_resend": lambda builder, kind: {"email": ""},
    "box_office_slot": _box_office_body,
}
