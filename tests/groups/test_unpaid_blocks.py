"""An unpaid block past its due date is reminded once by ``festival remind-group-invoices``;
still unpaid after the tenant's grace days, it is released: places back, tickets refused."""

from __future__ import annotations

from datetime import timedelta

from festival.core.db import db, utcnow
from festival.groups.models import GroupBlock
from tests.checkin.gates import build_gate_world
from tests.groups.journey import (
    OPERATOR_EMAIL,
    block_of,
    block_row,
    in_scope,
    path_of,
    register_operator,
    taken,
)
from tests.security.conftest import text_of
from tests.ticketing.portal_staff import signed_in


def _run_job(app) -> str:
    result = app.test_cli_runner().invoke(args=["remind-group-invoices"])
    assert result.exit_code == 0, result.output
    return result.output.strip().splitlines()[-1]  # the summary, after any log lines


def _move(app, tenant_id: int, block_id: int, **values) -> None:
    """Let time pass for one block (its due date, its reminder) without waiting for it."""
    def work():
        block = db.session.get(GroupBlock, block_id)
        for key, value in values.items():
            setattr(block, key, value)

    in_scope(app, tenant_id, work)


def _scan(client, gw, payload: str) -> dict:
    base = f"{gw.portal}/checkin/{gw.world.exhibition_id}/{gw.north}"
    token = client.csrf("/account/security")
    response = client.http.post(f"{base}/scan", json={"code": payload, "device": "phone-1"},
                                headers={"X-CSRFToken": token})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def _payloads(app, gw, block_id: int) -> list[str]:
    from festival.tenants.models import Tenant
    from festival.ticketing import orders

    def work():
        tenant = db.session.get(Tenant, gw.world.tenant_id)
        block = db.session.get(GroupBlock, block_id)
        return [orders.qr_payload(t, tenant) for t in orders.tickets_of(block.order)]

    return in_scope(app, gw.world.tenant_id, work)


def test_an_unpaid_block_is_reminded_once_then_released_and_its_tickets_refused(
        app, factory, make_client, mailbox):
    gw = build_gate_world(app, factory)
    world = gw.world
    operator = register_operator(gw.staff, make_client, mailbox, terms=14)
    free_before = taken(app, world.tenant_id, world.slot_ids[0])
    from festival.ticketing.models import EntrySlot

    tonight = in_scope(app, world.tenant_id,
                       lambda: db.session.get(EntrySlot, world.slot_ids[0]).night.isoformat())
    booked = operator.book(world.slot_ids[0], {world.adult_id: 12}, night=tonight)
    assert booked.status_code == 303, text_of(booked)
    block_page = path_of(booked.headers["Location"])
    block_id = block_of(app, world.tenant_id, block_page)
    assert taken(app, world.tenant_id, world.slot_ids[0]) == free_before + 12
    payloads = _payloads(app, gw, block_id)
    gate = signed_in(make_client, gw.staff.emails["gate"])
    # Unpaid but within its terms: the group may visit (tickets are issued at booking).
    assert _scan(gate, gw, payloads[0])["result"] == "admitted"

    # Not due yet: the job does nothing.
    mailbox.clear()
    assert _run_job(app).startswith("0 overdue group invoice(s) reminded, 0")
    assert mailbox.messages == []

    # Past its due date: one reminder, in the operator's language, with the invoice attached.
    row = block_row(app, world.tenant_id, block_id)
    _move(app, world.tenant_id, block_id, due_on=row["due_on"] - timedelta(days=15))
    assert _run_job(app).startswith("1 overdue group invoice(s) reminded, 0")
    reminder, = mailbox.to(OPERATOR_EMAIL)
    assert reminder["Subject"] == f"Reminder: invoice {row['invoice_number']} is overdue"
    body = mailbox.text(reminder)
    assert "If it stays unpaid 3 more days, the block is released" in body
    assert [p.get_filename() for p in reminder.iter_attachments()] == [
        f"invoice-{row['invoice_number']}.pdf"]
    assert path_of(mailbox.last_link(OPERATOR_EMAIL, "/blocks/")) == block_page
    assert _run_job(app).startswith("0 overdue group invoice(s) reminded, 0")  # once only
    assert len(mailbox.messages) == 1

    # Within the grace days nothing more; after them the block is released.
    _move(app, world.tenant_id, block_id, reminded_at=utcnow() - timedelta(days=2))
    assert _run_job(app).endswith("0 unpaid block(s) released.")
    _move(app, world.tenant_id, block_id, reminded_at=utcnow() - timedelta(days=3, minutes=1))
    assert _run_job(app).endswith("1 unpaid block(s) released.")
    assert block_row(app, world.tenant_id, block_id)["status"] == "released"
    assert taken(app, world.tenant_id, world.slot_ids[0]) == free_before
    released = mailbox.to(OPERATOR_EMAIL)[-1]
    assert "released" in released["Subject"]
    assert "Its tickets no longer admit anyone" in mailbox.text(released)
    staff_mails = mailbox.to(gw.staff.emails["owner"]) + mailbox.to(gw.staff.emails["manager"])
    assert len(staff_mails) == 2
    assert all("Sunshine Tours" in m["Subject"] for m in staff_mails)
    assert _run_job(app).endswith("0 unpaid block(s) released.")

    # At the gate, the released block's tickets are refused; its pages say so.
    answer = _scan(gate, gw, payloads[1])
    assert answer["result"] == "void"
    page = operator.client.get(block_page)
    assert "Released unpaid" in text_of(page)
    assert operator.client.get(f"{block_page}/tickets.pdf").status_code == 409
    staff_page = signed_in(make_client, gw.staff.emails["manager"]).get(
        f"{gw.portal}/group-blocks/{block_id}")
    assert "Released unpaid" in text_of(staff_page)
