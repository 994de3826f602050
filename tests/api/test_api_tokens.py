"""Staff create a token in the portal and see it once; the API accepts it until it is revoked."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from festival.api import tokens
from festival.api.models import ApiToken
from festival.audit.models import TenantAuditEntry
from festival.core.db import db, utcnow
from festival.core.scope import platform_scope, tenant_scope
from festival.tenants.models import Tenant
from tests.api.conftest import Api, make_token
from tests.conftest import Snapshot, row_counts

PAGE = "/paris/manage/api-tokens"
TOKEN = re.compile(r"lnt_[0-9a-f]{12}_[A-Za-z0-9_-]{43}")


def text_of(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())


def staff(factory, paris, role: str = "manager") -> str:
    email = f"{role}@paris.example.com"
    factory.member(Snapshot(paris.tenant_id, "tenant", paris.slug, None), email, role)
    return email


def test_manager_creates_a_token_sees_it_once_and_the_api_accepts_it(app, client, factory, paris):
    client.login(staff(factory, paris))
    en = {"Accept-Language": "en"}
    empty = text_of(client.get(PAGE, headers=en))
    assert "No token yet." in empty
    created = client.post_form(PAGE, {"name": "Box office tablet", "scopes": ["orders:read",
                                                                             "orders:write"]},
                               headers=en)
    assert created.status_code == 201
    assert created.headers["Cache-Control"] == "no-store"
    page = text_of(created)
    assert "Copy it now: it is shown only this once." in page
    shown = TOKEN.findall(created.get_data(as_text=True))
    assert len(set(shown)) == 1
    token = shown[0]
    assert "Box office tablet" in page and "orders:read, orders:write" in page and "Never" in page

    # Only its hash is stored, next to its prefix.
    with app.app_context(), tenant_scope(paris.tenant_id):
        row = db.session.scalar(select(ApiToken))
        assert row.prefix == token.split("_")[1] and row.token_hash == tokens.hash_token(token)
        assert token not in repr(row.__dict__)
        db.session.remove()

    second_view = client.get(PAGE, headers=en).get_data(as_text=True)
    assert TOKEN.search(second_view) is None and "Box office tablet" in second_view
    assert f"lnt_{token.split('_')[1]}_…" in second_view

    listed = Api(app.test_client(), token).get("/exhibitions")
    assert listed.status_code == 200
    assert [e["titles"]["fr"] for e in listed.get_json()["data"]] == ["Lumières de Chine"]
    assert "Last used" in text_of(client.get(PAGE, headers=en))
    assert "Never" not in text_of(client.get(PAGE, headers=en))


def test_revoked_token_gets_401_and_both_steps_are_audited(app, client, factory, paris):
    client.login(staff(factory, paris, "owner"))
    token = make_token(app, paris.tenant_id, name="Old scanner")
    api = Api(app.test_client(), token)
    assert api.get("/exhibitions").status_code == 200
    with app.app_context(), tenant_scope(paris.tenant_id):
        token_id = db.session.scalar(select(ApiToken.id))
        db.session.remove()
    revoked = client.post_form(f"{PAGE}/{token_id}/revoke", {}, token_from=PAGE,
                               headers={"Accept-Language": "en"}, follow_redirects=True)
    page = text_of(revoked)
    assert "The token Old scanner is revoked" in page and "Revoked" in page
    refused = api.get("/exhibitions")
    assert refused.status_code == 401
    assert refused.headers["WWW-Authenticate"] == 'Bearer realm="Lantern API", error="invalid_token"'
    assert refused.get_json()["error"]["message"].startswith("This API token has been revoked.")
    before = row_counts(app)
    again = client.post_form(f"{PAGE}/{token_id}/revoke", {}, token_from=PAGE,
                             headers={"Accept-Language": "en"})
    assert again.status_code == 409 and "This token is revoked already." in text_of(again)
    assert row_counts(app) == before
    with app.app_context(), tenant_scope(paris.tenant_id):
        actions = list(db.session.scalars(select(TenantAuditEntry.action)))
        db.session.remove()
    assert "festival.api.token.created" in actions and "festival.api.token.revoked" in actions


def test_bad_token_forms_are_refused_clearly_and_write_nothing(app, client, factory, paris):
    client.login(staff(factory, paris))
    before = row_counts(app)
    no_name = client.post_form(PAGE, {"name": "", "scopes": ["orders:read"]},
                               headers={"Accept-Language": "en"})
    assert no_name.status_code == 400 and "This field is required." in text_of(no_name)
    no_scope = client.post_form(PAGE, {"name": "Kiosk"}, headers={"Accept-Language": "en"})
    assert no_scope.status_code == 400
    assert "Choose at least one of the scopes offered." in text_of(no_scope)
    odd_scope = client.post_form(PAGE, {"name": "Kiosk", "scopes": ["admin"]},
                                 headers={"Accept-Language": "en"})
    assert odd_scope.status_code == 400
    assert "Choose one of the options offered." in text_of(odd_scope)
    assert row_counts(app) == before
    assert TOKEN.search(no_name.get_data(as_text=True)) is None


def test_gate_staff_cannot_manage_tokens(client, factory, paris):
    client.login(staff(factory, paris, "gate"))
    assert client.get(PAGE).status_code == 403


def test_missing_and_malformed_tokens_get_401_with_a_bearer_challenge(app, paris):
    http = app.test_client()
    make_token(app, paris.tenant_id)
    missing = http.get("/api/v1/exhibitions")
    assert missing.status_code == 401
    assert missing.headers["WWW-Authenticate"] == 'Bearer realm="Lantern API"'
    assert missing.get_json() == {"error": {
        "status": 401, "title": missing.get_json()["error"]["title"],
        "message": "Send an API token in the header Authorization: Bearer <token>."}}
    for header in ("Basic dXNlcjpwYXNz", "Bearer", "Bearer nonsense", "Bearer lnt_x_y",
                   "Bearer lnt_" + "a" * 40 + "_secret", "Bearer lnt_0123456789ab_wrongsecret",
                   "Bearer lnt_0123456789ab_" + "\u00e9" * 43, "Bearer lnt_01234\x0056789a_x",
                   "Bearer lnt_0123456789AB_" + "A" * 43):
        response = http.get("/api/v1/exhibitions", headers={"Authorization": header})
        assert response.status_code == 401, header
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_token_with_the_right_prefix_and_a_wrong_secret_is_refused(app, paris):
    token = make_token(app, paris.tenant_id)
    prefix = token.split("_")[1]
    forged = f"lnt_{prefix}_{'A' * 43}"
    response = Api(app.test_client(), forged).get("/exhibitions")
    assert response.status_code == 401
    assert response.get_json()["error"]["message"].startswith("This API token is not valid.")


def test_missing_scope_gets_403_and_writes_nothing(app, paris):
    reader = Api(app.test_client(), make_token(app, paris.tenant_id, ["orders:read"]))
    writer = Api(app.test_client(), make_token(app, paris.tenant_id, ["orders:write"]))
    assert reader.get("/orders").status_code == 200
    before = row_counts(app)
    refused = reader.post("/orders", {"slot_id": paris.slot_ids[0]}, key="k-1")
    assert refused.status_code == 403
    assert "does not have the scope orders:write" in refused.get_json()["error"]["message"]
    assert writer.get("/orders").status_code == 403
    assert writer.get(f"/exhibitions/{paris.exhibition_id}/slots").status_code == 403
    assert row_counts(app) == before


def test_a_suspended_tenant_s_tokens_get_403(app, paris):
    api = Api(app.test_client(), make_token(app, paris.tenant_id))
    with app.app_context(), platform_scope("cli"):
        db.session.get(Tenant, paris.tenant_id).status = Tenant.STATUS_SUSPENDED
        db.session.commit()
        db.session.remove()
    response = api.get("/exhibitions")
    assert response.status_code == 403
    assert "suspended" in response.get_json()["error"]["message"]


def test_a_signed_in_browser_is_no_credential_and_gets_no_cookie(app, client, factory, paris):
    client.login(staff(factory, paris, "owner"))
    response = client.get("/api/v1/exhibitions")
    assert response.status_code == 401
    assert "Set-Cookie" not in response.headers
    token = make_token(app, paris.tenant_id)
    ok = client.get("/api/v1/exhibitions", headers={"Authorization": f"Bearer {token}"})
    assert ok.status_code == 200 and "Set-Cookie" not in ok.headers


def test_last_used_is_written_at_most_once_a_minute(app, paris):
    api = Api(app.test_client(), make_token(app, paris.tenant_id))

    def last_used():
        with app.app_context(), tenant_scope(paris.tenant_id):
            value = db.session.scalar(select(ApiToken.last_used_at))
            db.session.remove()
        return value

    assert last_used() is None
    api.get("/exhibitions")
    first = last_used()
    assert first is not None and utcnow() - first < timedelta(seconds=30)
    api.get("/exhibitions")
    assert last_used() == first  # within the minute: not written again
    with app.app_context(), tenant_scope(paris.tenant_id):
        db.session.scalar(select(ApiToken)).last_used_at = first - timedelta(minutes=5)
        db.session.commit()
        db.session.remove()
    api.get("/exhibitions")
    assert last_used() > first - timedelta(minutes=1)
