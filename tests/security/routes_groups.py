"""Security-walk registrations of the tour-operator pages (festival/groups/).

The operator's own pages sit behind its secret link, like a visitor's order link: another
tenant's operator link (and its blocks) under this tenant's address finds nothing. The WORLD
hook makes, up front, an operator and an open block for each tenant; ``fresh`` asks for a new
open block (recording its payment uses it up). Form bodies that depend on the tenant (the slot
to book, the invoice total) read the objects the last filler handed out.
"""

from __future__ import annotations

from festival.core.db import db
from festival.core.scope import tenant_scope
from tests.security.fillers import world_or_fresh
from tests.security.routes_sales import _open_slot

ORDER_LINKS = {
    "/<tenant_slug>/operator/<operator_token>/": "a tour operator's blocks, behind its secret link",
    "/<tenant_slug>/operator/<operator_token>/book": "a tour operator books a block",
    "/<tenant_slug>/operator/<operator_token>/blocks/<id:block_id>": "one block: names of visitors",
    "/<tenant_slug>/operator/<operator_token>/blocks/<id:block_id>/invoice.pdf": "one block's invoice",
    "/<tenant_slug>/operator/<operator_token>/blocks/<id:block_id>/tickets.pdf": "one block's tickets",
}

# A box-office member sees the operators and invoices; only managers register, edit or record payments.
POST_PERMISSION = {
    "tenant_portal.tour_operators": "sales.manage",
    "tenant_portal.tour_operator_edit": "sales.manage",
}

_LAST: dict[str, object] = {}  # what the last filler handed out, for the bodies


def _operator(builder, org):
    """The tenant's operator (made once) and its token."""
    from festival.groups.services import OperatorSpec, register_operator
    from festival.tenants.models import Tenant

    if not getattr(org, "group_operator_id", 0):
        with builder.app.test_request_context(), tenant_scope(org.id):
            operator = register_operator(db.session.get(Tenant, org.id), OperatorSpec(
                company_name=f"{org.slug.title()} Tours", email=f"tours@{org.slug}-travel.example",
                locale="en"), None)
            db.session.commit()
            org.group_operator_id, org.group_operator_token = operator.id, operator.token
            db.session.remove()
    return org.group_operator_id, org.group_operator_token


def _new_block(builder, org) -> int:
    from festival.groups.models import TourOperator
    from festival.groups.services import BlockRequest, book_block
    from festival.tenants.models import Tenant

    operator_id, _token = _operator(builder, org)
    with builder.app.test_request_context(), tenant_scope(org.id):
        block = book_block(db.session.get(Tenant, org.id), db.session.get(TourOperator, operator_id),
                           BlockRequest(slot_id=_open_slot(builder, org), quantities={org.ticket_type_id: 1}))
        db.session.commit()
        block_id = block.id
        db.session.remove()
    _LAST["invoice"] = _invoice(builder, org, block_id)
    return block_id


def _world_groups(builder, org) -> None:
    """An operator and an open block, so that reading them writes nothing."""
    org.group_block_id = _new_block(builder, org)


def _block_id(builder, kind, side, fresh):
    filler = world_or_fresh("group_block_id", _new_block, _world_groups)
    block_id = filler(builder, kind, side, fresh)
    if not fresh:
        _LAST["invoice"] = _invoice(builder, side.tenant, block_id)
    return block_id


def _invoice(builder, org, block_id: int) -> tuple:
    """(total, issue date) of a block: what the transfer that pays it shows."""
    from festival.groups.models import GroupBlock

    with builder.app.app_context(), tenant_scope(org.id):
        block = db.session.get(GroupBlock, block_id)
        invoice = block.order.total, block.issued_on
        db.session.remove()
    return invoice


def _operator_token(builder, kind, side, fresh):
    _LAST["org"] = side.tenant
    return _operator(builder, side.tenant)[1]


def _operator_id(builder, kind, side, fresh):
    return _operator(builder, side.tenant)[0]


FILLERS = {
    "operator_token": _operator_token,
    "operator_id": _operator_id,
    "block_id": _block_id,
}

WORLD = {"groups": _world_groups}


def _operator_body(builder, kind) -> dict:
    return {"company_name": "Walk Tours", "contact_name": "",
            "email": f"{builder.unique('walk')}@tours.example", "locale": "en",
            "address": "", "tax_id": "", "payment_terms_days": "30", "is_active": "y"}


def _first_night_slot(builder, org) -> int:
    """An open slot that is still to come (other domains' walks close slots, and the world's
    first night may already be over when the walk runs after midnight)."""
    from sqlalchemy import select

    from festival.core.db import utcnow
    from festival.ticketing.models import EntrySlot

    with builder.app.app_context(), tenant_scope(org.id):
        slot_id = db.session.scalar(
            select(EntrySlot.id).where(EntrySlot.is_closed.is_(False), EntrySlot.ends_at > utcnow(),
                                       EntrySlot.taken < EntrySlot.capacity)
            .order_by(EntrySlot.starts_at))
        db.session.remove()
    return slot_id


def _book_body(builder, kind) -> dict:
    org = _LAST["org"]
    return {"slot_id": str(_first_night_slot(builder, org)), f"qty_{org.ticket_type_id}": "1",
            "reference": "walk"}


def _paid_body(builder, kind) -> dict:
    total, issued_on = _LAST["invoice"]
    return {"amount": str(total), "reference": "walk-transfer", "paid_on": issued_on.isoformat()}


BODIES = {
    "tour_operators": _operator_body,
    "tour_operator_edit": _operator_body,
    "group_invoice_details": lambda builder, kind: {"legal_address": "1 Walk Street", "tax_id": "",
                                                    "group_release_days": "3"},
    "group_block_paid": _paid_body,
    "operator_book": _book_body,
    "operator_block": lambda builder, kind: {},
}
