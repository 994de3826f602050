"""The base operator deletes a tenant: every row and file it owns goes in one transaction, the
other tenants stay whole, its figures leave the dashboard, and the platform audit log keeps the
record. Refused with a wrong confirmation, and while a booking with a supplier still runs."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, select, text

from festival.audit.models import PlatformAuditEntry
from festival.core.db import db
from festival.core.errors import DomainError
from festival.core.scope import platform_scope, tenant_scope
from festival.core.storage import read_file
from festival.privacy.tables import owned_tables
from festival.tenants import services as tenant_services
from festival.tenants.models import Tenant
from tests.booking import world as booking_world
from tests.conftest import OWNER_URL, row_counts
from tests.dashboard.world import build_dashboard_world
from tests.exports.helpers import export_rows
from tests.security.conftest import text_of, tiny_png

OPERATOR = "base@example.com"


def rows_by_tenant(app) -> dict[str, dict[int, int]]:
    """Rows of every owned table per tenant id, read as the database owner (sees everything)."""
    with app.app_context():
        names = [t.name for t in owned_tables()]
    engine = create_engine(OWNER_URL)
    with engine.connect() as conn:
        counts = {name: dict(conn.execute(text(
            f"SELECT tenant_id, count(*) FROM {name} GROUP BY tenant_id")).all()) for name in names}
    engine.dispose()
    return counts


def tenant_id_of(app, slug: str) -> int | None:
    with app.app_context(), platform_scope("cli"):
        found = db.session.scalar(select(Tenant.id).where(Tenant.slug == slug))
        db.session.remove()
    return found


def platform_entries(app, action: str) -> list[tuple[str | None, dict]]:
    with app.app_context(), platform_scope("cli"):
        entries = [(e.actor.email if e.actor else None, e.details) for e in db.session.scalars(
            select(PlatformAuditEntry).where(PlatformAuditEntry.action == action))]
        db.session.remove()
    return entries


@pytest.fixture
def operator(factory, make_client):
    factory.operator(OPERATOR)
    client = make_client()
    client.login(OPERATOR)
    return client


def delete(operator, tenant_id: int, confirmation: str):
    path = f"/base/tenants/{tenant_id}/delete"
    return operator.post_form(path, {"confirmation": confirmation})


def test_operator_deletes_a_tenant_and_its_figures_leave_the_dashboard(app, factory, operator):
    world = build_dashboard_world(app, factory)
    paris_id = world.tenants["paris"].tenant_id
    with app.app_context(), tenant_scope(paris_id):
        tenant_services.set_logo(db.session.get(Tenant, paris_id), tiny_png(), None)
        logo_key = db.session.get(Tenant, paris_id).logo_path
        db.session.commit()
        db.session.remove()
    before = rows_by_tenant(app)
    page = operator.get(f"/base/tenants/{paris_id}/delete")
    assert page.status_code == 200 and "Delete Paris Lantern Festival" in text_of(page)

    # A slug that is not this tenant's: refused, nothing deleted.
    everything = row_counts(app)
    response = delete(operator, paris_id, "tokyo")
    assert response.status_code == 400
    assert "Type the tenant's address name (slug) exactly" in text_of(response)
    assert row_counts(app) == everything

    response = delete(operator, paris_id, "paris")
    assert response.status_code == 302
    listing = text_of(operator.get(response.headers["Location"]))
    assert "Paris Lantern Festival and everything it owned are deleted." in listing
    assert "Tokyo Lantern Festival" in listing

    after = rows_by_tenant(app)
    assert tenant_id_of(app, "paris") is None
    assert not [name for name, counts in after.items() if paris_id in counts]
    others = {name: {t: n for t, n in counts.items() if t != paris_id}
              for name, counts in before.items()}
    assert after == {name: counts for name, counts in others.items()}
    with app.app_context(), pytest.raises(DomainError):
        read_file(logo_key)

    [(actor, details)] = platform_entries(app, "festival.privacy.tenant.deleted")
    assert actor == OPERATOR
    assert details["tenant"] == {"id": paris_id, "name": "Paris Lantern Festival", "slug": "paris",
                                 "city": "Paris", "country": "FR"}
    assert details["rows"]["ticket_order"] == before["ticket_order"][paris_id]
    assert details["rows"]["check_in"] == before["check_in"][paris_id]
    assert details["files"] == 1

    # The base's figures no longer count Paris; the others' are what they were.
    rows = export_rows(operator, "/base", "dashboard", f"{world.query()}")
    assert {row["name"]: int(row["tickets_sold"]) for row in rows if row["breakdown"] == "city"} \
        == {"Tokyo": 4, "Dubai": 6}
    assert operator.get("/paris/").status_code == 404


def test_refused_while_a_booking_with_a_supplier_runs(app, factory, operator):
    booking_world.seed_reference_data(app)
    paris = booking_world.host_city(factory)
    supplier = factory.supplier()
    dragon = booking_world.lamp_group(app, supplier.id, "DR-01")
    exhibition_id = booking_world.exhibition(app, paris.id)
    booking_id = booking_world.request(app, paris.id, exhibition_id, supplier.id, [dragon])
    everything = row_counts(app)

    page = text_of(operator.get(f"/base/tenants/{paris.id}/delete"))
    assert "1 booking with a supplier is still running. Close or cancel it first." in page
    response = delete(operator, paris.id, "paris")
    assert response.status_code == 409
    assert "1 booking with a supplier is still running." in text_of(response)
    assert row_counts(app) == everything

    def cancel(services):
        services.cancel(services.get_booking(booking_id), "tenant", "Season moved", None)

    booking_world.as_tenant(app, paris.id, cancel)
    assert delete(operator, paris.id, "paris").status_code == 302
    counts = rows_by_tenant(app)
    assert not counts["booking"] and not counts["booking_line"]
    with app.app_context(), platform_scope("cli"):
        from festival.catalog.models import LampGroup

        assert db.session.get(LampGroup, dragon) is not None  # the supplier's catalog stays
        db.session.remove()


def test_only_an_operator_deletes(app, factory, make_client):
    houston = factory.tenant("houston")
    factory.member(houston, "owner@houston.example", "owner")
    owner = make_client()
    owner.login("owner@houston.example")
    token = owner.csrf("/houston/manage/team")
    response = owner.http.post(f"/base/tenants/{houston.id}/delete",
                               data={"csrf_token": token, "confirmation": "houston"})
    assert response.status_code == 404
    assert tenant_id_of(app, "houston") == houston.id


def test_operator_deletes_from_the_command_line(app, factory):
    houston = factory.tenant("houston")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["delete-tenant", "houston", "--confirm", "paris"])
    assert result.exit_code != 0 and "Type the tenant's address name" in result.output
    assert tenant_id_of(app, "houston") == houston.id
    result = runner.invoke(args=["delete-tenant", "houston"], input="houston\n")
    assert result.exit_code == 0, result.output
    assert "Tenant houston deleted" in result.output
    assert tenant_id_of(app, "houston") is None
    [(actor, details)] = platform_entries(app, "festival.privacy.tenant.deleted")
    assert actor is None and details["tenant"]["slug"] == "houston"
    assert details["rows"]["tenant_audit_entry"] == 1  # its founding entry



def test_files_in_the_database_store_go_with_the_tenant(app, factory, monkeypatch):
    monkeypatch.setitem(app.config, "STORAGE_BACKEND", "database")
    houston, paris = factory.tenant("houston"), factory.tenant("paris")
    keys = {}
    for org in (houston, paris):
        with app.app_context(), tenant_scope(org.id):
            tenant = db.session.get(Tenant, org.id)
            tenant_services.set_logo(tenant, tiny_png(), None)
            keys[org.slug] = tenant.logo_path
            db.session.commit()
            db.session.remove()
    result = app.test_cli_runner().invoke(args=["delete-tenant", "houston", "--confirm", "houston"])
    assert result.exit_code == 0, result.output
    assert "1 files" in result.output
    with app.app_context():
        with pytest.raises(DomainError):
            read_file(keys["houston"])
        assert read_file(keys["paris"]) == tiny_png()
