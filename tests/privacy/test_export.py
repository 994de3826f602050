"""A tenant's owner downloads everything the tenant owns as one zip; an operator does the same
from the command line. Only that tenant's rows, its logo, no secrets; the download is audited."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from festival.audit.models import TenantAuditEntry
from festival.core.db import db, scope_kind
from festival.core.scope import tenant_scope
from festival.privacy.tables import owned_tables
from tests.privacy.world import build_privacy_world, csv_rows, read_zip
from tests.security.conftest import tiny_png
from tests.ticketing.portal_staff import signed_in, text_of


@pytest.fixture
def world(app, factory):
    return build_privacy_world(app, factory)


def download(client, portal: str):
    return client.post_form(f"{portal}/privacy/export", token_from=f"{portal}/privacy")


def test_owner_downloads_every_table_the_logo_and_no_secret(app, world, make_client):
    houston = world.houston
    owner = signed_in(make_client, houston.emails["owner"])
    page = text_of(owner.get(f"{houston.portal}/privacy"))
    assert "Download all our data" in page
    response = download(owner, houston.portal)
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    assert "houston" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    archive = read_zip(response.get_data())

    # One CSV per table the tenant owns, alone or with a supplier (future tables too).
    with app.app_context():
        expected = {f"tables/{t.name}.csv" for t in owned_tables()}
    assert {"tables/ticket_order.csv", "tables/ticket.csv", "tables/booking.csv",
            "tables/tenant_audit_entry.csv"} <= expected
    assert expected <= set(archive)

    orders = csv_rows(archive, "ticket_order")
    assert {row["email"] for row in orders} == {"ada@visitors.example", "bob@visitors.example"}
    assert {row["name"] for row in orders} == {"Ada Lovelace", "Bob Builder"}
    assert {row["tenant_id"] for row in orders} == {str(houston.world.tenant_id)}
    assert {row["total"] for row in orders} == {"50.00", "40.00"}
    tickets = csv_rows(archive, "ticket")
    assert len(tickets) == 4 and {t["order_id"] for t in tickets} == {
        str(i) for i in world.orders.values()}
    every_cell = b"".join(archive.values()).decode("utf-8", "replace")
    assert "claire@paris-visitors.example" not in every_cell  # Paris's visitor
    assert "owner@paris.example" not in every_cell

    # The tenant's own row and its logo, byte for byte.
    tenant = json.loads(archive["tenant.json"])
    assert tenant["slug"] == "houston" and tenant["currency"] == "USD"
    assert tenant["logo_path"] == world.logo_key
    assert archive[f"files/{world.logo_key}"] == tiny_png()

    # No secret: signing key, token hashes, visitors' secret links.
    assert "ticket_signing_key" not in tenant
    tokens = csv_rows(archive, "api_token")
    assert [t["name"] for t in tokens] == ["Gate scanner"]
    assert "token_hash" not in tokens[0]
    assert "secret" not in orders[0]
    headers = {name: data.split(b"\r\n", 1)[0].decode() for name, data in archive.items()
               if name.endswith(".csv")}
    assert not [name for name, header in headers.items()
                if any(c.endswith("_hash") or c in ("secret", "token") for c in header.split(","))]

    manifest = json.loads(archive["manifest.json"])
    assert manifest["tenant"] == "houston"
    assert manifest["tables"]["ticket_order"] == 2 and manifest["files"] == [world.logo_key]

    # The download is in the tenant's audit log.
    with app.app_context(), tenant_scope(houston.world.tenant_id):
        entry = db.session.scalars(select(TenantAuditEntry).where(
            TenantAuditEntry.action == "festival.privacy.tenant.exported")).one()
        assert entry.actor.email == houston.emails["owner"]
        assert entry.details["files"] == 1
        db.session.remove()


def test_the_export_covers_every_owned_mapped_class(app):
    with app.app_context():
        owned = {mapper.local_table.name for mapper in db.Model.registry.mappers
                 if scope_kind(mapper.class_).__name__ in ("TenantOwned", "PartyShared")}
        assert owned == {t.name for t in owned_tables()}


@pytest.mark.parametrize("role", ["manager", "box_office", "gate"])
def test_only_the_owner_downloads(app, world, make_client, role):
    houston = world.houston
    member = signed_in(make_client, houston.emails[role])
    token = member.csrf(f"{houston.portal}/team") if role == "manager" else member.csrf(
        f"{houston.portal}/")
    response = member.http.post(f"{houston.portal}/privacy/export", data={"csrf_token": token})
    assert response.status_code == 403
    with app.app_context(), tenant_scope(houston.world.tenant_id):
        assert not db.session.scalars(select(TenantAuditEntry).where(
            TenantAuditEntry.action == "festival.privacy.tenant.exported")).all()
        db.session.remove()


def test_operator_exports_from_the_command_line(app, world, tmp_path):
    out = tmp_path / "paris.zip"
    result = app.test_cli_runner().invoke(args=["export-tenant", "paris", str(out)])
    assert result.exit_code == 0, result.output
    assert "paris.zip" in result.output
    archive = read_zip(out.read_bytes())
    assert [row["email"] for row in csv_rows(archive, "ticket_order")] == [
        "claire@paris-visitors.example"]
    assert not [p for p in tmp_path.iterdir() if p.name != "paris.zip"]  # no partial file left
    result = app.test_cli_runner().invoke(args=["export-tenant", "nowhere", str(out)])
    assert result.exit_code != 0 and "No tenant has the slug 'nowhere'" in result.output
