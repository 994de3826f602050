"""Regenerating entry slots after the plan changed never loses a sold ticket (service level), and
the portal says how many slots were kept closed for their tickets."""

from __future__ import annotations

from datetime import time

import pytest
from sqlalchemy import func, select

from festival.core.db import db
from festival.core.errors import DomainError
from festival.core.scope import tenant_scope
from festival.exhibitions.models import Exhibition
from festival.exhibitions.services import ExhibitionPlan, update_exhibition
from festival.tenants.models import Tenant
from festival.ticketing import staff
from festival.ticketing.models import EntrySlot, Ticket
from tests.ticketing.portal_staff import paid_order, signed_in, staff_world, text_of


def _shorten_hours(exhibition: Exhibition, tenant: Tenant, closes_at: time) -> None:
    update_exhibition(tenant, exhibition, ExhibitionPlan(
        slug=exhibition.slug, titles=exhibition.titles, venue_name=exhibition.venue_name,
        season_start=exhibition.season_start, season_end=exhibition.season_end,
        opens_at=exhibition.opens_at, closes_at=closes_at, slot_minutes=exhibition.slot_minutes,
        slot_capacity=exhibition.slot_capacity), None)


def test_shrinking_the_hours_keeps_a_sold_slot_closed_with_its_tickets(app, factory):
    staff_of = staff_world(app, factory, "paris", capacity=10)
    world = staff_of.world
    last = len(world.slot_ids) - 1  # 21:00–22:00 on the first night
    order_id = paid_order(app, world, {world.adult_id: 2}, slot_index=last)
    with app.test_request_context(), tenant_scope(world.tenant_id):
        tenant = db.session.get(Tenant, world.tenant_id)
        exhibition = db.session.get(Exhibition, world.exhibition_id)
        slots_before = db.session.scalar(select(func.count()).select_from(EntrySlot))
        _shorten_hours(exhibition, tenant, time(21, 0))
        result = staff.generate_slots(tenant, exhibition, None)
        # 14 nights lose their 21:00 slot; the one with sold tickets stays, closed.
        assert (result.added, result.removed, result.kept_sold) == (0, 13, 1)
        sold_slot = db.session.get(EntrySlot, world.slot_ids[last])
        assert sold_slot is not None and sold_slot.is_closed and sold_slot.taken == 2
        tickets = list(db.session.scalars(select(Ticket).where(Ticket.order_id == order_id)))
        assert len(tickets) == 2 and {t.status for t in tickets} == {Ticket.VALID}
        assert db.session.scalar(select(func.count()).select_from(EntrySlot)) == slots_before - 13
        # No new sale for a slot the plan dropped.
        with pytest.raises(DomainError, match="closed"):
            staff.sell_at_box_office(tenant, staff.BoxOfficeSale(
                slot_id=sold_slot.id, quantities={world.adult_id: 1}, payment_method="cash"), None)
        # Running it again changes nothing and still counts the kept slot.
        again = staff.generate_slots(tenant, exhibition, None)
        assert (again.added, again.updated, again.removed, again.kept_sold) == (0, 0, 0, 1)
        db.session.rollback()


def test_the_portal_says_how_many_sold_slots_were_kept(app, factory, make_client):
    staff_of = staff_world(app, factory, "paris", capacity=10)
    world = staff_of.world
    paid_order(app, world, {world.adult_id: 1}, slot_index=len(world.slot_ids) - 1)
    with app.test_request_context(), tenant_scope(world.tenant_id):
        _shorten_hours(db.session.get(Exhibition, world.exhibition_id),
                       db.session.get(Tenant, world.tenant_id), time(21, 0))
        db.session.commit()
        db.session.remove()
    manager = signed_in(make_client, staff_of.emails["manager"])
    sales = f"{staff_of.portal}/exhibitions/{world.exhibition_id}/sales"
    page = text_of(manager.post_form(f"{staff_of.portal}/exhibitions/{world.exhibition_id}/open-sales", {},
                                     token_from=sales, follow_redirects=True))
    assert "Entry slots: 0 added, 0 changed, 13 removed." in page
    assert ("1 entry slot is no longer in the plan but has sold tickets: it is kept, closed to new "
            "sales, and its tickets stay valid.") in page
