"""A visitor asks a host city to erase their personal data: a manager types the address, and the
name and address disappear from every row of the database, while tickets, payments and every
count stay as they were. Other visitors and other tenants are untouched."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import create_engine, select, text

from festival.audit.models import TenantAuditEntry
from festival.core.db import db
from festival.core.scope import tenant_scope
from festival.jobs.outbox import OutboxMail
from festival.passes.models import Pass
from festival.privacy.erasure import ERASED_EMAIL, ERASED_NAME, email_digest
from festival.ticketing import staff as ticketing_staff
from festival.ticketing.models import Order, Ticket
from festival.ticketing.sales_counts import SalesCount
from festival.waitlist.models import WaitingRequest
from tests.conftest import OWNER_URL, row_counts
from tests.dashboard.world import build_dashboard_world
from tests.exports.helpers import download_export, download_links, export_rows
from tests.privacy.world import build_privacy_world, in_tenant
from tests.ticketing.portal_staff import signed_in, text_of

ADA, BOB = "ada@visitors.example", "bob@visitors.example"


def database_text(app) -> str:
    """Every value of every table as text, read as the database owner."""
    engine = create_engine(OWNER_URL)
    with engine.connect() as conn:
        dump = "\n".join(repr(tuple(row)) for table in db.metadata.sorted_tables
                         for row in conn.execute(text(f"SELECT * FROM {table.name}")))
    engine.dispose()
    return dump.lower()


def _ada_everywhere(app, world) -> None:
    """Ada's ticket holder names, a waiting-list request, a pass, and a resent confirmation
    (whose audit entry quotes her address)."""
    order_id = world.orders[ADA]
    exhibition_id = world.houston.world.exhibition_id

    def work(tenant):
        order = db.session.get(Order, order_id)
        tickets = list(db.session.scalars(select(Ticket).where(Ticket.order_id == order_id)))
        for ticket in tickets:
            ticket.holder_name = "Ada Lovelace"
        db.session.add(WaitingRequest(
            exhibition_id=exhibition_id, night=world.houston.world.first_night, persons=2,
            email=ADA, name="Ada Lovelace", locale="en", secret="w" * 40))
        db.session.add(Pass(
            code="PASS-ADA1", secret="p" * 40, exhibition_id=exhibition_id,
            ticket_type_id=tickets[0].ticket_type_id, order_id=order_id, ticket_id=tickets[0].id,
            holder_name="Ada Lovelace", email=ADA, locale="en", persons=1,
            valid_until=world.houston.world.first_night + timedelta(days=13)))
        ticketing_staff.resend_tickets(order, tenant, "", None)

    in_tenant(app, world.houston.world.tenant_id, work)


def _sales_counts(app, tenant_id: int) -> list[tuple]:
    with app.app_context(), tenant_scope(tenant_id):
        counts = [(c.night, c.tickets, c.persons, c.revenue, c.refunded)
                  for c in db.session.scalars(select(SalesCount).order_by(SalesCount.id))]
        db.session.remove()
    return counts


@pytest.fixture
def world(app, factory):
    return build_privacy_world(app, factory)


def test_manager_erases_a_visitor_everywhere_and_the_counts_stay(app, world, make_client, mailbox):
    _ada_everywhere(app, world)
    houston = world.houston
    assert "ada lovelace" in database_text(app) and ADA in database_text(app)
    sales_before = _sales_counts(app, houston.world.tenant_id)
    manager = signed_in(make_client, houston.emails["manager"])
    dashboard_before = text_of(manager.get(f"{houston.portal}/sales"))
    # An orders export made before the erasure lists her address: it goes with the erasure.
    assert ADA in download_export(manager, houston.portal, "orders").get_data(as_text=True)
    mailbox.clear()

    page = manager.get(f"{houston.portal}/privacy")
    assert page.status_code == 200 and "Erase a visitor's personal data" in text_of(page)
    assert "Download all our data" not in text_of(page)  # the export is the owner's
    response = manager.post_form(f"{houston.portal}/privacy", {"email": "Ada@Visitors.example",
                                                               "confirm": "y"})
    assert response.status_code == 302
    shown = text_of(manager.get(response.headers["Location"]))
    assert "The personal data of 1 order was erased; its tickets and figures stay." in shown
    assert "Waiting-list requests: 1. Passes: 1." in shown

    # Her name and address are nowhere in the database any more: not in orders, tickets, the
    # waiting list, passes, the mail outbox, the audit log (the erasure's own entry included).
    dump = database_text(app)
    assert ADA not in dump and "lovelace" not in dump
    assert BOB in dump and "bob builder" in dump  # another visitor untouched
    assert "claire@paris-visitors.example" in dump  # another tenant untouched
    assert not mailbox.messages  # and nobody was mailed

    def state():
        order = db.session.get(Order, world.orders[ADA])
        request = db.session.scalars(select(WaitingRequest)).one()
        visitor_pass = db.session.scalars(select(Pass)).one()
        audit = db.session.scalars(select(TenantAuditEntry).where(
            TenantAuditEntry.action == "festival.privacy.visitor.erased")).one()
        return {"order": (order.name, order.email, order.status, order.total),
                "holders": {t.holder_name for t in db.session.scalars(
                    select(Ticket).where(Ticket.order_id == order.id))},
                "tickets": [t.status for t in db.session.scalars(
                    select(Ticket).where(Ticket.order_id == order.id))],
                "request": (request.name, request.email, request.status),
                "pass": (visitor_pass.holder_name, visitor_pass.email, visitor_pass.status),
                "audit": (audit.actor.email, audit.details)}

    after = in_tenant(app, houston.world.tenant_id, lambda tenant: state())
    assert after["order"][:3] == (ERASED_NAME, ERASED_EMAIL, "paid")
    assert str(after["order"][3]) == "50.00"
    assert after["holders"] == {""} and after["tickets"] == ["valid", "valid"]
    assert after["request"] == (ERASED_NAME, ERASED_EMAIL, "withdrawn")
    assert after["pass"] == (ERASED_NAME, ERASED_EMAIL, "active")
    actor, details = after["audit"]
    assert actor == houston.emails["manager"]
    with app.app_context():
        assert details["email_digest"] == email_digest(ADA)
    assert details["orders"] == 1 and details["tickets"] == 2 and details["mails"] >= 1
    assert details["audit_entries"] == 1  # the resend that quoted her address
    assert details["exports"] == 1 and download_links(manager, houston.portal) == []

    # Counts, revenue and the sales dashboard did not move.
    assert _sales_counts(app, houston.world.tenant_id) == sales_before
    assert text_of(manager.get(f"{houston.portal}/sales")) == dashboard_before
    # Staff can no longer mail her: the order has no address.
    with app.app_context(), tenant_scope(houston.world.tenant_id):
        assert not db.session.scalars(select(OutboxMail).where(
            OutboxMail.recipient == ADA)).all()
        db.session.remove()


def test_erasing_keeps_the_base_dashboard_and_visitor_reports(app, factory, make_client):
    """A visitor who bought, was scanned at the gate and counted in a submitted report."""
    world = build_dashboard_world(app, factory)
    factory.operator("base@example.com")
    operator = signed_in(make_client, "base@example.com")
    figures = export_rows(operator, "/base", "dashboard", world.query())
    paris = world.tenants["paris"]
    reports_before = text_of(operator.get("/base/dashboard?" + world.query()))
    manager = signed_in(make_client, paris.emails["manager"])
    night_report = text_of(manager.get(paris.report_path(0)))

    response = manager.post_form(f"{paris.portal}/privacy", {"email": "visitor@example.fr",
                                                             "confirm": "y"})
    assert response.status_code == 302
    shown = text_of(manager.get(response.headers["Location"]))
    assert "2 orders was erased; their tickets and figures stay." in shown
    assert "visitor@example.fr" in database_text(app)  # Tokyo's and Dubai's buyers, same address
    assert export_rows(operator, "/base", "dashboard", world.query()) == figures
    assert text_of(operator.get("/base/dashboard?" + world.query())) == reports_before
    assert text_of(manager.get(paris.report_path(0))) == night_report


@pytest.mark.parametrize(("body", "message"), [
    ({"email": "not-an-address", "confirm": "y"}, "Enter a valid email address."),
    ({"email": ADA}, "Tick the box to confirm the erasure."),
])
def test_bad_requests_change_nothing(app, world, make_client, body, message):
    houston = world.houston
    owner = signed_in(make_client, houston.emails["owner"])
    before = row_counts(app)
    dump = database_text(app)
    response = owner.post_form(f"{houston.portal}/privacy", body)
    assert response.status_code == 400
    assert message in text_of(response)
    assert row_counts(app) == before and database_text(app) == dump


def test_an_unknown_address_changes_nothing(app, world, make_client):
    houston = world.houston
    owner = signed_in(make_client, houston.emails["owner"])
    dump = database_text(app)
    # Paris's visitor is unknown to Houston: nothing of Paris is touched either.
    response = owner.post_form(f"{houston.portal}/privacy",
                               {"email": "claire@paris-visitors.example", "confirm": "y"})
    assert response.status_code == 302
    assert "No order, waiting-list request or pass of this address was found." in text_of(
        owner.get(response.headers["Location"]))
    assert database_text(app) == dump


@pytest.mark.parametrize("role", ["box_office", "gate"])
def test_box_office_and_gate_cannot_erase(app, world, make_client, role):
    houston = world.houston
    member = signed_in(make_client, houston.emails[role])
    assert member.get(f"{houston.portal}/privacy").status_code == 403
    token = member.csrf(f"{houston.portal}/")
    response = member.http.post(f"{houston.portal}/privacy",
                                data={"csrf_token": token, "email": BOB, "confirm": "y"})
    assert response.status_code == 403
    assert BOB in database_text(app)


def test_operator_erases_from_the_command_line(app, world):
    result = app.test_cli_runner().invoke(args=["erase-visitor", "houston", BOB])
    assert result.exit_code == 0, result.output
    assert "orders: 1" in result.output and "tickets: 2" in result.output
    dump = database_text(app)
    assert BOB not in dump and "bob builder" not in dump and ADA in dump
    result = app.test_cli_runner().invoke(args=["erase-visitor", "houston", "nobody@x.example"])
    assert result.exit_code == 0 and "nothing changed" in result.output
    result = app.test_cli_runner().invoke(args=["erase-visitor", "houston", "no address"])
    assert result.exit_code != 0
