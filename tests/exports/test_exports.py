"""Report exports as jobs: requested with a button, rendered once (inline without Redis, by the rq
worker on a real Redis, by the sweep when the queue lost it), downloaded from the Exports page;
bad input writes nothing, another tenant's export is not found, base exports are the base's."""

from __future__ import annotations

import csv
import dataclasses
import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from festival.core.db import db, utcnow
from festival.core.errors import DomainError
from festival.core.scope import platform_scope, tenant_scope
from festival.core.stored_files import StoredFile
from festival.exports import jobs, services
from festival.exports.kinds import KINDS
from festival.exports.models import BaseExport, TenantExport
from festival.tenants.models import Tenant
from tests.conftest import row_counts
from tests.exports.helpers import download_export, download_links, request_export
from tests.jobs.test_outbox_and_worker import redis_queue  # noqa: F401  the fixture
from tests.security.conftest import text_of
from tests.security.routes_exports import _requester
from tests.ticketing.portal_staff import paid_order, signed_in, staff_world

PREPARING = "Your export is being prepared; it appears here when ready."


@pytest.fixture
def paris(app, factory):
    staff = staff_world(app, factory, "paris", capacity=20)
    paid_order(app, staff.world, {staff.world.adult_id: 2}, email="marie@example.fr",
               name="Marie Curie")
    paid_order(app, staff.world, {staff.world.adult_id: 1}, email="pierre@example.fr",
               name="Pierre Curie")
    return staff


def exports_of(app, tenant_id: int | None = None) -> list[tuple[str, str, int | None]]:
    """(kind, status, size) of a tenant's exports (the base's when ``tenant_id`` is None)."""
    model = TenantExport if tenant_id is not None else BaseExport
    with app.app_context(), (tenant_scope(tenant_id) if tenant_id else platform_scope("cli")):
        rows = [(e.kind, e.status, e.size) for e in
                db.session.scalars(select(model).order_by(model.id))]
        db.session.remove()
    return rows


def stored_files(app) -> int:
    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(StoredFile))
        db.session.remove()
    return count


def only_export_id(app, tenant_id: int) -> int:
    with app.app_context(), tenant_scope(tenant_id):
        export_id = db.session.scalar(select(TenantExport.id))
        db.session.remove()
    return export_id


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_staff_request_the_orders_csv_and_download_it(app, paris, make_client):
    manager = signed_in(make_client, paris.emails["manager"])
    listing = text_of(manager.get(f"{paris.portal}/orders?q=marie"))
    assert "Export as CSV" in listing
    empty = text_of(manager.get(f"{paris.portal}/exports"))
    assert "No exports yet." in empty

    answer = request_export(manager, paris.portal, "orders", {"q": "marie", "status": "paid"},
                            follow_redirects=True)
    page = text_of(answer)
    assert answer.status_code == 200 and PREPARING in page  # inline: ready at once
    assert "Orders" in page and "Ready" in page and "Download orders-paris-" in page
    assert "manager@paris.example" in page

    download = manager.get(download_links(manager, paris.portal)[0])
    assert download.status_code == 200 and download.mimetype == "text/csv"
    assert download.headers["Content-Disposition"].startswith('attachment; filename="orders-paris-')
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in download.headers["Cache-Control"]
    rows = csv_rows(download)
    assert [(row["email"], row["name"], row["status"], row["persons"]) for row in rows] == [
        ("marie@example.fr", "Marie Curie", "paid", "2")]
    [(kind, status, size)] = exports_of(app, paris.world.tenant_id)
    assert (kind, status, size) == ("orders", "ready", len(download.data))


def test_the_dashboard_csv_of_the_tenant_is_an_export_too(app, paris, make_client):
    owner = signed_in(make_client, paris.emails["owner"])
    night = paris.world.first_night.isoformat()
    download = download_export(owner, paris.portal, "dashboard", {"from": night, "to": night})
    assert download.headers["Content-Disposition"] == (
        f'attachment; filename="paris-dashboard-{night}-{night}.csv"')
    total = [row for row in csv_rows(download) if row["breakdown"] == "total"]
    assert [(row["tickets_sold"], row["revenue"], row["currency"]) for row in total] == [
        ("3", "55.50", "EUR")]


