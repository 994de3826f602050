"""Mail through the outbox: written with its data, delivered once — inline without Redis, by the
rq worker on a real Redis, and by the scheduler's sweep when Redis or the mail server was away."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from redis import Redis
from sqlalchemy import select

from festival.core.db import db, utcnow
from festival.core.mail import OutgoingMail, queue_mail
from festival.core.scope import tenant_scope
from festival.jobs import outbox
from festival.jobs.outbox import OutboxMail
from festival.jobs.queue import lantern_queue
from festival.tenants.models import Tenant
from festival.ticketing.models import Order
from tests.documents.conftest import buy
from tests.groups.journey import attachments
from tests.ticketing.world import build_sales_world

REDIS = "redis://127.0.0.1:6379/0"


def send_in_transaction(app, to: str, commit: bool = True) -> None:
    with app.app_context():
        queue_mail(OutgoingMail(to=to, subject=f"Hello {to}", text="Your tickets are attached.\n"))
        db.session.commit() if commit else db.session.rollback()
        db.session.remove()


def outbox_rows(app) -> list[tuple[str, str, bool]]:
    with app.app_context():
        rows = db.session.execute(select(OutboxMail.recipient, OutboxMail.status, OutboxMail.message)
                                  .order_by(OutboxMail.id)).all()
        db.session.remove()
    return [(to, status, body is not None) for to, status, body in rows]


def sweep(app, later: timedelta = timedelta(minutes=1)) -> dict:
    with app.app_context():
        return outbox.sweep(utcnow() + later)


@pytest.fixture
def redis_queue(app, monkeypatch):
    """The app with a real Redis queue of its own (CI runs two suites on one Redis)."""
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS)
    monkeypatch.setitem(app.config, "JOB_QUEUE", f"lantern-test-{os.getpid()}")
    Redis.from_url(REDIS).ping()
    with app.app_context():
        queue = lantern_queue()
        queue.empty()
    yield queue
    queue.empty()


def test_without_redis_mail_is_delivered_inline_after_the_commit_once(app, mailbox):
    send_in_transaction(app, "marie@example.fr")
    assert [m["Subject"] for m in mailbox.to("marie@example.fr")] == ["Hello marie@example.fr"]
    # Delivered: the row keeps who and when, not the body.
    assert outbox_rows(app) == [("marie@example.fr", "sent", False)]
    assert sweep(app) == {"sent": 0, "refused": 0, "postponed": 0}
    assert len(mailbox.to("marie@example.fr")) == 1


def test_a_rolled_back_transaction_leaves_no_row_and_sends_nothing(app, mailbox):
    send_in_transaction(app, "marie@example.fr", commit=False)
    assert outbox_rows(app) == [] and mailbox.messages == []


def test_an_unreachable_mail_server_keeps_the_row_and_the_sweep_sends_it_once(app, mailbox, monkeypatch):
    port = app.config["MAIL_PORT"]
    monkeypatch.setitem(app.config, "MAIL_PORT", 1)  # nothing listens there
    send_in_transaction(app, "marie@example.fr")
    assert mailbox.messages == []
    assert outbox_rows(app) == [("marie@example.fr", "pending", True)]
    assert sweep(app)["postponed"] == 1
    monkeypatch.setitem(app.config, "MAIL_PORT", port)  # the server is back
    assert sweep(app, later=timedelta(seconds=0)) == {"sent": 0, "refused": 0, "postponed": 0}  # too young
    assert sweep(app)["sent"] == 1
    assert sweep(app)["sent"] == 0
    assert len(mailbox.to("marie@example.fr")) == 1


def test_with_redis_the_worker_sends_each_mail_once_even_when_the_job_is_queued_twice(
        app, mailbox, redis_queue):
    send_in_transaction(app, "marie@example.fr")
    send_in_transaction(app, "pierre@example.fr")
    assert mailbox.messages == []  # the request did not wait for the mail server
    assert redis_queue.count == 2
    # A duplicate job for the first row (a retry, a second enqueue by the sweep).
    with app.app_context():
        first_id = db.session.scalar(select(OutboxMail.id).order_by(OutboxMail.id))
    redis_queue.enqueue(outbox.deliver_job, first_id)
    result = app.test_cli_runner().invoke(args=["worker", "--burst"])
    assert result.exit_code == 0, result.output
    assert len(mailbox.to("marie@example.fr")) == 1 and len(mailbox.to("pierre@example.fr")) == 1
    assert [status for _to, status, _body in outbox_rows(app)] == ["sent", "sent"]
    assert redis_queue.count == 0


def test_with_redis_down_the_sale_goes_on_and_the_sweep_sends_the_mail_once(app, mailbox, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")  # nothing listens
    send_in_transaction(app, "marie@example.fr")  # commits although the queue is unreachable
    assert outbox_rows(app) == [("marie@example.fr", "pending", True)] and mailbox.messages == []
    result = app.test_cli_runner().invoke(args=["deliver-mail"])
    assert result.exit_code == 0 and "0 sent" in result.output  # still within its grace
    assert sweep(app)["sent"] == 1 and sweep(app)["sent"] == 0
    assert len(mailbox.to("marie@example.fr")) == 1


def test_the_worker_refuses_to_start_without_redis(app):
    result = app.test_cli_runner().invoke(args=["worker", "--burst"])
    assert result.exit_code != 0 and "REDIS_URL is not set" in result.output


def test_the_scheduler_runs_every_periodic_command_once(app):
    result = app.test_cli_runner().invoke(args=["scheduler", "--once"])
    assert result.exit_code == 0, result.output
    for line in ("expired hold(s) released", "0 sent, 0 refused, 0 postponed",
                 "delivered mail row(s) removed"):
        assert line in result.output, result.output


def test_metrics_show_the_queue_depth_and_the_mail_waiting(app, mailbox, redis_queue, scraper):
    before = scraper()
    assert before[("lantern_job_queue_depth", frozenset())] == 0
    send_in_transaction(app, "marie@example.fr")
    after = scraper()
    assert after[("lantern_job_queue_depth", frozenset())] == 1
    assert after[("lantern_mail_outbox_pending", frozenset())] == 1
    app.test_cli_runner().invoke(args=["worker", "--burst"])
    drained = scraper()
    assert drained[("lantern_job_queue_depth", frozenset())] == 0
    assert drained[("lantern_mail_outbox_pending", frozenset())] == 0


def test_with_redis_the_worker_renders_the_ticket_pdfs_and_the_order_records_the_delivery(
        app, factory, mailbox, redis_queue):
    world = build_sales_world(app, factory, "paris", capacity=20)
    with app.test_request_context(), tenant_scope(world.tenant_id):
        tenant = db.session.get(Tenant, world.tenant_id)
        order = buy(tenant, world, {world.adult_id: 2}, email="marie@example.fr")
        order_id, code = order.id, order.code
        db.session.commit()
        db.session.remove()
    # The paying request wrote a recipe, not the PDFs: the worker writes the message.
    with app.app_context():
        row = db.session.scalars(select(OutboxMail)).one()
        assert row.message is None and row.compose["callback"].endswith(":compose_confirmation")
        db.session.remove()
    assert mailbox.messages == [] and redis_queue.count == 1
    result = app.test_cli_runner().invoke(args=["worker", "--burst"])
    assert result.exit_code == 0, result.output
    [mail] = mailbox.to("marie@example.fr")
    receipt = order_receipt(app, world, order_id)
    assert set(attachments(mail)) == {f"tickets-{code}.pdf", f"receipt-{receipt}.pdf"}
    assert outbox_rows(app) == [("marie@example.fr", "sent", False)]
    with app.app_context(), tenant_scope(world.tenant_id):
        assert db.session.get(Order, order_id).delivery_status == "sent"
        db.session.remove()


def order_receipt(app, world, order_id: int) -> str:
    with app.app_context(), tenant_scope(world.tenant_id):
        number = db.session.get(Order, order_id).receipt_number
        db.session.remove()
    return number
