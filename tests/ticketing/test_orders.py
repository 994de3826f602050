"""Orders through the services: holds, expiry, payment once, refunds, vouchers, bad requests."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from festival.core.db import db, utcnow
from festival.core.errors import DomainError
from festival.core.scope import tenant_scope
from festival.tenants.models import Tenant
from festival.ticketing import orders, signing
from festival.ticketing.models import EntrySlot, Order, Ticket
from festival.ticketing.setup import VoucherSpec, create_voucher
from tests.conftest import row_counts
from tests.ticketing.world import build_sales_world


@pytest.fixture
def world(app, factory):
    return build_sales_world(app, factory, "paris", capacity=10)


@pytest.fixture
def scoped(app, world):
    with app.test_request_context(), tenant_scope(world.tenant_id):
        yield db.session.get(Tenant, world.tenant_id)
        db.session.rollback()


def request_for(world, quantities, **kw):
    values = dict(slot_id=world.slot_ids[0], quantities=quantities, email="marie@example.fr",
                  name="Marie Curie", locale="fr")
    values.update(kw)
    return orders.OrderRequest(**values)


def test_order_holds_places_and_payment_issues_signed_tickets_once(world, scoped):
    order = orders.create_order(scoped, request_for(world, {world.adult_id: 2, world.child_id: 1}))
    slot = db.session.get(EntrySlot, world.slot_ids[0])
    db.session.refresh(slot)
    assert slot.taken == 3 and order.status == Order.PENDING
    assert order.total == Decimal("46.00") and order.tax_total == Decimal("4.18")
    outcome = orders.confirm_payment(order, scoped, "test", "t-1", order.total)
    assert outcome is orders.PaymentOutcome.PAID
    again = orders.confirm_payment(order, scoped, "test", "t-1", order.total)
    assert again is orders.PaymentOutcome.ALREADY_PAID
    tickets = orders.tickets_of(order)
    assert len(tickets) == 3 and len({t.code for t in tickets}) == 3
    assert sum(t.price for t in tickets) == order.total
    assert order.receipt_number.endswith("-000001")
    payload = signing.parse_payload(orders.qr_payload(tickets[0], scoped))
    assert payload.tenant_slug == "paris" and payload.code == tickets[0].code
    assert signing.verify_payload(payload, signing.public_key_b64(scoped))
    forged = signing.QrPayload("paris", "A" * 16, payload.signature)
    assert not signing.verify_payload(forged, signing.public_key_b64(scoped))


def test_family_ticket_takes_four_places_and_sold_out_is_clear(world, scoped):
    orders.create_order(scoped, request_for(world, {world.family_id: 2}))  # 8 of 10
    with pytest.raises(DomainError, match="Only 2 places"):
        orders.create_order(scoped, request_for(world, {world.adult_id: 3}))
    orders.create_order(scoped, request_for(world, {world.adult_id: 2}))
    with pytest.raises(DomainError, match="sold out"):
        orders.create_order(scoped, request_for(world, {world.adult_id: 1}))


def test_expired_hold_returns_its_places_to_the_next_buyer(world, scoped):
    first = orders.create_order(scoped, request_for(world, {world.adult_id: 10}))
    later = utcnow() + timedelta(minutes=16)
    second = orders.create_order(scoped, request_for(world, {world.adult_id: 4}), now=later)
    db.session.refresh(first)
    assert first.status == Order.EXPIRED and second.status == Order.PENDING
    slot = db.session.get(EntrySlot, world.slot_ids[0])
    db.session.refresh(slot)
    assert slot.taken == 4
    # The first buyer's payment arrives late: only 6 of its 10 places are free, so it is refused.
    assert orders.confirm_payment(first, scoped, "test", "late", first.total, now=later) \
        is orders.PaymentOutcome.NO_CAPACITY
    assert first.status == Order.EXPIRED
    small = orders.create_order(scoped, request_for(world, {world.adult_id: 1}), now=later)
    small.expires_at = utcnow() - timedelta(minutes=1)
    db.session.flush()
    orders.release_expired_holds(later)
    assert orders.confirm_payment(small, scoped, "test", "late-2", small.total, now=later) \
        is orders.PaymentOutcome.PAID


def test_refund_part_of_an_order_voids_tickets_and_returns_places(world, scoped):
    order = orders.create_order(scoped, request_for(world, {world.adult_id: 2, world.child_id: 1}))
    orders.confirm_payment(order, scoped, "test", "t-2", order.total)
    child = [t for t in orders.tickets_of(order) if t.ticket_type_id == world.child_id]
    amount = orders.refund_tickets(order, scoped, [child[0].id], actor=None, reason="sick")
    assert amount == Decimal("9.00") and order.status == Order.PAID
    slot = db.session.get(EntrySlot, world.slot_ids[0])
    db.session.refresh(slot)
    assert slot.taken == 2
    orders.refund_tickets(order, scoped, None, actor=None)
    assert order.status == Order.REFUNDED and order.refunded_amount == order.total
    assert all(t.status == Ticket.VOID for t in orders.tickets_of(order))
    with pytest.raises(DomainError, match="Only a paid order"):
        orders.refund_tickets(order, scoped, None, actor=None)


def test_vouchers_discount_and_are_counted(world, scoped, app):
    from festival.exhibitions.models import Exhibition

    exhibition = db.session.get(Exhibition, world.exhibition_id)
    create_voucher(scoped, exhibition, VoucherSpec(code="press", kind="percent", value=Decimal("50"),
                                                   max_uses=1, ticket_type_ids=[world.adult_id]), None)
    order = orders.create_order(scoped, request_for(world, {world.adult_id: 2, world.child_id: 1},
                                                    voucher_code=" Press "))
    assert order.discount == Decimal("18.50") and order.total == Decimal("27.50")
    with pytest.raises(DomainError, match="used up"):
        orders.create_order(scoped, request_for(world, {world.adult_id: 1}, voucher_code="PRESS"))
    orders.cancel_pending(order)  # its use comes back
    orders.create_order(scoped, request_for(world, {world.adult_id: 1}, voucher_code="PRESS"))


@pytest.mark.parametrize("change, message", [
    ({"quantities": {}}, "at least one ticket"),
    ({"quantities": "adult"}, "not sold"),
    ("negative", "whole numbers"),
    ("over_limit", "At most 4"),
    ({"slot_id": 999999}, "does not exist"),
    ({"email": "not-an-email"}, "valid email"),
    ({"name": ""}, "name"),
    ({"voucher_code": "NOPE"}, "not valid"),
    ("closed", "closed"),
    ("foreign_type", "not sold"),
])
def test_bad_requests_are_refused_and_write_nothing(app, world, change, message):
    if change == "closed":
        with app.app_context(), tenant_scope(world.tenant_id):
            db.session.get(EntrySlot, world.slot_ids[0]).is_closed = True
            db.session.commit()
    before = row_counts(app)
    with app.test_request_context(), tenant_scope(world.tenant_id):
        tenant = db.session.get(Tenant, world.tenant_id)
        quantities = {world.adult_id: 1}
        kw = {}
        if change == "negative":
            quantities = {world.adult_id: -1}
        elif change == "over_limit":
            quantities = {world.family_id: 5}
        elif change == "foreign_type":
            quantities = {world.adult_id + 1000: 1}
        elif isinstance(change, dict):
            kw = change
        if "quantities" in kw:
            quantities = kw.pop("quantities")
            quantities = {"adult": 0} if quantities == "adult" else quantities
        with pytest.raises(DomainError, match=message):
            orders.create_order(tenant, request_for(world, quantities, **kw))
        db.session.rollback()
    assert row_counts(app) == before


def test_another_tenants_slot_is_unknown(app, factory, world):
    other = build_sales_world(app, factory, "tokyo")
    with app.test_request_context(), tenant_scope(world.tenant_id):
        tenant = db.session.get(Tenant, world.tenant_id)
        with pytest.raises(DomainError, match="does not exist"):
            orders.create_order(tenant, request_for(world, {other.adult_id: 1}, slot_id=other.slot_ids[0]))
        assert db.session.scalars(select(Ticket)).all() == []


def test_an_order_of_three_lines_is_written_with_its_places_and_read_back_alike(world, scoped, app):
    """The places, the order and its lines go in one write (one statement on PostgreSQL): each
    line gets its own id, in the order of the ticket types, and the objects handed back are the
    rows the database holds. A refused write (too few places) leaves no order and no line."""
    order = orders.create_order(scoped, request_for(
        world, {world.family_id: 1, world.adult_id: 2, world.child_id: 1}))
    assert [line.ticket_type_id for line in order.lines] == [world.adult_id, world.child_id,
                                                           world.family_id]
    assert all(line.order_id == order.id for line in order.lines)
    written = order.id, [(line.id, line.ticket_type_id, line.quantity, line.total)
                         for line in order.lines]
    db.session.commit()
    db.session.expire_all()  # read back from the database, not from the objects handed back
    again = db.session.get(Order, written[0])
    assert [(line.id, line.ticket_type_id, line.quantity, line.total) for line in again.lines] \
        == written[1]
    assert again.persons == 7 and again.total == Decimal("101.50")
    slot = db.session.get(EntrySlot, world.slot_ids[0])
    assert slot.taken == 7  # of 10
    before = row_counts(app)
    with pytest.raises(DomainError) as refused:
        orders.create_order(scoped, request_for(world, {world.family_id: 1}))
    assert refused.value.status_code == 409 and "3" in str(refused.value)  # "Only 3 places are left"
    assert row_counts(app) == before
