"""A worker remembers a checked token for API_TOKEN_CACHE_SECONDS: no lookup per request, and
still no request let through once the token is revoked or its tenant suspended here."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import event, select, update

from festival.accounts.models import User
from festival.api import tokens
from festival.api.models import ApiToken
from festival.core.db import db, utcnow
from festival.core.scope import platform_scope, tenant_scope
from festival.tenants import services as tenants
from festival.tenants.models import Tenant
from festival.ticketing import signing
from tests.api.conftest import Api, make_token


@pytest.fixture
def remembering(app, monkeypatch):
    monkeypatch.setitem(app.config, "API_TOKEN_CACHE_SECONDS", 5)
    tokens.forget_all()
    yield
    tokens.forget_all()


@pytest.fixture
def statements(app):
    """The SQL statements sent while the test runs."""
    sent: list[str] = []

    def note(conn, cursor, statement, *rest) -> None:
        sent.append(" ".join(statement.split()))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    yield sent
    event.remove(engine, "before_cursor_execute", note)


def _token_reads(sent: list[str]) -> list[str]:
    return [s for s in sent if "FROM api_token" in s or s.startswith("UPDATE api_token")]


def test_a_remembered_token_is_not_looked_up_again(app, paris, remembering, statements):
    api = Api(app.test_client(), make_token(app, paris.tenant_id))
    first = api.get("/exhibitions")
    assert first.status_code == 200 and len(_token_reads(statements)) == 2  # lookup + last used
    statements.clear()
    again = api.get("/exhibitions")
    assert again.get_json() == first.get_json()
    assert _token_reads(statements) == []


def test_revoked_here_is_refused_at_once_elsewhere_within_the_cache_time(app, paris, remembering,
                                                                         monkeypatch):
    token = make_token(app, paris.tenant_id)
    api = Api(app.test_client(), token)
    assert api.get("/exhibitions").status_code == 200
    # Revoked by another worker (a direct write): this worker still knows the token…
    with app.app_context(), platform_scope("cli"):
        db.session.execute(update(ApiToken).values(revoked_at=utcnow()))
        db.session.commit()
        db.session.remove()
    assert api.get("/exhibitions").status_code == 200
    # …until its memory lapses.
    later = tokens.time.monotonic() + 6
    monkeypatch.setattr(tokens.time, "monotonic", lambda: later)
    refused = api.get("/exhibitions")
    assert refused.status_code == 401
    assert refused.get_json()["error"]["message"].startswith("This API token has been revoked.")


def test_revoking_or_suspending_in_this_worker_forgets_at_once(app, paris, factory, remembering):
    api = Api(app.test_client(), make_token(app, paris.tenant_id))
    other = Api(app.test_client(), make_token(app, paris.tenant_id, name="Gate 2"))
    assert api.get("/exhibitions").status_code == 200 and other.get("/exhibitions").status_code == 200
    with app.test_request_context(), tenant_scope(paris.tenant_id):
        tokens.revoke_token(db.session.scalar(select(ApiToken).where(ApiToken.name == "Gate 1")),
                            None)
        db.session.commit()
        db.session.remove()
    assert api.get("/exhibitions").status_code == 401
    assert other.get("/exhibitions").status_code == 200
    operator = factory.operator()
    with app.test_request_context(), platform_scope("cli"):
        tenants.set_status(db.session.get(Tenant, paris.tenant_id), Tenant.STATUS_SUSPENDED,
                           db.session.get(User, operator.id))
        db.session.commit()
        db.session.remove()
    suspended = other.get("/exhibitions")
    assert suspended.status_code == 403
    assert suspended.get_json()["error"]["message"] == \
        "This organisation is suspended on Lantern. Please come back later."


def test_a_stale_tenant_copy_never_replaces_the_ticket_signing_key(app, paris):
    """Two first sales at once, or a remembered tenant row, must not make a second key: tickets
    signed with the first would stop scanning."""
    with app.test_request_context(), tenant_scope(paris.tenant_id):
        db.session.execute(update(Tenant).where(Tenant.id == paris.tenant_id)
                           .values(ticket_signing_key=None))
        db.session.commit()
        stale = db.session.get(Tenant, paris.tenant_id)
        assert stale.ticket_signing_key is None
        db.session.expunge(stale)
        first = signing.signing_key(db.session.get(Tenant, paris.tenant_id))
        db.session.commit()
        db.session.remove()
        again = signing.signing_key(db.session.merge(stale, load=False))
        assert again.private_bytes_raw() == first.private_bytes_raw()
        assert isinstance(again, Ed25519PrivateKey)
        db.session.remove()