def test_with_redis_the_worker_writes_one_file_even_for_a_duplicated_job(
        app, paris, make_client, redis_queue, monkeypatch):  # noqa: F811
    monkeypatch.setitem(app.config, "STORAGE_BACKEND", "database")  # seen by every instance
    manager = signed_in(make_client, paris.emails["manager"])
    answer = request_export(manager, paris.portal, "orders", follow_redirects=True)
    assert PREPARING in text_of(answer) and "Being prepared" in text_of(answer)
    assert download_links(manager, paris.portal) == []
    assert exports_of(app, paris.world.tenant_id) == [("orders", "queued", None)]
    assert redis_queue.count == 1
    export_id = only_export_id(app, paris.world.tenant_id)
    # A duplicate of the job (a retry, a second enqueue by the sweep) waits behind it.
    redis_queue.enqueue(jobs.run_export, export_id, paris.world.tenant_id)

    result = app.test_cli_runner().invoke(args=["worker", "--burst"])
    assert result.exit_code == 0, result.output
    assert redis_queue.count == 0
    assert [status for _kind, status, _size in exports_of(app, paris.world.tenant_id)] == ["ready"]
    assert stored_files(app) == 1
    with app.app_context():  # once more, by hand: nothing left to do
        assert jobs.run_export(export_id, paris.world.tenant_id) is None
    assert stored_files(app) == 1
    rows = csv_rows(manager.get(download_links(manager, paris.portal)[0]))
    assert {row["email"] for row in rows} == {"marie@example.fr", "pierre@example.fr"}


