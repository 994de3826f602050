"""Season and multi-visit passes, as people use them: staff set up pass types in the portal, a
visitor buys a pass in the shop, follows the mailed link, reserves further nights (a ticket
each, mailed and downloadable), cancels one; a pass admits once per night, and every refusal
(same night twice, full or closed slot, used-up or expired or void pass) is clear and writes
nothing."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from babel.dates import format_date
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from festival.checkin import services as checkin
from festival.checkin.models import CheckIn
from festival.core.db import db
from festival.core.scope import tenant_scope
from festival.exhibitions.models import Exhibition
from festival.passes.models import Pass, PassVisit
from festival.tenants.models import Tenant
from festival.ticketing import orders
from festival.ticketing.models import EntrySlot, Order, Ticket
from tests.conftest import row_counts
from tests.documents.conftest import pdf_text, shows_across_lines
from tests.passes.pass_world import (
    VISITOR,
    buy_pass,
    pass_row,
    pass_world,
    read,
    slots_of,
    type_body,
)
from tests.security.conftest import text_of
from tests.ticketing.portal_staff import signed_in


@pytest.fixture
def pw(app, factory, make_client):
    return pass_world(app, factory, make_client, capacity=3)


def reserve(client, path: str, night, slot_id: int, token_from: str | None = None):
    """Reserve from the pass page's picker (or, where the page offers none, with a form token
    taken from another page of the shop, as a page left open before the change would have)."""
    page = token_from or f"{path}?night={night.isoformat()}"
    return client.post_form(f"{path}/reserve", {"slot": str(slot_id), "night": night.isoformat()},
                            token_from=page)


def taken(app, pw, slot_id: int) -> int:
    return read(app, pw.world.tenant_id, lambda: db.session.get(EntrySlot, slot_id).taken)


def full_night(night) -> str:
    return format_date(night, "full", locale="en")


# --- setting up pass types -------------------------------------------------------------------------

def test_staff_set_up_pass_types_and_bad_entries_are_refused(app, pw, make_client):
    owner = signed_in(make_client, pw.staff.emails["owner"])
    setup = f"{pw.staff.portal}/exhibitions/{pw.world.exhibition_id}/sales"
    page = text_of(owner.get(setup))
    assert "Season pass" in page and "Three-night pass" in page and "Season or multi-visit pass" in page
    new_type = f"{pw.staff.portal}/exhibitions/{pw.world.exhibition_id}/ticket-types/new"
    before = row_counts(app)
    for body in (type_body("Adults twice", "2", category="adult"), type_body("One-night pass", "1")):
        response = owner.post_form(new_type, body)
        assert response.status_code == 400
        assert "A multi-visit pass gives 2 to 100 entries" in text_of(response)
    assert row_counts(app) == before
    edit = owner.get(f"{pw.staff.portal}/ticket-types/{pw.multi_id}")
    assert 'name="visits"' in edit.get_data(as_text=True) and 'value="3"' in edit.get_data(as_text=True)


# --- buying and reserving ----------------------------------------------------------------------------

def test_visitor_buys_a_pass_reserves_another_night_and_gets_its_ticket(app, pw, client, mailbox):
    path = buy_pass(app, client, mailbox, pw, pw.multi_id)
    mails = mailbox.to(VISITOR)
    assert any("Your pass for" in m["Subject"] for m in mails)
    assert "3 entries in all" in mailbox.text(mails[-1])
    page = text_of(client.get(path))
    assert "2 of 3 entries left" in page and full_night(pw.world.first_night) in page
    first = pass_row(app, pw, path)
    assert first["nights"] == [pw.world.first_night] and first["visits_left"] == 2

    second = pw.night(1)
    slots = slots_of(app, pw, second)
    picker = text_of(client.get(f"{path}?night={second.isoformat()}"))
    assert f"Entry time on {full_night(second)}" in picker
    mailbox.clear()
    response = reserve(client, path, second, slots[0])
    assert response.status_code == 303
    page = text_of(client.get(path))
    assert f"Your entry on {full_night(second)} is reserved" in page and "1 of 3 entries left" in page
    assert taken(app, pw, slots[0]) == 1

    mail = mailbox.to(VISITOR)[-1]
    assert mail["Subject"] == f"Your visit with pass {first['code']}"
    body = mailbox.text(mail)
    assert f"Night: {full_night(second)}" in body
    attached = [part for part in mail.iter_attachments() if part.get_content_type() == "application/pdf"]
    assert len(attached) == 1 and shows_across_lines(full_night(second), pdf_text(attached[0].get_content()))
    # The link in the visit mail leads back to the pass, whose PDF link prints the same night.
    followed = re.sub(r"^https?://[^/]+", "", mailbox.last_link(VISITOR, "/pass/"))
    html = client.get(followed).get_data(as_text=True)
    pdf_link = re.search(rf'href="([^"]+/{second.isoformat()}/ticket\.pdf)"', html).group(1)
    pdf = client.get(pdf_link)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert shows_across_lines(full_night(second), pdf_text(pdf.data))

    # The staff see the reservation as an order of channel "pass", priced at nothing.
    def reservation():
        order = db.session.scalar(select(Order).where(Order.channel == Order.PASS))
        return order.status, order.total, order.slot_id

    assert read(app, pw.world.tenant_id, reservation)[:2] == (Order.PAID, 0)


def test_a_pass_admits_once_per_night(app, pw, client, mailbox):
    path = buy_pass(app, client, mailbox, pw, pw.season_id)
    second = pw.night(1)
    slots = slots_of(app, pw, second)
    assert reserve(client, path, second, slots[0]).status_code == 303
    before = row_counts(app)
    for night, slot_id in ((second, slots[1]), (pw.world.first_night, pw.world.slot_ids[1])):
        response = reserve(client, path, night, slot_id)
        assert response.status_code == 409
        assert (f"Your pass already has an entry on {full_night(night)}: a pass admits once per night."
                in text_of(response))
    assert row_counts(app) == before
    # Only nights without a visit are offered.
    picker = client.get(path).get_data(as_text=True)
    assert f'value="{second.isoformat()}"' not in picker and f'value="{pw.night(2).isoformat()}"' in picker


def test_the_database_refuses_a_second_visit_of_the_same_night(app, pw, client, mailbox):
    path = buy_pass(app, client, mailbox, pw, pw.season_id)
    second = pw.night(1)
    assert reserve(client, path, second, slots_of(app, pw, second)[0]).status_code == 303
    pass_id = pass_row(app, pw, path)["id"]
    with app.app_context(), tenant_scope(pw.world.tenant_id):
        # Moving the reserved visit onto the night bought for: only "once per night" is broken.
        statement = update(PassVisit).where(PassVisit.pass_id == pass_id, PassVisit.night == second)
        with pytest.raises(IntegrityError, match="pass_id"):
            db.session.execute(statement.values(night=pw.world.first_night))
        db.session.rollback()
        db.session.remove()


def test_full_and_closed_slots_are_refused(app, pw, client, mailbox):
    path = buy_pass(app, client, mailbox, pw, pw.season_id)
    second = pw.night(1)
    full, closed = slots_of(app, pw, second)[:2]
    read(app, pw.world.tenant_id, lambda: db.session.execute(
        update(EntrySlot).where(EntrySlot.id == full).values(taken=EntrySlot.capacity)))
    read(app, pw.world.tenant_id, lambda: db.session.execute(
        update(EntrySlot).where(EntrySlot.id == closed).values(is_closed=True)))
    before = row_counts(app)
    response = reserve(client, path, second, full)
    assert response.status_code == 409 and "This entry slot is sold out" in text_of(response)
    response = reserve(client, path, second, closed)
    assert response.status_code == 409 and "This night or entry slot is closed" in text_of(response)
    response = reserve(client, path, second, 999999)
    assert response.status_code == 400 and "This entry slot does not exist" in text_of(response)
    assert row_counts(app) == before


def test_a_slot_sold_out_by_other_visitors_is_refused(app, pw, client, mailbox):
    path = buy_pass(app, client, mailbox, pw, pw.season_id)
    night = pw.night(1)
    slot_id = slots_of(app, pw, night)[0]

    def sell_out():  # other visitors buy the slot's three places
        tenant = db.session.get(Tenant, pw.world.tenant_id)
        order = orders.create_order(tenant, orders.OrderRequest(
            slot_id=slot_id, quantities={pw.world.adult_id: 3}, email="other@example.com",
            name="Grace Hopper", locale="en"))
        orders.confirm_payment(order, tenant, "test", f"test-{order.code}", order.total, notify=False)

    read(app, pw.world.tenant_id, sell_out)
    assert "Sold out" in text_of(client.get(f"{path}?night={night.isoformat()}"))
    before = row_counts(app)
    response = reserve(client, path, night, slot_id)
    assert response.status_code == 409
    assert "This entry slot is sold out. Choose another slot or night." in text_of(response)
    assert row_counts(app) == before
    assert taken(app, pw, slot_id) == 3


def test_a_used_up_multi_visit_pass_is_refused(app, pw, client, mailbox):
    path = buy_pass(app, client, mailbox, pw, pw.multi_id)
    for offset in (1, 2):
        night = pw.night(offset)
        assert reserve(client, path, night, slots_of(app, pw, night)[0]).status_code == 303
    assert pass_row(app, pw, path)["visits_left"] == 0
    page = text_of(client.get(path))
    assert "All entries used" in page and "0 of 3 entries left" in page
    before = row_counts(app)
    night = pw.night(3)
    response = reserve(client, path, night, slots_of(app, pw, night)[0])
    assert response.status_code == 409
    assert "All entries of this pass are used. It admits nobody any more." in text_of(response)
    assert row_counts(app) == before


def test_an_expired_pass_is_refused(app, pw, client, mailbox):
    path = buy_pass(app, client, mailbox, pw, pw.season_id)
    pass_id = pass_row(app, pw, path)["id"]
    yesterday = pw.world.first_night - timedelta(days=4)  # before today in every timezone
    read(app, pw.world.tenant_id, lambda: db.session.execute(
        update(Pass).where(Pass.id == pass_id).values(valid_until=yesterday)))
    assert "Expired" in text_of(client.get(path))
    before = row_counts(app)
    night = pw.night(1)
    response = reserve(client, path, night, slots_of(app, pw, night)[0], token_from=pw.night_page)
    assert response.status_code == 409
    assert f"This pass was valid until {format_date(yesterday, 'long', locale='en')}: the season is over." \
        in text_of(response)
    assert row_counts(app) == before


def test_a_night_after_the_season_is_refused(app, pw, client, mailbox):
    path = buy_pass(app, client, mailbox, pw, pw.season_id)
    pass_id = pass_row(app, pw, path)["id"]
    read(app, pw.world.tenant_id, lambda: db.session.execute(
        update(Pass).where(Pass.id == pass_id).values(valid_until=pw.night(1))))
    before = row_counts(app)
    night = pw.night(2)
    response = reserve(client, path, night, slots_of(app, pw, night)[0], token_from=pw.night_page)
    assert response.status_code == 400 and "This pass is valid until" in text_of(response)
    assert row_counts(app) == before


# --- cancelling, capacity ------------------------------------------------------------------------------

def test_cancelling_a_visit_returns_the_place_and_the_entry(app, pw, client, mailbox):
    path = buy_pass(app, client, mailbox, pw, pw.multi_id)
    night = pw.night(1)
    slot = slots_of(app, pw, night)[0]
    assert reserve(client, path, night, slot).status_code == 303
    assert taken(app, pw, slot) == 1 and pass_row(app, pw, path)["visits_left"] == 1
    cancel = f"{path}/{night.isoformat()}/cancel"
    response = client.post_form(cancel, {}, token_from=path)
    assert response.status_code == 303
    assert "Your visit is cancelled" in text_of(client.get(path))
    assert taken(app, pw, slot) == 0
    row = pass_row(app, pw, path)
    assert row["visits_left"] == 2 and night not in row["nights"]
    # The night may be reserved again; the first (bought) visit cannot be cancelled here.
    assert reserve(client, path, night, slot).status_code == 303
    before = row_counts(app)
    response = client.post_form(f"{path}/{pw.world.first_night.isoformat()}/cancel", {}, token_from=path)
    assert response.status_code == 409 and "cannot be cancelled here" in text_of(response)
    response = client.post_form(f"{path}/{pw.night(5).isoformat()}/cancel", {}, token_from=path)
    assert response.status_code == 404
    assert row_counts(app) == before


# --- the gate ----------------------------------------------------------------------------------------

def test_the_reservation_ticket_is_admitted_once_at_the_gate(app, pw, client, mailbox):
    path = buy_pass(app, client, mailbox, pw, pw.season_id)
    night = pw.night(1)
    slot_id = slots_of(app, pw, night)[0]
    assert reserve(client, path, night, slot_id).status_code == 303

    def scan_twice():
        tenant = db.session.get(Tenant, pw.world.tenant_id)
        exhibition = db.session.get(Exhibition, pw.world.exhibition_id)
        gate = checkin.create_gate(tenant, exhibition, "North gate", None)
        ticket = db.session.scalar(select(Ticket).join(Order).where(Order.channel == Order.PASS))
        at = ticket.slot.starts_at + timedelta(minutes=5)
        raw = orders.qr_payload(ticket, tenant)
        return [checkin.scan(tenant, exhibition, gate, raw, device="phone-1",
                             now=at + timedelta(minutes=minutes)).result for minutes in (0, 1)]

    assert read(app, pw.world.tenant_id, scan_twice) == [CheckIn.ADMITTED, CheckIn.ALREADY_USED]


# --- staff -------------------------------------------------------------------------------------------

def test_staff_list_search_and_void_passes(app, pw, client, mailbox, make_client):
    path = buy_pass(app, client, mailbox, pw, pw.multi_id)
    buy_pass(app, make_client(), mailbox, pw, pw.season_id, email="grace@example.com")
    code = pass_row(app, pw, path)["code"]
    manager = signed_in(make_client, pw.staff.emails["manager"])
    passes = f"{pw.staff.portal}/exhibitions/{pw.world.exhibition_id}/passes"
    listed = text_of(manager.get(passes))
    assert code in listed and "grace@example.com" in listed and "2 of 3" in listed
    found = text_of(manager.get(f"{passes}?q=ada@"))
    assert code in found and "grace@example.com" not in found
    assert manager.get(f"{passes}?q=nobody").status_code == 200
    gate = signed_in(make_client, pw.staff.emails["gate"])
    assert gate.get(passes).status_code == 403
    box_office = signed_in(make_client, pw.staff.emails["box_office"])
    pass_id = pass_row(app, pw, path)["id"]
    assert box_office.post_form(f"{pw.staff.portal}/passes/{pass_id}/void", {},
                                token_from=passes).status_code == 403

    response = manager.post_form(f"{pw.staff.portal}/passes/{pass_id}/void", {}, token_from=passes)
    assert response.status_code == 302
    assert f"Pass {code} is void" in text_of(manager.get(passes))
    assert "Void" in text_of(client.get(path))
    before = row_counts(app)
    night = pw.night(1)
    response = reserve(client, path, night, slots_of(app, pw, night)[0], token_from=pw.night_page)
    assert response.status_code == 409 and "This pass is void" in text_of(response)
    assert row_counts(app) == before


def test_an_unknown_pass_link_is_not_found(app, pw, client):
    response = client.get(f"/{pw.world.slug}/pass/{'x' * 43}")
    assert response.status_code == 404 and "This pass link is not valid" in text_of(response)
