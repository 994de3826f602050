"""The tenant's owner sets its Stripe connected account; the base sets the application fee."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from festival.audit.models import TenantAuditEntry
from festival.core.db import db
from festival.core.scope import tenant_scope
from festival.tenants.models import Tenant
from tests.conftest import row_counts
from tests.security.conftest import field_error, text_of

EN = {"Accept-Language": "en"}


@pytest.fixture
def houston(factory):
    tenant = factory.tenant("houston")
    factory.member(tenant, "owner@houston.example", "owner")
    factory.member(tenant, "manager@houston.example", "manager")
    factory.operator("base@example.com")
    return tenant


def tenant_row(app, tenant_id: int) -> Tenant:
    with app.app_context(), tenant_scope(tenant_id):
        tenant = db.session.get(Tenant, tenant_id)
        db.session.expunge(tenant)
        db.session.remove()
    return tenant


def audit_actions(app, tenant_id: int) -> list[str]:
    with app.app_context(), tenant_scope(tenant_id):
        actions = list(db.session.scalars(select(TenantAuditEntry.action).order_by(TenantAuditEntry.id)))
        db.session.remove()
    return actions


def test_the_owner_connects_a_stripe_account_and_removes_it(app, client, houston):
    client.login("owner@houston.example")
    home = text_of(client.get("/houston/manage/", headers=EN))
    assert "Payments" in home  # in the portal's menu
    page = text_of(client.get("/houston/manage/payments", headers=EN))
    assert "Stripe is not configured on this deployment" in page
    assert "sales go through the platform's Stripe account" in page
    assert "Application fee set by the base: 0 %" in page

    saved = client.post_form("/houston/manage/payments", {"stripe_account_id": " acct_1HoustonLights "},
                             headers=EN, follow_redirects=True)
    page = text_of(saved)
    assert "Sales are now paid into the Stripe account acct_1HoustonLights." in page
    assert "charged directly on your Stripe account acct_1HoustonLights" in page
    assert tenant_row(app, houston.id).stripe_account_id == "acct_1HoustonLights"

    cleared = client.post_form("/houston/manage/payments", {"stripe_account_id": ""}, headers=EN,
                               follow_redirects=True)
    assert "The Stripe account is removed" in text_of(cleared)
    assert tenant_row(app, houston.id).stripe_account_id is None
    assert audit_actions(app, houston.id)[-2:] == ["festival.payments.stripe_account.set",
                                                   "festival.payments.stripe_account.cleared"]


@pytest.mark.parametrize("bad", ["pk_live_123", "acct_", "acct_12 34", "acct_1" + "x" * 70,
                                 "<script>", "acct_1é"])
def test_a_malformed_account_id_is_refused_clearly_and_writes_nothing(app, client, houston, bad):
    client.login("owner@houston.example")
    before = row_counts(app)
    response = client.post_form("/houston/manage/payments", {"stripe_account_id": bad}, headers=EN)
    assert response.status_code == 400
    assert ("starts with acct_" in field_error(response, "stripe_account_id")
            or "at most 64 characters" in field_error(response, "stripe_account_id"))
    assert row_counts(app) == before
    assert tenant_row(app, houston.id).stripe_account_id is None


def test_only_the_owner_manages_payments(app, client, make_client, houston, fake_stripe):
    client.login("manager@houston.example")
    assert "Payments" not in text_of(client.get("/houston/manage/", headers=EN))
    assert client.get("/houston/manage/payments").status_code == 403
    owner = make_client()
    owner.login("owner@houston.example")
    page = text_of(owner.get("/houston/manage/payments", headers=EN))
    assert "Stripe is configured on this deployment" in page  # keys set by fake_stripe


def test_the_base_sets_the_application_fee(app, client, make_client, houston):
    client.login("base@example.com")
    detail = f"/base/tenants/{houston.id}"
    page = text_of(client.get(detail, headers=EN))
    assert "No Stripe connected account" in page
    response = client.post_form(f"{detail}/fee", {"application_fee_percent": "4,5"}, token_from=detail,
                                headers=EN, follow_redirects=True)
    assert "The application fee of Houston Lantern Festival is now 4.5 %." in text_of(response)
    assert tenant_row(app, houston.id).application_fee_percent == Decimal("4.50")
    assert audit_actions(app, houston.id)[-1] == "festival.payments.application_fee.changed"

    owner = make_client()
    owner.login("owner@houston.example")
    assert "Application fee set by the base: 4.5 %" in text_of(
        owner.get("/houston/manage/payments", headers=EN))


@pytest.mark.parametrize("bad", ["31", "-1", "2.555", "abc", "", "NaN", "1e9"])
def test_a_fee_outside_0_to_30_is_refused_clearly_and_writes_nothing(app, client, houston, bad):
    client.login("base@example.com")
    detail = f"/base/tenants/{houston.id}"
    before = row_counts(app)
    response = client.post_form(f"{detail}/fee", {"application_fee_percent": bad}, token_from=detail,
                                headers=EN)
    assert response.status_code == 400
    assert "a percentage from 0 to 30" in field_error(response, "application_fee_percent")
    assert row_counts(app) == before
    assert tenant_row(app, houston.id).application_fee_percent == Decimal("0")
