"""Staff refunds and passes: refunding a pass holder's reserved visit gives the visit back to
the pass (the night can be reserved again, a multi-visit pass's entry returns); refunding the
purchase of a pass voids the pass."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from festival.core.db import db
from festival.passes.models import Pass
from festival.ticketing.models import Order
from tests.conftest import row_counts
from tests.passes.pass_world import VISITOR, buy_pass, pass_row, pass_world, read, slots_of
from tests.passes.test_passes import reserve, taken
from tests.security.conftest import text_of
from tests.ticketing.portal_staff import signed_in


@pytest.fixture
def pw(app, factory, make_client):
    return pass_world(app, factory, make_client, capacity=3)


def refund_whole(make_client, pw, order_id: int):
    manager = signed_in(make_client, pw.staff.emails["manager"])
    page = f"{pw.staff.portal}/orders/{order_id}"
    response = manager.post_form(f"{page}/refund", {"whole": "1", "reason": "Holder ill"}, token_from=page,
                                 follow_redirects=True)
    assert response.status_code == 200, text_of(response)[:800]
    return text_of(response)


def reservation_of(app, pw) -> int:
    return read(app, pw.world.tenant_id, lambda: db.session.scalar(
        select(Order.id).where(Order.channel == Order.PASS, Order.status == Order.PAID)))


def test_refunding_a_reserved_visit_gives_it_back_to_the_pass(app, pw, client, mailbox, make_client):
    path = buy_pass(app, client, mailbox, pw, pw.multi_id)
    second = pw.night(1)
    slots = slots_of(app, pw, second)
    assert reserve(client, path, second, slots[0]).status_code == 303
    assert pass_row(app, pw, path)["visits_left"] == 1 and taken(app, pw, slots[0]) == 1

    page = refund_whole(make_client, pw, reservation_of(app, pw))
    assert "Status Refunded" in page

    # The entry and the night are the holder's again, and the place is free.
    after = pass_row(app, pw, path)
    assert after["visits_left"] == 2 and after["nights"] == [pw.world.first_night]
    assert taken(app, pw, slots[0]) == 0
    assert "2 of 3 entries left" in text_of(client.get(path))
    again = reserve(client, path, second, slots[1])
    assert again.status_code == 303, text_of(again)[:800]
    assert pass_row(app, pw, path)["nights"] == [pw.world.first_night, second]


def test_refunding_the_purchase_of_a_pass_voids_it(app, pw, client, mailbox, make_client):
    path = buy_pass(app, client, mailbox, pw, pw.season_id)
    purchase = read(app, pw.world.tenant_id, lambda: db.session.scalar(select(Pass.order_id)))

    mailbox.clear()
    refund_whole(make_client, pw, purchase)
    assert pass_row(app, pw, path)["status"] == Pass.VOID
    assert mailbox.to(VISITOR), "the holder is told of the refund"
    assert "Void" in text_of(client.get(path))

    # A void pass reserves nothing: a clear refusal, nothing written.
    before = row_counts(app)
    second = pw.night(1)
    refused = reserve(client, path, second, slots_of(app, pw, second)[0], token_from=pw.night_page)
    assert refused.status_code == 409 and "This pass is void" in text_of(refused)
    assert row_counts(app) == before


def test_refunding_an_ordinary_ticket_of_the_purchase_keeps_the_pass(app, pw, client, mailbox, make_client):
    """Only the pass's own ticket voids it: an adult ticket bought with it is refunded alone."""
    world = pw.world
    body = {"slot": str(world.slot_ids[0]), f"quantity_{world.adult_id}": "1",
            f"quantity_{world.child_id}": "0", f"quantity_{world.family_id}": "0",
            f"quantity_{pw.season_id}": "1", f"quantity_{pw.multi_id}": "0", "voucher": "",
            "email": VISITOR, "name": "Ada Lovelace"}
    ordered = client.post_form(pw.night_page, body)
    assert ordered.status_code == 303
    paid = client.post_form(f"{ordered.headers['Location']}/test-payment", {"decision": "pay"})
    assert paid.status_code in (302, 303)

    def purchase():
        order_id = db.session.scalar(select(Pass.order_id))
        adult = db.session.get(Order, order_id).tickets
        return order_id, next(t.id for t in adult if t.ticket_type_id == world.adult_id)

    order_id, adult_ticket = read(app, world.tenant_id, purchase)
    manager = signed_in(make_client, pw.staff.emails["manager"])
    page = f"{pw.staff.portal}/orders/{order_id}"
    refunded = manager.post_form(f"{page}/refund", {"ticket_ids": [str(adult_ticket)], "reason": "Ill"},
                                 token_from=page)
    assert refunded.status_code in (302, 303), text_of(refunded)[:800]
    assert read(app, world.tenant_id, lambda: db.session.scalar(select(Pass.status))) == Pass.ACTIVE