def test_with_redis_down_the_request_succeeds_and_renders_inline(app, paris, make_client,
                                                                 monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")  # nothing listens
    manager = signed_in(make_client, paris.emails["manager"])
    answer = request_export(manager, paris.portal, "orders", follow_redirects=True)
    assert answer.status_code == 200 and PREPARING in text_of(answer)
    assert exports_of(app, paris.world.tenant_id)[0][1] == "ready"


def test_an_export_the_queue_lost_is_run_by_the_sweep_once(app, paris, make_client,
                                                           redis_queue):  # noqa: F811
    manager = signed_in(make_client, paris.emails["manager"])
    request_export(manager, paris.portal, "orders")
    redis_queue.empty()  # Redis restarted and lost the job
    result = app.test_cli_runner().invoke(args=["run-exports"])
    assert result.exit_code == 0 and "0 waiting export(s)" in result.output  # within its grace
    with app.app_context(), platform_scope("job"):
        assert services.sweep(utcnow() + timedelta(minutes=2)) == 1
    assert redis_queue.count == 1  # handed to the worker again
    app.test_cli_runner().invoke(args=["worker", "--burst"])
    assert [status for _k, status, _s in exports_of(app, paris.world.tenant_id)] == ["ready"]
    with app.app_context(), platform_scope("job"):
        assert services.sweep(utcnow() + timedelta(minutes=2)) == 0


def test_a_failed_inline_run_waits_for_the_sweep(app, paris, make_client, monkeypatch):
    orders = KINDS["tenant"]["orders"]

    def broken(parameters, locale, scope):
        raise RuntimeError("the database went away")

    monkeypatch.setitem(KINDS["tenant"], "orders", dataclasses.replace(orders, render=broken))
    manager = signed_in(make_client, paris.emails["manager"])
    answer = request_export(manager, paris.portal, "orders", follow_redirects=True)
    assert answer.status_code == 200 and "Being prepared" in text_of(answer)
    assert exports_of(app, paris.world.tenant_id) == [("orders", "queued", None)]

    monkeypatch.setitem(KINDS["tenant"], "orders", orders)  # the database is back
    with app.app_context(), platform_scope("job"):
        assert services.sweep(utcnow() + timedelta(minutes=2)) == 1  # no Redis: runs here
    assert exports_of(app, paris.world.tenant_id)[0][1] == "ready"
    assert len(download_links(manager, paris.portal)) == 1


def test_a_dead_worker_s_claim_is_taken_over_and_its_late_finish_writes_nothing(
        app, paris, make_client):
    manager = signed_in(make_client, paris.emails["manager"])
    with app.app_context(), tenant_scope(paris.world.tenant_id):
        export = services.request_tenant_export(
            db.session.get(Tenant, paris.world.tenant_id), services.tenant_kind("orders"), {},
            _requester(paris.emails["manager"]), "en")
        db.session.flush()
        export_id = export.id
        # A worker claimed it an hour ago and died; the hand-off went with it.
        db.session.execute(update(TenantExport).where(TenantExport.id == export_id).values(
            status="running", attempts=1, claimed_at=utcnow() - timedelta(hours=1)))
        db.session.info.pop("handoff_rows")
        db.session.commit()
        db.session.remove()
    assert download_links(manager, paris.portal) == []
    with app.app_context(), platform_scope("job"):
        assert services.sweep() == 1  # no Redis: rendered here
    assert exports_of(app, paris.world.tenant_id)[0][1] == "ready"
    with app.app_context(), tenant_scope(paris.world.tenant_id):
        # The dead worker's finish under its old claim changes nothing.
        assert not jobs._finish(TenantExport, export_id, 1, status="failed")
        db.session.remove()
    assert exports_of(app, paris.world.tenant_id)[0][1] == "ready"
    assert len(download_links(manager, paris.portal)) == 1


@pytest.mark.parametrize(("body", "message"), [
    ({"kind": "payroll"}, "Choose one of the exports offered."),
    ({"kind": ""}, "Choose one of the exports offered."),
    ({"kind": "exposure"}, "Choose one of the exports offered."),  # a base kind
    ({"kind": "orders", "status": "stolen"}, "Choose one of the order statuses offered."),
    ({"kind": "dashboard", "from": "yesterday"}, "Enter dates as YYYY-MM-DD."),
    ({"kind": "dashboard", "from": "2026-05-01", "to": "2026-04-01"},
     "The end date is before the start date."),
])
def test_bad_input_is_refused_and_writes_nothing(app, paris, make_client, body, message):
    manager = signed_in(make_client, paris.emails["manager"])
    before = row_counts(app)
    response = manager.post_form(f"{paris.portal}/exports/request", body, token_from="/account/")
    assert response.status_code == 400 and message in text_of(response)
    assert row_counts(app) == before


def test_a_request_without_a_valid_form_token_writes_nothing(app, paris, make_client):
    manager = signed_in(make_client, paris.emails["manager"])
    before = row_counts(app)
    response = manager.http.post(f"{paris.portal}/exports/request", data={"kind": "orders"})
    assert response.status_code == 400 and row_counts(app) == before


def test_another_tenant_s_export_is_not_found(app, factory, paris, make_client):
    manager = signed_in(make_client, paris.emails["manager"])
    request_export(manager, paris.portal, "orders")
    link = download_links(manager, paris.portal)[0]
    export_id = only_export_id(app, paris.world.tenant_id)

    lyon = staff_world(app, factory, "houston", capacity=5)
    other = signed_in(make_client, lyon.emails["owner"])
    assert other.get(link).status_code == 404  # not a member of paris
    response = other.get(f"{lyon.portal}/exports/{export_id}/download")  # under its own address
    assert response.status_code == 404 and "This export does not exist." in text_of(response)
    assert "marie@example.fr" not in other.get(f"{lyon.portal}/exports").get_data(as_text=True)
    assert other.get(f"{lyon.portal}/exports/999999/download").status_code == 404


def test_who_may_request_and_download(app, paris, make_client):
    manager = signed_in(make_client, paris.emails["manager"])
    request_export(manager, paris.portal, "orders")
    link = download_links(manager, paris.portal)[0]
    box_office = signed_in(make_client, paris.emails["box_office"])
    assert box_office.get(link).status_code == 200  # the team's exports, for those who may
    gate = signed_in(make_client, paris.emails["gate"])
    assert gate.get(link).status_code == 403
    assert request_export(gate, paris.portal, "orders").status_code == 403
    assert exports_of(app, paris.world.tenant_id)[0][0] == "orders"
    assert len(exports_of(app, paris.world.tenant_id)) == 1


def test_base_exports_are_for_base_staff_only(app, paris, factory, make_client):
    factory.operator("base@example.com")
    operator = signed_in(make_client, "base@example.com")
    answer = request_export(operator, "/base", "exposure", {"year": "", "supplier": ""},
                           follow_redirects=True)
    assert PREPARING in text_of(answer) and "Lamp group exposure" in text_of(answer)
    [link] = download_links(operator, "/base")
    download = operator.get(link)
    assert download.status_code == 200 and download.data.startswith(b"breakdown,lamp_group_code")
    assert exports_of(app) == [("exposure", "ready", len(download.data))]

    owner = signed_in(make_client, paris.emails["owner"])
    for path in ("/base/exports", link):
        assert owner.get(path).status_code == 404
    before = row_counts(app)
    assert request_export(owner, "/base", "exposure").status_code == 404
    assert row_counts(app) == before
    base_id = link.split("/")[-2]
    assert owner.get(f"{paris.portal}/exports/{base_id}/download").status_code == 404
    refused = request_export(operator, "/base", "orders")  # a tenant kind
    assert refused.status_code == 400 and "Choose one of the exports offered." in text_of(refused)


def test_a_failed_export_says_so(app, paris, make_client, monkeypatch):
    orders = KINDS["tenant"]["orders"]

    def refused(parameters, locale, scope):
        raise DomainError("This filter no longer exists.")

    monkeypatch.setitem(KINDS["tenant"], "orders", dataclasses.replace(orders, render=refused))
    manager = signed_in(make_client, paris.emails["manager"])
    page = text_of(request_export(manager, paris.portal, "orders", follow_redirects=True))
    assert "Failed" in page and "This filter no longer exists." in page
    export_id = only_export_id(app, paris.world.tenant_id)
    response = manager.get(f"{paris.portal}/exports/{export_id}/download")
    assert response.status_code == 409 and "not ready" in text_of(response)


def test_the_list_pages_and_old_exports_are_purged_with_their_files(app, paris, make_client,
                                                                    monkeypatch):
    monkeypatch.setitem(app.config, "STORAGE_BACKEND", "database")
    manager = signed_in(make_client, paris.emails["manager"])
    request_export(manager, paris.portal, "orders")
    with app.app_context(), tenant_scope(paris.world.tenant_id):
        db.session.add_all(TenantExport(kind="orders", parameters={}, locale="en", status="failed",
                                        created_at=utcnow() - timedelta(days=8))
                           for _ in range(services.PER_PAGE + 1))
        db.session.commit()
        db.session.remove()
    first = manager.get(f"{paris.portal}/exports").get_data(as_text=True)
    assert "Page 1 of 2" in first and first.count("/download") == 1  # the newest first
    assert "Page 2 of 2" in manager.get(f"{paris.portal}/exports?page=2").get_data(as_text=True)
    assert stored_files(app) == 1

    result = app.test_cli_runner().invoke(args=["purge-exports"])
    assert result.exit_code == 0 and f"{services.PER_PAGE + 1} old export(s) removed." in result.output
    assert len(exports_of(app, paris.world.tenant_id)) == 1 and stored_files(app) == 1
    with app.app_context(), platform_scope("job"):
        assert services.purge(utcnow() + timedelta(days=8)) == 1
        db.session.commit()
        db.session.remove()
    assert exports_of(app, paris.world.tenant_id) == [] and stored_files(app) == 0
