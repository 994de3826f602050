"""The API tests' world: Paris (EUR, French) and Tokyo (JPY) on sale, tokens made by the service,
and a small client that speaks JSON with a bearer token."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import pytest

from festival.api import tokens
from festival.core.db import db
from festival.core.scope import tenant_scope
from festival.tenants.models import Tenant
from tests.ticketing.world import SalesWorld, build_sales_world

READ_WRITE = ["orders:read", "orders:write"]
_keys = itertools.count(1)


def new_key() -> str:
    return f"key-{next(_keys)}"


def make_token(app, tenant_id: int, scopes: list[str] | None = None, name: str = "Gate 1") -> str:
    """A token of the tenant created by the service, as the portal does; returns the full token."""
    with app.test_request_context(), tenant_scope(tenant_id):
        _row, full = tokens.create_token(db.session.get(Tenant, tenant_id), name,
                                         scopes or READ_WRITE, None)
        db.session.commit()
        db.session.remove()
    return full


@dataclass
class Api:
    """A JSON client with one token; ``key`` sends an Idempotency-Key."""

    http: object
    token: str | None

    def _headers(self, key: str | None, extra: dict | None) -> dict:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        if key is not None:
            headers["Idempotency-Key"] = key
        headers.update(extra or {})
        return headers

    def get(self, path: str, headers: dict | None = None, **kw):
        return self.http.get(f"/api/v1{path}", headers=self._headers(None, headers), **kw)

    def post(self, path: str, body=None, key: str | None = None, headers: dict | None = None, **kw):
        if isinstance(body, (bytes, str)):
            kw.setdefault("content_type", "application/json")
            return self.http.post(f"/api/v1{path}", data=body, headers=self._headers(key, headers), **kw)
        return self.http.post(f"/api/v1{path}", json=body, headers=self._headers(key, headers), **kw)


@pytest.fixture
def paris(app, factory) -> SalesWorld:
    return build_sales_world(app, factory, "paris", capacity=20)


@pytest.fixture
def tokyo(app, factory) -> SalesWorld:
    return build_sales_world(app, factory, "tokyo", capacity=20)


@pytest.fixture
def api(app, paris) -> Api:
    """Paris's integration, with a token that reads and writes orders."""
    return Api(app.test_client(), make_token(app, paris.tenant_id))


def order_body(world: SalesWorld, **changes) -> dict:
    body = {"slot_id": world.slot_ids[0], "items": [{"ticket_type_id": world.adult_id, "quantity": 2},
                                                    {"ticket_type_id": world.child_id, "quantity": 1}],
            "email": "marie@example.fr", "name": "Marie Curie", "locale": "fr"}
    body.update(changes)
    return body
