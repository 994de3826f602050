"""The mail of a finished export: the person who asked learns, once and in the export's language,
that it is ready (or could not be made), with a link to the Exports page, never to the file."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from festival.accounts.models import User
from festival.core.db import db, utcnow
from festival.core.errors import DomainError
from festival.core.scope import platform_scope, tenant_scope
from festival.exports import jobs, services
from festival.exports.kinds import KINDS
from festival.jobs.outbox import OutboxMail
from festival.tenants.models import Tenant
from tests.conftest import translated
from tests.exports.helpers import download_links, request_export
from tests.exports.test_exports import exports_of, only_export_id, paris  # noqa: F401  fixture
from tests.ticketing.portal_staff import signed_in


def outbox_rows(app) -> int:
    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(OutboxMail))
        db.session.remove()
    return count


def _request_orders_rendered_by(render, monkeypatch, make_client, paris, mailbox) -> None:  # noqa: F811
    """The manager asks for the orders export, which ``render`` renders; the mailbox starts empty."""
    orders = KINDS["tenant"]["orders"]
    monkeypatch.setitem(KINDS["tenant"], "orders", dataclasses.replace(orders, render=render))
    manager = signed_in(make_client, paris.emails["manager"])
    mailbox.clear()
    request_export(manager, paris.portal, "orders")


def test_a_french_manager_is_mailed_once_in_french_with_a_link_to_the_exports_page(
        app, paris, make_client, mailbox):  # noqa: F811
    manager_email = paris.emails["manager"]
    manager = signed_in(make_client, manager_email, language="fr")
    mailbox.clear()
    request_export(manager, paris.portal, "orders")  # rendered inline, before the answer

    [mail] = mailbox.to(manager_email)
    label = translated(app, "fr", "Orders")
    assert label == "Commandes"
    assert mail["Subject"] == translated(app, "fr", "Your export is ready: %(export)s",
                                         export=label)
    assert mail["Content-Language"] == "fr"
    body = mailbox.text(mail)
    assert translated(app, "fr", "Hello %(name)s,", name=manager_email) in body
    assert label in body and "Paris" in body and "orders-paris-" in body
    link = mailbox.last_link(manager_email, "/exports")
    assert link.endswith(f"{paris.portal}/exports")
    assert "/download" not in body  # the page, not the file: a download needs a sign-in
    assert manager.get(link).status_code == 200 and download_links(manager, paris.portal)

    # A retried or duplicated job finds the export done: no second file, no second mail.
    export_id = only_export_id(app, paris.world.tenant_id)
    with app.app_context():
        assert jobs.run_export(export_id, paris.world.tenant_id) is None
    assert len(mailbox.to(manager_email)) == 1 and len(mailbox.messages) == 1


def test_an_export_that_cannot_be_made_mails_the_reason_shown_on_the_page(
        app, paris, make_client, mailbox, monkeypatch):  # noqa: F811
    def refused(parameters, locale, scope):
        raise DomainError("This filter no longer exists.")

    _request_orders_rendered_by(refused, monkeypatch, make_client, paris, mailbox)

    [mail] = mailbox.to(paris.emails["manager"])
    assert mail["Subject"] == "Your export could not be made: Orders"
    body = mailbox.text(mail)
    assert "The Orders export you asked for in the portal of Paris" in body
    assert "could not be made." in body and "This filter no longer exists." in body
    assert mailbox.last_link(paris.emails["manager"], "/exports").endswith(f"{paris.portal}/exports")


def test_a_crashing_export_mails_only_once_it_failed_for_good(
        app, paris, make_client, mailbox, monkeypatch):  # noqa: F811
    def broken(parameters, locale, scope):
        raise RuntimeError("the database went away")

    _request_orders_rendered_by(broken, monkeypatch, make_client, paris, mailbox)
    assert exports_of(app, paris.world.tenant_id) == [("orders", "queued", None)]
    assert mailbox.messages == []  # it is tried again: nothing to tell yet

    for _attempt in range(2, jobs.MAX_ATTEMPTS + 1):
        with app.app_context(), platform_scope("job"):
            assert services.sweep(utcnow() + timedelta(minutes=2)) == 1
    assert exports_of(app, paris.world.tenant_id) == [("orders", "failed", None)]
    [mail] = mailbox.to(paris.emails["manager"])
    assert mail["Subject"] == "Your export could not be made: Orders"
    assert ("This export could not be prepared. Request it again; if it fails again, tell us."
            in mailbox.text(mail))


@pytest.mark.parametrize("fate", ["deleted", "deactivated"])
def test_an_export_whose_requester_is_gone_mails_nobody_and_is_still_made(
        app, paris, factory, mailbox, fate):  # noqa: F811
    gone = factory.user("gone@paris.example")
    with app.app_context(), tenant_scope(paris.world.tenant_id):
        export = services.request_tenant_export(
            db.session.get(Tenant, paris.world.tenant_id), services.tenant_kind("orders"), {},
            db.session.get(User, gone.id), "fr")
        db.session.flush()
        export_id = export.id
        db.session.info.pop("handoff_rows")  # the worker runs it below, after the person left
        db.session.commit()
        db.session.remove()
    with app.app_context(), platform_scope("cli"):
        person = db.session.get(User, gone.id)
        if fate == "deleted":
            db.session.delete(person)
        else:
            person.active = False
        db.session.commit()
        db.session.remove()
    mailbox.clear()
    before = outbox_rows(app)

    with app.app_context():
        assert jobs.run_export(export_id, paris.world.tenant_id) == "ready"
    assert exports_of(app, paris.world.tenant_id)[0][1] == "ready"
    assert outbox_rows(app) == before and mailbox.messages == []


def test_a_base_export_mails_the_operator_a_link_to_the_base_exports_page(
        app, factory, make_client, mailbox):
    factory.operator("base@example.com")
    operator = signed_in(make_client, "base@example.com")
    mailbox.clear()
    request_export(operator, "/base", "exposure", {"year": "", "supplier": ""})

    [mail] = mailbox.to("base@example.com")
    assert mail["Subject"] == "Your export is ready: Lamp group exposure"
    body = mailbox.text(mail)
    assert "The Lamp group exposure export you asked for in the base console is ready." in body
    assert "lantern-exposure" in body
    assert mailbox.last_link("base@example.com", "/exports").endswith("/base/exports")
    assert "/download" not in body
